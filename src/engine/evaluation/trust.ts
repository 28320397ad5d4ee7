/**
 * Trust score (docs/trust.md): held-out-tilt cross-validation of a method against FBP on the user's own data.
 * The held-out tilts are withheld, the rest reconstructed by the method and by FBP (default filter, the
 * method's thickness, binning, angle sign and mean subtraction), both tomograms reprojected at the held-out
 * angles (crossValidation.ts), and each prediction compared with the measured tilt ring by ring
 * (metrics/trust.ts).
 */
import type { EngineContext } from '../context.ts';
import type { CommonParams, DoseWeightingParams } from '../methods/common.ts';
import { resolveOnTiltSeries } from '../methods/runners.ts';
import { stageOptions, type RunOptions } from '../methods/slabs.ts';
import { compareWithFbp, type TrustScores } from '../metrics/trust.ts';
import { throwIfAborted, type TiltSeries } from '../types.ts';
import { predictHeldOut } from './crossValidation.ts';
import { recipeReconstructor, resolveRecipe, type Reconstructor, type ResultRecipe } from './recipe.ts';

export interface TrustReport extends TrustScores {
  /** The scored method's label (as its reconstruction without the held-out tilts named itself) and FBP's. */
  label: string;
  fbpLabel: string;
}

/**
 * Share of the progress bar the scored method takes; FBP, one filtered back-projection, takes the rest. A
 * learned method is far slower than FBP, so an even split would leave the bar at half for most of the run.
 */
const METHOD_SHARE = 0.9;

/**
 * Score any reconstructor against FBP: `reconstruct` makes the scored tomogram from the series less the
 * held-out tilts, with the binning, angle sign and dose weighting of `common`, which FBP uses too (a method
 * without dose weighting is compared with an FBP without it, both with the raw held-out tilts).
 */
export async function scoreAgainstFbp(
  engine: EngineContext,
  ts: TiltSeries,
  reconstruct: Reconstructor,
  common: CommonParams & DoseWeightingParams,
  heldOut: readonly number[],
  options: RunOptions = {},
): Promise<TrustScores & { fbpLabel: string }> {
  const { thickness, binning, invertAngles, subtractMean } = common;
  const doseWeighting = common.doseWeighting === true;
  const fbp = resolveOnTiltSeries<'reconstruction'>(ts, { method: 'fbp', params: { thickness, binning, invertAngles, subtractMean, doseWeighting } });
  const byMethod = await predictHeldOut(engine, ts, heldOut, reconstruct, common);
  throwIfAborted(options.signal);
  const fbpOptions = stageOptions(options, METHOD_SHARE, 1);
  const byFbp = await predictHeldOut(engine, ts, heldOut, recipeReconstructor(engine, { reconstruction: fbp }, fbpOptions).reconstruct, common);
  const pairs = byMethod.tilts.map(({ index, angle, measured, predicted }, t) => ({ index, angle, measured, predictedMethod: predicted, predictedFbp: byFbp.tilts[t].predicted }));
  return { ...compareWithFbp(pairs, byMethod.nx, byMethod.ny), fbpLabel: fbp.label };
}

/**
 * The trust score of a recipe (recipe.ts: a reconstruction request, optionally after a tilt synthesis and before a
 * refinement) on the measured tilt series; FBP gets the measured tilts only, with the reconstruction's parameters.
 */
export async function trustScore(
  engine: EngineContext,
  ts: TiltSeries,
  recipe: ResultRecipe,
  heldOut: readonly number[],
  options: RunOptions = {},
): Promise<TrustReport> {
  const resolved = resolveRecipe(ts, recipe);
  const method = recipeReconstructor(engine, resolved, stageOptions(options, 0, METHOD_SHARE));
  const scores = await scoreAgainstFbp(engine, ts, method.reconstruct, resolved.reconstruction.params, heldOut, options);
  return { ...scores, label: method.label() };
}
