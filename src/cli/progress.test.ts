import { afterEach, describe, expect, it, vi } from 'vitest';
import { endProgressLine, progressPrinter, replaceProgressLine } from './progress.ts';

/** What is written to stderr from here on. */
function captured(): string[] {
  const chunks: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0);
  return chunks;
}

/** What a printer writes to stderr for these fractions, then `finish` (its end() unless told). */
function written(terminal: boolean, fractions: number[], quiet = false, finish?: () => void): string[] {
  const chunks = captured();
  const progress = progressPrinter(quiet, terminal);
  for (const fraction of fractions) progress({ fraction, message: `at ${fraction}` });
  (finish ?? progress.end)();
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

  it('ends an open line once: a second end (a failing command after end()) writes nothing', () => {
    const chunks = written(true, [0.25], false, () => {
      endProgressLine();
      endProgressLine();
    });
    expect(chunks.slice(1)).toEqual(['\n']);
  });

  it("replaces a terminal's open line with an outcome padded over the whole bar, so no tail of the bar is left", () => {
    const chunks = written(true, [1], false, () => replaceProgressLine('s1 fbp: done in 1.00 s'));
    expect(chunks[1]).toMatch(/^\rs1 fbp: done in 1\.00 s {40,}\n$/);
    expect(chunks[1].length).toBeGreaterThanOrEqual(chunks[0].length + 1);
  });

  it('writes the outcome as a plain line where no progress line is open (a log, or after end())', () => {
    expect(written(false, [1], false, () => replaceProgressLine('s1 fbp: done'))).toEqual(['100% at 1\n', 's1 fbp: done\n']);
    const chunks = captured();
    replaceProgressLine('s2 fbp: failed: bad stack');
    expect(chunks).toEqual(['s2 fbp: failed: bad stack\n']);
  });
});
