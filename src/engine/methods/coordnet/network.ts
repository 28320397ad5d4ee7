/**
 * The coordinate network's SIREN as data: its shape, the flat parameter layout shared by the GPU kernels and
 * the CPU reference, the initialisation, the coordinate grid of a slab, and Adam's constants.
 *
 * Parameter layout: layers in order 3→W, L × (W→W), W→1; layer l holds `out` rows of `in + 1` floats, the
 * row's weights then its bias. Sine layers compute h = sin(ω0·(W·h_prev + b)); the last layer is linear.
 */
import { Rng } from '../../sim/random.ts';

export interface SirenShape {
  width: number;
  /** Hidden W→W layers. */
  layers: number;
  omega0: number;
}

/** [in, out] of every layer. */
export function layerDims(shape: Pick<SirenShape, 'width' | 'layers'>): [number, number][] {
  return [[3, shape.width], ...Array.from({ length: shape.layers }, (): [number, number] => [shape.width, shape.width]), [shape.width, 1]];
}

/** Offset of every layer in the flat parameter array, plus the total at the end. */
export function layerOffsets(shape: Pick<SirenShape, 'width' | 'layers'>): number[] {
  const offsets = [0];
  for (const [i, o] of layerDims(shape)) offsets.push(offsets[offsets.length - 1] + o * (i + 1));
  return offsets;
}

/** Weights and biases of the network. */
export function paramCount(shape: Pick<SirenShape, 'width' | 'layers'>): number {
  return layerOffsets(shape).at(-1)!;
}

/**
 * SIREN initialisation: first-layer weights U(−1/in, 1/in), later ones U(−√(6/in)/ω0, √(6/in)/ω0);
 * biases U(−1/√in, 1/√in) (PyTorch's default, as in the reference code).
 */
export function initSiren(shape: SirenShape, seed: number): Float32Array {
  const rng = new Rng(seed);
  const theta = new Float32Array(paramCount(shape));
  const offsets = layerOffsets(shape);
  layerDims(shape).forEach(([nIn, nOut], l) => {
    const w = l === 0 ? 1 / nIn : Math.sqrt(6 / nIn) / shape.omega0;
    const b = 1 / Math.sqrt(nIn);
    for (let o = 0; o < nOut; o++) {
      for (let i = 0; i <= nIn; i++) theta[offsets[l] + o * (nIn + 1) + i] = i < nIn ? rng.uniform(-w, w) : rng.uniform(-b, b);
    }
  });
  return theta;
}

/** Voxel-centre coordinates in [0, 1] per axis, as the GPU computes them (float32), [z][row][x] order. */
export interface SirenGrid {
  nx: number;
  ny: number;
  nz: number;
  /** Coordinate step per row: 1/(nominal slab rows − 1), so a short last slab keeps the spacing. */
  rowStep: number;
}

export function gridSteps(g: SirenGrid): [number, number, number] {
  return [Math.fround(1 / Math.max(1, g.nx - 1)), Math.fround(g.rowStep), Math.fround(1 / Math.max(1, g.nz - 1))];
}

export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;
