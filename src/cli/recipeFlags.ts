/**
 * The refinement after the reconstruction and the tilt synthesis before it, for the commands that score what
 * made a result (`wedgelab trust`, `wedgelab cv`; src/engine/evaluation/recipe.ts):
 *   --refine METHOD [--refine-FLAG VALUE …]                       e.g. --refine cryogen --refine-model cryogen-sim
 *   --synthesize-at ANGLES [--synth-method NAME] [--synth-FLAG …]  e.g. --synthesize-at ±63,±66 --synth-model lbp-small
 * Each step's method reads its own flags under the prefix, so that they do not clash with the reconstruction's
 * (--model, --thickness); the flags themselves are the methods' declarations, as for `wedgelab refine|synthesize`.
 */
import type { ResultRecipe } from '../engine/evaluation/recipe.ts';
import { UsageError, type FlagValues } from '../engine/methods/flags.ts';
import { methodChoices, methodDefinition, methodFlags, methodForCliName, methodsOfKind, type RequestOf } from '../engine/methods/registry.ts';
import { KIND_COMMANDS, methodRequest } from './methodFlags.ts';

type StepKind = 'refinement' | 'tiltSynthesis';

const PREFIX: Record<StepKind, string> = { refinement: 'refine', tiltSynthesis: 'synth' };

/** The synthesis a recipe runs unless --synth-method names another: the learned one, which a trust score is for. */
export const DEFAULT_SYNTH_METHOD = 'latentbp';

/** A step's flags by their own names: every flag of the kind's methods, less the angles (--synthesize-at gives them). */
function stepFlags(kind: StepKind): string[] {
  return [...new Set(methodsOfKind(kind).flatMap((d) => methodFlags(d.name).map((f) => f.name)))].filter((name) => name !== 'add');
}

/** parseArgs options of the two steps: --refine, --synthesize-at, --synth-method and the prefixed method flags. */
export const RECIPE_OPTIONS = Object.fromEntries([
  ...['refine', 'synthesize-at', 'synth-method'].map((name) => [name, { type: 'string' }]),
  ...(['refinement', 'tiltSynthesis'] as const).flatMap((kind) =>
    stepFlags(kind).map((name) => {
      const spec = methodsOfKind(kind).flatMap((d) => methodFlags(d.name)).find((f) => f.name === name)!;
      return [`${PREFIX[kind]}-${name}`, { type: spec.parse === 'switch' ? 'boolean' : 'string' }];
    }),
  ),
]) as Record<string, { type: 'string' } | { type: 'boolean' }>;

/** Usage of the two steps, for the commands' help. */
export const RECIPE_USAGE =
  `[--refine ${methodChoices('refinement').join('|')} [--refine-FLAG VALUE…]] ` +
  `[--synthesize-at ANGLES [--synth-method ${methodChoices('tiltSynthesis').join('|')}] [--synth-FLAG VALUE…]]`;

/**
 * One step's request: `method` with the flags given under the step's prefix, `extra` added (the synthesis'
 * angles). Undefined when the step was not asked for; prefixed flags without it, or that its method does not
 * read, are refused.
 */
function stepRequest<K extends StepKind>(values: FlagValues, kind: K, method: string | undefined, asked: string, extra: FlagValues = {}): RequestOf<K> | undefined {
  const prefix = PREFIX[kind];
  const given = stepFlags(kind).filter((name) => values[`${prefix}-${name}`] !== undefined);
  if (method === undefined) {
    if (given.length > 0) throw new UsageError(`--${prefix}-${given[0]} is given without ${asked}`);
    return undefined;
  }
  const found = methodForCliName(method);
  if (found && methodDefinition(found.method).kind === kind) {
    const read = new Set(methodFlags(found.method).map((f) => f.name));
    const foreign = given.find((name) => !read.has(name));
    if (foreign) throw new UsageError(`--${prefix}-${foreign} is not a flag of ${method}: wedgelab ${KIND_COMMANDS[kind]} --method ${method} --help lists its flags, given here as --${prefix}-FLAG`);
  }
  return methodRequest({ method, ...extra, ...Object.fromEntries(given.map((name) => [name, values[`${prefix}-${name}`]])) }, kind);
}

/** Undefined, or the value of a string option. */
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The reconstruction request of --method with the refinement and synthesis the command line asks for. A
 * refinement or synthesis method given as --method is refused with the way to score it.
 */
export function recipeFromFlags(values: FlagValues): ResultRecipe {
  const named = methodForCliName(text(values.method) ?? '');
  const kind = named && methodDefinition(named.method).kind;
  if (kind === 'refinement') throw new UsageError(`${String(values.method)} is a refinement method: score it after a reconstruction, e.g. --method fbp --refine ${String(values.method)}`);
  if (kind === 'tiltSynthesis') throw new UsageError(`${String(values.method)} is a tilt synthesis method: score it before a reconstruction, e.g. --method fbp --synthesize-at ±63,±66 --synth-method ${String(values.method)}`);
  const synthesizeAt = text(values['synthesize-at']);
  if (synthesizeAt === undefined && values['synth-method'] !== undefined) throw new UsageError('--synth-method is given without --synthesize-at ANGLES');
  const refinement = stepRequest(values, 'refinement', text(values.refine), '--refine METHOD');
  const synthesisMethod = synthesizeAt === undefined ? undefined : (text(values['synth-method']) ?? DEFAULT_SYNTH_METHOD);
  const synthesis = stepRequest(values, 'tiltSynthesis', synthesisMethod, '--synthesize-at ANGLES', { add: synthesizeAt });
  return { ...methodRequest(values, 'reconstruction'), ...(synthesis && { synthesis }), ...(refinement && { refinement }) };
}
