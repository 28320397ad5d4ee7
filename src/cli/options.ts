/** Command-line option parsing with errors that name the option (the value parsers are the methods' own: engine/methods/flags.ts). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../engine/methods/flags.ts';

/** parseArgs options for flags that each take one value (file paths, lists): { name: { type: 'string' } }. */
export function stringOptions<N extends string>(names: readonly N[]): Record<N, { type: 'string' }> {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as Record<N, { type: 'string' }>;
}

/**
 * parseArgs with our usage errors. A value that starts with a minus sign and a digit
 * (`--angles -60,60,2`) is taken as the option's value rather than as another option. Arguments that are not
 * options are refused beyond `positionals` of them (only `info` takes any, and counts its files itself): a stack
 * named without --tilts would otherwise be passed over in silence.
 */
export function parseOptions<T extends ParseArgsConfig['options']>(args: string[], options: T, positionals = 0) {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : null;
    const takesValue = name !== null && options?.[name]?.type === 'string';
    if (takesValue && i + 1 < args.length && /^-\d/.test(args[i + 1])) joined.push(`${args[i]}=${args[++i]}`);
    else joined.push(args[i]);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseError(error as Error & { code?: string }, Object.keys(options ?? {})));
  }
  const extra = parsed.positionals[positionals];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}": every file and value is given after its option (the usage below)`);
  return parsed;
}

/** Node's message, but an unknown option is named with the closest known one, without Node's hint about "--". */
function parseError(error: Error & { code?: string }, known: string[]): string {
  const unknown = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2}[^'=]+)/.exec(error.message)?.[1] : undefined;
  if (unknown === undefined) return error.message;
  const near = closestOption(unknown.replace(/^-+/, ''), known);
  return `unknown option ${unknown}${near ? ` (did you mean --${near}?)` : ''}`;
}

/**
 * The known option nearest to `name`, within two edits (a typo, a missing plural s) and a third of its length
 * (so a short stray like -x suggests nothing), or null.
 */
function closestOption(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.min(2, Math.floor(name.length / 3)) + 1;
  for (const option of known) {
    const distance = editDistance(name, option);
    if (distance < bestDistance) [best, bestDistance] = [option, distance];
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
