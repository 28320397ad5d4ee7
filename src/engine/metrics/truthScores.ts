/**
 * A result scored against a ground truth of its size (docs/conventions.md#psnr-and-ssim): PSNR and SSIM after the
 * affine fit of the result to the truth, the PSNR's error split by the wedge cone, and the FSC with its resolution
 * at 0.143 and 0.5 (frequencies in cycles/voxel). What the page's metrics, `wedgelab metrics` and `wedgelab batch`
 * report alike. Either volume may be held in pieces: the FSC over half spectra in pieces and SSIM in bands of rows run
 * on the CPU pool, the PSNR row by row and its wedge sides plane by plane.
 */
import { resolutionAt, type FscCurves } from './fsc.ts';
import { fitToTruth, psnr, SSIM_RADIUS } from './quality.ts';
import { stepped } from './steps.ts';
import { wedgePsnrSteps } from './wedgePsnr.ts';
import { fscOfTomograms } from '../cpu/spectrumPasses.ts';
import { ssimOfTomograms } from '../cpu/ssimPass.ts';
import type { CpuPool } from '../cpu/pool.ts';
import { stageOptions, type RunOptions } from '../methods/slabs.ts';
import type { Tomogram } from '../../io/piecedVolume.ts';

export interface TruthScores {
  psnr: number;
  /** The PSNR of the error on the measured and on the missing side of the wedge cone; null without tilt angles. */
  psnrWedge: number | null;
  psnrWedgeMissing: number | null;
  /** Null when a dimension is below SSIM's Gaussian window (2 × SSIM_RADIUS + 1 voxels). */
  ssim: number | null;
  curves: FscCurves;
  /** Where the FSC first falls below 0.143 and 0.5, cycles/voxel; null when it never does. */
  res0143: number | null;
  res05: number | null;
}

/** The smallest dimension SSIM's window fits in. */
export const SSIM_WINDOW = 2 * SSIM_RADIUS + 1;

/** The FSC's and the wedge sides' shares of the progress bar, SSIM the rest: about their shares of the time (`npm run bench -- --only truth`). */
const SHARES = { fsc: 0.2, wedge: 0.15 };

/**
 * `result` against `truth` (one size); `tiltAngles` as the result's reconstruction used them, for the wedge.
 * `options`: progress through the scores (the FSC, the wedge sides, SSIM; the PSNR takes one quick pass) and cancel.
 */
export async function truthScores(result: Tomogram, truth: Tomogram, tiltAngles: readonly number[] | undefined, pool: CpuPool, options: RunOptions = {}): Promise<TruthScores> {
  const wedgeFrom = SHARES.fsc;
  const ssimFrom = wedgeFrom + SHARES.wedge;
  const curves = await fscOfTomograms(result, truth, tiltAngles, pool, stageOptions(options, 0, wedgeFrom));
  // The result's fit and the truth's range, once for the PSNR, its sides and SSIM.
  const fitted = fitToTruth(result, truth);
  const bySide = tiltAngles
    ? await stepped(wedgePsnrSteps(result, truth, tiltAngles, fitted), 'PSNR by side of the wedge', stageOptions(options, wedgeFrom, ssimFrom))
    : { psnrWedge: null, psnrWedgeMissing: null };
  const fits = Math.min(truth.nx, truth.ny, truth.nz) >= SSIM_WINDOW;
  return {
    psnr: psnr(result, truth, fitted),
    ...bySide,
    ssim: fits ? await ssimOfTomograms(result, truth, pool, stageOptions(options, ssimFrom, 1), fitted) : null,
    curves,
    res0143: resolutionAt(curves, 0.143),
    res05: resolutionAt(curves, 0.5),
  };
}
