/** The method panel's form and how it becomes a worker request. Plain data, no React. */
import type { FilterSpec } from '../../engine/filters.ts';
import { RADIAL_DEFAULTS } from '../../engine/filters.ts';
import type { CommonParams, FbpParams, MethodName, MethodRequest, SirtParams } from '../../../workers/api.ts';

export interface SirtOptions {
  iterations: number;
  relaxation: number;
  positivity: boolean;
}

export interface MethodForm {
  method: MethodName;
  common: CommonParams;
  filter: FilterSpec;
  sirt: SirtOptions;
}

export const DEFAULT_FILTER: FilterSpec = { name: 'cosine' };
export const DEFAULT_SIRT: SirtOptions = { iterations: 20, relaxation: 1, positivity: false };

export function defaultForm(thickness = 64): MethodForm {
  return {
    method: 'fbp',
    common: { thickness, binning: 1, invertAngles: false, subtractMean: false },
    filter: { ...DEFAULT_FILTER },
    sirt: { ...DEFAULT_SIRT },
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

/** The request for the form's method; `overrides` (from scripting) win over the form. */
export function buildRequest(form: MethodForm, method: MethodName = form.method, overrides?: MethodRequest['params']): MethodRequest {
  if (method === 'fbp') {
    return { method: 'fbp', params: { ...fbpParams(form), ...(overrides as Partial<FbpParams> | undefined) } };
  }
  return { method: 'sirt', params: { ...sirtParams(form), ...(overrides as Partial<SirtParams> | undefined) } };
}
