/** Odd/even FSC (docs/conventions.md#odd-even-fsc): reconstruct from even- and from odd-indexed tilts, FSC of the halves. */
import type { EngineContext } from '../context.ts';
import { reconstruct, type Reconstruction } from '../methods/runners.ts';
import type { RequestOf } from '../methods/registry.ts';
import type { RunOptions } from '../methods/slabs.ts';
import { resolutionAt } from '../metrics/fsc.ts';
import type { TiltSeries } from '../types.ts';
import { halvesFsc } from './halves.ts';

export interface OddEvenReport {
  label: string;
  /** Shell frequencies in cycles/voxel. */
  shells: number[];
  fsc: number[];
  /** Frequencies (cycles/voxel) where the FSC first falls below 0.143 and 0.5; null if it never does. */
  res0143: number | null;
  res05: number | null;
  /** Å per voxel of the halves; 0 when unknown. */
  pixelSize: number;
}

export async function oddEvenFsc(engine: EngineContext, ts: TiltSeries, request: RequestOf<'reconstruction'>, options: RunOptions = {}): Promise<OddEvenReport> {
  let first: Reconstruction | undefined;
  const curves = await halvesFsc(ts, async (half, which) => {
    const from = which === 'even' ? 0 : 1;
    const result = await reconstruct(engine, half, request, {
      ...options,
      // The FSC takes each half whole: one array, never pieces (io/piecedVolume.ts).
      pieceBytes: Infinity,
      onProgress: (p) => options.onProgress?.({ ...p, fraction: (from + p.fraction) / 2, message: `${which} tilts: ${p.message}` }),
    });
    first ??= result;
    return result.volume;
  });
  const { label, volume } = first as Reconstruction;
  return {
    label: `odd/even FSC, ${label}`,
    shells: curves.shells,
    fsc: curves.fsc,
    res0143: resolutionAt(curves, 0.143),
    res05: resolutionAt(curves, 0.5),
    pixelSize: volume.pixelSize,
  };
}
