/**
 * Odd/even FSC (docs/conventions.md#odd-even-fsc): reconstruct two halves of the data, FSC of the two. The halves
 * are the even- and the odd-indexed tilts, or (frame halves) every tilt summed from only its even and only its
 * odd movie frames: the same tilts with independent noise, so the FSC measures the noise, not the sampling.
 */
import { cpuPoolOf, type EngineContext } from '../context.ts';
import { reconstruct, type Reconstruction } from '../methods/runners.ts';
import type { RequestOf } from '../methods/registry.ts';
import type { RunOptions } from '../methods/slabs.ts';
import { resolutionAt } from '../metrics/fsc.ts';
import { throwIfAborted, type TiltSeries } from '../types.ts';
import { halvesFsc, type HalfSeries } from './halves.ts';

/** Every tilt's sums of its even and of its odd movie frames (a RELION table's, or STEM_EVN / STEM_ODD stacks), each half read when its turn comes. */
export interface FrameHalves {
  read: HalfSeries;
}

/** How the data is halved: by tilt, or by movie frame (FrameHalves). */
export const ODD_EVEN_SPLITS = ['tilts', 'frames'] as const;
export type OddEvenSplit = (typeof ODD_EVEN_SPLITS)[number];

export interface OddEvenReport {
  label: string;
  split: OddEvenSplit;
  /** Shell frequencies in cycles/voxel. */
  shells: number[];
  fsc: number[];
  /** Frequencies (cycles/voxel) where the FSC first falls below 0.143 and 0.5; null if it never does. */
  res0143: number | null;
  res05: number | null;
  /** Å per voxel of the halves; 0 when unknown. */
  pixelSize: number;
}

/** The halves of `data` (a tilt series, halved by tilt, or its frame halves), each reconstructed by `request`, and their FSC. */
export async function oddEvenFsc(engine: EngineContext, data: TiltSeries | FrameHalves, request: RequestOf<'reconstruction'>, options: RunOptions = {}): Promise<OddEvenReport> {
  const split: OddEvenSplit = 'read' in data ? 'frames' : 'tilts';
  const halves = 'read' in data ? readingHalves(data, options) : data;
  let first: Reconstruction | undefined;
  // Each half in pieces when large (io/piecedVolume.ts): the FSC takes them so.
  const curves = await halvesFsc(
    halves,
    async (half, which) => {
      const from = which === 'even' ? 0 : 1;
      const result = await reconstruct(engine, half, request, {
        ...options,
        onProgress: (p) => options.onProgress?.({ ...p, fraction: (from + p.fraction) / 2, message: `${which} ${split}: ${p.message}` }),
      });
      first ??= result;
      return result.volume;
    },
    cpuPoolOf(engine),
  );
  const { label, volume } = first as Reconstruction;
  return {
    label: `${split === 'frames' ? 'frame-half' : 'odd/even'} FSC, ${label}`,
    split,
    shells: curves.shells,
    fsc: curves.fsc,
    res0143: resolutionAt(curves, 0.143),
    res05: resolutionAt(curves, 0.5),
    pixelSize: volume.pixelSize,
  };
}

/** The frame halves' reader, saying when it reads (a large series takes a while) and refusing a cancelled run first. */
function readingHalves(frames: FrameHalves, options: RunOptions): HalfSeries {
  return async (which) => {
    throwIfAborted(options.signal);
    options.onProgress?.({ fraction: which === 'even' ? 0 : 0.5, message: `${which} frames: reading their sums` });
    return frames.read(which);
  };
}
