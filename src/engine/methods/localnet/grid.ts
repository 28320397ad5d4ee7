/**
 * Where a local model is evaluated: regular grids of points in centred detector-pixel coordinates, the
 * detector rows their patches reach, and the bior3.1 half grid of the wavelet variant. Page-safe (the page
 * counts model calls with halfLength); the GPU kernels and the CPU references share these definitions.
 */

/** A regular grid of points, in centred detector-pixel coordinates (see reference/patches.ts for the layout). */
export interface PatchGrid {
  gx: number;
  gy: number;
  gz: number;
  origin: [number, number, number];
  step: [number, number, number];
}

/**
 * Rows [rowOffset, rowOffset + nRows) of every tilt of a detector nDet wide and nyDet high, as
 * [tilt][row][pixel]: a slab plus the halo of rows its patches reach. Pixels of the detector outside
 * these rows must never be reached (the caller plans the halo), pixels outside the detector read 0.
 */
export interface PatchSource {
  data: Float32Array;
  nTilts: number;
  nDet: number;
  nRows: number;
  rowOffset: number;
  nyDet: number;
}

/** Rows (or columns) a patch reaches on either side of its centre, beyond the bilinear neighbour. */
export function patchReach(patch: number): { before: number; after: number } {
  const half = Math.floor(patch / 2);
  return { before: half, after: patch - 1 - half };
}

/** Coefficients per axis for n samples. */
export function halfLength(n: number): number {
  return Math.floor((n + 3) / 2);
}

/** Centred coordinate of half-grid point 0 along an axis of n samples; the step is 2. */
export function halfGridOrigin(n: number): number {
  return -0.5 - (n - 1) / 2;
}

const R = Math.SQRT2 / 8;
/** PyWavelets' bior3.1 filter bank (pywt.Wavelet('bior3.1')). */
export const BIOR31 = {
  decLo: [-2 * R, 6 * R, 6 * R, -2 * R],
  decHi: [-R, 3 * R, -3 * R, R],
  recLo: [R, 3 * R, 3 * R, R],
  recHi: [-2 * R, -6 * R, 6 * R, 2 * R],
} as const;
