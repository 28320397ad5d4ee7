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
import { rowReader, type Tomogram } from '../../io/piecedVolume.ts';
import { wedgeMaskXZ } from './fsc.ts';
import { fft3d } from './fourier.ts';
import { fitToTruth, psnrOfMse, type FitToTruth } from './quality.ts';
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

/**
 * wedgePsnr plane by plane, yielding the fraction of the planes done (metrics/steps.ts); `fitted`: the result's fit
 * and the truth's range, when the caller has them.
 */
export function* wedgePsnrSteps(result: Tomogram, truth: Tomogram, tiltAngles: readonly number[], fitted: FitToTruth = fitToTruth(result, truth)): Steps<WedgePsnr> {
  const { nx, ny, nz } = truth;
  const { alpha, beta } = fitted.fit;
  const measured = wedgeMaskXZ(truth, tiltAngles);
  const [rowsX, rowsG] = [rowReader(result), rowReader(truth)];
  const [re, im] = [new Float64Array(nx * nz), new Float64Array(nx * nz)];
  let seWedge = 0;
  let seMissing = 0;
  for (let y = 0; y < ny; y++) {
    // The plane's residual (x fastest, then z), its 2-D DFT, and each frequency's power on its side of the cone.
    for (let z = 0; z < nz; z++) {
      const [x, g] = [rowsX(y, z), rowsG(y, z)];
      for (let i = 0; i < nx; i++) re[nx * z + i] = alpha * x[i] + beta - g[i];
    }
    im.fill(0);
    fft3d(re, im, nx, nz, 1);
    for (let k = 0; k < re.length; k++) {
      const power = re[k] * re[k] + im[k] * im[k];
      if (measured[k]) seWedge += power;
      else seMissing += power;
    }
    yield (y + 1) / ny;
  }
  // Σ_k |R|² = ny · (the planes' sums); mean(r²) = Σ_k |R|² / N².
  const n2 = (nx * ny * nz) ** 2;
  const { dataRange } = fitted;
  return { psnrWedge: psnrOfMse((ny * seWedge) / n2, dataRange), psnrWedgeMissing: psnrOfMse((ny * seMissing) / n2, dataRange) };
}
