/**
 * The inverse 3-D bior3.1 transform of the local network's wavelet variant on the CPU: eight sub-bands on the half
 * grid (band b = bx + 2·by + 4·bz, interleaved per point as the model gives them) back to an nx × ny × nz tomogram,
 * one axis at a time (z, then y, then x), with the reconstruction filters of methods/localnet/grid.ts:
 * x[i] = Σ over k ∈ {⌊i/2⌋, ⌊i/2⌋ + 1} of recLo[i + 2 − 2k]·a[k] + recHi[i + 2 − 2k]·d[k] (pywt's idwt, as the GPU's).
 * Rows [y0, y0 + ny) alone come from half rows [⌊y0/2⌋, ⌊(y0 + ny − 1)/2⌋ + 1] (grid.ts, halfRowsFor), value for value
 * as from the whole grid: the sums take the same terms in the same order.
 */
import { BIOR31 } from '../methods/localnet/grid.ts';

/** Array sizes, slowest first: [z, y, x]. */
type Dims = [number, number, number];

/**
 * Undo one level along `axis`: the low and high bands (dims[axis] = m, held from coefficient k0 on) into one array
 * with n samples there, the first being sample i0 of the whole axis.
 */
function inverseAxis(lo: Float64Array, hi: Float64Array, dims: Dims, axis: 0 | 1 | 2, n: number, i0 = 0, k0 = 0): Float64Array {
  const m = dims[axis];
  const out: Dims = [...dims];
  out[axis] = n;
  const result = new Float64Array(out[0] * out[1] * out[2]);
  const at = [0, 0, 0];
  let o = 0;
  for (let z = 0; z < out[0]; z++) {
    for (let y = 0; y < out[1]; y++) {
      for (let x = 0; x < out[2]; x++, o++) {
        at[0] = z;
        at[1] = y;
        at[2] = x;
        const i = at[axis] + i0;
        const q = i >> 1;
        let v = 0;
        for (let k = q; k <= q + 1 && k - k0 < m; k++) {
          at[axis] = k - k0;
          const from = (at[0] * dims[1] + at[1]) * dims[2] + at[2];
          v += BIOR31.recLo[i + 2 - 2 * k] * lo[from] + BIOR31.recHi[i + 2 - 2 * k] * hi[from];
        }
        result[o] = v;
      }
    }
  }
  return result;
}

/**
 * The tomogram (nx × ny × nz, x fastest) of sub-bands on an mx × my × mz half grid, 8 values per point; or, given
 * `rows`, its rows [y0, y0 + ny) (as nx × ny × nz) from the my half rows held from ky0 on.
 */
export function inverseWavelet3d(
  coefficients: Float32Array,
  [mx, my, mz]: [number, number, number],
  [nx, ny, nz]: [number, number, number],
  rows = { y0: 0, ky0: 0 },
): Float32Array {
  const points = mx * my * mz;
  let bands: Float64Array[] = Array.from({ length: 8 }, (_, b) => Float64Array.from({ length: points }, (_, i) => coefficients[8 * i + b]));
  let dims: Dims = [mz, my, mx];
  for (const [axis, n, i0, k0] of [
    [0, nz, 0, 0],
    [1, ny, rows.y0, rows.ky0],
    [2, nx, 0, 0],
  ] as const) {
    const half = bands.length / 2;
    bands = bands.slice(0, half).map((lo, b) => inverseAxis(lo, bands[b + half], dims, axis, n, i0, k0));
    dims = [...dims];
    dims[axis] = n;
  }
  return Float32Array.from(bands[0]);
}
