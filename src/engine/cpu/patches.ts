/**
 * The local network's patch extraction on the CPU: the P × P patch of every tilt around the projection (u, v) of
 * each grid point, sampled bilinearly from the filtered stack, zero outside the detector, in the layout the model
 * takes ([point][tilt][row][column], methods/localnet/patches.ts). Within a patch the sample positions differ by
 * whole pixels, so the bilinear weights are one pair per point and tilt.
 */
import type { PatchGrid } from '../methods/localnet/grid.ts';

export interface PatchRows {
  /** The filtered stack, [tilt][y][x], nx × ny per tilt. */
  source: Float32Array;
  nx: number;
  ny: number;
  nTilts: number;
  /** [cos0, sin0, …] (geometry.ts tiltTrig). */
  trig: Float32Array;
  grid: PatchGrid;
  patch: number;
  /** The batch's patches: point p of the grid goes to slot p − first. */
  out: Float32Array;
  first: number;
}

/** Patches of grid points [p0, p1). */
export function extractPatchRows(t: PatchRows, p0: number, p1: number): void {
  const { source, nx, ny, nTilts, trig, grid, patch, out, first } = t;
  const half = Math.floor(patch / 2);
  const size = patch * patch;
  const read = (k: number, row: number, col: number) => (row >= 0 && row < ny && col >= 0 && col < nx ? source[(k * ny + row) * nx + col] : 0);
  for (let p = p0; p < p1; p++) {
    const x = grid.origin[0] + grid.step[0] * (p % grid.gx);
    const y = grid.origin[1] + grid.step[1] * (Math.floor(p / grid.gx) % grid.gy);
    const z = grid.origin[2] + grid.step[2] * Math.floor(p / (grid.gx * grid.gy));
    // v of the patch's first row, as a detector index; u of its first column likewise.
    const tv = y - half + (ny - 1) / 2;
    const v0 = Math.floor(tv);
    const wv = tv - v0;
    for (let k = 0; k < nTilts; k++) {
      const tu = x * trig[2 * k] + z * trig[2 * k + 1] - half + (nx - 1) / 2;
      const u0 = Math.floor(tu);
      const wu = tu - u0;
      const at = ((p - first) * nTilts + k) * size;
      for (let r = 0; r < patch; r++) {
        const row = v0 + r;
        for (let c = 0; c < patch; c++) {
          const col = u0 + c;
          const top = (1 - wu) * read(k, row, col) + wu * read(k, row, col + 1);
          const bottom = (1 - wu) * read(k, row + 1, col) + wu * read(k, row + 1, col + 1);
          out[at + r * patch + c] = (1 - wv) * top + wv * bottom;
        }
      }
    }
  }
}
