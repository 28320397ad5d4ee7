/**
 * Where a local model is evaluated: regular grids of points in centred detector-pixel coordinates, the
 * detector rows their patches reach, and the bior3.1 half grid of the wavelet variant. Page-safe (the page
 * counts model calls with halfLength); the GPU kernels and the CPU references share these definitions.
 */
import type { Slab } from '../../geometry.ts';

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

/** Floats of one point's patches: one P × P patch per tilt (the GPU and CPU paths' batches, the CLI's training patches). */
export function patchFloatsPerPoint(nTilts: number, patch: number): number {
  return nTilts * patch * patch;
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

/** Half-grid rows [first, first + count) that output rows [y0, y0 + ny) need. */
export function halfRowsFor(y0: number, ny: number): { first: number; count: number } {
  const first = Math.floor(y0 / 2);
  return { first, count: Math.floor((y0 + ny - 1) / 2) + 2 - first };
}

/** The points a slab of tomogram rows evaluates (a GPU slab, a CPU piece, or all rows): the grid, and the tomogram rows its outputs give. */
export interface SlabPlan {
  slab: Slab;
  grid: PatchGrid;
  /** First half row held (wavelet variant). */
  ky0: number;
  points: number;
}

/** Every voxel of the slab's rows (voxel variant), or the half rows they need (wavelet variant), of an nx × ny × nz tomogram. */
export function slabPlan(slab: Slab, nx: number, ny: number, nz: number, wavelet: boolean): SlabPlan {
  if (!wavelet) {
    const grid: PatchGrid = { gx: nx, gy: slab.ny, gz: nz, origin: [-(nx - 1) / 2, slab.y0 - (ny - 1) / 2, -(nz - 1) / 2], step: [1, 1, 1] };
    return { slab, grid, ky0: 0, points: nx * slab.ny * nz };
  }
  const { first, count } = halfRowsFor(slab.y0, slab.ny);
  const [gx, gz] = [halfLength(nx), halfLength(nz)];
  const grid: PatchGrid = { gx, gy: count, gz, origin: [halfGridOrigin(nx), halfGridOrigin(ny) + 2 * first, halfGridOrigin(nz)], step: [2, 2, 2] };
  return { slab, grid, ky0: first, points: gx * count * gz };
}

const R = Math.SQRT2 / 8;
/** PyWavelets' bior3.1 filter bank (pywt.Wavelet('bior3.1')). */
export const BIOR31 = {
  decLo: [-2 * R, 6 * R, 6 * R, -2 * R],
  decHi: [-R, 3 * R, -3 * R, R],
  recLo: [R, 3 * R, 3 * R, R],
  recHi: [-2 * R, -6 * R, 6 * R, 2 * R],
} as const;
