/**
 * One SIRT iteration on the CPU for a range of rows: x ← x + λ·C·Aᵀ·R·(b − A·x) (docs/architecture.md#sirt).
 * Every row is its own 2-D problem with the same geometry, so R = 1/(A·1) and C = 1/(Aᵀ·1) are one
 * detector row per tilt and one x–z section, shared by all rows (sirtWeights).
 */
import { backProjectRow, forwardProjectRow, type RowGeometry } from './projector.ts';

/** a ← 1/a where a > ε, else 0 (rays or voxels the geometry never touches), as on the GPU. */
function reciprocal(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = a[i] > 1e-6 ? 1 / a[i] : 0;
  return a;
}

/** R (nTilts × nx) and C (nz × nx) of one row. */
export function sirtWeights(g: RowGeometry): { rowWeights: Float32Array; columnWeights: Float32Array } {
  const rowWeights = new Float32Array(g.nTilts * g.nx);
  forwardProjectRow(g, new Float32Array(g.nz * g.nx).fill(1), 1, 0, rowWeights, 1, 0);
  const columnWeights = new Float32Array(g.nz * g.nx);
  backProjectRow(g, new Float32Array(g.nTilts * g.nx).fill(1), 1, 0, columnWeights, 1, 0, 1);
  return { rowWeights: reciprocal(rowWeights), columnWeights: reciprocal(columnWeights) };
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
  /** Per row: ‖b − A·x‖² before this iteration's update. */
  residuals: Float64Array;
}

export function sirtIterationRows(p: SirtRows, r0: number, r1: number): void {
  const { g, b, x, ny, rowWeights, columnWeights, relaxation, positivity } = p;
  const { nx, nz, nTilts } = g;
  const projection = new Float32Array(nTilts * nx);
  const gradient = new Float32Array(nz * nx);
  for (let y = r0; y < r1; y++) {
    projection.fill(0);
    forwardProjectRow(g, x, ny, y, projection, 1, 0);
    let squared = 0;
    for (let k = 0; k < nTilts; k++) {
      const from = (k * ny + y) * nx;
      for (let i = 0; i < nx; i++) {
        const r = b[from + i] - projection[k * nx + i];
        squared += r * r;
        projection[k * nx + i] = r * rowWeights[k * nx + i];
      }
    }
    p.residuals[y] = squared;
    if (!p.step) continue;
    gradient.fill(0);
    backProjectRow(g, projection, 1, 0, gradient, 1, 0, 1);
    for (let z = 0; z < nz; z++) {
      const at = nx * (y + ny * z);
      for (let i = 0; i < nx; i++) {
        const value = x[at + i] + relaxation * columnWeights[z * nx + i] * gradient[z * nx + i];
        x[at + i] = positivity && value < 0 ? 0 : value;
      }
    }
  }
}
