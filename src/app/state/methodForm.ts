/**
 * The method panels' form and how it becomes a worker request. Plain data, no React. The form holds every
 * method's settings at once (switching methods keeps them), each method's from its own definition; the
 * parameters all reconstruction methods share live once, in `common`.
 */
import type { FormOptions, MethodKind } from '../../engine/methods/definition.ts';
import { METHODS, methodDefinition, methodLabel, methodsOfKind, type KindOf, type MethodNameOf, type ParamsOf } from '../../engine/methods/registry.ts';
import type { CommonParams, DatasetSummary, MethodName, MethodParams, MethodRequest } from '../../../workers/api.ts';

/** The methods the method panel runs on a tilt series. */
export type ReconstructionName = MethodNameOf<'reconstruction'>;

/** A method's own settings in the form (its parameters less its kind's shared ones). */
export type MethodOptions<N extends MethodName> = FormOptions<KindOf<N>, ParamsOf<N>>;

export interface MethodForm {
  /** The method chosen for each kind: the Method panel's, the Refine panel's, the Add tilts panel's. */
  choice: { [K in MethodKind]: MethodNameOf<K> };
  common: CommonParams;
  options: { [N in MethodName]: MethodOptions<N> };
}

export function defaultForm(thickness = 64): MethodForm {
  const options = Object.fromEntries(METHODS.map((d) => [d.name, d.formDefaults()])) as unknown as MethodForm['options'];
  const first = <K extends MethodKind>(kind: K) => methodsOfKind(kind)[0].name as MethodNameOf<K>;
  return {
    choice: { reconstruction: first('reconstruction'), refinement: first('refinement'), tiltSynthesis: first('tiltSynthesis') },
    common: { thickness, binning: 1, invertAngles: false, subtractMean: false },
    options,
  };
}

/** The form's complete parameters for a method: its kind's shared settings (reconstructions: `common`), then its own. */
export function formParams<N extends MethodName>(form: MethodForm, method: N): ParamsOf<N> {
  const shared = methodDefinition(method).kind === 'reconstruction' ? form.common : {};
  return { ...shared, ...form.options[method] } as ParamsOf<N>;
}

/** The request for a method; `overrides` (from scripting) win over the form. The engine resolves it. */
export function buildRequest<N extends MethodName>(form: MethodForm, method: N, overrides?: Partial<MethodParams>): Extract<MethodRequest, { method: N }> {
  return { method, params: { ...formParams(form, method), ...overrides } } as unknown as Extract<MethodRequest, { method: N }>;
}

/** The form's reconstruction method and settings in one line, as its result will be labelled (before the run's own facts). */
export function formDescription(form: MethodForm): string {
  const method = form.choice.reconstruction;
  return methodLabel(method, formParams(form, method));
}

/** A method's short name, e.g. "FBP". */
export function methodTitle(method: MethodName): string {
  return methodDefinition(method).title;
}

/** The dose weighting checkbox of FBP's and SIRT's forms (docs/metadata.md#dose-weighting). */
export interface DoseWeightingField {
  checked: boolean;
  /** Why the selected data set cannot be dose weighted (the checkbox is then locked off); null when it can. */
  unavailable: string | null;
}

/**
 * The checkbox for a form's `doseWeighting` (undefined until the user sets it) and the selected data set: as the
 * engine resolves it (common.ts doseWeightingDefault), on unless unchecked when the series can be weighted,
 * off with the reason when it cannot.
 */
export function doseWeightingField(doseWeighting: boolean | undefined, dataset: Pick<DatasetSummary, 'doseWeightingUnavailable'> | undefined): DoseWeightingField {
  const unavailable = dataset ? dataset.doseWeightingUnavailable : 'no data set is selected';
  return { checked: unavailable === null && (doseWeighting ?? true), unavailable };
}
