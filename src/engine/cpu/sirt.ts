/**
 * One SIRT iteration on the CPU for a range of rows: x ← x + λ·C·Aᵀ·R·(b − A·x), as methods/sirt/run.ts does
 * on the GPU. Every row is its own 2-D problem with the same geometry, so R (the row weights of
 * methods/sirt/weights.ts, 0 for a ray left out) is one detector row per tilt and C one x–z section, shared by
 * all rows.
 */
import { backProjectRow, type RowGeometry } from './projector.ts';
import { backProjectRowOnCpu, forwardProjectRowOnCpu } from './wasmProjector.ts';

/** C = 1/(Aᵀ·m) for m = 1 on the rays kept (R > 0), 0 where no kept ray passes; one x–z section (nz × nx). */
export function sirtColumnWeights(g: RowGeometry, rowWeights: Float32Array): Float32Array {
  const columnWeights = new Float32Array(g.nz * g.nx);
  backProjectRow(g, rowWeights.map((w) => (w > 0 ? 1 : 0)), 1, 0, columnWeights, 1, 0, 1);
  for (let i = 0; i < columnWeights.length; i++) columnWeights[i] = columnWeights[i] > 1e-6 ? 1 / columnWeights[i] : 0;
  return columnWeights;
}

export interface SirtRows {
  g: RowGeometry;
  /** Measured tilts b, [tilt][y][x] with ny rows. */
  b: Float32Array;
  /** The tomogram x, [z][y][x] with ny rows, updated in place. */
  x: Float32Array;
  ny: number;
  rowWeights: Float32Array;
  columnWeights: Float32Array;
  relaxation: number;
  positivity: boolean;
  /** Update x (else only measure the residual). */
  step: boolean;
  /** Per row: ‖b − A·x‖² over the rays kept, before this iteration's update. */
  residuals: Float64Array;
}

export function sirtIterationRows(p: SirtRows, r0: number, r1: number): void {
  const { g, b, x, ny, rowWeights, columnWeights, relaxation, positivity } = p;
  const { nx, nz, nTilts } = g;
  const projection = new Float32Array(nTilts * nx);
  const gradient = new Float32Array(nz * nx);
  for (let y = r0; y < r1; y++) {
    projection.fill(0);
    forwardProjectRowOnCpu(g, x, ny, y, projection, 1, 0);
    let squared = 0;
    for (let k = 0; k < nTilts; k++) {
      const from = (k * ny + y) * nx;
      for (let i = 0; i < nx; i++) {
        const r = b[from + i] - projection[k * nx + i];
        const w = rowWeights[k * nx + i];
        if (w > 0) squared += r * r;
        projection[k * nx + i] = r * w;
      }
    }
    p.residuals[y] = squared;
    if (!p.step) continue;
    gradient.fill(0);
    backProjectRowOnCpu(g, projection, 1, 0, gradient, 1, 0, 1);
    for (let z = 0; z < nz; z++) {
      const at = nx * (y + ny * z);
      for (let i = 0; i < nx; i++) {
        const value = x[at + i] + relaxation * columnWeights[z * nx + i] * gradient[z * nx + i];
        x[at + i] = positivity && value < 0 ? 0 : value;
      }
    }
  }
}
