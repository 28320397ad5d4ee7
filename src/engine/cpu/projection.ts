/**
 * Whole-array work on the CPU pool: the row filter, back-projection and forward projection of a tilt series or
 * tomogram, cut into slabs of rows along y so that a run reports progress and can be cancelled between slabs.
 * Results come back in plain (unshared) arrays, which the page's worker may transfer.
 */
import { planSlabs, tiltTrig, type Slab } from '../geometry.ts';
import { throwIfAborted, type ProgressCallback, type TiltSeries, type Volume } from '../types.ts';
import { sharedCopy, sharedFloats, type CpuPool } from './pool.ts';
import type { RowGeometry } from './projector.ts';
import type { CpuTask } from './tasks.ts';

export interface PoolRunOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  invertAngles?: boolean;
}

/** Rows per pool run: a few per thread, so progress moves and a cancel is seen within a fraction of a second. */
const ROWS_PER_THREAD = 4;

/** The slabs of ny rows that one pool run each takes. */
export function poolSlabs(pool: CpuPool, ny: number): Slab[] {
  return planSlabs(ny, ROWS_PER_THREAD * pool.threads);
}

/** Run `task(y0, rows)` over [0, ny) in slabs; `label` names the work in progress messages. */
export async function runInSlabs(pool: CpuPool, ny: number, task: (y0: number, rows: number) => CpuTask, options: PoolRunOptions, label: string): Promise<void> {
  for (const { y0, ny: rows } of poolSlabs(pool, ny)) {
    throwIfAborted(options.signal);
    options.onProgress?.({ fraction: y0 / ny, message: `${label}: rows ${y0}–${y0 + rows - 1} of ${ny}` });
    await pool.run(task(y0, rows));
  }
}

/** The geometry of a tilt series' rows for a tomogram nz thick. */
export function rowGeometry(nx: number, nz: number, tiltAngles: readonly number[], invertAngles = false): RowGeometry {
  return { nx, nz, nTilts: tiltAngles.length, trig: tiltTrig(tiltAngles, invertAngles) };
}

/** Filter every detector row of `ts` with a real, even response (filters.ts); a shared copy comes back. */
export async function filterTiltsOnPool(pool: CpuPool, ts: TiltSeries, response: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
  const data = sharedCopy(ts.data);
  const rows = ts.nTilts * ts.ny;
  // In slabs of rows of the whole stack, for cancellation only.
  const step = 64 * pool.threads;
  for (let y0 = 0; y0 < rows; y0 += step) {
    throwIfAborted(signal);
    await pool.run({ kernel: 'filter', y0, rows: Math.min(step, rows - y0), data, nx: ts.nx, response });
  }
  return data;
}

/** weight·Aᵀ of `tilts` ([tilt][y][x], shared) into an nx × ny × nz tomogram. */
export async function backProjectOnPool(pool: CpuPool, tilts: Float32Array, ny: number, g: RowGeometry, weight: number, options: PoolRunOptions, label: string): Promise<Float32Array> {
  const volume = sharedFloats(g.nx * ny * g.nz);
  await runInSlabs(pool, ny, (y0, rows) => ({ kernel: 'backProject', y0, rows, g, ny, tilts, volume, weight }), options, label);
  return volume.slice();
}

/** Project `volume` at `tiltAngles` (degrees); the detector is volume.nx wide (as forwardProjectGpu). */
export async function forwardProjectOnPool(pool: CpuPool, volume: Volume, tiltAngles: readonly number[], options: PoolRunOptions = {}): Promise<TiltSeries> {
  const { nx, ny, nz } = volume;
  const g = rowGeometry(nx, nz, tiltAngles, options.invertAngles);
  const shared = sharedCopy(volume.data);
  const tilts = sharedFloats(nx * ny * tiltAngles.length);
  await runInSlabs(pool, ny, (y0, rows) => ({ kernel: 'forwardProject', y0, rows, g, ny, volume: shared, tilts }), options, 'Projecting');
  return { nx, ny, nTilts: tiltAngles.length, data: tilts.slice(), tiltAngles: [...tiltAngles], pixelSize: volume.pixelSize };
}

/** Unweighted Aᵀ of a tilt series into an nx × ny × nz tomogram (as backProjectGpu). */
export async function backProjectTiltsOnPool(pool: CpuPool, ts: TiltSeries, nz: number, options: PoolRunOptions = {}): Promise<Volume> {
  const g = rowGeometry(ts.nx, nz, ts.tiltAngles, options.invertAngles);
  const data = await backProjectOnPool(pool, sharedCopy(ts.data), ts.ny, g, 1, options, 'Back-projecting');
  return { nx: ts.nx, ny: ts.ny, nz, data, pixelSize: ts.pixelSize };
}

/** Rows [row0, row0 + ny) of channel c of [n][C][rows][w] (a latent tensor, ONNX's layout), as [n][ny][w]. */
export function channelRows(data: Float32Array, n: number, channels: number, rows: number, w: number, c: number, row0: number, ny: number): Float32Array {
  const out = new Float32Array(n * ny * w);
  for (let i = 0; i < n; i++) out.set(data.subarray(((i * channels + c) * rows + row0) * w, ((i * channels + c) * rows + row0 + ny) * w), i * ny * w);
  return out;
}

/** Write [n][ny][w] times `weight` into rows [row0, row0 + ny) of channel c of [n][C][rows][w]. */
export function placeChannelRows(target: Float32Array, source: Float32Array, n: number, channels: number, rows: number, w: number, c: number, row0: number, weight: number): void {
  const ny = source.length / (n * w);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < ny * w; j++) target[((i * channels + c) * rows + row0) * w + j] = weight * source[i * ny * w + j];
}
