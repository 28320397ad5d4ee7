/** Read-only views of a volume for display and export: statistics, percentiles and slices. */
import { omeZarrPyramid } from '../io/omeZarr.ts';
import type { Volume } from './types.ts';

export interface VolumeStats {
  min: number;
  max: number;
  mean: number;
  std: number;
}

export function volumeStats(data: Float32Array): VolumeStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sum2 = 0;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sum2 += v * v;
  }
  const n = data.length || 1;
  const mean = sum / n;
  return { min, max, mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
}

/** Percentiles (0–100) from an evenly strided sample of at most `sampleSize` values. */
export function percentiles(data: Float32Array, ps: number[], sampleSize = 1 << 20): number[] {
  const stride = Math.max(1, Math.floor(data.length / sampleSize));
  const sample = new Float32Array(Math.ceil(data.length / stride));
  for (let i = 0, j = 0; i < data.length; i += stride, j++) sample[j] = data[i];
  sample.sort();
  return ps.map((p) => sample[Math.min(sample.length - 1, Math.max(0, Math.round((p / 100) * (sample.length - 1))))]);
}

export type SliceAxis = 'xy' | 'xz' | 'yz';

/**
 * One section, x fastest: XY at z (nx × ny), XZ at y (nx × nz, rows along z),
 * YZ at x (ny × nz, rows along z).
 */
export function volumeSlice(volume: Volume, axis: SliceAxis, index: number): { width: number; height: number; data: Float32Array } {
  const { nx, ny, nz, data } = volume;
  const limit = axis === 'xy' ? nz : axis === 'xz' ? ny : nx;
  if (!Number.isInteger(index) || index < 0 || index >= limit) throw new Error(`${axis.toUpperCase()} slice ${index} is outside 0–${limit - 1}`);
  if (axis === 'xy') return { width: nx, height: ny, data: data.slice(index * nx * ny, (index + 1) * nx * ny) };
  if (axis === 'xz') {
    const out = new Float32Array(nx * nz);
    for (let z = 0; z < nz; z++) out.set(data.subarray(nx * (index + ny * z), nx * (index + ny * z) + nx), z * nx);
    return { width: nx, height: nz, data: out };
  }
  const out = new Float32Array(ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) out[z * ny + y] = data[index + nx * (y + ny * z)];
  return { width: ny, height: nz, data: out };
}

/** Smallest integer factor that brings the volume to at most maxVoxels voxels. */
export function pyramidFactor(volume: Pick<Volume, 'nx' | 'ny' | 'nz'>, maxVoxels: number): number {
  let f = 1;
  while (Math.ceil(volume.nx / f) * Math.ceil(volume.ny / f) * Math.ceil(volume.nz / f) > maxVoxels) f++;
  return f;
}

/** Average f × f × f blocks (partial blocks at the far edges average what they hold). */
export function downsampleVolume(volume: Volume, f: number): Volume {
  if (f === 1) return volume;
  const nx = Math.ceil(volume.nx / f);
  const ny = Math.ceil(volume.ny / f);
  const nz = Math.ceil(volume.nz / f);
  const sums = new Float32Array(nx * ny * nz);
  const counts = new Uint16Array(nx * ny * nz);
  for (let z = 0; z < volume.nz; z++)
    for (let y = 0; y < volume.ny; y++) {
      const row = volume.nx * (y + volume.ny * z);
      const out = nx * (Math.floor(y / f) + ny * Math.floor(z / f));
      for (let x = 0; x < volume.nx; x++) {
        sums[out + Math.floor(x / f)] += volume.data[row + x];
        counts[out + Math.floor(x / f)]++;
      }
    }
  for (let i = 0; i < sums.length; i++) sums[i] /= counts[i];
  return { nx, ny, nz, data: sums, pixelSize: volume.pixelSize * f };
}

/** The levels of an OME-Zarr pyramid (io/omeZarr.ts omeZarrPyramid): level ℓ averages 2^ℓ voxels per axis. */
export function omeZarrLevels(volume: Volume): Volume[] {
  return omeZarrPyramid(volume).map((_, level) => downsampleVolume(volume, 2 ** level));
}
