import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressPrinter } from './progress.ts';

/** What the printer writes to stderr for these fractions, then its end(). */
function written(terminal: boolean, fractions: number[], quiet = false): string[] {
  const chunks: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0);
  const progress = progressPrinter(quiet, terminal);
  for (const fraction of fractions) progress({ fraction, message: `at ${fraction}` });
  progress.end();
  return chunks;
}

afterEach(() => vi.restoreAllMocks());

describe('progressPrinter', () => {
  it('writes a line per tenth where stderr is not a terminal (a log, a SLURM job), and nothing to end', () => {
    expect(written(false, [0, 0.05, 0.125, 0.19, 0.5, 1])).toEqual(['  0% at 0\n', ' 12% at 0.125\n', ' 50% at 0.5\n', '100% at 1\n']);
  });

  it('rewrites one line per percent on a terminal, and ends it with a newline', () => {
    const chunks = written(true, [0, 0.001, 0.5]);
    expect(chunks.map((c) => c.trimEnd())).toEqual(['\r  0% at 0', '\r 50% at 0.5', '']);
    expect(chunks.at(-1)).toBe('\n');
  });

  it('writes nothing when quiet', () => {
    expect(written(true, [0, 0.5, 1], true)).toEqual([]);
  });
});
