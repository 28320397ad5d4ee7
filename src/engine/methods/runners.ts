/**
 * How each method runs: the engine-only half of the registry. RUNNERS is keyed by every method name, so a
 * method without a runner does not compile; `reconstruct()` is the one entry point for reconstruction methods
 * (resolve once, bin, run, label).
 */
import type { GpuContext } from '../gpu/device.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { COORDNET_RUNNER } from './coordnet/run.ts';
import { FBP_RUNNER } from './fbp/run.ts';
import { LOCALNET_RUNNER } from './localnet/run.ts';
import { binTiltSeries, subtractTiltMeans, validateFinite, validateTiltAngles } from './preprocess.ts';
import {
  methodLabel,
  resolveRequest,
  type FactsOf,
  type KindOf,
  type MethodName,
  type MethodNameOf,
  type MethodParams,
  type ParamsOf,
  type RequestOf,
  type ResolvedRequest,
} from './registry.ts';
import { SIRT_RUNNER } from './sirt/run.ts';
import type { ReconstructionRunner } from './runner.ts';
import type { RunOptions } from './slabs.ts';

type RunnerOf<N extends MethodName> = KindOf<N> extends 'reconstruction' ? ReconstructionRunner<ParamsOf<N>, FactsOf<N>> : never;

export const RUNNERS: { [N in MethodName]: RunnerOf<N> } = {
  fbp: FBP_RUNNER,
  sirt: SIRT_RUNNER,
  coordnet: COORDNET_RUNNER,
  localnet: LOCALNET_RUNNER,
};

export interface Reconstruction {
  method: MethodNameOf<'reconstruction'>;
  volume: Volume;
  /** Complete parameters, defaults filled in. */
  params: MethodParams;
  /** Method and parameters in one line, for result lists and MRC labels. */
  label: string;
  residuals?: number[];
  loss?: number[];
}

/** Binning, then the optional mean subtraction: what every reconstruction method reconstructs from. */
function prepare(ts: TiltSeries, params: { binning: number; subtractMean: boolean }): TiltSeries {
  const binned = binTiltSeries(ts, params.binning);
  return params.subtractMean ? subtractTiltMeans(binned) : binned;
}

/** Check the data, then complete and check the request: everything that can fail before GPU work. */
export function resolveReconstruction(ts: TiltSeries, request: RequestOf<'reconstruction'>): ResolvedRequest {
  validateTiltAngles(ts.tiltAngles);
  validateFinite(ts);
  return resolveRequest(request, ts);
}

/** Run a resolved reconstruction request (resolveReconstruction). */
export async function runReconstruction(gpu: GpuContext, ts: TiltSeries, resolved: ResolvedRequest, options: RunOptions = {}): Promise<Reconstruction> {
  const { method, params } = resolved;
  // One cast, here: RUNNERS[method] takes ParamsOf<method>, which `resolved` pairs with it.
  const runner = RUNNERS[method] as ReconstructionRunner<MethodParams, unknown>;
  const { volume, residuals, loss, facts } = await runner.run(gpu, prepare(ts, params), params, options);
  return { method, volume, params, label: methodLabel(method, params, { input: ts, facts }), residuals, loss };
}

/** Resolve and run a reconstruction request: the entry point of the CLI, the evaluations and the bench. */
export async function reconstruct(gpu: GpuContext, ts: TiltSeries, request: RequestOf<'reconstruction'>, options: RunOptions = {}): Promise<Reconstruction> {
  return runReconstruction(gpu, ts, resolveReconstruction(ts, request), options);
}
