/**
 * The method panel's form and how it becomes a worker request. Plain data, no React. The form holds every
 * reconstruction method's settings at once (switching methods keeps them), each method's from its own
 * definition; the parameters all reconstruction methods share live once, in `common`.
 */
import type { FormOptions } from '../../engine/methods/definition.ts';
import { methodDefinition, methodLabel, methodsOfKind, type MethodNameOf, type ParamsOf } from '../../engine/methods/registry.ts';
import type { CommonParams, MethodParams, RequestOf } from '../../../workers/api.ts';

/** The methods the method panel runs on a tilt series. */
export type ReconstructionName = MethodNameOf<'reconstruction'>;

/** A reconstruction method's own settings in the form (its parameters less the common ones). */
export type MethodOptions<N extends ReconstructionName> = FormOptions<'reconstruction', ParamsOf<N>>;

export interface MethodForm {
  method: ReconstructionName;
  common: CommonParams;
  options: { [N in ReconstructionName]: MethodOptions<N> };
}

export function defaultForm(thickness = 64): MethodForm {
  const options = Object.fromEntries(methodsOfKind('reconstruction').map((d) => [d.name, d.formDefaults()])) as unknown as MethodForm['options'];
  return {
    method: 'fbp',
    common: { thickness, binning: 1, invertAngles: false, subtractMean: false },
    options,
  };
}

/** The form's complete parameters for a method. */
export function formParams<N extends ReconstructionName>(form: MethodForm, method: N): ParamsOf<N> {
  return { ...form.common, ...form.options[method] } as ParamsOf<N>;
}

/** The request for a method (the form's by default); `overrides` (from scripting) win over the form. The engine resolves it. */
export function buildRequest(form: MethodForm, method: ReconstructionName = form.method, overrides?: Partial<MethodParams>): RequestOf<'reconstruction'> {
  return { method, params: { ...formParams(form, method), ...overrides } } as RequestOf<'reconstruction'>;
}

/** The form's method and settings in one line, as its result will be labelled (before the run's own facts). */
export function formDescription(form: MethodForm): string {
  return methodLabel(form.method, formParams(form, form.method));
}

/** The method's short name, e.g. "FBP". */
export function methodTitle(method: ReconstructionName): string {
  return methodDefinition(method).title;
}
