/**
 * The command line's view of the method registry: the options every method-running command accepts, the
 * request they make, and the usage and `--method NAME --help` text, all generated from the methods'
 * own flag declarations, so a new method needs no change here.
 */
import type { MethodKind } from '../engine/methods/definition.ts';
import { readDeclaredFlags, requireFlag, UsageError, type FlagSpec, type FlagValues } from '../engine/methods/flags.ts';
import { SHIPPED_CHOICES } from '../engine/methods/modelChoice.ts';
import {
  isLearned,
  METHODS,
  methodChoices,
  kindFlags,
  methodDefinition,
  methodFlags,
  methodForCliName,
  methodsOfKind,
  type MethodName,
  type MethodParams,
  type RequestOf,
} from '../engine/methods/registry.ts';
import { parseOptions, stringOptions } from './options.ts';

type OptionConfig = Record<string, { type: 'string' } | { type: 'boolean' }>;

/** Every flag any method declares, by name; a name two methods declare with different types is a bug, caught here. */
function allMethodFlags(): Map<string, FlagSpec<MethodParams>> {
  const flags = new Map<string, FlagSpec<MethodParams>>();
  for (const { name } of METHODS) {
    for (const flag of methodFlags(name)) {
      const seen = flags.get(flag.name);
      if (seen && (seen.parse === 'switch') !== (flag.parse === 'switch')) throw new Error(`--${flag.name} is a switch for one method and takes a value for another`);
      flags.set(flag.name, flag);
    }
  }
  return flags;
}

/** parseArgs options of the commands that run a method (recon, refine, cv, oddeven): the method, and every method's flags. */
export const METHOD_OPTIONS = {
  ...(Object.fromEntries([...allMethodFlags().values()].map((f) => [f.name, { type: f.parse === 'switch' ? 'boolean' : 'string' }])) as OptionConfig),
  method: { type: 'string' },
  /** auto|gpu|cpu: the engine's path (src/cli/engine.ts). */
  engine: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** The command each kind of method runs under, for messages. */
export const KIND_COMMANDS: Record<MethodKind, string> = { reconstruction: 'recon', refinement: 'refine', tiltSynthesis: 'synthesize' };

/** The method a name (from --method or --methods) stands for among the kind's, with the error listing the kind's choices. */
function methodOf(name: unknown, kind: MethodKind): { method: MethodName; preset: Partial<MethodParams> } {
  const choices = `use one of ${methodChoices(kind).join(', ')}`;
  if (typeof name !== 'string' || name === '') throw new UsageError(`--method is required: ${choices}`);
  const found = methodForCliName(name);
  const foundKind = found && methodDefinition(found.method).kind;
  if (!found || foundKind !== kind) {
    const other = foundKind ? `: ${name} is a ${foundKind} method (wedgelab ${KIND_COMMANDS[foundKind]})` : '';
    throw new UsageError(`unknown ${kind} method "${name}"${other}; ${choices}`);
  }
  return found;
}

/** The flags given that none of `methods` reads: an error, since they would be ignored. */
function checkFlagsRead(values: FlagValues, methods: readonly MethodName[], kind: MethodKind): void {
  const read = new Set(methods.flatMap((m) => methodFlags(m).map((f) => f.name)));
  const foreign = [...allMethodFlags().keys()].filter((name) => values[name] !== undefined && !read.has(name));
  if (foreign.length === 0) return;
  const flags = `${foreign.map((n) => `--${n}`).join(', ')} ${foreign.length === 1 ? 'is not a flag' : 'are not flags'}`;
  throw new UsageError(`${flags} of ${methods.join(' or ')}: see wedgelab ${KIND_COMMANDS[kind]} --method ${methods[0]} --help`);
}

/** A method's request from the flags it declares; unset parameters take the method's defaults (the engine fills them). */
function requestFor<K extends MethodKind>(method: MethodName, preset: Partial<MethodParams>, values: FlagValues): RequestOf<K> {
  const params = { ...preset, ...readDeclaredFlags(methodFlags(method), values), ...methodDefinition(method).readFlags?.(values) };
  // Flags left unset read as undefined: drop them, so that the method's defaults apply.
  return { method, params: Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) } as RequestOf<K>;
}

/** The method of --method and its parameters from the command line. */
export function methodRequest<K extends MethodKind>(values: FlagValues, kind: K): RequestOf<K> {
  const { method, preset } = methodOf(values.method, kind);
  checkFlagsRead(values, [method], kind);
  return requestFor(method, preset, values);
}

/** Several methods from one command line (`--methods fbp,sirt`): each reads the flags it declares; a flag none reads is an error. */
export function methodRequests<K extends MethodKind>(values: FlagValues, kind: K, names: readonly string[]): { name: string; request: RequestOf<K> }[] {
  const found = names.map((name) => ({ name, ...methodOf(name, kind) }));
  checkFlagsRead(values, found.map((f) => f.method), kind);
  return found.map(({ name, method, preset }) => ({ name, request: requestFor<K>(method, preset, values) }));
}

/** The `--method` names of learned methods, aliases included: what `wedgelab trust` is for. */
export function learnedChoices(): string[] {
  return methodChoices('reconstruction').filter((name) => isLearned(methodForCliName(name)?.method ?? ''));
}

function flagUsage(flag: FlagSpec<MethodParams>): string {
  return `[--${flag.name}${flag.value ? ` ${flag.value}` : ''}]`;
}

/** Usage lines of a kind's methods, each with its own flags (the kind's shared flags: commonUsage). */
export function methodUsage(kind: MethodKind, indent: string): string {
  const lines = methodsOfKind(kind).map((d) => {
    const aliases = Object.keys(d.aliases ?? {});
    return `${indent}${[d.name, ...aliases].join(', ')}: ${d.flags.map(flagUsage).join(' ') || '(no flags of its own)'}`;
  });
  return lines.join('\n');
}

/** The flags shared by every method of a kind, as usage. */
export function commonUsage(kind: MethodKind): string {
  return [...kindFlags(kind).map(flagUsage), '[--engine auto|gpu|cpu]'].join(' ');
}

/** The default a flag sets, in words: its declared text, or the parameter's default value. */
function defaultText(flag: FlagSpec<MethodParams>, defaults: MethodParams): string {
  if (flag.defaultText) return flag.defaultText;
  if (!flag.param) return '';
  const value = (defaults as unknown as Record<string, unknown>)[flag.param];
  if (flag.parse === 'switch') return value ? 'on' : 'off';
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** `wedgelab recon|refine|trust --method NAME --help`: what the method is, and each of its flags with its default. */
export function methodHelp(values: FlagValues, kind: MethodKind): string {
  const { method, preset } = methodOf(values.method, kind);
  const definition = methodDefinition(method);
  // A 1024-pixel-wide series stands in for "your data" where a default scales with the width (thickness has its own text).
  const defaults = definition.defaults({ nx: 1024 }, preset);
  const flags = methodFlags(method);
  const width = Math.max(...flags.map((f) => `--${f.name}${f.value ? ` ${f.value}` : ''}`.length));
  const rows = flags.map((f) => {
    const spelled = `--${f.name}${f.value ? ` ${f.value}` : ''}`.padEnd(width);
    const fallback = defaultText(f, defaults);
    return `  ${spelled}  ${f.help}${fallback ? ` (default: ${fallback})` : ''}`;
  });
  const family = definition.modelFamily;
  const models = family ? ['', 'shipped models (--model NAME):', ...SHIPPED_CHOICES[family].map((m) => `  ${m.name} (${m.tag}): ${m.summary}`)] : [];
  return [`${definition.title} (--method ${values.method}, a ${definition.kind} method)`, '', wrap(definition.help, 100), '', 'flags:', ...rows, ...models].join('\n');
}

/**
 * A method command's arguments (recon, refine, synthesize): the method's request, the named file arguments (each
 * required), the `optional` options as parseArgs takes them, and all values (--force among them: replace existing
 * outputs). With --help it prints the method's help
 * instead and gives null.
 */
export function methodCommand<K extends MethodKind, F extends string>(
  args: string[],
  kind: K,
  files: readonly F[],
  optional: Record<string, { type: 'string' | 'boolean' }> = {},
): { values: FlagValues; request: RequestOf<K>; paths: Record<F, string> } | null {
  const { values }: { values: FlagValues } = parseOptions(args, { ...METHOD_OPTIONS, ...stringOptions(files), ...optional, force: { type: 'boolean' as const } });
  if (values.help) {
    process.stdout.write(`${methodHelp(values, kind)}\n`);
    return null;
  }
  const paths = Object.fromEntries(files.map((f) => [f, requireFlag(values, f)])) as Record<F, string>;
  return { values, request: methodRequest(values, kind), paths };
}
