/**
 * Read-only views of a volume for display and export: statistics, percentiles, slices and box averages. Each reads a
 * tomogram held in pieces (io/piecedVolume.ts) as well as one array, with the same result.
 */
import { omeZarrPyramid } from '../io/omeZarr.ts';
import { allocateTomogram, rowReader, volumePieces, type Tomogram } from '../io/piecedVolume.ts';
import type { Volume } from './types.ts';

export interface VolumeStats {
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** Statistics of `data`, or of the values of several runs of it in order (a pieced tomogram's, fileOrderRuns). */
export function volumeStats(data: Float32Array | readonly Float32Array[]): VolumeStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (const run of runsOf(data)) {
    n += run.length;
    // Indexed: a typed array's iterator is about ten times slower, and every result and data set passes through.
    for (let i = 0; i < run.length; i++) {
      const v = run[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      sum2 += v * v;
    }
  }
  n ||= 1;
  const mean = sum / n;
  return { min, max, mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
}

/** Percentiles (0–100) from an evenly strided sample of at most `sampleSize` values (of the runs taken in order). */
export function percentiles(data: Float32Array | readonly Float32Array[], ps: number[], sampleSize = 1 << 20): number[] {
  const runs = runsOf(data);
  const length = runs.reduce((sum, run) => sum + run.length, 0);
  const stride = Math.max(1, Math.floor(length / sampleSize));
  const sample = new Float32Array(Math.ceil(length / stride));
  let j = 0;
  let offset = 0;
  for (const run of runs) {
    // The next sampled index (a multiple of the stride) within this run.
    for (let i = (stride - (offset % stride)) % stride; i < run.length; i += stride) sample[j++] = run[i];
    offset += run.length;
  }
  sample.sort();
  return ps.map((p) => sample[Math.min(sample.length - 1, Math.max(0, Math.round((p / 100) * (sample.length - 1))))]);
}

function runsOf(data: Float32Array | readonly Float32Array[]): readonly Float32Array[] {
  return data instanceof Float32Array ? [data] : data;
}

export type SliceAxis = 'xy' | 'xz' | 'yz';

/**
 * One section, x fastest: XY at z (nx × ny), XZ at y (nx × nz, rows along z),
 * YZ at x (ny × nz, rows along z).
 */
export function volumeSlice(volume: Tomogram, axis: SliceAxis, index: number): { width: number; height: number; data: Float32Array } {
  const { nx, ny, nz } = volume;
  const limit = axis === 'xy' ? nz : axis === 'xz' ? ny : nx;
  if (!Number.isInteger(index) || index < 0 || index >= limit) throw new Error(`${axis.toUpperCase()} slice ${index} is outside 0–${limit - 1}`);
  const row = rowReader(volume);
  if (axis === 'xy') {
    const out = new Float32Array(nx * ny);
    for (let y = 0; y < ny; y++) out.set(row(y, index), y * nx);
    return { width: nx, height: ny, data: out };
  }
  if (axis === 'xz') {
    const out = new Float32Array(nx * nz);
    for (let z = 0; z < nz; z++) out.set(row(index, z), z * nx);
    return { width: nx, height: nz, data: out };
  }
  // One voxel per row: read straight from each piece's array, not through a view per row.
  const out = new Float32Array(ny * nz);
  for (const { y0, volume: piece } of volumePieces(volume))
    for (let z = 0; z < nz; z++) for (let y = 0; y < piece.ny; y++) out[z * ny + y0 + y] = piece.data[index + nx * (y + piece.ny * z)];
  return { width: ny, height: nz, data: out };
}

/** Smallest integer factor that brings the volume to at most maxVoxels voxels. */
export function pyramidFactor(volume: Pick<Volume, 'nx' | 'ny' | 'nz'>, maxVoxels: number): number {
  let f = 1;
  while (Math.ceil(volume.nx / f) * Math.ceil(volume.ny / f) * Math.ceil(volume.nz / f) > maxVoxels) f++;
  return f;
}

/**
 * Average f × f × f blocks (partial blocks at the far edges average what they hold); the result is in pieces when it
 * is larger than one (io/piecedVolume.ts), and for f = 1 it is the volume itself. `rows`: only rows y0 … y0 + ny − 1
 * of every section, as if they were the whole volume (a band, read without copying it at full size).
 */
export function downsampleVolume(volume: Tomogram, f: number, rows = { y0: 0, ny: volume.ny }): Tomogram {
  if (f === 1 && rows.ny === volume.ny) return volume;
  const nx = Math.ceil(volume.nx / f);
  const ny = Math.ceil(rows.ny / f);
  const nz = Math.ceil(volume.nz / f);
  const out = allocateTomogram(nx, ny, nz, volume.pixelSize * f);
  const [read, write] = [rowReader(volume), rowReader(out)];
  for (let z = 0; z < volume.nz; z++)
    for (let y = 0; y < rows.ny; y++) {
      const [row, sums] = [read(rows.y0 + y, z), write(Math.floor(y / f), Math.floor(z / f))];
      for (let x = 0; x < volume.nx; x++) sums[Math.floor(x / f)] += row[x];
    }
  // Each block holds the product of its widths along the three axes (f, or what is left at the far edge).
  const width = (i: number, n: number) => Math.min(f, n - i * f);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const sums = write(y, z);
      for (let x = 0; x < nx; x++) sums[x] /= width(x, volume.nx) * width(y, rows.ny) * width(z, volume.nz);
    }
  return out;
}

/** The levels of an OME-Zarr pyramid (io/omeZarr.ts omeZarrPyramid): level ℓ averages 2^ℓ voxels per axis. */
export function omeZarrLevels(volume: Tomogram): Tomogram[] {
  return omeZarrPyramid(volume).map((_, level) => downsampleVolume(volume, 2 ** level));
}
