/**
 * How a result was made from the measured tilts, as one reconstructor (docs/trust.md#refined-and-synthesised-results):
 * tilts synthesised at new angles (optional), a reconstruction, a refinement of it (optional). Held-out-tilt
 * cross-validation and the trust score run the whole recipe on the measured series less the held-out tilts, so
 * a refined result, or one reconstructed from a synthesised series, is scored by everything that made it, and
 * only measured tilts are ever held out.
 */
import type { EngineContext } from '../context.ts';
import { binnedLength } from '../../io/binning.ts';
import { resolveOnTiltSeries, resolveRefinement, runReconstruction, runRefinement, runTiltSynthesis } from '../methods/runners.ts';
import { methodDefinition, type MethodName, type RequestOf, type ResolvedRequest } from '../methods/registry.ts';
import { stageOptions, type RunOptions } from '../methods/slabs.ts';
import { stackPolarity } from '../polarity.ts';
import type { TiltSeries } from '../types.ts';
import type { Tomogram } from '../../io/piecedVolume.ts';

/** Tilt series → tomogram (either held in pieces), however made: a recipe, or a test's own (FBP blurred, FBP negated). */
export type Reconstructor = (tiltSeries: TiltSeries) => Promise<Tomogram>;

/** A reconstruction request, optionally after a tilt synthesis and before a refinement. */
export type ResultRecipe = RequestOf<'reconstruction'> & {
  /** The synthesis whose tilts were appended to the measured ones before reconstructing (the same request each run). */
  synthesis?: RequestOf<'tiltSynthesis'>;
  /** The refinement of the reconstruction. */
  refinement?: RequestOf<'refinement'>;
};

/** A recipe completed and checked on a measured series, before any work. */
export interface ResolvedRecipe {
  synthesis?: ResolvedRequest<'tiltSynthesis'>;
  reconstruction: ResolvedRequest<'reconstruction'>;
  refinement?: ResolvedRequest<'refinement'>;
}

/** Complete and check every step of a recipe for this measured series: a bad parameter fails before any work. */
export function resolveRecipe(ts: TiltSeries, recipe: ResultRecipe): ResolvedRecipe {
  const { synthesis, refinement, ...request } = recipe;
  const reconstruction = resolveOnTiltSeries<'reconstruction'>(ts, request as RequestOf<'reconstruction'>);
  const { binning, thickness } = reconstruction.params;
  // The tomogram the refinement will get: the binned series' width and height, the reconstruction's thickness.
  const tomogram = { nx: binnedLength(ts.nx, binning), ny: binnedLength(ts.ny, binning), nz: thickness };
  return {
    synthesis: synthesis && resolveOnTiltSeries<'tiltSynthesis'>(ts, synthesis),
    reconstruction,
    refinement: refinement && resolveRefinement(tomogram, refinement),
  };
}

/** The recipe's methods, in the order they run: what the engine must be able to run. */
export function recipeMethods(recipe: ResolvedRecipe | ResultRecipe): MethodName[] {
  const reconstruction = 'reconstruction' in recipe ? recipe.reconstruction.method : recipe.method;
  return [recipe.synthesis?.method, reconstruction, recipe.refinement?.method].filter((m) => m !== undefined);
}

/**
 * A resolved recipe as a reconstructor, and the label of its last run (which names what the run learnt, a
 * model's patch size and backend; the resolved labels until it has run). Each step takes an even share of the
 * progress bar.
 */
export function recipeReconstructor(engine: EngineContext, recipe: ResolvedRecipe, options: RunOptions): { reconstruct: Reconstructor; label: () => string } {
  const { synthesis, reconstruction, refinement } = recipe;
  const steps = recipeMethods(recipe).length;
  const step = (k: number, method: MethodName) => stageOptions(options, k / steps, (k + 1) / steps, methodDefinition(method).title);
  // "FBP (…), tilts + Latent back-projection (±63°, …)": the reconstruction of the measured and synthesised tilts.
  const withTilts = (text: string, added: string | undefined) => (added ? `${text}, tilts + ${added}` : text);
  const made = withTilts(reconstruction.label, synthesis?.label);
  let label = refinement ? `${refinement.label} ← ${made}` : made;
  const reconstruct: Reconstructor = async (measured) => {
    let k = 0;
    const synthesised = synthesis && (await runTiltSynthesis(engine, measured, synthesis, step(k++, synthesis.method)));
    // In pieces when large (io/piecedVolume.ts): the refinement and the projection at the held-out angles take them so.
    const out = await runReconstruction(engine, synthesised?.tiltSeries ?? measured, reconstruction, step(k++, reconstruction.method));
    const tomogram = out.volume;
    label = withTilts(out.label, synthesised?.label);
    if (!refinement) return tomogram;
    // 'auto' contrast of a U-Net refinement reads the measured tilts, as the page reads the data set's.
    const seriesPolarity = async () => stackPolarity(measured).polarity;
    const refined = await runRefinement(engine, tomogram, label, refinement, { ...step(k, refinement.method), seriesPolarity });
    label = refined.label;
    return refined.volume;
  };
  return { reconstruct, label: () => label };
}
