// A real-size tilt series (4096 × 4096 × 61 int16, 2 GB: larger than the 2 GiB Chrome gives one ArrayBuffer, and 4 GiB
// as float32) through the command line: loaded at bin 4 in its own process with its peak memory measured, then
// reconstructed with FBP at bin 8 by `wedgelab recon`. The file is sparse (a band of values in every section), written
// under the system's temporary folder and removed afterwards.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMrc } from '../io/mrc.ts';
import { writeLargeStack, type LargeStack } from './largeStack.ts';

const run = promisify(execFile);
const MIB = 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), 'wedgelab-large-'));
let large: LargeStack;

/** Peak resident memory of a command and its children, MiB, from GNU time's %M (KiB), printed last on stderr. */
async function withPeakMemory(command: string[]): Promise<{ stdout: string; stderr: string; peakMiB: number }> {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'peak-rss-kib %M', ...command], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const peak = /peak-rss-kib (\d+)\s*$/.exec(stderr);
  if (!peak) throw new Error(`no peak memory in: ${stderr}`);
  return { stdout, stderr, peakMiB: Number(peak[1]) / 1024 };
}

beforeAll(async () => {
  large = await writeLargeStack(dir, 'large', 4096, 4096, 61, 1.2);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a 4096 × 4096 × 61 int16 stack (2 GB) from the command line', () => {
  it('loads at bin 4 section by section: peak memory under 1.5 × the binned float32 stack + 300 MiB', async () => {
    // The CLI's own load (readTiltSeriesPaths, as recon and batch read) in a process of its own.
    const script = [
      `import { readTiltSeriesPaths } from ${JSON.stringify(join(process.cwd(), 'src/cli/recon.ts'))};`,
      `const loaded = await readTiltSeriesPaths(${JSON.stringify(large.stack)}, ${JSON.stringify(large.angles)}, { bin: 4 });`,
      'const { nx, ny, nTilts, pixelSize, data } = loaded.tiltSeries;',
      'console.log(JSON.stringify({ nx, ny, nTilts, pixelSize, bin: loaded.bin, original: loaded.original, stats: loaded.stats, sample: data[512 * nx + 100] }));',
    ].join('\n');
    const scriptPath = join(dir, 'load.mts');
    writeFileSync(scriptPath, script);
    const { stdout, peakMiB } = await withPeakMemory([process.execPath, '--import', 'tsx', scriptPath]);
    const loaded = JSON.parse(stdout) as { nx: number; ny: number; nTilts: number; pixelSize: number; bin: number; original: { nx: number; ny: number }; stats: { min: number; max: number } };
    expect(loaded).toMatchObject({ nx: 1024, ny: 1024, nTilts: 61, bin: 4, original: { nx: 4096, ny: 4096 } });
    expect(loaded.pixelSize).toBeCloseTo(4.8, 4);
    expect(loaded.stats.max).toBeGreaterThan(loaded.stats.min);
    const binnedStackMiB = (4 * 1024 * 1024 * 61) / MIB; // 244 MiB
    process.stderr.write(`load at bin 4: peak RSS ${peakMiB.toFixed(0)} MiB (binned float32 stack ${binnedStackMiB.toFixed(0)} MiB, file ${(large.bytes / MIB).toFixed(0)} MiB)\n`);
    expect(peakMiB).toBeLessThan(1.5 * binnedStackMiB + 300);
  }, 300_000);

  it('wedgelab recon --bin 8 reconstructs it with FBP, binned at load', async () => {
    const out = join(dir, 'fbp8.mrc');
    const args = ['bin/wedgelab.js', 'recon', '--tilts', large.stack, '--angles', large.angles, '--method', 'fbp', '--bin', '8', '--thickness', '32', '--quiet', '--out', out];
    const { stderr, peakMiB } = await withPeakMemory([process.execPath, ...args]);
    process.stderr.write(`recon --bin 8: peak RSS ${peakMiB.toFixed(0)} MiB\n`);
    expect(stderr).toMatch(/512×512×32/);
    const tomogram = readMrc(new Uint8Array(readFileSync(out)));
    expect([tomogram.header.nx, tomogram.header.ny, tomogram.header.nz]).toEqual([512, 512, 32]);
    expect(tomogram.pixelSize[0]).toBeCloseTo(9.6, 3);
    expect(tomogram.header.labels.join(' ')).toContain('from large.st binned 8 at load');
    // The band of values in every tilt (rows 1920–2175 as stored: 240–271 binned) gives structure there, zeros far from it.
    const { data } = tomogram;
    let band = 0;
    for (let z = 0; z < 32; z++) for (let x = 0; x < 512; x++) band = Math.max(band, Math.abs(data[(z * 512 + 256) * 512 + x]));
    expect(band).toBeGreaterThan(1);
  }, 600_000);
});
