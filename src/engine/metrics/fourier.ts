/**
 * 3-D discrete Fourier transforms of volumes on the CPU (docs/conventions.md#fourier-grid).
 *
 * Separable: 1-D transforms along x, then y, then z, for any lengths, with the `LineFft` plans of
 * ../fft/cpuFft.ts (twiddles, bit reversal and Bluestein chirp computed once per length, so that
 * the 3·n² lines of an n³ volume do no trigonometry).
 *
 * Storage: split re/im Float64Arrays in the volume's own order (x fastest, z slowest), in
 * DFT index order (index 0 = zero frequency, not shifted). Float64 is chosen for accuracy:
 * a 256³ complex volume takes 2 × 8 × 256³ B = 268 MB. FSC needs two spectra, but
 * `dft3dPair` packs two real volumes into ONE complex transform (a + i·b), so 256³ FSC
 * stays at 268 MB plus the inputs.
 *
 * Frequencies are in cycles per voxel, k ∈ [−0.5, 0.5): index j of an axis of length n
 * has k = j/n for j < n/2 and (j − n)/n otherwise (numpy's fftfreq).
 */
import { LineFft } from '../fft/cpuFft.ts';
import type { Volume } from '../types.ts';

export { LineFft };

/** Frequency in cycles/voxel of DFT index j along an axis of length n: in [−0.5, 0.5). */
export function frequency(j: number, n: number): number {
  return 2 * j < n ? j / n : (j - n) / n;
}

/** Index of the mirrored frequency −k: (n − j) mod n. */
export function mirrorIndex(j: number, n: number): number {
  return j === 0 ? 0 : n - j;
}

/** Columns gathered at once along y and z: consecutive x share cache lines. */
const BLOCK = 16;

/**
 * In-place 3-D DFT of a complex nx × ny × nz array (x fastest), forward (e^{−2πi k·x}, no
 * scaling) or inverse (scaled by 1/(nx·ny·nz)).
 */
export function fft3d(re: Float64Array, im: Float64Array, nx: number, ny: number, nz: number, inverse = false): void {
  const total = nx * ny * nz;
  if (re.length !== total || im.length !== total) {
    throw new RangeError(`fft3d: expected ${nx} × ${ny} × ${nz} = ${total} values, got ${re.length} and ${im.length}`);
  }
  const run = (plan: LineFft, r: Float64Array, i: Float64Array) => (inverse ? plan.inverse(r, i) : plan.forward(r, i));

  // x: contiguous rows, transformed through subarray views.
  if (nx > 1) {
    const plan = new LineFft(nx);
    for (let row = 0; row < ny * nz; row++) {
      const o = row * nx;
      run(plan, re.subarray(o, o + nx), im.subarray(o, o + nx));
    }
  }
  // y and z: strided columns, gathered BLOCK at a time.
  const strided = (n: number, stride: number, outerCount: number, outerStride: number, columns: number) => {
    if (n <= 1) return;
    const plan = new LineFft(n);
    const lr = Array.from({ length: BLOCK }, () => new Float64Array(n));
    const li = Array.from({ length: BLOCK }, () => new Float64Array(n));
    for (let outer = 0; outer < outerCount; outer++) {
      const base = outer * outerStride;
      for (let x0 = 0; x0 < columns; x0 += BLOCK) {
        const width = Math.min(BLOCK, columns - x0);
        for (let j = 0; j < n; j++) {
          const o = base + j * stride + x0;
          for (let b = 0; b < width; b++) {
            lr[b][j] = re[o + b];
            li[b][j] = im[o + b];
          }
        }
        for (let b = 0; b < width; b++) run(plan, lr[b], li[b]);
        for (let j = 0; j < n; j++) {
          const o = base + j * stride + x0;
          for (let b = 0; b < width; b++) {
            re[o + b] = lr[b][j];
            im[o + b] = li[b][j];
          }
        }
      }
    }
  };
  // y: per z-slice, the nx columns of the slice; z: the nx·ny columns of the whole volume.
  strided(ny, nx, nz, nx * ny, nx);
  strided(nz, nx * ny, 1, 0, nx * ny);
}

export interface Spectrum {
  nx: number;
  ny: number;
  nz: number;
  re: Float64Array;
  im: Float64Array;
}

/** The 3-D DFT of a real volume (any numeric array, x fastest): split Float64 re/im, nx × ny × nz in DFT index order. */
export function dft3d(volume: Pick<Volume, 'nx' | 'ny' | 'nz'> & { data: ArrayLike<number> }): Spectrum {
  const { nx, ny, nz, data } = volume;
  const re = Float64Array.from(data);
  const im = new Float64Array(re.length);
  fft3d(re, im, nx, ny, nz);
  return { nx, ny, nz, re, im };
}

/**
 * The DFTs of two real volumes of one size from one complex transform Z = DFT(a·sa + i·b·sb):
 * F_a(k) = (Z(k) + conj Z(−k)) / 2 / sa and F_b(k) = (Z(k) − conj Z(−k)) / 2i / sb.
 * `scaleA`/`scaleB` (default 1) balance the two inputs so that neither drowns in the other's
 * rounding; `visit` is called once per voxel index with both spectra at that frequency.
 */
export function dft3dPair(
  a: Pick<Volume, 'nx' | 'ny' | 'nz' | 'data'>,
  b: Pick<Volume, 'nx' | 'ny' | 'nz' | 'data'>,
  visit: (index: number, aRe: number, aIm: number, bRe: number, bIm: number) => void,
  scaleA = 1,
  scaleB = 1,
): void {
  const { nx, ny, nz } = a;
  if (b.nx !== nx || b.ny !== ny || b.nz !== nz) throw new RangeError(`dft3dPair: sizes differ (${nx}×${ny}×${nz} vs ${b.nx}×${b.ny}×${b.nz})`);
  const z = packedPairDft(a, b, scaleA, scaleB);
  const ua = 0.5 / scaleA;
  const ub = 0.5 / scaleB;
  for (let jz = 0; jz < nz; jz++) {
    const mz = mirrorIndex(jz, nz);
    for (let jy = 0; jy < ny; jy++) {
      const my = mirrorIndex(jy, ny);
      const row = nx * (jy + ny * jz);
      const mrow = nx * (my + ny * mz);
      for (let jx = 0; jx < nx; jx++) {
        const i = row + jx;
        const m = mrow + mirrorIndex(jx, nx);
        const zr = z.re[i];
        const zi = z.im[i];
        const wr = z.re[m];
        const wi = z.im[m];
        visit(i, (zr + wr) * ua, (zi - wi) * ua, (zi + wi) * ub, (wr - zr) * ub);
      }
    }
  }
}

/** Z = DFT(a·sa + i·b·sb), the packed transform behind `dft3dPair`. */
export function packedPairDft(
  a: Pick<Volume, 'nx' | 'ny' | 'nz' | 'data'>,
  b: Pick<Volume, 'nx' | 'ny' | 'nz' | 'data'>,
  scaleA = 1,
  scaleB = 1,
): Spectrum {
  const { nx, ny, nz } = a;
  const n = nx * ny * nz;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = a.data[i] * scaleA;
    im[i] = b.data[i] * scaleB;
  }
  fft3d(re, im, nx, ny, nz);
  return { nx, ny, nz, re, im };
}
