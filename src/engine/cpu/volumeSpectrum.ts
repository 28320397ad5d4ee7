/**
 * A tomogram's 3-D spectrum held in pieces and made by the CPU pool's threads (./radialFilter.ts runs the passes):
 * the kernels a thread runs on its part of the rows or columns.
 *
 * Why this layout. A tomogram is held as slabs of rows along y (io/piecedVolume.ts), so each y-row is a whole
 * x–z plane: its 2-D transform needs that row alone (pass 1, per row), the y transform then needs every row of one
 * (kx, kz) column (pass 2, per column), and the inverse x–z transforms one row again (pass 3). The spectrum is kept
 * only for kx ≥ 0 (nh = ⌊nx/2⌋ + 1 coefficients: a real volume's spectrum is Hermitian), as float32 re/im arrays in
 * pieces of whole y-rows, so that no array is larger than a piece and the whole takes about the tomogram's own
 * size. Every line is transformed in float64 (../fft/cpuFft.ts); forward unscaled, the inverses scaled by 1/n each.
 * Two real rows go through one complex x transform (a + i·b), split or joined by Hermitian symmetry. Pass 2 either
 * filters and transforms back (a radial filter) or sums two spectra's FSC terms per shell (an FSC).
 */
import { LineFft } from '../fft/cpuFft.ts';
import { frequency, mirrorIndex } from '../metrics/fourier.ts';
import { addToShell, roundHalfEven, type FscShells } from '../metrics/fsc.ts';
import { radialWeight, type RadialWeight } from '../methods/localnet/fbpHandover.ts';

/** Coefficients kept along x: kx = 0 … ⌊nx/2⌋. */
export function halfLength(nx: number): number {
  return Math.floor(nx / 2) + 1;
}

/**
 * The half spectrum of an nx × ny × nz volume: row y (nh × nz coefficients, kx fastest, then kz; the DFT index
 * order of metrics/fourier.ts) lives in piece ⌊y / rowsPerPiece⌋ at (y mod rowsPerPiece)·nh·nz. After pass 1
 * a row holds its plane's x–z transform; after pass 2 the full 3-D spectrum, filtered.
 */
export interface HalfSpectrum {
  nx: number;
  ny: number;
  nz: number;
  rowsPerPiece: number;
  re: Float32Array[];
  im: Float32Array[];
}

/**
 * A real gain at every DFT index, as plain data that crosses to a pool thread:
 * - sampled: a function of |k| alone, its values at |k| = i·kMax/(n − 1) cycles/voxel (n = table.length, shared),
 *   linearly interpolated between (./spectrumPasses.ts samples it finely);
 * - weighted: the local network's hand-over weight (methods/localnet/fbpHandover.ts: a raised cosine of |k|, or
 *   per FSC shell, floored by a Gaussian) times its cone's measured side in (kx, kz) where a cone is given.
 */
export type VoxelGain = { kind: 'sampled'; table: Float64Array; kMax: number } | { kind: 'weighted'; weight: RadialWeight; nMax: number; cone: Uint8Array | null };

/**
 * The gain at (jx, jz) of the grid and |k|² (cycles/voxel)². A cone's value at a coefficient is the mean of its own
 * and its mirror's (−k): the one-array filter multiplies both and keeps the real part, which is that mean (the two
 * differ only on an even size's Nyquist planes, where −k aliases to another side of the cone).
 */
function gainAt(gain: VoxelGain, nx: number, nz: number): (jx: number, jz: number, k2: number) => number {
  if (gain.kind === 'weighted') {
    const { weight, nMax, cone } = gain;
    return (jx, jz, k2) => {
      const side = cone ? (cone[jx + nx * jz] + cone[mirrorIndex(jx, nx) + nx * mirrorIndex(jz, nz)]) / 2 : 1;
      return side && side * radialWeight(weight, Math.sqrt(k2), nMax);
    };
  }
  const { table, kMax } = gain;
  const scale = (table.length - 1) / kMax;
  const last = table.length - 2;
  return (_jx, _jz, k2) => {
    const t = Math.sqrt(k2) * scale;
    const i = Math.min(last, Math.floor(t));
    return table[i] + (t - i) * (table[i + 1] - table[i]);
  };
}

/** Pass 1: rows [y0, y0 + rows) of a slab ([z][row][x]) transformed along x and z into the spectrum's rows y0 … . */
export interface SpectrumForwardTask {
  kernel: 'spectrumForward';
  y0: number;
  rows: number;
  slab: Float32Array;
  spectrum: HalfSpectrum;
}

/** Pass 2: columns blocks [y0, y0 + rows) (columnBlocks) transformed along y, multiplied by the gain, transformed back. */
export interface SpectrumColumnsTask {
  kernel: 'spectrumColumns';
  y0: number;
  rows: number;
  spectrum: HalfSpectrum;
  gain: VoxelGain;
}

/**
 * Pass 2 of an FSC: column blocks [y0, y0 + rows) of two half spectra transformed along y, and their terms added to
 * the FSC's shell sums (metrics/fsc.ts), block y0 + i's into sums' i-th part of fscSums' length.
 */
export interface FscColumnsTask {
  kernel: 'fscColumns';
  y0: number;
  rows: number;
  a: HalfSpectrum;
  b: HalfSpectrum;
  shells: FscShells;
  sums: Float64Array;
}

/** Pass 3: the spectrum's rows [y0, y0 + rows) transformed back along z and x into a slab ([z][row][x]). */
export interface SpectrumInverseTask {
  kernel: 'spectrumInverse';
  y0: number;
  rows: number;
  slab: Float32Array;
  spectrum: HalfSpectrum;
}

/** Consecutive kx columns gathered together along y: they share cache lines in every row. */
const COLUMN_BLOCK = 16;

/** Pass 2's units of work: blocks of up to COLUMN_BLOCK consecutive kx at one kz. */
export function columnBlocks(nx: number, nz: number): number {
  return Math.ceil(halfLength(nx) / COLUMN_BLOCK) * nz;
}

/** One plan per length, per thread: twiddles and chirps made once. */
const plans = new Map<number, LineFft>();
function planOf(n: number): LineFft {
  let plan = plans.get(n);
  if (!plan) plans.set(n, (plan = new LineFft(n)));
  return plan;
}

/** Where spectrum row y starts: its piece and the offset in it. */
function rowAt(spectrum: HalfSpectrum, y: number): { piece: number; offset: number } {
  const piece = Math.floor(y / spectrum.rowsPerPiece);
  return { piece, offset: (y - piece * spectrum.rowsPerPiece) * halfLength(spectrum.nx) * spectrum.nz };
}

/** Work space of one x–z plane: an x line and the plane's half spectrum, float64. */
function planeSpace(nx: number, nz: number) {
  const nh = halfLength(nx);
  return { lineRe: new Float64Array(nx), lineIm: new Float64Array(nx), re: new Float64Array(nh * nz), im: new Float64Array(nh * nz), zRe: new Float64Array(nz), zIm: new Float64Array(nz) };
}

/** Transform every kx column of a plane's half spectrum (nh × nz, kx fastest) along z, in place. */
function transformAlongZ(space: ReturnType<typeof planeSpace>, nh: number, nz: number, inverse: boolean): void {
  const plan = planOf(nz);
  const { re, im, zRe, zIm } = space;
  for (let kx = 0; kx < nh; kx++) {
    for (let z = 0; z < nz; z++) {
      zRe[z] = re[kx + nh * z];
      zIm[z] = im[kx + nh * z];
    }
    if (inverse) plan.inverse(zRe, zIm);
    else plan.forward(zRe, zIm);
    for (let z = 0; z < nz; z++) {
      re[kx + nh * z] = zRe[z];
      im[kx + nh * z] = zIm[z];
    }
  }
}

/** What a row kernel works with: the sizes, a plane's work space and the x transform's plan. */
function rowWork({ nx, nz }: HalfSpectrum) {
  return { nx, nz, nh: halfLength(nx), space: planeSpace(nx, nz), plan: planOf(nx) };
}

export function spectrumForwardRows(task: SpectrumForwardTask, from: number, to: number): void {
  const { slab, spectrum } = task;
  const { nx, nz, nh, space, plan } = rowWork(spectrum);
  const { lineRe, lineIm, re, im } = space;
  for (let y = from; y < to; y++) {
    const row = y - task.y0;
    // Rows z and z + 1 as one complex line Z = A + i·B: A = (Z[k] + conj Z[−k])/2, B = (Z[k] − conj Z[−k])/2i.
    for (let z = 0; z < nz; z += 2) {
      const a = nx * (row + task.rows * z);
      const paired = z + 1 < nz;
      for (let x = 0; x < nx; x++) {
        lineRe[x] = slab[a + x];
        lineIm[x] = paired ? slab[a + nx * task.rows + x] : 0;
      }
      plan.forward(lineRe, lineIm);
      for (let k = 0; k < nh; k++) {
        const m = k === 0 ? 0 : nx - k;
        re[k + nh * z] = (lineRe[k] + lineRe[m]) / 2;
        im[k + nh * z] = (lineIm[k] - lineIm[m]) / 2;
        if (!paired) continue;
        re[k + nh * (z + 1)] = (lineIm[k] + lineIm[m]) / 2;
        im[k + nh * (z + 1)] = (lineRe[m] - lineRe[k]) / 2;
      }
    }
    transformAlongZ(space, nh, nz, false);
    const { piece, offset } = rowAt(spectrum, y);
    spectrum.re[piece].set(re, offset);
    spectrum.im[piece].set(im, offset);
  }
}

/** Float64 work space for one block's kx columns along y. */
function columnSpace(ny: number) {
  return { re: Array.from({ length: COLUMN_BLOCK }, () => new Float64Array(ny)), im: Array.from({ length: COLUMN_BLOCK }, () => new Float64Array(ny)) };
}

/** Block `block`'s first kx, its kz, its width and where its first coefficient lies in a row. */
function blockAt(nx: number, block: number): { kx0: number; kz: number; width: number; at: number } {
  const nh = halfLength(nx);
  const blocksPerPlane = Math.ceil(nh / COLUMN_BLOCK);
  const kz = Math.floor(block / blocksPerPlane);
  const kx0 = (block - kz * blocksPerPlane) * COLUMN_BLOCK;
  return { kx0, kz, width: Math.min(COLUMN_BLOCK, nh - kx0), at: kx0 + nh * kz };
}

/** Copy `width` columns starting at `at` in every row of `spectrum` into `space` (out) or back (!out). */
function moveColumns(spectrum: HalfSpectrum, at: number, width: number, space: ReturnType<typeof columnSpace>, out: boolean): void {
  for (let y = 0; y < spectrum.ny; y++) {
    const { piece, offset } = rowAt(spectrum, y);
    const pr = spectrum.re[piece];
    const pi = spectrum.im[piece];
    for (let b = 0; b < width; b++) {
      const i = offset + at + b;
      if (out) {
        space.re[b][y] = pr[i];
        space.im[b][y] = pi[i];
      } else {
        pr[i] = space.re[b][y];
        pi[i] = space.im[b][y];
      }
    }
  }
}

export function spectrumColumnBlocks(task: SpectrumColumnsTask, from: number, to: number): void {
  const { spectrum } = task;
  const { nx, ny, nz } = spectrum;
  const gain = gainAt(task.gain, nx, nz);
  const plan = planOf(ny);
  const fy2 = Float64Array.from({ length: ny }, (_, j) => frequency(j, ny) ** 2);
  const column = columnSpace(ny);
  for (let block = from; block < to; block++) {
    const { kx0, kz, width, at } = blockAt(nx, block);
    moveColumns(spectrum, at, width, column, true);
    const fz2 = frequency(kz, nz) ** 2;
    for (let b = 0; b < width; b++) {
      const fxz2 = frequency(kx0 + b, nx) ** 2 + fz2;
      const [re, im] = [column.re[b], column.im[b]];
      plan.forward(re, im);
      for (let ky = 0; ky < ny; ky++) {
        const g = gain(kx0 + b, kz, fxz2 + fy2[ky]);
        re[ky] *= g;
        im[ky] *= g;
      }
      plan.inverse(re, im);
    }
    moveColumns(spectrum, at, width, column, false);
  }
}

/**
 * The FSC's shell sums over the half spectra: each kx column but kx = 0 (and nx/2 for even nx, its own mirror)
 * stands for its mirror −k too (F(−k) = conj F(k) for a real volume, the same terms), counted in the regions of the
 * mirror's own (jx, jz), so that the sums are the whole grid's.
 */
export function fscColumnBlocks(task: FscColumnsTask, from: number, to: number): void {
  const { a, b: bSpectrum, shells, sums } = task;
  const { nx, ny, nz } = a;
  const { nMax, nShells } = shells;
  const length = sums.length / task.rows;
  const plan = planOf(ny);
  const fy2 = Float64Array.from({ length: ny }, (_, j) => frequency(j, ny) ** 2);
  const [columnA, columnB] = [columnSpace(ny), columnSpace(ny)];
  for (let block = from; block < to; block++) {
    const part = sums.subarray((block - task.y0) * length, (block - task.y0 + 1) * length);
    const { kx0, kz, width, at } = blockAt(nx, block);
    moveColumns(a, at, width, columnA, true);
    moveColumns(bSpectrum, at, width, columnB, true);
    const fz2 = frequency(kz, nz) ** 2;
    const mz = mirrorIndex(kz, nz);
    for (let c = 0; c < width; c++) {
      const kx = kx0 + c;
      const ownMirror = kx === 0 || 2 * kx === nx;
      const fxz2 = frequency(kx, nx) ** 2 + fz2;
      const [ar, ai, br, bi] = [columnA.re[c], columnA.im[c], columnB.re[c], columnB.im[c]];
      plan.forward(ar, ai);
      plan.forward(br, bi);
      for (let ky = 0; ky < ny; ky++) {
        const r = roundHalfEven(Math.sqrt(fxz2 + fy2[ky]) * nMax);
        if (r >= nShells) continue;
        const num = ar[ky] * br[ky] + ai[ky] * bi[ky];
        const pa = ar[ky] * ar[ky] + ai[ky] * ai[ky];
        const pb = br[ky] * br[ky] + bi[ky] * bi[ky];
        addToShell(part, shells, r, kx, kz, num, pa, pb);
        if (!ownMirror) addToShell(part, shells, r, nx - kx, mz, num, pa, pb);
      }
    }
  }
}

export function spectrumInverseRows(task: SpectrumInverseTask, from: number, to: number): void {
  const { slab, spectrum } = task;
  const { nx, nz, nh, space, plan } = rowWork(spectrum);
  const { lineRe, lineIm, re, im } = space;
  for (let y = from; y < to; y++) {
    const { piece, offset } = rowAt(spectrum, y);
    re.set(spectrum.re[piece].subarray(offset, offset + nh * nz));
    im.set(spectrum.im[piece].subarray(offset, offset + nh * nz));
    transformAlongZ(space, nh, nz, true);
    const row = y - task.y0;
    // Rows z and z + 1 back as one complex line: Z = A + i·B, each of A and B extended to kx < 0 by A[−k] = conj A[k].
    for (let z = 0; z < nz; z += 2) {
      const paired = z + 1 < nz;
      for (let k = 0; k < nx; k++) {
        const conjugate = k >= nh;
        const j = conjugate ? nx - k : k;
        const aRe = re[j + nh * z];
        const aIm = conjugate ? -im[j + nh * z] : im[j + nh * z];
        const bRe = paired ? re[j + nh * (z + 1)] : 0;
        const bIm = paired ? (conjugate ? -im[j + nh * (z + 1)] : im[j + nh * (z + 1)]) : 0;
        lineRe[k] = aRe - bIm;
        lineIm[k] = aIm + bRe;
      }
      plan.inverse(lineRe, lineIm);
      const a = nx * (row + task.rows * z);
      for (let x = 0; x < nx; x++) {
        slab[a + x] = lineRe[x];
        if (paired) slab[a + nx * task.rows + x] = lineIm[x];
      }
    }
  }
}
