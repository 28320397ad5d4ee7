/** Command-line option parsing with errors that name the option (the value parsers are the methods' own: engine/methods/flags.ts). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../engine/methods/flags.ts';

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
