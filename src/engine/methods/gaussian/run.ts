/**
 * Separable Gaussian smoothing on the CPU: one 1-D convolution per axis, each in place over its lines, with
 * the kernel of scipy.ndimage.gaussian_filter (radius ⌊4σ + 0.5⌋, weights exp(−k²/2σ²) normalised to sum 1,
 * edges extended by the nearest voxel), so the two agree to float precision (gaussian.test.ts).
 */
import { throwIfAborted, type Volume } from '../../types.ts';
import { planPieces, tomogramOf, wholeVolume, type Tomogram } from '../../../io/piecedVolume.ts';
import type { RefinementRunner } from '../runner.ts';
import { slabVolume, type RunOptions } from '../slabs.ts';
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

/** Smooth an nx × ny × nz array (x fastest) in place: per z-plane the x and y passes, then per y-row the z pass; `tick` after each. */
function smoothInPlace(data: Float32Array, nx: number, ny: number, nz: number, kernel: Float64Array, tick: () => void): void {
  const plane = nx * ny;
  for (let z = 0; z < nz; z++, tick()) convolveLines(data, range(ny, (y) => z * plane + y * nx), nx, 1, kernel);
  for (let z = 0; z < nz; z++, tick()) convolveLines(data, range(nx, (x) => z * plane + x), ny, nx, kernel);
  for (let y = 0; y < ny; y++, tick()) convolveLines(data, range(nx, (x) => y * nx + x), nz, plane, kernel);
}

/**
 * The tomogram smoothed by an isotropic Gaussian of σ voxels, piece by piece when it is held in pieces or larger
 * than one (RunOptions.pieceBytes; io/piecedVolume.ts): each piece's rows are smoothed with a halo of the kernel's
 * radius of rows on either side, then the halo dropped. The x and z passes never mix rows, and the y pass of a
 * piece's row reads only rows within the radius, all in the halo (or clamped at the tomogram's own edge, as
 * whole), so every voxel is the one-array result exactly. Progress and cancellation between the passes' planes.
 */
export function gaussianSmoothTomogram(tomogram: Tomogram, sigma: number, options: RunOptions = {}): Tomogram {
  const { nx, ny, nz, pixelSize } = tomogram;
  const kernel = gaussianKernel(sigma);
  const radius = (kernel.length - 1) / 2;
  const slabs = planPieces(nx, ny, nz, options.pieceBytes).map((rows) => {
    const y0 = Math.max(0, rows.y0 - radius);
    return { rows, input: { y0, ny: Math.min(ny, rows.y0 + rows.ny + radius) - y0 } };
  });
  // Per slab: the x and y passes per z-plane, the z pass per row of its input.
  const steps = slabs.reduce((n, { input }) => n + 2 * nz + input.ny, 0);
  let step = 0;
  const tick = () => {
    throwIfAborted(options.signal);
    if (++step % 8 === 0) options.onProgress?.({ fraction: step / steps, message: `Gaussian smoothing: ${Math.round((100 * step) / steps)} %` });
  };
  const pieces = slabs.map(({ rows, input }): Volume => {
    const data = slabVolume(tomogram, input);
    smoothInPlace(data, nx, input.ny, nz, kernel, tick);
    const kept = input.ny === rows.ny ? data : slabVolume({ nx, ny: input.ny, nz, pixelSize, data }, { y0: rows.y0 - input.y0, ny: rows.ny });
    return { nx, ny: rows.ny, nz, pixelSize, data: kept };
  });
  options.onProgress?.({ fraction: 1, message: 'Gaussian smoothing done' });
  return tomogramOf(pieces);
}

/** The volume smoothed by an isotropic Gaussian of σ voxels, as one array (gaussianSmoothTomogram). */
export function gaussianSmooth(volume: Volume, sigma: number, options: RunOptions = {}): Volume {
  return wholeVolume(gaussianSmoothTomogram(volume, sigma, { ...options, pieceBytes: Infinity }), 'Gaussian smoothing');
}

export const GAUSSIAN_RUNNER: RefinementRunner<GaussianParams, never> = {
  run: async (_engine, tomogram, params, options) => ({ volume: gaussianSmoothTomogram(tomogram, params.sigma, options) }),
};
