/**
 * Held-out-tilt cross-validation (docs/conventions.md#held-out-tilt-cross-validation): drop tilts, reconstruct from the rest with
 * any method, project the result at the dropped angles, and score against the measured tilts.
 * It scores a method on real data without ground truth.
 */
import type { GpuContext } from '../gpu/device.ts';
import { reconstruct } from '../methods/runners.ts';
import type { RequestOf } from '../methods/registry.ts';
import { binTiltSeries } from '../methods/preprocess.ts';
import { forwardProjectGpu } from '../methods/projection.ts';
import type { RunOptions } from '../methods/slabs.ts';
import { projectionScores } from '../metrics/crossValidation.ts';
import type { TiltSeries } from '../types.ts';
import { remainingIndices, subsetTilts } from './tiltSubsets.ts';

export interface HeldOutScore {
  /** Stack index and angle (degrees) of the held-out tilt. */
  index: number;
  angle: number;
  /** ‖p̂ − p‖²/‖p‖² after both are standardised to mean 0, std 1. */
  nmse: number;
  /** Pearson correlation of predicted and measured projection. */
  corr: number;
  /** Measured and predicted projections, nx × ny after binning. */
  measured: Float32Array;
  predicted: Float32Array;
}

export interface CrossValidationReport {
  label: string;
  nx: number;
  ny: number;
  scores: HeldOutScore[];
  meanNmse: number;
  meanCorr: number;
}

/** One reconstruction without the held-out tilts, then one projection and score per held-out tilt. */
export async function crossValidate(
  gpu: GpuContext,
  ts: TiltSeries,
  request: RequestOf<'reconstruction'>,
  heldOut: readonly number[],
  options: RunOptions = {},
): Promise<CrossValidationReport> {
  const result = await reconstruct(gpu, subsetTilts(ts, remainingIndices(ts.nTilts, heldOut)), request, options);
  // The measured tilts are binned like the reconstruction's input, so that they compare pixel for pixel.
  const held = binTiltSeries(subsetTilts(ts, heldOut), result.params.binning);
  const predicted = await forwardProjectGpu(gpu, result.volume, held.tiltAngles, { invertAngles: result.params.invertAngles });
  const plane = held.nx * held.ny;
  const scores = heldOut.map((index, j) => {
    const measured = held.data.slice(j * plane, (j + 1) * plane);
    const prediction = predicted.data.slice(j * plane, (j + 1) * plane);
    return { index, angle: ts.tiltAngles[index], ...projectionScores(prediction, measured), measured, predicted: prediction };
  });
  const mean = (f: (s: HeldOutScore) => number) => scores.reduce((sum, s) => sum + f(s), 0) / scores.length;
  return {
    label: `${result.label}, held out ${scores.map((s) => `${s.angle.toFixed(1)}°`).join(' ')}`,
    nx: held.nx,
    ny: held.ny,
    scores,
    meanNmse: mean((s) => s.nmse),
    meanCorr: mean((s) => s.corr),
  };
}
