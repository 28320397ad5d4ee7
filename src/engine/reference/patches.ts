/**
 * CPU reference of CryoLithe-style patch extraction (docs/background.md#cryolithe): for a point at centred
 * (x, y, z), the P × P patch of every tilt around its projection (u, v) = (x·cos θ + z·sin θ, y)
 * (docs/conventions.md#projection-and-sign; the trig comes from geometry.tiltTrig, so "invert angles" applies as everywhere).
 *
 * Patch layout, as the model input [batch, nTilts, P, P] wants it: [point][tilt][row][col], float32.
 * Row r runs along the tilt axis (v), column c along u; both step 1 detector pixel, offsets
 * j − ⌊P/2⌋ (so for odd P the patch is centred on (u, v); CryoLithe uses the same offsets for even P).
 * Values are bilinear in the filtered tilt, each of the four neighbours counting only when it lies
 * on the detector (zeros outside), like the back-projector's linear interpolation along u.
 *
 * Points come from a regular grid, so no coordinate list travels to the GPU: point (ix, iy, iz)
 * sits at centred (x0 + sx·ix, y0 + sy·iy, z0 + sz·iz) in detector pixels, and flat point index
 * f = ix + gx·(iy + gy·iz) (x fastest, then the slab's rows, then z: the slab volume layout
 * [z][row][x] of methods/slabs.ts). Voxels: origin −(n − 1)/2, step 1. The bior3.1 half grid:
 * origin −0.5 − (n − 1)/2, step 2 (see reference/wavelet3d.ts, halfGridOrigin).
 */

import type { PatchGrid, PatchSource } from '../methods/localnet/grid.ts';

/** Centred coordinate of grid point i along one axis, in float32 as the GPU computes it. */
export function gridCoord(origin: number, step: number, i: number): number {
  return Math.fround(Math.fround(origin) + Math.fround(Math.fround(step) * i));
}

/**
 * Patches of the points with flat indices [start, start + count) of `grid`, into an array of
 * `batch` ≥ count points (the rest stay 0: the model always sees full batches).
 */
export function extractPatchesCpu(
  source: PatchSource,
  trig: Float32Array,
  grid: PatchGrid,
  patch: number,
  start: number,
  count: number,
  batch = count,
): Float32Array {
  const { data, nTilts, nDet, nRows, rowOffset, nyDet } = source;
  const out = new Float32Array(batch * nTilts * patch * patch);
  const half = Math.floor(patch / 2);
  const uCentre = (nDet - 1) / 2;
  const vCentre = (nyDet - 1) / 2 - rowOffset;
  // Detector rows are limited to both the detector and the rows held (they coincide when the halo is planned right).
  const rowLo = Math.max(0, -rowOffset);
  const rowHi = Math.min(nRows, nyDet - rowOffset);
  const read = (k: number, row: number, col: number) =>
    row >= rowLo && row < rowHi && col >= 0 && col < nDet ? data[(k * nRows + row) * nDet + col] : 0;
  for (let p = 0; p < count; p++) {
    const f = start + p;
    const ix = f % grid.gx;
    const iy = Math.floor(f / grid.gx) % grid.gy;
    const iz = Math.floor(f / (grid.gx * grid.gy));
    const x = gridCoord(grid.origin[0], grid.step[0], ix);
    const y = gridCoord(grid.origin[1], grid.step[1], iy);
    const z = gridCoord(grid.origin[2], grid.step[2], iz);
    for (let k = 0; k < nTilts; k++) {
      const u = Math.fround(x * trig[2 * k]) + Math.fround(z * trig[2 * k + 1]);
      for (let r = 0; r < patch; r++) {
        const tv = y + (r - half) + vCentre;
        const v0 = Math.floor(tv);
        const wv = tv - v0;
        for (let c = 0; c < patch; c++) {
          const tu = u + (c - half) + uCentre;
          const u0 = Math.floor(tu);
          const wu = tu - u0;
          const value =
            (1 - wv) * ((1 - wu) * read(k, v0, u0) + wu * read(k, v0, u0 + 1)) + wv * ((1 - wu) * read(k, v0 + 1, u0) + wu * read(k, v0 + 1, u0 + 1));
          out[((p * nTilts + k) * patch + r) * patch + c] = value;
        }
      }
    }
  }
  return out;
}
