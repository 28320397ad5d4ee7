/**
 * PSNR split between the two sides of the wedge cone (docs/conventions.md#psnr-by-side-of-the-wedge).
 *
 * The residual r = x' − g after the affine fit (quality.ts) has, by Parseval, the mean square
 * mean(r²) = Σ_k |R(k)|² / N² over the DFT grid (N voxels). Summing over the measured side of the
 * wedge cone only, and over its missing side only, splits that mean square into two parts that add
 * up to it, and each part is reported as a PSNR with the same L. So the difference between two
 * results' PSNR on one side says how much closer to the truth one of them is there: a method that
 * fills the missing wedge gains on the missing side, a denoiser on both.
 */
import type { Volume } from '../types.ts';
import { dft3d } from './fourier.ts';
import { wedgeMaskXZ } from './fsc.ts';
import { psnrOfMse, residualAfterFit } from './quality.ts';

export interface WedgePsnr {
  /** PSNR (dB) of the error on the measured side of the wedge cone [θmin, θmax] alone. */
  psnrWedge: number;
  /** PSNR (dB) of the error on the missing side alone; with psnrWedge it makes up the whole PSNR. */
  psnrWedgeMissing: number;
}

/** The PSNR of `result` against `truth`, its error split by the wedge cone of `tiltAngles` (degrees). */
export function wedgePsnr(result: Volume, truth: Volume, tiltAngles: readonly number[]): WedgePsnr {
  const { nx, ny, nz } = truth;
  const residual = dft3d({ nx, ny, nz, data: residualAfterFit(result, truth) });
  const measured = wedgeMaskXZ(truth, tiltAngles);
  let seWedge = 0;
  let seMissing = 0;
  for (let jz = 0; jz < nz; jz++) {
    for (let jy = 0; jy < ny; jy++) {
      const row = nx * (jy + ny * jz);
      for (let jx = 0; jx < nx; jx++) {
        const power = residual.re[row + jx] ** 2 + residual.im[row + jx] ** 2;
        if (measured[jx + nx * jz]) seWedge += power;
        else seMissing += power;
      }
    }
  }
  const n2 = (nx * ny * nz) ** 2;
  return { psnrWedge: psnrOfMse(seWedge / n2, truth), psnrWedgeMissing: psnrOfMse(seMissing / n2, truth) };
}
