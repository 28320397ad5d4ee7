/**
 * How each method runs: the engine-only half of the registry. RUNNERS is keyed by every method name, so a
 * method without a runner does not compile; `reconstruct()` is the one entry point for reconstruction methods
 * (resolve once, bin, run, label).
 */
import type { EngineContext } from '../context.ts';
import type { MethodKind } from './definition.ts';
import type { TiltSeries, Volume } from '../types.ts';
import type { Tomogram } from '../../io/piecedVolume.ts';
import { COORDNET_RUNNER } from './coordnet/run.ts';
import { FBP_RUNNER } from './fbp/run.ts';
import { DECONV_RUNNER } from './deconv/run.ts';
import { GAUSSIAN_RUNNER } from './gaussian/run.ts';
import { LATENTBP_RUNNER } from './latentbp/run.ts';
import { LOCALNET_RUNNER } from './localnet/run.ts';
import { checkTiltAngles, checkValues } from '../../io/tiltSeriesChecks.ts';
import { binTiltSeries, subtractTiltMeans } from './preprocess.ts';
import {
  methodLabel,
  resolveRequest,
  seriesProblem,
  type FactsOf,
  type KindOf,
  type MethodName,
  type MethodNameOf,
  type ParamsOf,
  type ParamsOfKind,
  type RequestOf,
  type ResolvedRequest,
} from './registry.ts';
import { SIRT_RUNNER } from './sirt/run.ts';
import type { ReconstructionRunner, RefinementRunner, TiltSynthesisRunner } from './runner.ts';
import { REPROJECT_RUNNER } from './reproject/run.ts';
import { CRYOGEN_RUNNER, ISONET_RUNNER } from './unetrefine/run.ts';
import type { RunOptions } from './slabs.ts';

type RunnerOf<N extends MethodName> = KindOf<N> extends 'reconstruction'
  ? ReconstructionRunner<ParamsOf<N>, FactsOf<N>>
  : KindOf<N> extends 'refinement'
    ? RefinementRunner<ParamsOf<N>, FactsOf<N>>
    : TiltSynthesisRunner<ParamsOf<N>, FactsOf<N>>;

export const RUNNERS: { [N in MethodName]: RunnerOf<N> } = {
  fbp: FBP_RUNNER,
  sirt: SIRT_RUNNER,
  coordnet: COORDNET_RUNNER,
  localnet: LOCALNET_RUNNER,
  gaussian: GAUSSIAN_RUNNER,
  deconv: DECONV_RUNNER,
  cryogen: CRYOGEN_RUNNER,
  isonet: ISONET_RUNNER,
  reproject: REPROJECT_RUNNER,
  latentbp: LATENTBP_RUNNER,
};

/** A tomogram a method made, with what names it; it may be in pieces (io/piecedVolume.ts). */
export interface MethodResult<K extends MethodKind> {
  method: MethodNameOf<K>;
  volume: Tomogram;
  /** Complete parameters, defaults filled in. */
  params: ParamsOfKind<K>;
  /** Method and parameters in one line, for result lists and MRC labels. */
  label: string;
  residuals?: number[];
  loss?: number[];
}

export type Reconstruction = MethodResult<'reconstruction'>;

/** Binning, then the optional mean subtraction: what every reconstruction method reconstructs from. */
function prepare(ts: TiltSeries, params: { binning: number; subtractMean: boolean }): TiltSeries {
  const binned = binTiltSeries(ts, params.binning);
  return params.subtractMean ? subtractTiltMeans(binned) : binned;
}

/**
 * Check a tilt series' data, then complete and check a request on it (a reconstruction, a tilt synthesis):
 * everything that can fail before GPU work.
 */
export function resolveOnTiltSeries<K extends 'reconstruction' | 'tiltSynthesis'>(ts: TiltSeries, request: RequestOf<K>): ResolvedRequest<K> {
  checkTiltAngles(ts.tiltAngles);
  checkValues(ts);
  const resolved = resolveRequest<K>(request, ts);
  const problem = seriesProblem(resolved, ts);
  if (problem) throw new SeriesProblemError(problem);
  return resolved;
}

/** A request that cannot run on its tilt series (MethodDefinition.seriesProblem): a caller that knows the series' file names it. */
export class SeriesProblemError extends Error {
  name = 'SeriesProblemError';
}

/** Run a resolved reconstruction request (resolveOnTiltSeries). */
export async function runReconstruction(engine: EngineContext, ts: TiltSeries, resolved: ResolvedRequest<'reconstruction'>, options: RunOptions = {}): Promise<Reconstruction> {
  const { method, params } = resolved;
  // One cast, here: RUNNERS[method] takes ParamsOf<method>, which `resolved` pairs with it.
  const runner = RUNNERS[method] as unknown as ReconstructionRunner<ParamsOfKind<'reconstruction'>, unknown>;
  const { volume, residuals, loss, facts } = await runner.run(engine, prepare(ts, params), params, options);
  return { method, volume, params, label: methodLabel(method, params, { input: ts, facts }), residuals, loss };
}

/** Resolve and run a reconstruction request: the entry point of the CLI, the evaluations and the bench. */
export async function reconstruct(engine: EngineContext, ts: TiltSeries, request: RequestOf<'reconstruction'>, options: RunOptions = {}): Promise<Reconstruction> {
  return runReconstruction(engine, ts, resolveOnTiltSeries<'reconstruction'>(ts, request), options);
}

/** Complete and check a refinement request for a tomogram of this size: everything that can fail before the work. */
export function resolveRefinement(tomogram: Pick<Volume, 'nx' | 'ny' | 'nz'>, request: RequestOf<'refinement'>): ResolvedRequest<'refinement'> {
  return resolveRequest<'refinement'>(request, tomogram);
}

/**
 * Run a resolved refinement on a tomogram; the result is named after both, e.g.
 * "Gaussian smoothing (σ 1 voxel) ← FBP (cosine, thickness 64, bin 1)".
 */
export async function runRefinement(
  engine: EngineContext,
  tomogram: Tomogram,
  sourceLabel: string,
  resolved: ResolvedRequest<'refinement'>,
  options: RunOptions = {},
): Promise<MethodResult<'refinement'>> {
  const { method, params } = resolved;
  // One cast, as for reconstructions: RUNNERS[method] takes ParamsOf<method>, which `resolved` pairs with it.
  const runner = RUNNERS[method] as unknown as RefinementRunner<ParamsOfKind<'refinement'>, unknown>;
  const { volume, loss, facts } = await runner.run(engine, tomogram, params, options);
  return { method, volume, params, label: `${methodLabel(method, params, { input: tomogram, facts })} ← ${sourceLabel}`, loss };
}

/** A series with synthesised tilts, with what names them. */
export interface TiltSynthesis {
  method: MethodNameOf<'tiltSynthesis'>;
  /** The input's tilts, then the new ones. */
  tiltSeries: TiltSeries;
  /** How many tilts were appended (the last ones in stack order). */
  added: number;
  params: ParamsOfKind<'tiltSynthesis'>;
  label: string;
}

export async function runTiltSynthesis(engine: EngineContext, ts: TiltSeries, resolved: ResolvedRequest<'tiltSynthesis'>, options: RunOptions = {}): Promise<TiltSynthesis> {
  const { method, params } = resolved;
  // One cast, as for the other kinds.
  const runner = RUNNERS[method] as unknown as TiltSynthesisRunner<ParamsOfKind<'tiltSynthesis'>, unknown>;
  const { tiltSeries, facts } = await runner.run(engine, ts, params, options);
  return { method, tiltSeries, added: tiltSeries.nTilts - ts.nTilts, params, label: methodLabel(method, params, { input: ts, facts }) };
}
