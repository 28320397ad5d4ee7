// The broken-input corpus (io/brokenInputs.ts) through `wedgelab recon`, in this process (main, as bin/wedgelab.js
// calls it): each case ends in its exact one-line refusal with exit 1 (or, where the command line refuses it as a
// usage error, that line and exit 2), or loads with exactly its warnings.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BROKEN_INPUTS } from '../io/brokenInputs.ts';
import { main } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-broken-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the command line in this process; what it wrote to stderr, and its exit code. */
async function recon(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(['recon', ...args]), stderr };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('broken inputs through wedgelab recon', () => {
  it('has at least 50 cases, each a refusal or a load with known warnings', () => {
    expect(BROKEN_INPUTS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(BROKEN_INPUTS.map((c) => c.title)).size).toBe(BROKEN_INPUTS.length);
  });

  it.each(BROKEN_INPUTS.map((c, k) => [c.title, k] as const))('%s', async (_, k) => {
    const { files, error, cliUsage, warnings = [] } = BROKEN_INPUTS[k];
    const caseDir = join(dir, String(k));
    mkdirSync(caseDir);
    for (const file of files) writeFileSync(join(caseDir, file.name), file.bytes);
    const [stack, angles] = files.map((f) => join(caseDir, f.name));
    const out = join(caseDir, 'out.mrc');
    const run = await recon(['--tilts', stack, ...(angles ? ['--angles', angles] : []), '--method', 'fbp', '--thickness', '4', '--quiet', '--out', out]);
    if (process.env.CORPUS_PRINT) appendFileSync(process.env.CORPUS_PRINT, `${JSON.stringify({ k, code: run.code, stderr: run.stderr })}\n`);
    if (cliUsage !== undefined) {
      expect([run.code, run.stderr.split('\n')[0]]).toEqual([2, `wedgelab recon: ${cliUsage}`]);
      expect(existsSync(out)).toBe(false);
    } else if (error !== undefined) {
      expect(run.stderr).toBe(`wedgelab recon: ${error}\n`);
      expect(run.code).toBe(1);
      expect(existsSync(out)).toBe(false);
    } else {
      expect(run.code, run.stderr).toBe(0);
      // The reader's warnings, exactly; not the offset warning of stacks far from 0 (recon's own, cli/engine.test.ts).
      const readerWarnings = run.stderr.split('\n').filter((line) => line.startsWith('warning: ') && !line.endsWith('; --subtract-mean subtracts them'));
      expect(readerWarnings).toEqual(warnings.map((w) => `warning: ${w}`));
      expect(existsSync(out)).toBe(true);
    }
  });

  it('checks the output before it reads any input: a bad output place costs no work', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file, not a folder');
    const out = join(blocker, 'tomogram.mrc');
    const run = await recon(['--tilts', join(dir, 'never-read.mrc'), '--angles', join(dir, 'never-read.tlt'), '--method', 'sirt', '--out', out]);
    expect(run.stderr).toBe(`wedgelab recon: cannot write ${out}: ${blocker} is not a folder\n`);
    expect(run.code).toBe(1);
  });
});
