/**
 * How a kept result was made from measured tilts (src/engine/evaluation/recipe.ts), read from the summaries the
 * worker keeps: a reconstruction's method and parameters; a refinement's, with its source reconstruction's; and,
 * for a result of a series with synthesised tilts, the synthesis request and the measured series it was run on.
 * What the trust score runs again without the held-out tilts; a result that no recipe makes is refused here,
 * with the reason, before any work.
 */
import type { ResultRecipe } from '../src/engine/evaluation/recipe.ts';
import { isMethodName, methodDefinition, type MethodName, type RequestOf } from '../src/engine/methods/registry.ts';
import type { DatasetSummary, ResultSummary } from './api.ts';

export interface KeptSummaries {
  result(id: string): ResultSummary | undefined;
  dataset(id: string): DatasetSummary | undefined;
}

/** The recipe of a result, and the measured series (its data set id) the recipe starts from. */
export interface ResultRecipeOnSeries {
  recipe: ResultRecipe;
  measuredId: string;
}

const kindOf = (method: string) => (isMethodName(method) ? methodDefinition(method as MethodName).kind : null);

/** The reconstruction request of a result, or why it has none. */
function reconstructionOf(result: ResultSummary): RequestOf<'reconstruction'> {
  const reruns = 'a trust score runs again what made the result, without the held-out tilts';
  if (kindOf(result.method) !== 'reconstruction' || !result.params) throw new Error(`${result.label} is not a reconstruction: ${reruns}`);
  // The params of a reconstruction result are its method's.
  return { method: result.method, params: result.params } as RequestOf<'reconstruction'>;
}

/**
 * A reconstruction: its request. A refinement: its request after its source's, which must be a reconstruction (a
 * refinement of a refinement, or of a difference, is refused). Either, of a series with synthesised tilts: after
 * the same synthesis on the measured series that series was made from.
 */
export function resultRecipe(result: ResultSummary, kept: KeptSummaries): ResultRecipeOnSeries {
  let recipe: ResultRecipe;
  if (kindOf(result.method) === 'refinement') {
    const source = result.sourceId === undefined ? undefined : kept.result(result.sourceId);
    if (!source) throw new Error(`${result.label}: the result it was refined from is no longer kept, and the trust score runs it again`);
    if (kindOf(source.method) === 'refinement') {
      throw new Error(`${result.label} is refined from a refined result: the trust score runs one reconstruction and one refinement; score ${source.label} instead`);
    }
    if (kindOf(source.method) !== 'reconstruction') throw new Error(`${result.label} is refined from ${source.label}, which is not a reconstruction: the trust score runs one again`);
    recipe = { ...reconstructionOf(source), refinement: { method: result.method, params: result.params } as RequestOf<'refinement'> };
  } else recipe = reconstructionOf(result);

  const dataset = kept.dataset(result.datasetId);
  if (!dataset) throw new Error(`${result.label}: its tilt series is no longer loaded`);
  const synthesized = dataset.synthesized;
  if (!synthesized) return { recipe, measuredId: dataset.id };
  // A series kept by an earlier version of the page has no request to run again.
  if (!(synthesized.request as RequestOf<'tiltSynthesis'> | undefined)) throw new Error(`${result.label}: ${dataset.name} does not say how its tilts were synthesised; synthesise them again`);
  const measured = kept.dataset(synthesized.sourceId);
  if (!measured) throw new Error(`${result.label}: the measured series its tilts were synthesised from is no longer loaded`);
  if (measured.synthesized) {
    throw new Error(`${result.label} is of a series synthesised from a series with synthesised tilts: the trust score holds out measured tilts only, after one synthesis`);
  }
  return { recipe: { ...recipe, synthesis: synthesized.request }, measuredId: measured.id };
}
