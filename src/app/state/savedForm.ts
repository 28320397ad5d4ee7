/**
 * The method panels' choices and settings kept in the browser's localStorage, so that a reload (or the next visit)
 * opens on the methods and values the user last set. Only what belongs to the methods is kept: the shared
 * Thickness, Binning and angle settings follow each data set (formDefaultsFor) and start from it again.
 * What comes back is checked method by method as the engine would check it; a method whose kept settings no longer
 * pass (a model that is gone, a value out of range, a parameter renamed since) starts again from its defaults,
 * and the others keep theirs.
 */
import { METHODS, methodDefinition, methodsOfKind } from '../../engine/methods/registry.ts';
import { SHIPPED_CHOICES } from '../../engine/methods/modelChoice.ts';
import type { MethodKind } from '../../engine/methods/definition.ts';
import type { MethodName } from '../../../workers/api.ts';
import type { MethodForm } from './methodForm.ts';

export const SAVED_FORM_KEY = 'wedgelab.methodForm';

/** The width the kept settings are checked at: defaults that scale with the input are made for a typical series. */
const CHECK_INPUT = { nx: 512 };

/** What is kept: the chosen method of each kind and every method's own settings, as JSON. */
export function savedFormText(form: MethodForm): string {
  return JSON.stringify({ choice: form.choice, options: form.options });
}

/** `form` with the kept choices and settings of `text` (savedFormText's) that still pass; `form` itself when none do. */
export function restoredForm(form: MethodForm, text: string | null): MethodForm {
  const saved = parsed(text);
  if (!saved) return form;
  const options = { ...form.options } as Record<MethodName, object>;
  for (const { name } of METHODS) {
    const kept = keptOptions(name, options[name], saved.options?.[name]);
    if (kept) options[name] = kept;
  }
  const choice = { ...form.choice } as Record<MethodKind, string>;
  for (const kind of Object.keys(choice) as MethodKind[]) {
    const name = saved.choice?.[kind];
    if (methodsOfKind(kind).some((d) => d.name === name)) choice[kind] = name as string;
  }
  return { ...form, choice, options } as MethodForm;
}

interface SavedForm {
  choice?: Partial<Record<string, unknown>>;
  options?: Partial<Record<string, unknown>>;
}

function parsed(text: string | null): SavedForm | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? (value as SavedForm) : null;
  } catch {
    return null;
  }
}

/**
 * A method's kept settings over its form defaults, when they pass: each value of the JSON type of the default it
 * replaces, the method's model (if it runs one) shipped with WedgeLab (models added from files are gone after a
 * reload), and the whole accepted by the method's own validation. Null otherwise.
 */
function keptOptions(name: MethodName, defaults: object, saved: unknown): object | null {
  if (!isRecord(saved)) return null;
  const definition = methodDefinition(name);
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(saved)) {
    const before = (defaults as Record<string, unknown>)[key];
    if (before !== undefined && jsonType(before) !== jsonType(value)) return null;
    merged[key] = value;
  }
  const family = definition.modelFamily;
  if (family && !SHIPPED_CHOICES[family].some((m) => m.name === merged.model)) return null;
  try {
    const complete: object = definition.defaults(CHECK_INPUT, merged as never);
    // A key the method no longer has (renamed or removed since it was kept) is not carried into its requests.
    if (Object.keys(merged).some((key) => !(key in complete))) return null;
    definition.validate(complete as never);
  } catch {
    return null;
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

/** The kept text, or null where the browser keeps none (storage off, a private window's limits). */
export function readSavedForm(): string | null {
  try {
    return globalThis.localStorage?.getItem(SAVED_FORM_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Keep the form's method choices and settings; a browser that refuses (storage off or full) keeps nothing, silently. */
export function keepForm(form: MethodForm): void {
  try {
    globalThis.localStorage?.setItem(SAVED_FORM_KEY, savedFormText(form));
  } catch {
    // Nothing kept: the page works as before, opening on the defaults next time.
  }
}
