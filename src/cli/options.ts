/** Command-line option parsing with errors that name the option. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

/**
 * parseArgs with our usage errors. A value that starts with a minus sign and a digit
 * (`--angles -60,60,2`) is taken as the option's value rather than as another option.
 */
export function parseOptions<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : null;
    const takesValue = name !== null && options?.[name]?.type === 'string';
    if (takesValue && i + 1 < args.length && /^-\d/.test(args[i + 1])) joined.push(`${args[i]}=${args[++i]}`);
    else joined.push(args[i]);
  }
  try {
    return parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A whole number option, with the option named in the error. */
export function intOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number (got "${raw}")`);
  return value;
}

/** One of `choices`, with the option and its choices named in the error. */
export function choiceOption<C extends string>(values: Record<string, unknown>, name: string, choices: readonly C[]): C | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!(choices as readonly unknown[]).includes(raw)) throw new UsageError(`--${name} takes ${choices.join(', ')} (got "${String(raw)}")`);
  return raw as C;
}

export function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number (got "${raw}")`);
  return value;
}
