/**
 * Command-line flags as methods declare them: plain data (page-safe), read by the CLI's option parser,
 * usage text and `--help`. The value parsers live here, beside the flags, so that every method reads its
 * flags the same way and names the flag in its errors.
 */

/** A bad command line: the CLI prints the message and its usage, and exits 2. */
export class UsageError extends Error {}

/** Parsed flag values as node:util parseArgs gives them: strings, booleans, or undefined when unset. */
export type FlagValues = Record<string, unknown>;

/** How a flag's text becomes a parameter value. */
export type FlagParse = 'int' | 'number' | 'string' | 'switch';

export interface FlagSpec<P> {
  /** Spelled `--name` on the command line. */
  name: string;
  /** Placeholder in usage text (e.g. 'K', 'NAME'); switches have none. */
  value?: string;
  parse: FlagParse;
  /** The parameter it sets; a flag without one is read by the method's own `readFlags`. */
  param?: keyof P & string;
  help: string;
  /** The default as shown in help, where the parameter's default value alone would not say it. */
  defaultText?: string;
}

export function requireFlag(values: FlagValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A whole number, with the flag named in the error. */
export function intFlag(values: FlagValues, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number (got "${raw}")`);
  return value;
}

export function numberFlag(values: FlagValues, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number (got "${raw}")`);
  return value;
}

/** One of `choices`, with the flag and its choices named in the error. */
export function choiceFlag<C extends string>(values: FlagValues, name: string, choices: readonly C[]): C | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!(choices as readonly unknown[]).includes(raw)) throw new UsageError(`--${name} takes ${choices.join(', ')} (got "${String(raw)}")`);
  return raw as C;
}

/** A switch: true when given, undefined (the method's default) when not. */
function switchFlag(values: FlagValues, name: string): true | undefined {
  return values[name] === true ? true : undefined;
}

const READERS: Record<FlagParse, (values: FlagValues, name: string) => unknown> = {
  int: intFlag,
  number: numberFlag,
  string: (values, name) => values[name] as string | undefined,
  switch: switchFlag,
};

/** The parameters the declared flags set directly; unset flags stay undefined (the method's default). */
export function readDeclaredFlags<P>(flags: readonly FlagSpec<P>[], values: FlagValues): Partial<P> {
  const out: Partial<P> = {};
  for (const flag of flags) {
    if (!flag.param) continue;
    const value = READERS[flag.parse](values, flag.name);
    if (value !== undefined) out[flag.param] = value as P[keyof P & string];
  }
  return out;
}
