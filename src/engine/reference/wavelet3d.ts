/**
 * One level of the 3-D bior3.1 wavelet transform, exactly as PyWavelets defines it (pywt.dwtn /
 * pywt.idwtn on the array shaped (nz, ny, nx) that mrcfile gives; checked against pywt 1.1.1 numbers in
 * wavelet3d.test.ts). CryoLithe's wavelet variant (docs/background.md#cryolithe) predicts these 8 sub-bands on the
 * half grid and the inverse assembles the volume.
 *
 * 1-D, for a line x of length n, filter length 4 (pywt's non-periodised modes):
 *   m = ⌊(n + 3)/2⌋ coefficients,   a[k] = Σ_j decLo[j]·x[2k + 1 − j],   d[k] = Σ_j decHi[j]·x[2k + 1 − j]
 *   x̂[i] = Σ_{k = ⌊i/2⌋, ⌊i/2⌋+1} recLo[i + 2 − 2k]·a[k] + recHi[i + 2 − 2k]·d[k]     (i < n)
 * x outside [0, n) follows the boundary mode of the forward transform: 'zero' (ptwt's default, which
 * CryoLithe trains with) or 'symmetric' (pywt's default, half-sample mirror). The inverse needs no mode:
 * every mode reconstructs perfectly. pywt's inverse gives 2m − 2 samples, n + 1 for odd n: we keep n.
 *
 * Coefficient k is centred (its analysis filter's centre) on full-grid index 2k − 0.5, so the half grid
 * has origin −0.5 − (n − 1)/2 and step 2 in centred coordinates (halfGridOrigin): that is where the
 * network is asked for its 8 coefficients.
 *
 * Sub-bands, in pywt's order: [aaa, aad, ada, add, daa, dad, dda, ddd], band b = 4·bz + 2·by + bx, letter
 * i of the key for array axis i = (z, y, x), 'd' = 1 (so "aad" is the detail along x). (CryoLithe's own
 * volumes are (y, x, z) arrays: its models' channel order is a permutation of this one.)
 * Coefficients are stored as the model emits them: [kz][ky][kx][band], 8 floats per half-grid point.
 */
import { BIOR31, halfLength } from '../methods/localnet/grid.ts';
import type { Volume } from '../types.ts';

export type WaveletMode = 'zero' | 'symmetric';

/** Half-grid coefficients of one level: mx × my × mz points, 8 bands each, [kz][ky][kx][band]. */
export interface WaveletCoefficients {
  mx: number;
  my: number;
  mz: number;
  data: Float32Array;
}

function extend(line: Float64Array, i: number, mode: WaveletMode): number {
  const n = line.length;
  if (i >= 0 && i < n) return line[i];
  if (mode === 'zero') return 0;
  // Half-sample symmetric: … x1 x0 | x0 x1 … x(n−1) | x(n−1) x(n−2) …; a filter of length 4 overruns by ≤ 2.
  return line[i < 0 ? Math.min(n - 1, -i - 1) : Math.max(0, 2 * n - i - 1)];
}

function forwardLine(x: Float64Array, mode: WaveletMode): [Float64Array, Float64Array] {
  const m = halfLength(x.length);
  const a = new Float64Array(m);
  const d = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    for (let j = 0; j < 4; j++) {
      const v = extend(x, 2 * k + 1 - j, mode);
      a[k] += BIOR31.decLo[j] * v;
      d[k] += BIOR31.decHi[j] * v;
    }
  }
  return [a, d];
}

function inverseLine(a: Float64Array, d: Float64Array, n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = Math.floor(i / 2);
    for (let k = q; k <= q + 1 && k < a.length; k++) {
      const j = i + 2 - 2 * k;
      x[i] += BIOR31.recLo[j] * a[k] + BIOR31.recHi[j] * d[k];
    }
  }
  return x;
}

/** A 3-D array, x fastest, dims [nz, ny, nx]. */
interface Grid3 {
  dims: [number, number, number];
  data: Float64Array;
}

/** Apply `fn` to every line along `axis` (0 = z, 1 = y, 2 = x) of `grids`, giving `outCount` lines of length `outLength`. */
function mapLines(grids: Grid3[], axis: number, outLength: number, outCount: number, fn: (lines: Float64Array[]) => Float64Array[]): Grid3[] {
  const dims = grids[0].dims;
  const outDims = [...dims] as [number, number, number];
  outDims[axis] = outLength;
  const stride = (d: readonly number[]) => (axis === 2 ? 1 : axis === 1 ? d[2] : d[1] * d[2]);
  const inStride = stride(dims);
  const outStride = stride(outDims);
  const others = [0, 1, 2].filter((a) => a !== axis);
  const outs = Array.from({ length: outCount }, (): Grid3 => ({ dims: outDims, data: new Float64Array(outDims[0] * outDims[1] * outDims[2]) }));
  const base = (d: readonly number[], i0: number, i1: number) => {
    const idx = [0, 0, 0];
    idx[others[0]] = i0;
    idx[others[1]] = i1;
    return (idx[0] * d[1] + idx[1]) * d[2] + idx[2];
  };
  for (let i0 = 0; i0 < dims[others[0]]; i0++) {
    for (let i1 = 0; i1 < dims[others[1]]; i1++) {
      const inBase = base(dims, i0, i1);
      const lines = grids.map((g) => Float64Array.from({ length: dims[axis] }, (_, t) => g.data[inBase + t * inStride]));
      const outBase = base(outDims, i0, i1);
      fn(lines).forEach((line, o) => line.forEach((v, t) => (outs[o].data[outBase + t * outStride] = v)));
    }
  }
  return outs;
}

/** Forward transform (pywt.dwtn(volume, 'bior3.1', mode) on the (nz, ny, nx) array), float64 inside. */
export function dwt3Cpu(volume: Volume, mode: WaveletMode = 'zero'): WaveletCoefficients {
  let bands: Grid3[] = [{ dims: [volume.nz, volume.ny, volume.nx], data: Float64Array.from(volume.data) }];
  // x, then y, then z: band index bx + 2·by + 4·bz.
  for (const axis of [2, 1, 0]) {
    const m = halfLength(bands[0].dims[axis]);
    const split = bands.map((g) => mapLines([g], axis, m, 2, ([line]) => forwardLine(line, mode)));
    bands = [...split.map((s) => s[0]), ...split.map((s) => s[1])];
  }
  const [mz, my, mx] = bands[0].dims;
  const data = new Float32Array(mx * my * mz * 8);
  bands.forEach((g, b) => g.data.forEach((v, i) => (data[8 * i + b] = v)));
  return { mx, my, mz, data };
}

/** Inverse transform (pywt.idwtn, cropped to nx × ny × nz), float64 inside. */
export function idwt3Cpu(coeffs: WaveletCoefficients, nx: number, ny: number, nz: number, pixelSize = 1): Volume {
  const { mx, my, mz } = coeffs;
  const n = mx * my * mz;
  let bands: Grid3[] = Array.from({ length: 8 }, (_, b) => ({ dims: [mz, my, mx], data: Float64Array.from({ length: n }, (_, i) => coeffs.data[8 * i + b]) }));
  // Undo z (bands b and b + 4), then y (b, b + 2), then x (b, b + 1).
  for (const [axis, size] of [
    [0, nz],
    [1, ny],
    [2, nx],
  ] as const) {
    const half = bands.length / 2;
    bands = bands.slice(0, half).map((lo, b) => mapLines([lo, bands[b + half]], axis, size, 1, ([a, d]) => [inverseLine(a, d, size)])[0]);
  }
  return { nx, ny, nz, pixelSize, data: Float32Array.from(bands[0].data) };
}
