/**
 * Held-out-tilt cross-validation (docs/conventions.md#held-out-tilt-cross-validation): drop tilts, reconstruct from the rest with
 * any method, project the result at the dropped angles, and score against the measured tilts.
 * It scores a method on real data without ground truth.
 */
import type { EngineContext } from '../context.ts';
import { doseWeightTiltSeries } from '../doseWeighting.ts';
import type { CommonParams, DoseWeightingParams } from '../methods/common.ts';
import { binTiltSeries } from '../methods/preprocess.ts';
import { forwardProject } from '../methods/projection.ts';
import type { RunOptions } from '../methods/slabs.ts';
import { agreementScore, projectionScores, tiltAgreement, type TiltAgreement } from '../metrics/crossValidation.ts';
import type { Progress, TiltSeries } from '../types.ts';
import { checkEachTilt, heldOutTilts, isEachTilt, remainingIndices, subsetTilts } from './tiltSubsets.ts';
import { recipeReconstructor, resolveRecipe, type Reconstructor, type ResultRecipe } from './recipe.ts';

/** A held-out tilt: its stack index and angle (degrees), the measured projection and the reconstruction's. */
export interface HeldOutProjection {
  index: number;
  angle: number;
  /** Measured and predicted projections, nx × ny after binning. */
  measured: Float32Array;
  predicted: Float32Array;
}

export interface HeldOutProjections {
  nx: number;
  ny: number;
  tilts: HeldOutProjection[];
}

/**
 * Reconstruct without the held-out tilts, then project the tomogram at their angles. `geometry` is how the
 * reconstructor treats its input: the measured tilts are binned alike, to compare pixel for pixel, dose weighted
 * alike (each by the filter of its own dose) when the reconstruction weighted its tilts, and the projector
 * negates the angles when the reconstruction did.
 */
export async function predictHeldOut(
  engine: EngineContext,
  ts: TiltSeries,
  heldOut: readonly number[],
  reconstructor: Reconstructor,
  geometry: Pick<CommonParams, 'binning' | 'invertAngles'> & DoseWeightingParams,
): Promise<HeldOutProjections> {
  const volume = await reconstructor(subsetTilts(ts, remainingIndices(ts.nTilts, heldOut)));
  const measured = subsetTilts(ts, heldOut);
  // Binned, then weighted: the order the reconstruction's own tilts went through (runners.ts, then the method).
  const binned = binTiltSeries(measured, geometry.binning);
  const held = geometry.doseWeighting ? doseWeightTiltSeries(binned) : binned;
  const predicted = await forwardProject(engine, volume, held.tiltAngles, { invertAngles: geometry.invertAngles });
  const plane = held.nx * held.ny;
  const tilts = heldOut.map((index, j) => ({
    index,
    angle: ts.tiltAngles[index],
    measured: held.data.slice(j * plane, (j + 1) * plane),
    predicted: predicted.data.slice(j * plane, (j + 1) * plane),
  }));
  return { nx: held.nx, ny: held.ny, tilts };
}

export interface HeldOutScore extends HeldOutProjection {
  /** ‖p̂ − p‖²/‖p‖² after both are standardised to mean 0, std 1. */
  nmse: number;
  /** Pearson correlation of predicted and measured projection. */
  corr: number;
}

export interface CrossValidationReport {
  label: string;
  nx: number;
  ny: number;
  scores: HeldOutScore[];
  meanNmse: number;
  meanCorr: number;
}

/**
 * One run of the recipe without the held-out tilts (a reconstruction, or a synthesis, reconstruction and
 * refinement: recipe.ts), then one projection and score per held-out tilt.
 */
export async function crossValidate(
  engine: EngineContext,
  ts: TiltSeries,
  recipe: ResultRecipe,
  heldOut: readonly number[],
  options: RunOptions = {},
): Promise<CrossValidationReport> {
  const resolved = resolveRecipe(ts, recipe);
  const method = recipeReconstructor(engine, resolved, options);
  const { nx, ny, tilts } = await predictHeldOut(engine, ts, heldOut, method.reconstruct, resolved.reconstruction.params);
  const scores = tilts.map((tilt) => ({ ...tilt, ...projectionScores(tilt.predicted, tilt.measured) }));
  const mean = (f: (s: HeldOutScore) => number) => scores.reduce((sum, s) => sum + f(s), 0) / scores.length;
  return {
    label: `${method.label()}, held out ${scores.map((s) => `${s.angle.toFixed(1)}°`).join(' ')}`,
    nx,
    ny,
    scores,
    meanNmse: mean((s) => s.nmse),
    meanCorr: mean((s) => s.corr),
  };
}

export interface EachTiltReport extends CrossValidationReport {
  agreement: TiltAgreement;
}

/** Cross-validation as a held-out spec asks: "each" (isEachTilt: crossValidateEachTilt), or heldOutTilts' specs (crossValidate). */
export async function crossValidateAsAsked(
  engine: EngineContext,
  ts: TiltSeries,
  recipe: ResultRecipe,
  spec: string,
  options: RunOptions = {},
): Promise<CrossValidationReport & Partial<Pick<EachTiltReport, 'agreement'>>> {
  return isEachTilt(spec) ? crossValidateEachTilt(engine, ts, recipe, options) : crossValidate(engine, ts, recipe, heldOutTilts(ts.tiltAngles, spec), options);
}

/**
 * Leave-one-out cross-validation: every tilt held out in turn, the rest reconstructed (one reconstruction per
 * tilt, so n times the cost of one), each prediction scored against its measured tilt, and each score set beside
 * its neighbours' (tiltAgreement): a check of the data as much as of the method.
 */
export async function crossValidateEachTilt(engine: EngineContext, ts: TiltSeries, recipe: ResultRecipe, options: RunOptions = {}): Promise<EachTiltReport> {
  checkEachTilt(ts.nTilts);
  const resolved = resolveRecipe(ts, recipe);
  const scores: HeldOutScore[] = [];
  let nx = 0;
  let ny = 0;
  let label = '';
  for (let k = 0; k < ts.nTilts; k++) {
    // Each reconstruction's progress as its share of the whole.
    const onProgress = options.onProgress && ((p: Progress) => options.onProgress?.({ ...p, fraction: (k + p.fraction) / ts.nTilts, message: `tilt ${k + 1} of ${ts.nTilts} held out: ${p.message}` }));
    const method = recipeReconstructor(engine, resolved, { ...options, onProgress });
    const held = await predictHeldOut(engine, ts, [k], method.reconstruct, resolved.reconstruction.params);
    [nx, ny, label] = [held.nx, held.ny, method.label()];
    scores.push(...held.tilts.map((tilt) => ({ ...tilt, ...projectionScores(tilt.predicted, tilt.measured) })));
  }
  const agreement = tiltAgreement(scores.map((t) => ({ angle: t.angle, score: agreementScore(t.predicted, t.measured, nx, ny) })));
  const mean = (f: (s: HeldOutScore) => number) => scores.reduce((sum, s) => sum + f(s), 0) / scores.length;
  return {
    label: `${label}, each of the ${ts.nTilts} tilts held out in turn`,
    nx,
    ny,
    scores,
    meanNmse: mean((s) => s.nmse),
    meanCorr: mean((s) => s.corr),
    agreement,
  };
}
