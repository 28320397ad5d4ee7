/** Read-only views of a volume for display and export: statistics, percentiles and slices. */
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
