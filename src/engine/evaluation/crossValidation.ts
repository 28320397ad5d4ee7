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
import type { Tomogram } from '../../io/piecedVolume.ts';
import { checkEachTilt, heldOutTilts, isEachTilt, remainingIndices, subsetTilts } from './tiltSubsets.ts';
import { recipeReconstructor, resolveRecipe, type Reconstructor, type ResolvedRecipe, type ResultRecipe } from './recipe.ts';
import { methodDefinition } from '../methods/registry.ts';

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

/** What the reconstruction did to its own tilts, done to the held-out ones: binned alike and dose weighted alike. */
type HeldOutGeometry = Pick<CommonParams, 'binning' | 'invertAngles'> & DoseWeightingParams;

/**
 * The measured tilts at `indices` as the reconstructor treats its input: binned alike, to compare pixel for pixel,
 * and dose weighted alike (each by the filter of its own dose) when the reconstruction weighted its tilts.
 */
function measuredAsReconstructed(ts: TiltSeries, indices: readonly number[], geometry: HeldOutGeometry): TiltSeries {
  // Binned, then weighted: the order the reconstruction's own tilts went through (runners.ts, then the method).
  const binned = binTiltSeries(subsetTilts(ts, indices), geometry.binning);
  return geometry.doseWeighting ? doseWeightTiltSeries(binned) : binned;
}

/** The projector as the reconstruction saw its angles (negated when it negated them). */
function projectAsReconstructed(engine: EngineContext, volume: Tomogram, tiltAngles: readonly number[], geometry: HeldOutGeometry): Promise<TiltSeries> {
  return forwardProject(engine, volume, tiltAngles, { invertAngles: geometry.invertAngles });
}

/** Measured and predicted tilts paired, `predicted` holding one nx × ny plane per held-out tilt in `held`'s order. */
function pairHeldOut(ts: TiltSeries, indices: readonly number[], held: TiltSeries, predicted: Float32Array): HeldOutProjections {
  const plane = held.nx * held.ny;
  const tilts = indices.map((index, j) => ({
    index,
    angle: ts.tiltAngles[index],
    measured: held.data.slice(j * plane, (j + 1) * plane),
    predicted: predicted.slice(j * plane, (j + 1) * plane),
  }));
  return { nx: held.nx, ny: held.ny, tilts };
}

/** Reconstruct without the held-out tilts, then project the tomogram at their angles, as `geometry` says the reconstructor treats its input. */
export async function predictHeldOut(engine: EngineContext, ts: TiltSeries, heldOut: readonly number[], reconstructor: Reconstructor, geometry: HeldOutGeometry): Promise<HeldOutProjections> {
  const volume = await reconstructor(subsetTilts(ts, remainingIndices(ts.nTilts, heldOut)));
  const held = measuredAsReconstructed(ts, heldOut, geometry);
  const predicted = await projectAsReconstructed(engine, volume, held.tiltAngles, geometry);
  return pairHeldOut(ts, heldOut, held, predicted.data);
}

/**
 * Every tilt held out in turn, for a method whose result is w(N) times a sum of one term per tilt
 * (MethodDefinition.tiltWeight, FBP): the result without tilt k is w(N − 1)·(V/w(N) − V_k/w(1)), V the whole
 * series' result and V_k tilt k's alone. So one reconstruction of all tilts and one of each tilt alone (one tilt's
 * back-projection each: about one reconstruction's work in all), and their projections at tilt k's angle, give
 * what n reconstructions of n − 1 tilts each would. `reconstructors(0)` makes V, `reconstructors(k + 1)` V_k.
 */
async function predictEachByLinearity(
  engine: EngineContext,
  ts: TiltSeries,
  reconstructors: (stage: number) => Reconstructor,
  tiltWeight: (nTilts: number) => number,
  geometry: HeldOutGeometry,
): Promise<HeldOutProjections> {
  const n = ts.nTilts;
  const every = Array.from({ length: n }, (_, k) => k);
  const held = measuredAsReconstructed(ts, every, geometry);
  // V is let go once projected (no binding holds it): one tomogram at a time is held, as when reconstructing n times.
  const predicted = (await projectAsReconstructed(engine, await reconstructors(0)(ts), held.tiltAngles, geometry)).data;
  const [all, less, one] = [tiltWeight(n), tiltWeight(n - 1), tiltWeight(1)];
  const plane = held.nx * held.ny;
  for (const k of every) {
    const alone = await reconstructors(k + 1)(subsetTilts(ts, [k]));
    const own = (await projectAsReconstructed(engine, alone, [held.tiltAngles[k]], geometry)).data;
    const prediction = predicted.subarray(k * plane, (k + 1) * plane);
    for (let i = 0; i < plane; i++) prediction[i] = less * (prediction[i] / all - own[i] / one);
  }
  return pairHeldOut(ts, every, held, predicted);
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

/** The method's tiltWeight when the recipe is that method's reconstruction alone (no synthesis, no refinement). */
function linearTiltWeight(recipe: ResolvedRecipe): ((nTilts: number) => number) | undefined {
  return recipe.synthesis || recipe.refinement ? undefined : methodDefinition(recipe.reconstruction.method).tiltWeight;
}

/**
 * Leave-one-out cross-validation: every tilt held out in turn, the rest reconstructed (one reconstruction per
 * tilt, so n times the cost of one; for a method linear in its tilts, predictEachByLinearity's one of all tilts
 * and one of each tilt alone), each prediction scored against its measured tilt, and each score set beside its
 * neighbours' (tiltAgreement): a check of the data as much as of the method.
 */
export async function crossValidateEachTilt(engine: EngineContext, ts: TiltSeries, recipe: ResultRecipe, options: RunOptions = {}): Promise<EachTiltReport> {
  checkEachTilt(ts.nTilts);
  const resolved = resolveRecipe(ts, recipe);
  const n = ts.nTilts;
  const tiltWeight = linearTiltWeight(resolved);
  const stages = tiltWeight ? n + 1 : n;
  // Each reconstruction's progress as its share of the whole, named.
  const stageText = (stage: number) => (!tiltWeight ? `tilt ${stage + 1} of ${n} held out` : stage === 0 ? `all ${n} tilts` : `tilt ${stage} of ${n} alone`);
  let label = '';
  const reconstructors = (stage: number): Reconstructor => {
    const onProgress = options.onProgress && ((p: Progress) => options.onProgress?.({ ...p, fraction: (stage + p.fraction) / stages, message: `${stageText(stage)}: ${p.message}` }));
    const method = recipeReconstructor(engine, resolved, { ...options, onProgress });
    return async (tilts) => {
      const volume = await method.reconstruct(tilts);
      if (stage === 0) label = method.label();
      return volume;
    };
  };
  const geometry = resolved.reconstruction.params;
  const { nx, ny, tilts } = tiltWeight
    ? await predictEachByLinearity(engine, ts, reconstructors, tiltWeight, geometry)
    : await predictEachInTurn(engine, ts, reconstructors, geometry);
  const scores: HeldOutScore[] = tilts.map((tilt) => ({ ...tilt, ...projectionScores(tilt.predicted, tilt.measured) }));
  const agreement = tiltAgreement(scores.map((t) => ({ angle: t.angle, score: agreementScore(t.predicted, t.measured, nx, ny) })));
  const mean = (f: (s: HeldOutScore) => number) => scores.reduce((sum, s) => sum + f(s), 0) / scores.length;
  return {
    label: `${label}, each of the ${n} tilts held out in turn`,
    nx,
    ny,
    scores,
    meanNmse: mean((s) => s.nmse),
    meanCorr: mean((s) => s.corr),
    agreement,
  };
}

/** Every tilt held out in turn, any method: reconstruction k (reconstructors(k)) is made without tilt k. */
async function predictEachInTurn(engine: EngineContext, ts: TiltSeries, reconstructors: (stage: number) => Reconstructor, geometry: HeldOutGeometry): Promise<HeldOutProjections> {
  const runs: HeldOutProjections[] = [];
  for (let k = 0; k < ts.nTilts; k++) runs.push(await predictHeldOut(engine, ts, [k], reconstructors(k), geometry));
  return { nx: runs[0].nx, ny: runs[0].ny, tilts: runs.flatMap((run) => run.tilts) };
}
