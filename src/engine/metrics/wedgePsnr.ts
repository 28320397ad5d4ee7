/**
 * PSNR split between the two sides of the wedge cone (docs/conventions.md#psnr-by-side-of-the-wedge).
 *
 * The residual r = x' − g after the affine fit (quality.ts) has, by Parseval, the mean square
 * mean(r²) = Σ_k |R(k)|² / N² over the DFT grid (N voxels). Summing over the measured side of the
 * wedge cone only, and over its missing side only, splits that mean square into two parts that add
 * up to it, and each part is reported as a PSNR with the same L. So the difference between two
 * results' PSNR on one side says how much closer to the truth one of them is there: a method that
 * fills the missing wedge gains on the missing side, a denoiser on both.
 *
 * The cone depends on (kx, kz) only, so no 3-D transform is needed: by Parseval along y,
 * Σ_ky |R(kx, ky, kz)|² = ny · Σ_y |R_y(kx, kz)|², R_y the 2-D DFT of the residual's x–z plane at row y. Each
 * plane is made from its rows, transformed and summed on its own, so the result and the truth may be held in
 * pieces and the memory is one plane.
 */
import { LineFft } from '../fft/cpuFft.ts';
import { rowReader, type Tomogram } from '../../io/piecedVolume.ts';
import { wedgeMaskXZ } from './fsc.ts';
import { affineFit, psnrOfMse } from './quality.ts';
import { drain, type Steps } from './steps.ts';

export interface WedgePsnr {
  /** PSNR (dB) of the error on the measured side of the wedge cone [θmin, θmax] alone. */
  psnrWedge: number;
  /** PSNR (dB) of the error on the missing side alone; with psnrWedge it makes up the whole PSNR. */
  psnrWedgeMissing: number;
}

/** The PSNR of `result` against `truth` (one size, either in pieces), its error split by the wedge cone of `tiltAngles` (degrees). */
export function wedgePsnr(result: Tomogram, truth: Tomogram, tiltAngles: readonly number[]): WedgePsnr {
  return drain(wedgePsnrSteps(result, truth, tiltAngles));
}

/** wedgePsnr plane by plane, yielding the fraction of the planes done (metrics/steps.ts). */
export function* wedgePsnrSteps(result: Tomogram, truth: Tomogram, tiltAngles: readonly number[]): Steps<WedgePsnr> {
  const { nx, ny, nz } = truth;
  const { alpha, beta } = affineFit(result, truth);
  const measured = wedgeMaskXZ(truth, tiltAngles);
  const [rowsX, rowsG] = [rowReader(result), rowReader(truth)];
  const [fftX, fftZ] = [new LineFft(nx), new LineFft(nz)];
  const [re, im] = [new Float64Array(nx * nz), new Float64Array(nx * nz)];
  const [lineRe, lineIm] = [new Float64Array(Math.max(nx, nz)), new Float64Array(Math.max(nx, nz))];
  let seWedge = 0;
  let seMissing = 0;
  for (let y = 0; y < ny; y++) {
    // The plane's residual, transformed along x row by row…
    for (let z = 0; z < nz; z++) {
      const [x, g] = [rowsX(y, z), rowsG(y, z)];
      const [rowRe, rowIm] = [lineRe.subarray(0, nx), lineIm.subarray(0, nx)];
      for (let i = 0; i < nx; i++) rowRe[i] = alpha * x[i] + beta - g[i];
      rowIm.fill(0);
      fftX.forward(rowRe, rowIm);
      re.set(rowRe, nx * z);
      im.set(rowIm, nx * z);
    }
    // …then along z column by column, each frequency's power added to its side of the cone.
    const [colRe, colIm] = [lineRe.subarray(0, nz), lineIm.subarray(0, nz)];
    for (let kx = 0; kx < nx; kx++) {
      for (let z = 0; z < nz; z++) [colRe[z], colIm[z]] = [re[kx + nx * z], im[kx + nx * z]];
      fftZ.forward(colRe, colIm);
      for (let kz = 0; kz < nz; kz++) {
        const power = colRe[kz] * colRe[kz] + colIm[kz] * colIm[kz];
        if (measured[kx + nx * kz]) seWedge += power;
        else seMissing += power;
      }
    }
    yield (y + 1) / ny;
  }
  // Σ_k |R|² = ny · (the planes' sums); mean(r²) = Σ_k |R|² / N².
  const n2 = (nx * ny * nz) ** 2;
  return { psnrWedge: psnrOfMse((ny * seWedge) / n2, truth), psnrWedgeMissing: psnrOfMse((ny * seMissing) / n2, truth) };
}
