/**
 * Overlapping cubes of a tomogram, and their blend back into one: the CPU path of the U-Net refinement (./run.ts)
 * and the reference the GPU kernels (./kernels.ts) are checked against; also the plans both paths share.
 * Cubes tile each axis with `overlap` voxels shared between neighbours (the last cube ends at the edge); an axis
 * shorter than the cube gets one cube of that axis' length rounded up to a multiple of 4, zero-padded (the
 * normalised tomogram's mean). Outputs are blended with separable raised-cosine weights that fall over the
 * overlap at each face and never reach 0, normalised by their sum, so a voxel inside one cube only is that
 * cube's output, and the seams between cubes are smooth.
 */
import type { Slab } from '../../geometry.ts';
import { formatBytes } from '../../../io/bytes.ts';
import type { Volume } from '../../types.ts';
import type { ModelFootprint } from './footprint.ts';

export type Triple = [number, number, number];

export interface CubePlan {
  /** Cube sides (x, y, z). */
  size: Triple;
  /** Every cube's first voxel (x, y, z), x fastest in the order. */
  starts: Triple[];
}

/** First voxels of the cubes along an axis of n voxels. */
export function axisStarts(n: number, side: number, overlap: number): number[] {
  if (side >= n) return [0];
  const starts: number[] = [];
  for (let s = 0; s + side < n; s += side - overlap) starts.push(s);
  starts.push(n - side);
  return starts;
}

export function planCubes(dims: Pick<Volume, 'nx' | 'ny' | 'nz'>, cube: number, overlap: number): CubePlan {
  const n: Triple = [dims.nx, dims.ny, dims.nz];
  const size = n.map((v) => Math.min(cube, Math.ceil(v / 4) * 4)) as Triple;
  const [sx, sy, sz] = n.map((v, a) => axisStarts(v, size[a], overlap));
  const starts: Triple[] = [];
  for (const z of sz) for (const y of sy) for (const x of sx) starts.push([x, y, z]);
  return { size, starts };
}

/** 1-D blend weights of a cube side: sin² rising over the first `overlap` voxels, falling over the last, 1 between. */
export function taper(side: number, overlap: number): Float32Array {
  return Float32Array.from({ length: side }, (_, i) => {
    const edge = Math.min(i, side - 1 - i);
    return edge >= overlap ? 1 : Math.sin((Math.PI * (edge + 0.5)) / (2 * overlap)) ** 2;
  });
}

/** Copy the cube at `start` of (data − mean)/std into `out` from `offset` ([z][y][x]), zero outside the volume. */
export function cutCube(volume: Volume, mean: number, std: number, start: Triple, size: Triple, out: Float32Array, offset: number): void {
  const { nx, ny, nz, data } = volume;
  const [x0, y0, z0] = start;
  const [cx, cy, cz] = size;
  const inv = 1 / std;
  for (let z = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++) {
      const row = offset + cx * (y + cy * z);
      const inside = z0 + z < nz && y0 + y < ny;
      for (let x = 0; x < cx; x++) {
        out[row + x] = inside && x0 + x < nx ? (data[x0 + x + nx * (y0 + y + ny * (z0 + z))] - mean) * inv : 0;
      }
    }
  }
}

/**
 * Weighted sums of cube outputs over a volume, or over a slab's output rows: a cube's start is then relative to
 * the slab's first row (negative for a cube reaching in from above). `result` divides them out and undoes the
 * normalisation.
 */
export class CubeBlender {
  private readonly sum: Float32Array;
  private readonly weight: Float32Array;
  private readonly weights: [Float32Array, Float32Array, Float32Array];

  constructor(
    private readonly dims: Pick<Volume, 'nx' | 'ny' | 'nz'>,
    private readonly size: Triple,
    overlap: number,
  ) {
    const voxels = dims.nx * dims.ny * dims.nz;
    this.sum = new Float32Array(voxels);
    this.weight = new Float32Array(voxels);
    this.weights = size.map((side) => taper(side, overlap)) as [Float32Array, Float32Array, Float32Array];
  }

  /** Add one cube's output ([z][y][x] in `values` from `offset`) at `start`, what lies inside the volume. */
  add(values: Float32Array, offset: number, start: Triple): void {
    const { nx, ny, nz } = this.dims;
    const [x0, y0, z0] = start;
    const [cx, cy, cz] = this.size;
    const [wx, wy, wz] = this.weights;
    for (let z = 0; z < cz && z0 + z < nz; z++) {
      for (let y = Math.max(0, -y0); y < cy && y0 + y < ny; y++) {
        const wzy = wz[z] * wy[y];
        const row = offset + cx * (y + cy * z);
        const target = nx * (y0 + y + ny * (z0 + z)) + x0;
        for (let x = 0; x < cx && x0 + x < nx; x++) {
          const w = wzy * wx[x];
          this.sum[target + x] += w * values[row + x];
          this.weight[target + x] += w;
        }
      }
    }
  }

  /** The blended volume, back in the input's units (× std + mean). */
  result(mean: number, std: number): Float32Array {
    return this.sum.map((s, i) => (s / this.weight[i]) * std + mean);
  }
}

/** A slab of the refinement on the GPU: the output rows it finishes, the input rows its cubes read, and those cubes. */
export interface RefineSlab {
  output: Slab;
  input: Slab;
  starts: Triple[];
}

/** Rows [y0, y1) in the cubes of `plan` that reach them: the input rows, clipped to the volume, and the cubes. */
function slabFor(plan: CubePlan, ny: number, y0: number, y1: number): RefineSlab {
  const cy = plan.size[1];
  const starts = plan.starts.filter(([, y]) => y < y1 && y + cy > y0);
  const lo = Math.min(...starts.map(([, y]) => y));
  const hi = Math.min(ny, Math.max(...starts.map(([, y]) => y)) + cy);
  return { output: { y0, ny: y1 - y0 }, input: { y0: lo, ny: hi - lo }, starts };
}

/**
 * Slabs of rows for a tomogram larger than GPU memory. Every slab is refined from the same cubes as the whole
 * tomogram (`plan`), so the result is the same voxel for voxel: a slab's output rows get every cube that reaches
 * them, and its input rows are those cubes' rows, a halo of up to a cube around the output. Boundaries fall at
 * cube starts along y, where only the one row of cubes straddling the boundary is evaluated by both slabs. A slab
 * holds at most `maxInputRows` input rows where the tiling allows; one row of cubes and its neighbour always
 * (at most 2 × the cube side rows).
 */
export function planRefineSlabs(plan: CubePlan, ny: number, maxInputRows: number): RefineSlab[] {
  const bounds = [...new Set(plan.starts.map(([, y]) => y))].filter((y) => y > 0).sort((a, b) => a - b);
  bounds.push(ny);
  const slabs: RefineSlab[] = [];
  for (let y0 = 0; y0 < ny; ) {
    const ends = bounds.filter((t) => t > y0);
    const fitting = ends.filter((t) => slabFor(plan, ny, y0, t).input.ny <= maxInputRows);
    const y1 = fitting.length > 0 ? fitting[fitting.length - 1] : ends[0];
    slabs.push(slabFor(plan, ny, y0, y1));
    y0 = y1;
  }
  return slabs;
}

/** Cube side, overlap and batch that the device can run, and the rows of input one slab may hold. */
export interface CubeFit {
  cube: number;
  overlap: number;
  batchSize: number;
  maxInputRows: number;
}

/**
 * Fit the requested cubes to a device's limits and to the model's activations (`footprint`, read from its graph:
 * ./footprint.ts): ORT binds a tensor as one buffer, so one batch's widest tensor must fit the binding limit, and
 * a batch of cubes (input, output and the model's live activations) half the budget. The batch shrinks first,
 * then the cube (multiples of 4, ≥ 8, the overlap scaled with it), until both fit and the smallest slab (two rows
 * of cubes of input) fits the binding limit. Slabs hold as many input rows as the other half of the budget allows
 * beside their accumulators (`maxInputRows`; the smallest slab when fewer).
 * `bindingBytes`: min(maxStorageBufferBindingSize, maxBufferSize).
 */
export function fitCubes(
  dims: Pick<Volume, 'nx' | 'ny' | 'nz'>,
  requested: Omit<CubeFit, 'maxInputRows'>,
  footprint: ModelFootprint,
  bindingBytes: number,
  budgetBytes: number,
): CubeFit {
  const rowBytes = dims.nx * dims.nz * 4;
  // Per slab row: the input (4 bytes a voxel) and the two accumulators of the output rows (at most as many).
  const maxInputRows = Math.floor(Math.min(budgetBytes / 2 / (3 * rowBytes), bindingBytes / rowBytes));
  for (let cube = requested.cube; cube >= 8; cube -= 4) {
    const size = planCubes(dims, cube, 0).size;
    const cubeBytes = size[0] * size[1] * size[2] * 4;
    const byBinding = Math.floor(bindingBytes / (footprint.widestFloats * cubeBytes));
    const byBudget = Math.floor(budgetBytes / 2 / ((2 + footprint.liveFloats) * cubeBytes));
    const batchSize = Math.min(requested.batchSize, byBinding, byBudget);
    if (batchSize >= 1 && 2 * size[1] * rowBytes <= bindingBytes) {
      const overlap = Math.min(Math.round((requested.overlap * cube) / requested.cube), Math.ceil(cube / 2) - 1);
      return { cube, overlap, batchSize, maxInputRows };
    }
  }
  throw new Error(
    `even 8³ cubes of this ${dims.nx} × ${dims.ny} × ${dims.nz} tomogram do not fit this GPU (budget ${formatBytes(budgetBytes)}, ` +
      `binding limit ${formatBytes(bindingBytes)}): bin it or refine on the CPU path`,
  );
}
