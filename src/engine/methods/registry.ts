/**
 * The one list of methods. The method name type, the request union, the CLI's `--method` choices, the page's
 * method menus and the bench all derive from it; maps keyed by MethodName (the runners, the page's panels, the
 * benches) make the compiler refuse a method that lacks one. Page-safe: definitions only, no runners.
 * Add a method: docs/adding-a-method.md.
 */
import type { TiltSeries } from '../types.ts';
import { COMMON_FLAGS, validateCommon, type CommonParams } from './common.ts';
import { COORDNET } from './coordnet/base.ts';
import type { DescribeContext, InputShape, KindCommon, MethodDefinition, MethodKind } from './definition.ts';
import { FBP } from './fbp/base.ts';
import { DECONV } from './deconv/base.ts';
import { GAUSSIAN } from './gaussian/base.ts';
import { LATENTBP } from './latentbp/base.ts';
import type { FlagSpec } from './flags.ts';
import { LOCALNET } from './localnet/base.ts';
import { REPROJECT } from './reproject/base.ts';
import { SIRT } from './sirt/base.ts';
import { CRYOGEN, ISONET } from './unetrefine/base.ts';

export const METHODS = [FBP, SIRT, COORDNET, LOCALNET, GAUSSIAN, DECONV, CRYOGEN, ISONET, REPROJECT, LATENTBP] as const;

type Definitions = (typeof METHODS)[number];
export type MethodName = Definitions['name'];
type DefinitionOf<N extends MethodName> = Extract<Definitions, { name: N }>;
export type KindOf<N extends MethodName> = DefinitionOf<N>['kind'];
export type ParamsOf<N extends MethodName> = ReturnType<DefinitionOf<N>['defaults']>;
export type FactsOf<N extends MethodName> = NonNullable<NonNullable<Parameters<DefinitionOf<N>['paramText']>[1]>['facts']>;
/** The names of one kind's methods. */
export type MethodNameOf<K extends MethodKind> = { [N in MethodName]: KindOf<N> extends K ? N : never }[MethodName];

/** What the page, the CLI and scripts ask for: a method and any of its parameters (the rest take defaults). */
export type MethodRequest = { [N in MethodName]: { method: N; params?: Partial<ParamsOf<N>> } }[MethodName];
export type RequestOf<K extends MethodKind> = Extract<MethodRequest, { method: MethodNameOf<K> }>;
/** Complete parameters of any method, and of any method of one kind. */
export type MethodParams = ParamsOf<MethodName>;
export type ParamsOfKind<K extends MethodKind> = ParamsOf<MethodNameOf<K>>;

/** A request resolved once, in the engine: complete parameters, checked, with the label it will carry. */
export type ResolvedRequest<K extends MethodKind = MethodKind> = { [N in MethodNameOf<K>]: { method: N; params: ParamsOf<N>; label: string } }[MethodNameOf<K>];

/** A definition seen without its own parameter types: for code that treats every method alike. */
type AnyDefinition = MethodDefinition<MethodName, MethodKind, MethodParams, unknown>;

const BY_NAME = new Map<string, AnyDefinition>(METHODS.map((d) => [d.name, d as unknown as AnyDefinition]));

export function isMethodName(name: string): name is MethodName {
  return BY_NAME.has(name);
}

export function methodDefinition(name: MethodName): AnyDefinition {
  return BY_NAME.get(name)!;
}

/** Whether a name (a method's, or a result's such as 'ground-truth') is a learned method's: one a trust score is for. */
export function isLearned(name: string): boolean {
  return BY_NAME.get(name)?.learned === true;
}

/** Whether a method's result is the same with a constant added to the stack (MethodDefinition.offsetFree). */
export function isOffsetFree(name: MethodName): boolean {
  return BY_NAME.get(name)?.offsetFree === true;
}

/** The definitions of one kind, in registry order. */
export function methodsOfKind(kind: MethodKind): AnyDefinition[] {
  return [...BY_NAME.values()].filter((d) => d.kind === kind);
}

/** Parameters all of a kind's methods share, with their flags and check. */
interface KindInfo<K extends MethodKind> {
  flags: readonly FlagSpec<KindCommon<K>>[];
  validate(input: InputShape<K>, params: KindCommon<K>): void;
}

const KINDS: { [K in MethodKind]: KindInfo<K> } = {
  reconstruction: { flags: COMMON_FLAGS, validate: (input, params) => validateCommon(input, params as CommonParams) },
  refinement: { flags: [], validate: () => undefined },
  tiltSynthesis: { flags: [], validate: () => undefined },
};

/** The flags every method of a kind reads (its shared parameters'). */
export function kindFlags(kind: MethodKind): readonly FlagSpec<MethodParams>[] {
  return KINDS[kind].flags as readonly FlagSpec<MethodParams>[];
}

/** The flags a method reads: its kind's shared ones, then its own. */
export function methodFlags(name: MethodName): readonly FlagSpec<MethodParams>[] {
  const definition = methodDefinition(name);
  return [...kindFlags(definition.kind), ...definition.flags];
}

/** "Title (parameters)": how a result is named in lists, comparisons and MRC labels. */
export function methodLabel(name: MethodName, params: MethodParams, context?: DescribeContext<MethodKind, unknown>): string {
  const definition = methodDefinition(name);
  return `${definition.title} (${definition.paramText(params, context)})`;
}

/** Complete and check a request for an input of this size, before any GPU work; the label names the run before it ends. */
export function resolveRequest<K extends MethodKind>(request: RequestOf<K>, input: InputShape<MethodKind>): ResolvedRequest<K> {
  const definition = methodDefinition(request.method);
  const params = definition.defaults(input, request.params);
  KINDS[definition.kind].validate(input as never, params as never);
  definition.validate(params);
  return { method: request.method, params, label: methodLabel(request.method, params, { input }) } as ResolvedRequest<K>;
}

/** Why a resolved request cannot run on this tilt series (MethodDefinition.seriesProblem), or null. */
export function seriesProblem(resolved: { method: MethodName; params: object }, ts: TiltSeries): string | null {
  const definition = methodDefinition(resolved.method) as { seriesProblem?(params: object, ts: TiltSeries): string | null };
  return definition.seriesProblem?.(resolved.params, ts) ?? null;
}

/** Every name `--method` accepts for a kind's methods: their own, then their aliases (e.g. localnet-wavelet). */
export function methodChoices(kind: MethodKind): string[] {
  const ofKind = methodsOfKind(kind);
  return [...ofKind.map((d) => d.name), ...ofKind.flatMap((d) => Object.keys(d.aliases ?? {}))];
}

/** The method a command-line name stands for, with the parameters an alias presets; undefined for an unknown name. */
export function methodForCliName(name: string): { method: MethodName; preset: Partial<MethodParams> } | undefined {
  if (isMethodName(name)) return { method: name, preset: {} };
  for (const definition of METHODS) {
    const preset = (definition.aliases as Readonly<Record<string, Partial<MethodParams>>> | undefined)?.[name];
    if (preset) return { method: definition.name, preset };
  }
  return undefined;
}
