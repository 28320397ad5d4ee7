/**
 * Plain reference of Gaussian smoothing: the full 3-D convolution with the product kernel, in float64, one
 * voxel at a time (nearest-voxel edges). Slow (O(n·(2r + 1)³)), for small volumes in tests only; the method's
 * separable filter (methods/gaussian/run.ts) must agree with it to float precision.
 */
import type { Volume } from '../types.ts';

export function gaussianSmoothCpu(volume: Volume, sigma: number): Volume {
  const { nx, ny, nz, data } = volume;
  const radius = Math.floor(4 * sigma + 0.5);
  const w = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = w.reduce((a, b) => a + b, 0) ** 3;
  const clamp = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));
  const out = new Float32Array(data.length);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        let sum = 0;
        for (let c = -radius; c <= radius; c++) {
          for (let b = -radius; b <= radius; b++) {
            for (let a = -radius; a <= radius; a++) {
              sum += w[a + radius] * w[b + radius] * w[c + radius] * data[clamp(x + a, nx) + nx * (clamp(y + b, ny) + ny * clamp(z + c, nz))];
            }
          }
        }
        out[x + nx * (y + ny * z)] = sum / total;
      }
    }
  }
  return { ...volume, data: out };
}
