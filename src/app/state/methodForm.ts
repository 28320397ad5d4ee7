/** The method panel's form and how it becomes a worker request. Plain data, no React. */
import type { FilterSpec } from '../../engine/filters.ts';
import { RADIAL_DEFAULTS } from '../../engine/filters.ts';
import { coordnetDefaults, localnetDefaults } from '../../engine/methods/params.ts';
import { DEFAULT_LOCAL_MODEL } from '../../engine/onnx/catalogue.ts';
import type { CommonParams, CoordnetParams, FbpParams, LocalnetParams, MethodName, MethodRequest, SirtParams } from '../../../workers/api.ts';

export interface SirtOptions {
  iterations: number;
  relaxation: number;
  positivity: boolean;
}

/** The coordinate network's own settings (the common ones live in `common`). */
export type CoordnetOptions = Omit<CoordnetParams, keyof CommonParams>;

/** The local network's own settings: which shipped model, and points per model call (0 = automatic). */
export type LocalnetOptions = Omit<LocalnetParams, keyof CommonParams>;

export interface MethodForm {
  method: MethodName;
  common: CommonParams;
  filter: FilterSpec;
  sirt: SirtOptions;
  coordnet: CoordnetOptions;
  localnet: LocalnetOptions;
}

/** Short names for buttons, progress and notes. */
export const METHOD_NAMES: Record<MethodName, string> = { fbp: 'FBP', sirt: 'SIRT', coordnet: 'Coordinate network', localnet: 'Local network' };

export const DEFAULT_FILTER: FilterSpec = { name: 'cosine' };
export const DEFAULT_SIRT: SirtOptions = { iterations: 20, relaxation: 1, positivity: false };

/** The engine's defaults (the paper's), less the common parameters. */
export function defaultCoordnet(): CoordnetOptions {
  const { width, layers, slabRows, stepsFirst, stepsNext, lrFirst, lrNext, tv, omega0, seed } = coordnetDefaults({ nx: 1 });
  return { width, layers, slabRows, stepsFirst, stepsNext, lrFirst, lrNext, tv, omega0, seed };
}

/**
 * The page starts on the wavelet model: it makes 8× fewer model calls and validated at least as well as the
 * voxel model (docs/localnet.md). The engine's own default (the CLI's `--method localnet`) is the voxel one.
 */
export function defaultLocalnet(): LocalnetOptions {
  return { model: DEFAULT_LOCAL_MODEL.wavelet, batchSize: localnetDefaults({ nx: 1 }).batchSize };
}

export function defaultForm(thickness = 64): MethodForm {
  return {
    method: 'fbp',
    common: { thickness, binning: 1, invertAngles: false, subtractMean: false },
    filter: { ...DEFAULT_FILTER },
    sirt: { ...DEFAULT_SIRT },
    coordnet: defaultCoordnet(),
    localnet: defaultLocalnet(),
  };
}

/** Complete FBP parameters from the form. */
export function fbpParams(form: MethodForm): FbpParams {
  const filter: FilterSpec =
    form.filter.name === 'radial'
      ? {
          name: 'radial',
          cutoff: form.filter.cutoff ?? RADIAL_DEFAULTS.cutoff,
          falloff: form.filter.falloff ?? RADIAL_DEFAULTS.falloff,
        }
      : { name: form.filter.name };
  return { ...form.common, filter };
}

export function sirtParams(form: MethodForm): SirtParams {
  return { ...form.common, ...form.sirt };
}

export function coordnetParams(form: MethodForm): CoordnetParams {
  return { ...form.common, ...form.coordnet };
}

/** The request for the form's method; `overrides` (from scripting) win over the form. */
export function buildRequest(form: MethodForm, method: MethodName = form.method, overrides?: MethodRequest['params']): MethodRequest {
  if (method === 'fbp') {
    return { method: 'fbp', params: { ...fbpParams(form), ...(overrides as Partial<FbpParams> | undefined) } };
  }
  if (method === 'coordnet') {
    return { method: 'coordnet', params: { ...coordnetParams(form), ...(overrides as Partial<CoordnetParams> | undefined) } };
  }
  if (method === 'localnet') {
    return { method: 'localnet', params: { ...form.common, ...form.localnet, ...(overrides as Partial<LocalnetParams> | undefined) } };
  }
  return { method: 'sirt', params: { ...sirtParams(form), ...(overrides as Partial<SirtParams> | undefined) } };
}
