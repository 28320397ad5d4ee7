/**
 * Separable Gaussian smoothing on the CPU: one 1-D convolution per axis, each in place over its lines, with
 * the kernel of scipy.ndimage.gaussian_filter (radius ⌊4σ + 0.5⌋, weights exp(−k²/2σ²) normalised to sum 1,
 * edges extended by the nearest voxel), so the two agree to float precision (gaussian.test.ts).
 */
import { throwIfAborted, type Volume } from '../../types.ts';
import type { RefinementRunner } from '../runner.ts';
import type { RunOptions } from '../slabs.ts';
import type { GaussianParams } from './base.ts';

/** The normalised 1-D kernel, index k − radius for offset k. */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5);
  const weights = Float64Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / sum);
}

/** Convolve every line of `data` along one axis (n samples `stride` apart; lines start at `starts`) in place. */
function convolveLines(data: Float32Array, starts: Iterable<number>, n: number, stride: number, kernel: Float64Array): void {
  const radius = (kernel.length - 1) / 2;
  const line = new Float64Array(n + 2 * radius);
  for (const start of starts) {
    for (let i = 0; i < line.length; i++) line[i] = data[start + stride * Math.min(n - 1, Math.max(0, i - radius))];
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < kernel.length; k++) sum += kernel[k] * line[i + k];
      data[start + stride * i] = sum;
    }
  }
}

function* range(count: number, map: (i: number) => number): Iterable<number> {
  for (let i = 0; i < count; i++) yield map(i);
}

/** The volume smoothed by an isotropic Gaussian of σ voxels; progress and cancellation between the axis passes' planes. */
export function gaussianSmooth(volume: Volume, sigma: number, options: RunOptions = {}): Volume {
  const { nx, ny, nz } = volume;
  const data = volume.data.slice();
  const kernel = gaussianKernel(sigma);
  const plane = nx * ny;
  // Per z-plane: the x and y passes; then per y-row: the z pass. 2·nz + ny steps in all.
  const steps = 2 * nz + ny;
  let step = 0;
  const tick = () => {
    throwIfAborted(options.signal);
    if (++step % 8 === 0) options.onProgress?.({ fraction: step / steps, message: `Gaussian smoothing: ${Math.round((100 * step) / steps)} %` });
  };
  for (let z = 0; z < nz; z++, tick()) convolveLines(data, range(ny, (y) => z * plane + y * nx), nx, 1, kernel);
  for (let z = 0; z < nz; z++, tick()) convolveLines(data, range(nx, (x) => z * plane + x), ny, nx, kernel);
  for (let y = 0; y < ny; y++, tick()) convolveLines(data, range(nx, (x) => y * nx + x), nz, plane, kernel);
  options.onProgress?.({ fraction: 1, message: 'Gaussian smoothing done' });
  return { ...volume, data };
}

export const GAUSSIAN_RUNNER: RefinementRunner<GaussianParams, never> = {
  run: async (_engine, tomogram, params, options) => ({ volume: gaussianSmooth(tomogram, params.sigma, options) }),
};
