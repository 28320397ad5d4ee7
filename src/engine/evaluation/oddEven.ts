/** Odd/even FSC (docs/conventions.md#odd-even-fsc): reconstruct from even- and from odd-indexed tilts, FSC of the halves. */
import type { EngineContext } from '../context.ts';
import { reconstruct } from '../methods/runners.ts';
import type { RequestOf } from '../methods/registry.ts';
import type { RunOptions } from '../methods/slabs.ts';
import { oddEvenSplit } from '../metrics/crossValidation.ts';
import { fsc, resolutionAt } from '../metrics/fsc.ts';
import { MIN_TILTS } from '../../io/tiltSeriesChecks.ts';
import type { TiltSeries } from '../types.ts';
import { subsetTilts } from './tiltSubsets.ts';
import { wholeVolume } from '../../io/piecedVolume.ts';

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
  // Each half is reconstructed on its own: it needs MIN_TILTS tilts.
  if (ts.nTilts < 2 * MIN_TILTS) throw new Error(`odd/even FSC needs at least ${2 * MIN_TILTS} tilts (this series has ${ts.nTilts})`);
  const { even, odd } = oddEvenSplit(ts.tiltAngles);
  const half = (indices: number[], from: number) =>
    reconstruct(engine, subsetTilts(ts, indices), request, {
      ...options,
      // The FSC takes each half whole: one array, never pieces (io/piecedVolume.ts).
      pieceBytes: Infinity,
      onProgress: (p) => options.onProgress?.({ ...p, fraction: (from + p.fraction) / 2, message: `${from ? 'odd' : 'even'} tilts: ${p.message}` }),
    });
  const a = await half(even, 0);
  const b = await half(odd, 1);
  const curves = fsc(wholeVolume(a.volume, 'The odd/even FSC'), wholeVolume(b.volume, 'The odd/even FSC'));
  return {
    label: `odd/even FSC, ${a.label}`,
    shells: curves.shells,
    fsc: curves.fsc,
    res0143: resolutionAt(curves, 0.143),
    res05: resolutionAt(curves, 0.5),
    pixelSize: a.volume.pixelSize,
  };
}
