/**
 * Overlapping cubes of a tomogram, and their blend back into one: the CPU half of the U-Net refinement (./run.ts).
 * Cubes tile each axis with `overlap` voxels shared between neighbours (the last cube ends at the edge); an axis
 * shorter than the cube gets one cube of that axis' length rounded up to a multiple of 4, zero-padded (the
 * normalised tomogram's mean). Outputs are blended with separable raised-cosine weights that fall over the
 * overlap at each face and never reach 0, normalised by their sum, so a voxel inside one cube only is that
 * cube's output, and the seams between cubes are smooth.
 */
import type { Volume } from '../../types.ts';

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

/** Weighted sums of cube outputs over the volume; `result` divides them out and undoes the normalisation. */
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

  /** Add one cube's output ([z][y][x] in `values` from `offset`) at `start`. */
  add(values: Float32Array, offset: number, start: Triple): void {
    const { nx, ny, nz } = this.dims;
    const [x0, y0, z0] = start;
    const [cx, cy, cz] = this.size;
    const [wx, wy, wz] = this.weights;
    for (let z = 0; z < cz && z0 + z < nz; z++) {
      for (let y = 0; y < cy && y0 + y < ny; y++) {
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
