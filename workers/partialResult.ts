/**
 * Results that fill slab by slab (the coordinate network): how a partial one is named, and the
 * part of its volume that holds data. Pure; used by the engine worker.
 */
import type { Volume } from '../src/engine/types.ts';
import type { PartialState } from './api.ts';

const STATE_WORDS: Record<PartialState['state'], string> = { running: 'in progress', cancelled: 'cancelled', failed: 'failed' };

/** E.g. "rows 0–15 of 128 fitted". */
export function fittedRowsText(partial: Pick<PartialState, 'rowsDone'>, ny: number): string {
  return `rows 0–${partial.rowsDone - 1} of ${ny} fitted`;
}

/** E.g. "cancelled, rows 0–15 of 128 fitted". */
export function partialText(partial: PartialState, ny: number): string {
  return `${STATE_WORDS[partial.state]}, ${fittedRowsText(partial, ny)}`;
}

/** E.g. "Coordinate network (…) — cancelled, rows 0–15 of 128 fitted". */
export function partialLabel(label: string, partial: PartialState, ny: number): string {
  return `${label} — ${partialText(partial, ny)}`;
}

/**
 * The voxels of rows y < rowsDone (x fastest, z slowest), every k-th of them when there are more than
 * maxVoxels: statistics and contrast of a partial result come from these, not from the zeros of the
 * rows still to fit, and a large tomogram is not copied whole after every slab.
 */
export function fittedSample(volume: Pick<Volume, 'nx' | 'ny' | 'nz' | 'data'>, rowsDone: number, maxVoxels = 1 << 22): Float32Array {
  const { nx, ny, nz, data } = volume;
  if (rowsDone >= ny) return data;
  const row = nx * Math.max(0, rowsDone);
  const count = row * nz;
  const stride = Math.max(1, Math.ceil(count / maxVoxels));
  const out = new Float32Array(Math.ceil(count / stride));
  for (let i = 0, j = 0; i < count; i += stride, j++) out[j] = data[(i % row) + nx * ny * Math.floor(i / row)];
  return out;
}
