/**
 * What the aligned stack looks like, shared by the GPU resampler and the page: sizes after binning, and the
 * per-section numbers the kernel reads. The sampling itself is described in docs/alignment.md.
 */
import type { Affine2D, StackAlignment } from '../../io/alignmentFiles.ts';

/** A stack of 2-D sections, x fastest: section k starts at k·nx·ny. Raw or aligned. */
export interface SectionStack {
  nx: number;
  ny: number;
  nSections: number;
  data: Float32Array;
}

export interface AlignOptions {
  /** Integer binning of the aligned output (default 1): each output pixel averages bin × bin samples. */
  bin?: number;
  /** Aligned size before binning, in raw pixels; defaults to the raw size, as newstack does. */
  outputSize?: { nx: number; ny: number };
}

/** Output size after binning: ⌊n / bin⌋ along each axis, centred on the same point as the unbinned image. */
export function alignedSize(raw: { nx: number; ny: number }, options: AlignOptions = {}): { nx: number; ny: number; bin: number } {
  const bin = options.bin ?? 1;
  if (!Number.isInteger(bin) || bin < 1) throw new Error(`binning must be a whole number ≥ 1, got ${bin}`);
  const size = options.outputSize ?? raw;
  const nx = Math.floor(size.nx / bin);
  const ny = Math.floor(size.ny / bin);
  if (nx < 1 || ny < 1) throw new Error(`an aligned image of ${size.nx} × ${size.ny} pixels binned by ${bin} is empty`);
  return { nx, ny, bin };
}

/** Mean of one raw section, in float64: out-of-image samples take it, as newstack fills by default. */
export function sectionMean(raw: SectionStack, section: number): number {
  const n = raw.nx * raw.ny;
  let sum = 0;
  for (let i = section * n; i < (section + 1) * n; i++) sum += raw.data[i];
  return sum / n;
}

/** Floats per section in the kernel's table: the six map coefficients, the fill value, padding. */
export const TRANSFORM_FLOATS = 8;

/** The kernel's table for kept sections [first, first + count) of the alignment. */
export function transformTable(raw: SectionStack, alignment: StackAlignment, first: number, count: number): Float32Array {
  const table = new Float32Array(count * TRANSFORM_FLOATS);
  for (let j = 0; j < count; j++) {
    const t: Affine2D = alignment.transforms[first + j];
    table.set([t.xx, t.xy, t.yx, t.yy, t.x0, t.y0, sectionMean(raw, alignment.keptSections[first + j])], j * TRANSFORM_FLOATS);
  }
  return table;
}
