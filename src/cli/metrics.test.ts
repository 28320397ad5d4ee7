// `wedgelab metrics` called in-process on MRC files written with writeMrc; stdout captured.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fsc, psnr, resolutionAt, ssim3d, wedgePsnr } from '../engine/metrics/index.ts';
import { Rng } from '../engine/sim/random.ts';
import type { Volume } from '../engine/types.ts';
import { writeMrc } from '../io/mrc.ts';
import { metricsCommand } from './metrics.ts';
import { tomogramFile } from '../engine/importedTomogramFixture.ts';
import { simulateTiltSeries } from '../engine/sim/simulate.ts';
import { tiltRange } from '../engine/sim/tiltScheme.ts';
import { formatTlt } from '../io/angles.ts';
import { UsageError } from '../engine/methods/flags.ts';
import { writeTomogram } from './outputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-metrics-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function smooth(nx: number, ny: number, nz: number, seed: number, noise: number, pixelSize: number): Volume {
  const rng = new Rng(seed);
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = Math.sin(x / 2.5) * Math.cos(y / 3) + Math.sin(z / 2) + rng.normal(0, noise);
  return { nx, ny, nz, data, pixelSize };
}

function save(name: string, volume: Volume): string {
  const path = join(dir, name);
  writeFileSync(path, writeMrc(volume));
  return path;
}

async function run(args: string[], pieceBytes?: number, progress = false): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  // --quiet: stderr holds the warnings alone (progress is tested on its own).
  await metricsCommand(progress ? args : [...args, '--quiet'], pieceBytes);
  vi.restoreAllMocks();
  return { stdout, stderr };
}

describe('wedgelab metrics', () => {
  it('reports FSC, directional FSC, PSNR, SSIM and resolution in Å as one JSON object', async () => {
    const truth = smooth(24, 20, 16, 1, 0.3, 4.5);
    const result = { ...smooth(24, 20, 16, 2, 0.6, 4.5), data: smooth(24, 20, 16, 2, 0.6, 4.5).data.map((v) => 3 * v - 1) };
    const angles = join(dir, 'angles.tlt');
    writeFileSync(angles, Array.from({ length: 21 }, (_, i) => (-60 + 6 * i).toFixed(2)).join('\n'));
    const { stdout, stderr } = await run(['--a', save('a.mrc', result), '--b', save('b.mrc', truth), '--angles', angles, '--json']);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout);
    const curves = fsc(result, truth, Array.from({ length: 21 }, (_, i) => -60 + 6 * i));
    expect(report.shells).toEqual(curves.shells);
    // The one-array FSC (one float64 transform) against the command's (half spectra in pieces on the CPU threads).
    const near = (got: number[], want: number[] | undefined) => expect(Math.max(...got.map((v, i) => Math.abs(v - want![i])))).toBeLessThan(1e-6);
    near(report.fsc, curves.fsc);
    for (const key of ['fscMeasured', 'fscMissing', 'fscWedge', 'fscWedgeMissing'] as const) near(report[key], curves[key]);
    for (const key of ['countsMeasured', 'countsMissing', 'countsWedge', 'countsWedgeMissing'] as const) expect(report[key]).toEqual(curves[key]);
    expect(report.psnr).toBeCloseTo(psnr(result, truth), 10);
    const bySide = wedgePsnr(result, truth, Array.from({ length: 21 }, (_, i) => -60 + 6 * i));
    expect(report.psnrWedge).toBeCloseTo(bySide.psnrWedge, 10);
    expect(report.psnrWedgeMissing).toBeCloseTo(bySide.psnrWedgeMissing, 10);
    expect(report.ssim).toBeCloseTo(ssim3d(result, truth), 10);
    expect(report.resolutionUnit).toBe('Å');
    const f = resolutionAt(curves, 0.143);
    expect(f).not.toBeNull();
    expect(report.res0143).toBeCloseTo(4.5 / (f as number), 4);
    expect(report.res05).toBeCloseTo(4.5 / (resolutionAt(curves, 0.5) as number), 4);
    expect(report.res0143).toBeLessThan(report.res05);
  });

  it('works in voxels without a pixel size and leaves the directional curves out without angles', async () => {
    const truth = smooth(16, 14, 12, 3, 0.3, 0);
    const result = smooth(16, 14, 12, 4, 0.5, 0);
    const report = JSON.parse((await run(['--a', save('c.mrc', result), '--b', save('d.mrc', truth), '--json'])).stdout);
    expect(report.resolutionUnit).toBe('voxel');
    expect(report.fscMissing).toBeUndefined();
    expect(report.fscWedge).toBeUndefined();
    expect(report.psnrWedge).toBeUndefined();
    expect(report.res05).toBeCloseTo(1 / (resolutionAt(fsc(result, truth), 0.5) as number), 6);
  });

  it('writes null for infinite PSNR and for a curve that never drops below', async () => {
    const v = smooth(12, 12, 12, 5, 0.3, 2);
    const path = save('same.mrc', v);
    const report = JSON.parse((await run(['--a', path, '--b', path, '--json'])).stdout);
    expect(report.psnr).toBeNull();
    expect(report.ssim).toBeCloseTo(1, 10);
    expect(report.res0143).toBeNull();
    expect(report.fsc.every((x: number) => Math.abs(x - 1) < 1e-9)).toBe(true);
  });

  it('prints a readable table without --json', async () => {
    const v = smooth(12, 12, 12, 5, 0.3, 2);
    const { stdout } = await run(['--a', save('e.mrc', v), '--b', save('f.mrc', smooth(12, 12, 12, 6, 0.3, 2))]);
    expect(stdout).toMatch(/PSNR \(after affine fit\): [\d.]+ dB/);
    expect(stdout).toContain('FSC resolution');
  });

  it('names both sizes when they differ, and requires --a and --b', async () => {
    const a = save('g.mrc', smooth(12, 12, 12, 7, 0.3, 1));
    const b = save('h.mrc', smooth(12, 12, 13, 7, 0.3, 1));
    await expect(run(['--a', a, '--b', b, '--json'])).rejects.toThrow('g.mrc is 12×12×12 but h.mrc is 12×12×13');
    await expect(run(['--a', a, '--json'])).rejects.toThrow(UsageError);
    await expect(run(['--a', a, '--b', a, '--angles', join(dir, 'none.tlt')])).rejects.toThrow(`${join(dir, 'none.tlt')}: no such file`);
  });

  it('reads volumes larger than a piece into pieces and scores them as one array', async () => {
    const [a, b] = [save('p.mrc', smooth(20, 18, 16, 7, 0.3, 1)), save('q.mrc', smooth(20, 18, 16, 8, 0.3, 1))];
    const angles = join(dir, 'pieces.tlt');
    writeFileSync(angles, formatTlt(tiltRange(-60, 60, 10)));
    const args = ['--a', a, '--b', b, '--angles', angles, '--json'];
    const whole = JSON.parse((await run(args)).stdout);
    // Pieces of 5 rows of 20 × 16 float32 voxels: 4 pieces, the last of 3 rows.
    const pieced = JSON.parse((await run(args, 5 * 20 * 16 * 4)).stdout);
    expect(pieced.counts).toEqual(whole.counts);
    for (const key of ['fsc', 'fscMeasured', 'fscMissing', 'fscWedge', 'fscWedgeMissing']) {
      expect(Math.max(...pieced[key].map((v: number, i: number) => Math.abs(v - whole[key][i]))), key).toBeLessThan(1e-6);
    }
    for (const key of ['psnr', 'psnrWedge', 'psnrWedgeMissing', 'ssim']) expect(pieced[key], key).toBeCloseTo(whole[key], 10);
  });

  it('reads an OME-Zarr folder as the MRC file of the same volume, in pieces too, and refuses a folder that is not one', async () => {
    const [pVolume, qVolume] = [smooth(20, 18, 16, 7, 0.3, 2), smooth(20, 18, 16, 8, 0.3, 2)];
    const [a, b] = [save('zp.mrc', pVolume), save('zq.mrc', qVolume)];
    const zarr = join(dir, 'zq.ome.zarr');
    await writeTomogram(zarr, qVolume, ['test']);
    const fromMrc = JSON.parse((await run(['--a', a, '--b', b, '--json'])).stdout);
    const fromZarr = await run(['--a', a, '--b', zarr, '--json']);
    expect(fromZarr.stderr).toBe('');
    expect({ ...JSON.parse(fromZarr.stdout), b }).toEqual(fromMrc);
    // In pieces of 5 rows (the reader's bands): the same scores, as for MRC files in pieces.
    const pieced = JSON.parse((await run(['--a', a, '--b', zarr, '--json'], 5 * 20 * 16 * 4)).stdout);
    for (const key of ['psnr', 'ssim']) expect(pieced[key], key).toBeCloseTo(fromMrc[key], 10);
    const notZarr = mkdtempSync(join(dir, 'plain-'));
    await expect(run(['--a', a, '--b', notZarr, '--json'])).rejects.toThrow(/plain-\w+: not a Zarr folder/);
  });

  it('tells its progress on stderr unless --quiet, through each score', async () => {
    const [a, b] = [save('r.mrc', smooth(16, 16, 16, 9, 0.3, 1)), save('s.mrc', smooth(16, 16, 16, 10, 0.3, 1))];
    const angles = join(dir, 'progress.tlt');
    writeFileSync(angles, formatTlt(tiltRange(-60, 60, 10)));
    const { stdout, stderr } = await run(['--a', a, '--b', b, '--angles', angles, '--json'], undefined, true);
    expect(JSON.parse(stdout).psnr).toBeGreaterThan(0);
    // Not a terminal here: a line at each tenth, the FSC's first.
    expect(stderr).toMatch(/^ {2}\d% FSC: /);
    expect(stderr.trim().split('\n').every((line) => /^ *\d+% /.test(line))).toBe(true);
  });

  it('refuses, before reading them, volumes the machine cannot hold eight times over', async () => {
    const big = save('big.mrc', smooth(12, 12, 12, 7, 0.3, 1));
    // The header made to say 4096 × 4096 × 4096 (256 GiB of float32, eight times 2 TiB), the file that long (sparse).
    const bytes = readFileSync(big);
    for (const at of [0, 4, 8]) bytes.writeInt32LE(4096, at);
    writeFileSync(big, bytes);
    truncateSync(big, 1024 + 4 * 4096 ** 3);
    const b = save('small.mrc', smooth(12, 12, 12, 8, 0.3, 1));
    await expect(run(['--a', big, '--b', b, '--json'])).rejects.toThrow(`${big}: 8 volumes of 4096 × 4096 × 4096 are`);
  });

  it('with --tilts, lines B up with the tilt series first (an XZY tomogram, z reversed) and scores as against the volume itself', async () => {
    const tiltAngles = tiltRange(-60, 60, 6);
    const { groundTruth, tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [40, 32, 12], tiltAngles, snrDb: 10, seed: 4, pixelSize: 8 });
    const stack = save('series.mrc', { nx: 40, ny: 32, nz: tiltSeries.nTilts, data: tiltSeries.data, pixelSize: 8 });
    const angles = join(dir, 'series.tlt');
    writeFileSync(angles, formatTlt(tiltAngles));
    const result = save('result.mrc', smooth(40, 32, 12, 3, 0.5, 8));
    const asIs = JSON.parse((await run(['--a', result, '--b', save('truth.mrc', groundTruth), '--angles', angles, '--json'])).stdout);
    const imod = save('truth_xzy.mrc', tomogramFile(groundTruth, 'xzy', { x: false, y: false, z: true }));
    await expect(run(['--a', result, '--b', imod, '--angles', angles, '--json'])).rejects.toThrow(
      "result.mrc is 40×32×12 but truth_xzy.mrc is 40×12×32: the volumes must have the same size; truth_xzy.mrc looks like a tomogram in the XZY layout of IMOD's tilt and AreTomo: --tilts STACK (with --angles) lines it up",
    );
    const { stdout, stderr } = await run(['--a', result, '--b', imod, '--angles', angles, '--tilts', stack, '--json']);
    expect(stderr).toMatch(/^truth_xzy\.mrc: read in XZY layout .* binning 1; z reversed to match the tilts/);
    const report = JSON.parse(stdout);
    expect(report.bReading).toBe(stderr.slice('truth_xzy.mrc: '.length).trim());
    expect([report.psnr, report.ssim, report.fsc]).toEqual([asIs.psnr, asIs.ssim, asIs.fsc]);
    await expect(run(['--a', result, '--b', imod, '--tilts', stack, '--json'])).rejects.toThrow('--tilts needs --angles');
    // A of another thickness than B's lined up: the thickness and binning to make A at are named.
    const thinner = save('thinner.mrc', smooth(40, 32, 10, 3, 0.5, 8));
    await expect(run(['--a', thinner, '--b', imod, '--angles', angles, '--tilts', stack, '--json'])).rejects.toThrow(
      'thinner.mrc is 40×32×10 but truth_xzy.mrc is 40×32×12 as lined up with the tilts: the volumes must have the same size; make thinner.mrc at its size (--thickness 12 --bin 1)',
    );
  });

  it('with --tilts, puts a trimmed B (trimvol) where the tilts have it, told by its pixel size', async () => {
    const tiltAngles = tiltRange(-60, 60, 6);
    const { groundTruth, tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [40, 32, 12], tiltAngles, snrDb: 10, seed: 5, pixelSize: 8 });
    const stack = save('series5.mrc', { nx: 40, ny: 32, nz: tiltSeries.nTilts, data: tiltSeries.data, pixelSize: 8 });
    const angles = join(dir, 'series5.tlt');
    writeFileSync(angles, formatTlt(tiltAngles));
    // x 3 … 36 and y 2 … 29 of it, as trimvol cuts a tomogram down.
    const cut = { nx: 34, ny: 28, nz: 12, data: new Float32Array(34 * 28 * 12), pixelSize: 8 };
    for (let z = 0; z < 12; z++) for (let y = 0; y < 28; y++) cut.data.set(groundTruth.data.subarray(40 * (2 + y + 32 * z) + 3, 40 * (2 + y + 32 * z) + 37), 34 * (y + 28 * z));
    const truth = save('truth5.mrc', groundTruth);
    const { stdout, stderr } = await run(['--a', truth, '--b', save('trimmed_rec.mrc', cut), '--angles', angles, '--tilts', stack, '--json']);
    expect(stderr).toContain("its 34 × 28 cut down from the tilts' 40 × 32 (IMOD's trimvol), its binning from the pixel sizes: put at x 3, y 2 of theirs, its mean around it");
    // Against the whole truth: what was cut away is the mean now; what is there is the truth's, voxel for voxel.
    const report = JSON.parse(stdout);
    expect(Math.min(...report.fsc)).toBeGreaterThan(0.9);
    expect(report.psnr).toBeGreaterThan(15);
  });
});
