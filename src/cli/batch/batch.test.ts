// `wedgelab batch` on one machine, as a user runs it: tiny simulated series, a broken one, resuming, a task index,
// and the SLURM scripts it writes.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMrc, writeMrc } from '../../io/mrc.ts';
import { tomogramFile } from '../../engine/importedTomogramFixture.ts';
import { wedgelab } from '../testKit.ts';
import { readOmeZarrVolume } from '../../io/omeZarrRead.ts';
import { zarrOnDisk } from '../readTomogram.ts';
import type { BatchRow } from './rows.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const series = join(dir, 'series');

function rows(out: string): BatchRow[] {
  return JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as BatchRow[];
}

beforeAll(async () => {
  for (const seed of [1, 2, 3]) {
    const sim = await wedgelab(['simulate', '--phantom', 'spheres', '--size', '24,8,8', '--angles', '-60,60,10', '--seed', String(seed), '--out-dir', join(series, `s${seed}`)]);
    expect(sim.code, sim.stderr).toBe(0);
  }
  // A stack cut short, and a stack with one angle too few: each must end as a failed row, the others complete.
  mkdirSync(join(series, 'cut'));
  writeFileSync(join(series, 'cut', 'tilt_series.mrc'), readFileSync(join(series, 's1', 'tilt_series.mrc')).subarray(0, 3000));
  copyFileSync(join(series, 's1', 'tilt_series.tlt'), join(series, 'cut', 'tilt_series.tlt'));
  mkdirSync(join(series, 'short'));
  copyFileSync(join(series, 's2', 'tilt_series.mrc'), join(series, 'short', 'tilt_series.mrc'));
  writeFileSync(join(series, 'short', 'tilt_series.tlt'), readFileSync(join(series, 's2', 'tilt_series.tlt'), 'utf8').trim().split('\n').slice(1).join('\n'));
});

describe('wedgelab batch', () => {
  const out = join(dir, 'out');
  const args = ['batch', '--list', series, '--methods', 'fbp,sirt', '--iterations', '3', '--thickness', '8', '--out-dir', out, '--quiet'];

  it('runs every series and method, records a broken series with its reason, and goes on', async () => {
    const run = await wedgelab(args);
    expect(run.code, run.stderr).toBe(0);
    const table = rows(out);
    expect(table.map((r) => `${r.series} ${r.method} ${r.status}`)).toEqual([
      'cut fbp failed',
      'cut sirt failed',
      's1 fbp done',
      's1 sirt done',
      's2 fbp done',
      's2 sirt done',
      's3 fbp done',
      's3 sirt done',
      'short fbp failed',
      'short sirt failed',
    ]);
    expect(table[0].error).toMatch(/tilt_series\.mrc: truncated MRC data/);
    expect(table[8].error).toMatch(/12 angles.*13 sections/);
    const s1 = table.find((r) => r.series === 's1' && r.method === 'sirt')!;
    expect(s1).toMatchObject({ output: join('s1', 'sirt.mrc'), label: 'SIRT (3 it, λ 1, thickness 8, bin 1)', version: '0.1.0', resolutionUnit: 'Å' });
    expect(s1.cvCorr).toBeGreaterThan(0.5);
    expect(JSON.parse(s1.params!)).toMatchObject({ iterations: 3, thickness: 8 });
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(11);
    expect(csv[0]).toBe(
      'series,method,status,error,output,label,seconds,cvNmse,cvCorr,cvFlaggedTilts,oddEvenRes0143,oddEvenRes05,resolutionUnit,oddEvenHalves,truthPsnr,truthPsnrMeasured,truthPsnrMissing,truthSsim,truthRes0143,pipelineFile,pipelineRes0143,pipelineRes05,pipelineHalves,pipelineHalvesRes0143,pipelineHalvesRes05,gpu,version,params,finishedAt',
    );
    // Each series' ground truth beside its stack (simulate's layout) is scored against, as `wedgelab metrics` scores it
    // (SSIM: none, the tomogram is thinner than its 11-voxel window).
    const metrics = await wedgelab(['metrics', '--a', join(out, 's1', 'sirt.mrc'), '--b', join(series, 's1', 'ground_truth.mrc'), '--angles', join(series, 's1', 'tilt_series.tlt'), '--json']);
    const expected = JSON.parse(metrics.stdout);
    expect([s1.truthPsnr, s1.truthPsnrMeasured, s1.truthPsnrMissing, s1.truthSsim, s1.truthRes0143]).toEqual([expected.psnr, expected.psnrWedge, expected.psnrWedgeMissing, null, expected.res0143]);
    expect(s1.truthPsnr).toBeGreaterThan(10);
    // No half file is left behind: every write went through a temporary name.
    expect(readdirSync(join(out, 's1')).sort()).toEqual(['fbp.mrc', 'sirt.mrc']);
  });

  it('holds out each tilt in turn with --drop each, naming the tilts that agree less than their neighbours', async () => {
    // s1 with its 6th tilt taken from another specimen (s2's), beside s3 as it is.
    const each = join(dir, 'each');
    for (const name of ['spoilt', 's3']) mkdirSync(join(each, name), { recursive: true });
    const [s1, s2] = ['s1', 's2'].map((name) => readMrc(new Uint8Array(readFileSync(join(series, name, 'tilt_series.mrc')))));
    const plane = 24 * 8;
    const data = s1.data.slice();
    data.set(s2.data.subarray(5 * plane, 6 * plane), 5 * plane);
    writeFileSync(join(each, 'spoilt', 'tilt_series.mrc'), writeMrc({ nx: 24, ny: 8, nz: s1.header.nz, data, pixelSize: s1.pixelSize[0] }, { stack: true }));
    copyFileSync(join(series, 's1', 'tilt_series.tlt'), join(each, 'spoilt', 'tilt_series.tlt'));
    for (const file of ['tilt_series.mrc', 'tilt_series.tlt']) copyFileSync(join(series, 's3', file), join(each, 's3', file));
    const run = await wedgelab(['batch', '--list', each, '--methods', 'fbp', '--thickness', '8', '--scores', 'cv', '--drop', 'each', '--out-dir', join(dir, 'out_each'), '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(rows(join(dir, 'out_each')).map((r) => [r.series, r.status, r.cvFlaggedTilts])).toEqual([
      ['s3', 'done', ''],
      ['spoilt', 'done', '6'],
    ]);
  });

  it('is safe to run twice: what is done is skipped, a failure is retried only when asked', async () => {
    const before = rows(out);
    const stamp = statSync(join(out, 's1', 'fbp.mrc')).mtimeMs;
    const again = await wedgelab([...args.filter((a) => a !== '--quiet'), '--progress', 'json']);
    expect(again.code, again.stderr).toBe(0);
    const events = again.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string });
    expect(events.map((e) => e.event)).toEqual(Array(10).fill('skipped'));
    expect(statSync(join(out, 's1', 'fbp.mrc')).mtimeMs).toBe(stamp);
    expect(rows(out)).toEqual(before);
    // A removed tomogram is redone; a failed series is retried with --retry-failed.
    rmSync(join(out, 's2', 'sirt.mrc'));
    const retried = await wedgelab([...args, '--retry-failed', '--progress', 'json']);
    const done = retried.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; series: string; method: string; stage?: string });
    // Progress names its stage: the reconstruction, then each score from 0 to 1 (cv and odd/even run the method
    // again; truth scores it against the series' ground truth).
    const stages = new Set(done.filter((e) => e.event === 'progress' && e.series === 's2').map((e) => e.stage));
    expect([...stages]).toEqual(['reconstruction', 'cv', 'oddeven', 'truth']);
    expect(done.filter((e) => e.event === 'done' || e.event === 'failed').map((e) => `${e.series} ${e.method} ${e.event}`).sort()).toEqual([
      'cut fbp failed',
      'cut sirt failed',
      's2 sirt done',
      'short fbp failed',
      'short sirt failed',
    ]);
  });

  it('writes OME-Zarr folders with --format ome-zarr, the same voxels as its MRC files, and skips them when run again', async () => {
    const zarrOut = join(dir, 'out-zarr');
    const zarrArgs = ['batch', '--list', series, '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--task-index', '1', '--format', 'ome-zarr', '--out-dir', zarrOut, '--progress', 'json'];
    const run = await wedgelab(zarrArgs);
    expect(run.code, run.stderr).toBe(0);
    expect(rows(zarrOut).map((r) => [r.series, r.status, r.output, r.label])).toEqual([['s1', 'done', join('s1', 'fbp.ome.zarr'), 'FBP (ram-lak, thickness 8, bin 1)']]);
    const { volume } = await readOmeZarrVolume(zarrOnDisk(join(zarrOut, 's1', 'fbp.ome.zarr')));
    const mrc = readMrc(new Uint8Array(readFileSync(join(out, 's1', 'fbp.mrc'))));
    expect([volume.nx, volume.ny, volume.nz, volume.pixelSize]).toEqual([mrc.header.nx, mrc.header.ny, mrc.header.nz, mrc.pixelSize[0]]);
    expect('data' in volume && volume.data).toEqual(mrc.data);
    const again = await wedgelab(zarrArgs);
    expect(again.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['skipped']);
    const refused = await wedgelab([...zarrArgs.slice(0, -4), '--format', 'tiff', '--out-dir', zarrOut]);
    expect(refused.stderr.split('\n')[0]).toMatch(/--format.*tiff/);
  });

  it('runs one series by task index, and refuses what it cannot do before any work', async () => {
    const single = join(dir, 'single');
    const one = await wedgelab(['batch', '--list', series, '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--out-dir', single, '--task-index', '2', '--quiet', '--no-merge']);
    expect(one.code, one.stderr).toBe(0);
    expect(readdirSync(join(single, 'rows'))).toEqual(['s2.fbp.json']);
    expect(existsSync(join(single, 'metrics.csv'))).toBe(false);
    const merged = await wedgelab(['batch', '--merge', '--out-dir', single]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(rows(single).map((r) => `${r.series} ${r.method} ${r.status} ${r.label}`)).toEqual(['s2 fbp done FBP (ram-lak, thickness 8, bin 1)']);
    const outOfRange = await wedgelab(['batch', '--list', series, '--methods', 'fbp', '--out-dir', single, '--task-index', '9']);
    expect(outOfRange.stderr.split('\n')[0]).toBe('wedgelab batch: --task-index 9: the list has 5 series (0–4)');
    const foreign = await wedgelab(['batch', '--list', series, '--methods', 'fbp', '--iterations', '3', '--out-dir', single]);
    expect(foreign.stderr.split('\n')[0]).toBe('wedgelab batch: --iterations is not a flag of fbp: see wedgelab recon --method fbp --help');
    const refinement = await wedgelab(['batch', '--list', series, '--methods', 'fbp,gaussian', '--out-dir', single]);
    expect(refinement.stderr.split('\n')[0]).toMatch(/unknown reconstruction method "gaussian": gaussian is a refinement method/);
  });

  it('leaves out the tilts a list\'s fourth column names, as recon --exclude-tilts does; a number past the series fails that series', async () => {
    const list = join(dir, 'excluding.tsv');
    const s1 = (f: string) => join(series, 's1', f);
    writeFileSync(list, `fewer\t${s1('tilt_series.mrc')}\t${s1('tilt_series.tlt')}\t1-2,13\npast\t${s1('tilt_series.mrc')}\t${s1('tilt_series.tlt')}\t14\n`);
    const out = join(dir, 'excluding-out');
    const run = await wedgelab(['batch', '--list', list, '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--out-dir', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(rows(out).map((r) => `${r.series} ${r.status} ${r.error ?? ''}`)).toEqual(["fewer done ", "past failed tilts to leave out: tilt 14 is past the series' 13 tilts"]);
    const single = join(dir, 'excluded.mrc');
    const recon = await wedgelab(['recon', '--tilts', s1('tilt_series.mrc'), '--angles', s1('tilt_series.tlt'), '--exclude-tilts', '1,2,13', '--method', 'fbp', '--thickness', '8', '--quiet', '--out', single]);
    expect(recon.code, recon.stderr).toBe(0);
    const batched = readMrc(new Uint8Array(readFileSync(join(out, 'fewer', 'fbp.mrc'))));
    expect(batched.data).toEqual(readMrc(new Uint8Array(readFileSync(single))).data);
    expect(batched.header.labels.join(' ')).toContain('without tilts 1, 2, 13');
    // The list a SLURM array's tasks read keeps the column.
    const cluster = join(dir, 'excluding-cluster');
    expect((await wedgelab(['batch', '--list', list, '--methods', 'fbp', '--out-dir', cluster, '--slurm'])).code).toBe(0);
    const written = readFileSync(join(cluster, 'slurm', 'series.tsv'), 'utf8').trim().split('\n').slice(1);
    expect(written.map((line) => line.split('\t').slice(3))).toEqual([['1,2,13'], ['14']]);
  });

  it("reconstructs a series with a ground truth at its thickness without --thickness; one at another thickness is not scored, saying what to change", async () => {
    const sims = join(dir, 'truth-sims');
    mkdirSync(join(sims, 'one'), { recursive: true });
    for (const name of ['tilt_series.mrc', 'tilt_series.tlt', 'ground_truth.mrc']) copyFileSync(join(series, 's3', name), join(sims, 'one', name));
    const out = join(dir, 'truth-out');
    const run = await wedgelab(['batch', '--list', sims, '--methods', 'fbp', '--scores', 'truth', '--out-dir', out]);
    expect(run.code, run.stderr).toBe(0);
    // Spheres look alike every way round: the data cannot tell, and the file is taken as read, saying so.
    expect(run.stderr).toContain(`${join(sims, 'one', 'ground_truth.mrc')}: read in XYZ layout (its z is the thickness) at the tilts' binning 1; orientation not told apart by the data`);
    const [row] = rows(out);
    expect([row.status, JSON.parse(row.params!).thickness, row.cvNmse, row.oddEvenRes0143]).toEqual(['done', 8, undefined, undefined]);
    expect(row.truthPsnr).toBeGreaterThan(10);
    // Listed in a TSV (as a SLURM array's tasks read the series), its ground truth is found in its folder the same way.
    const list = join(dir, 'truth.tsv');
    writeFileSync(list, `listed\t${join(sims, 'one', 'tilt_series.mrc')}\t${join(sims, 'one', 'tilt_series.tlt')}\n`);
    expect((await wedgelab(['batch', '--list', list, '--methods', 'fbp', '--scores', 'truth', '--out-dir', join(dir, 'truth-listed'), '--quiet'])).code).toBe(0);
    expect(rows(join(dir, 'truth-listed'))[0].truthPsnr).toBe(row.truthPsnr);
    const thicker = await wedgelab(['batch', '--list', sims, '--methods', 'fbp', '--scores', 'truth', '--thickness', '10', '--out-dir', join(dir, 'truth-thicker'), '--quiet']);
    expect(thicker.code, thicker.stderr).toBe(0);
    expect(thicker.stderr).toContain(
      "warning: one fbp: not scored against ground_truth.mrc, 24×8×8 as lined up with the tilts at binning 1, the tomogram 24×8×10: make it at that size (--thickness 8 --bin 1)",
    );
    const [unscored] = rows(join(dir, 'truth-thicker'));
    expect([unscored.status, unscored.truthPsnr]).toEqual(['done', undefined]);
  });

  it("compares each method's tomogram with a pipeline's tomogram beside the stack (--scores pipeline), lined up first", async () => {
    // A simulation with its ground truth written as AreTomo writes a tomogram (XZY, named after the stack; no
    // ground_truth.mrc beside it).
    const sim = join(dir, 'pipeline-sim');
    expect((await wedgelab(['simulate', '--phantom', 'cell', '--size', '32,24,8', '--angles', '-60,60,10', '--snr-db', '-5', '--seed', '4', '--out-dir', sim])).code).toBe(0);
    const folder = join(dir, 'pipeline', 'one');
    mkdirSync(folder, { recursive: true });
    for (const name of ['tilt_series.mrc', 'tilt_series.tlt']) copyFileSync(join(sim, name), join(folder, name));
    const truth = readMrc(new Uint8Array(readFileSync(join(sim, 'ground_truth.mrc'))));
    const volume = { nx: truth.header.nx, ny: truth.header.ny, nz: truth.header.nz, data: truth.data, pixelSize: truth.pixelSize[0] };
    writeFileSync(join(folder, 'tilt_series_Vol.mrc'), writeMrc(tomogramFile(volume, 'xzy', { x: false, y: false, z: false })));
    // And its two halves as AreTomo3 writes them: the truth with noise of its own in each.
    let state = 11;
    const noisy = () => ({ ...volume, data: volume.data.map((v) => v + ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.5) });
    const halves = [noisy(), noisy()];
    halves.forEach((half, k) => writeFileSync(join(folder, `tilt_series_${['EVN', 'ODD'][k]}_Vol.mrc`), writeMrc(tomogramFile(half, 'xzy', { x: false, y: false, z: false }))));
    const out = join(dir, 'pipeline-out');
    const run = await wedgelab(['batch', '--list', join(dir, 'pipeline'), '--methods', 'fbp', '--thickness', '8', '--scores', 'pipeline', '--out-dir', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${join(folder, 'tilt_series_Vol.mrc')}: read in XZY layout`);
    const [row] = rows(out);
    expect([row.status, row.pipelineFile, row.resolutionUnit, row.truthPsnr]).toEqual(['done', 'tilt_series_Vol.mrc', 'Å', undefined]);
    // As `wedgelab metrics` finds it, lining the same file up with the same tilts.
    const metrics = await wedgelab(['metrics', '--a', join(out, 'one', 'fbp.mrc'), '--b', join(folder, 'tilt_series_Vol.mrc'), '--tilts', join(folder, 'tilt_series.mrc'), '--angles', join(folder, 'tilt_series.tlt'), '--json']);
    const expected = JSON.parse(metrics.stdout) as { res0143: number | null; res05: number | null };
    expect([row.pipelineRes0143, row.pipelineRes05]).toEqual([expected.res0143, expected.res05]);
    expect(row.pipelineRes05).toBeGreaterThan(0);
    // The halves' FSC: as `wedgelab metrics` finds it between the two halves as they were made (XYZ, nothing to line up).
    expect(row.pipelineHalves).toBe('tilt_series_EVN_Vol.mrc, tilt_series_ODD_Vol.mrc');
    expect(run.stderr).toContain(`${join(folder, 'tilt_series_ODD_Vol.mrc')}: turned and moved as tilt_series_EVN_Vol.mrc (its other half)`);
    halves.forEach((half, k) => writeFileSync(join(dir, `half${k}.mrc`), writeMrc(half)));
    const halvesMetrics = JSON.parse((await wedgelab(['metrics', '--a', join(dir, 'half0.mrc'), '--b', join(dir, 'half1.mrc'), '--json'])).stdout) as { res0143: number | null; res05: number | null };
    expect([row.pipelineHalvesRes0143, row.pipelineHalvesRes05]).toEqual([halvesMetrics.res0143, halvesMetrics.res05]);
    expect(row.pipelineHalvesRes05).toBeGreaterThan(0);
  });

  it("warns of a tomogram thinner than the specimen AreTomo measured (its .aln's Thickness), naming the thickness that holds it", async () => {
    const folder = join(dir, 'aretomo-thick', 'one');
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(series, 's1', 'tilt_series.mrc'), join(folder, 'TS_1.mrc'));
    const angles = readFileSync(join(series, 's1', 'tilt_series.tlt'), 'utf8').trim().split('\n');
    const rows = angles.map((a, k) => `${k} 0 1 0 0 1 1 1 0 ${a}`);
    writeFileSync(join(folder, 'TS_1.aln'), ['# RawSize = 24 8 13', '# Thickness = 12', '# SEC ROT GMAG TX TY SMEAN SFIT SCALE BASE TILT', ...rows].join('\n'));
    const run = (thickness: string) => wedgelab(['batch', '--list', join(dir, 'aretomo-thick'), '--methods', 'fbp', '--thickness', thickness, '--scores', 'none', '--out-dir', join(dir, `aretomo-thick-out-${thickness}`), '--quiet']);
    const thin = await run('8');
    expect(thin.code, thin.stderr).toBe(0);
    expect(thin.stderr).toContain("warning: one fbp: TS_1.aln (# Thickness): AreTomo measured the specimen 12 pixels thick at this binning, thicker than this tomogram's 8 (--thickness 24 holds it with a margin)");
    expect((await run('12')).stderr).not.toContain('AreTomo measured');
  });

  it("takes an AreTomo3 session's folder as its series, its tomograms and spectra left out in one line", async () => {
    const session = join(dir, 'aretomo3');
    mkdirSync(session, { recursive: true });
    for (const [k, seed] of [[1, 1], [2, 2]]) {
      for (const [from, to] of [['tilt_series.mrc', `TS_${k}.mrc`], ['tilt_series.tlt', `TS_${k}.tlt`], ['tilt_series.mrc', `TS_${k}_Vol.mrc`], ['tilt_series.mrc', `TS_${k}_CTF.mrc`]]) {
        copyFileSync(join(series, `s${seed}`, from), join(session, to));
      }
      writeFileSync(join(session, `TS_${k}_CTF.txt`), Array.from({ length: 13 }, (_, i) => `${i + 1} 30000 30000 0 0 0.1 9 1`).join('\n'));
    }
    const cluster = join(dir, 'aretomo3-cluster');
    const run = await wedgelab(['batch', '--list', session, '--methods', 'fbp', '--out-dir', cluster, '--slurm']);
    expect(run.code, run.stderr).toBe(0);
    const written = readFileSync(join(cluster, 'slurm', 'series.tsv'), 'utf8').trim().split('\n').slice(1);
    expect(written.map((line) => line.split('\t').slice(0, 1))).toEqual([['TS_1'], ['TS_2']]);
    expect(run.stderr.match(/^warning: left out/gm)).toHaveLength(1);
    expect(run.stderr).toContain("warning: left out 4 stacks without an angle file beside (STEM.tlt, .rawtlt, .mdoc, AreTomo's .aln or _TLT.txt) or angles in the extended header: TS_1_CTF.mrc, TS_1_Vol.mrc, TS_2_CTF.mrc, TS_2_Vol.mrc\n");
  });

  it("runs a RELION 5 project's tilt series from its tomograms.star, as the stacks they came from, also through a SLURM array's list", async () => {
    const project = join(dir, 'relion');
    const job = join(project, 'AlignTiltSeries', 'job005');
    mkdirSync(join(project, 'frames'), { recursive: true });
    mkdirSync(join(job, 'tilt_series'), { recursive: true });
    const columns = ['rlnMicrographName', 'rlnTomoNominalStageTiltAngle', 'rlnTomoYTilt', 'rlnTomoZRot', 'rlnTomoXShiftAngst', 'rlnTomoYShiftAngst'];
    for (const seed of [1, 2]) {
      const stack = readMrc(new Uint8Array(readFileSync(join(series, `s${seed}`, 'tilt_series.mrc'))));
      const angles = readFileSync(join(series, `s${seed}`, 'tilt_series.tlt'), 'utf8').trim().split('\n').map(Number);
      const { nx, ny } = stack.header;
      const image = (k: number) => `frames/TS_0${seed}_${k}.mrc`;
      angles.forEach((_, k) => writeFileSync(join(project, image(k)), writeMrc({ nx, ny, nz: 1, pixelSize: stack.pixelSize[0], data: stack.data.slice(k * nx * ny, (k + 1) * nx * ny) })));
      const rows = angles.map((a, k) => `${image(k)}\t${a}\t${a}\t0\t0\t0`);
      writeFileSync(join(job, 'tilt_series', `TS_0${seed}.star`), [`data_TS_0${seed}`, '', 'loop_', ...columns.map((c, i) => `_${c} #${i + 1}`), ...rows, ''].join('\n'));
    }
    const tomograms = join(job, 'tomograms.star');
    writeFileSync(tomograms, ['data_global', 'loop_', '_rlnTomoName #1', '_rlnTomoTiltSeriesStarFile #2', 'TS_01\tAlignTiltSeries/job005/tilt_series/TS_01.star', 'TS_02\tAlignTiltSeries/job005/tilt_series/TS_02.star', ''].join('\n'));
    const out = join(dir, 'relion-out');
    const run = await wedgelab(['batch', '--list', tomograms, '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--out-dir', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(rows(out).map((r) => `${r.series} ${r.method} ${r.status}`)).toEqual(['TS_01 fbp done', 'TS_02 fbp done']);
    // The tomogram of each is the one the simulated stack it was cut from gives (the first test made them).
    for (const seed of [1, 2]) expect(readMrc(new Uint8Array(readFileSync(join(out, `TS_0${seed}`, 'fbp.mrc')))).data).toEqual(readMrc(new Uint8Array(readFileSync(join(dir, 'out', `s${seed}`, 'fbp.mrc')))).data);
    // An array's list names each table and the tomograms.star beside it, and reads back as the same series.
    const cluster = join(dir, 'relion-cluster');
    expect((await wedgelab(['batch', '--list', tomograms, '--methods', 'fbp', '--out-dir', cluster, '--slurm'])).code).toBe(0);
    const written = readFileSync(join(cluster, 'slurm', 'series.tsv'), 'utf8').trim().split('\n').slice(1);
    expect(written).toEqual([1, 2].map((seed) => `TS_0${seed}\t${join(job, 'tilt_series', `TS_0${seed}.star`)}\t${tomograms}`));
    const task = await wedgelab(['batch', '--list', join(cluster, 'slurm', 'series.tsv'), '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--out-dir', join(dir, 'relion-task'), '--quiet']);
    expect(task.code, task.stderr).toBe(0);
    expect(readMrc(new Uint8Array(readFileSync(join(dir, 'relion-task', 'TS_02', 'fbp.mrc')))).data).toEqual(readMrc(new Uint8Array(readFileSync(join(out, 'TS_02', 'fbp.mrc')))).data);
  });

  it('scores by movie frame with --halves frames: a series with frame halves by them, one without fails saying why', async () => {
    // The project the test above wrote; TS_01's table now names each tilt's even- and odd-frame sums, half the image each.
    const project = join(dir, 'relion');
    const job = join(project, 'AlignTiltSeries', 'job005');
    const table = join(job, 'tilt_series', 'TS_01.star');
    const lines = readFileSync(table, 'utf8').split('\n');
    const withHalves = lines.map((line) => {
      const image = /^frames\/(TS_01_\d+)\.mrc\t/.exec(line)?.[1];
      if (line === '_rlnTomoYShiftAngst #6') return `${line}\n_rlnMicrographNameEven #7\n_rlnMicrographNameOdd #8`;
      if (!image) return line;
      const { header, data, pixelSize } = readMrc(new Uint8Array(readFileSync(join(project, 'frames', `${image}.mrc`))));
      for (const half of ['EVN', 'ODD']) writeFileSync(join(project, 'frames', `${image}_${half}.mrc`), writeMrc({ nx: header.nx, ny: header.ny, nz: 1, pixelSize: pixelSize[0], data: data.map((x) => x / 2) }));
      return `${line}\tframes/${image}_EVN.mrc\tframes/${image}_ODD.mrc`;
    });
    writeFileSync(table, withHalves.join('\n'));
    const out = join(dir, 'relion-halves');
    const run = await wedgelab(['batch', '--list', join(job, 'tomograms.star'), '--methods', 'fbp', '--thickness', '8', '--scores', 'oddeven', '--halves', 'frames', '--out-dir', out, '--quiet']);
    // As for any series that fails, the batch goes on and its row says why.
    expect(run.code, run.stderr).toBe(0);
    const [ts1, ts2] = rows(out);
    // Halves alike: their FSC never falls to 0.143 or 0.5.
    expect(ts1).toMatchObject({ series: 'TS_01', status: 'done', oddEvenHalves: 'frames', oddEvenRes0143: null, oddEvenRes05: null });
    expect(ts2).toMatchObject({ series: 'TS_02', status: 'failed', error: `${join(job, 'tilt_series', 'TS_02.star')}: --halves frames needs every tilt's even- and odd-frame sums on disk: a RELION table's (rlnMicrographNameEven/Odd), or STEM_EVN and STEM_ODD stacks beside the stack` });
    // --frames even: every series from its even frames' sums (half tomograms); here half the whole series' FBP.
    const evenOut = join(dir, 'relion-even');
    const even = await wedgelab(['batch', '--list', join(job, 'tomograms.star'), '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--frames', 'even', '--out-dir', evenOut, '--quiet']);
    expect(even.code, even.stderr).toBe(0);
    const whole = readMrc(new Uint8Array(readFileSync(join(dir, 'relion-out', 'TS_01', 'fbp.mrc')))).data;
    expect(readMrc(new Uint8Array(readFileSync(join(evenOut, 'TS_01', 'fbp.mrc')))).data).toEqual(whole.map((x) => Math.fround(x / 2)));
    expect(rows(evenOut).map((r) => `${r.series} ${r.status}`)).toEqual(['TS_01 done', 'TS_02 failed']);
    const byTilt = await wedgelab(['batch', '--list', join(job, 'tomograms.star'), '--methods', 'fbp', '--thickness', '8', '--scores', 'oddeven', '--out-dir', join(dir, 'relion-tilts'), '--quiet']);
    expect(byTilt.code, byTilt.stderr).toBe(0);
    expect(rows(join(dir, 'relion-tilts')).map((r) => r.oddEvenHalves)).toEqual(['tilts', 'tilts']);
  });

  it("runs each tilt series a RELION 4 tomograms.star holds as its own table, also through a SLURM array's list", async () => {
    const project = join(dir, 'relion4');
    mkdirSync(project, { recursive: true });
    for (const seed of [1, 2]) copyFileSync(join(series, `s${seed}`, 'tilt_series.mrc'), join(project, `TS_0${seed}.mrc`));
    const angles = readFileSync(join(series, 's1', 'tilt_series.tlt'), 'utf8').trim().split('\n');
    const table = (name: string) => [`data_${name}`, '', 'loop_', '_rlnTomoNominalStageTiltAngle #1', ...angles, ''];
    const global = ['data_global', '', 'loop_', '_rlnTomoName #1', '_rlnTomoTiltSeriesName #2', 'TS_01\tTS_01.mrc', 'TS_02\tTS_02.mrc', ''];
    const tomograms = join(project, 'tomograms.star');
    writeFileSync(tomograms, ['# version 30001', '', ...global, ...table('TS_01'), ...table('TS_02')].join('\n'));
    const out = join(dir, 'relion4-out');
    const run = await wedgelab(['batch', '--list', tomograms, '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--out-dir', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(rows(out).map((r) => `${r.series} ${r.status}`)).toEqual(['TS_01 done', 'TS_02 done']);
    // Each table's own stack: the same tomogram as the stack's own series (s2's is TS_02's).
    const s2 = await wedgelab(['batch', '--list', join(series, 's2'), '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--out-dir', join(dir, 'relion4-s2'), '--quiet']);
    expect(s2.code, s2.stderr).toBe(0);
    const tomogram = (path: string) => readMrc(new Uint8Array(readFileSync(path))).data;
    expect(tomogram(join(out, 'TS_02', 'fbp.mrc'))).toEqual(tomogram(join(dir, 'relion4-s2', 'tilt_series', 'fbp.mrc')));
    // A SLURM array's list names the file once per series; each task reads the table its entry is named after.
    const slurm = join(dir, 'relion4-slurm');
    const scripts = await wedgelab(['batch', '--list', tomograms, '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--out-dir', slurm, '--slurm']);
    expect(scripts.code, scripts.stderr).toBe(0);
    const task = await wedgelab(['batch', '--list', join(slurm, 'slurm', 'series.tsv'), '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--out-dir', slurm, '--task-index', '1', '--quiet', '--no-merge']);
    expect(task.code, task.stderr).toBe(0);
    expect(tomogram(join(slurm, 'TS_02', 'fbp.mrc'))).toEqual(tomogram(join(out, 'TS_02', 'fbp.mrc')));
  });

  it('phase flips every series with --phase-flip, its CTF estimate found beside its stack; one without fails saying why; without the flag a learned method warns', async () => {
    const flipDir = join(dir, 'ctf-series');
    mkdirSync(join(flipDir, 'a'), { recursive: true });
    mkdirSync(join(flipDir, 'b'), { recursive: true });
    for (const name of ['a', 'b']) for (const file of ['tilt_series.mrc', 'tilt_series.tlt']) copyFileSync(join(series, 's1', file), join(flipDir, name, file));
    // AreTomo's name for a stack's CTF estimate; 13 tilts at 3 µm.
    writeFileSync(join(flipDir, 'a', 'tilt_series_CTF.txt'), Array.from({ length: 13 }, (_, k) => `${k + 1} 30000 30000 0 0 0.1 9`).join('\n'));
    const out = join(dir, 'ctf-out');
    const run = await wedgelab(['batch', '--list', flipDir, '--methods', 'fbp', '--thickness', '8', '--scores', 'none', '--phase-flip', '--out-dir', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const [a, b] = rows(out);
    expect(a).toMatchObject({ series: 'a', status: 'done' });
    expect(b).toMatchObject({ series: 'b', status: 'failed' });
    expect(b.error).toContain(`${join(flipDir, 'b', 'tilt_series.mrc')}: phase flip: the tilt series has no defocus`);
    // The tomogram's header says where it came from (labels: WedgeLab, the method, the source).
    const header = readMrc(new Uint8Array(readFileSync(join(out, 'a', 'fbp.mrc')))).header;
    expect(header.labels[2]).toBe(`from ${join(flipDir, 'a', 'tilt_series.mrc')}, phase-flipped`.slice(0, 80));
    // A Cs no microscope has is refused before any series is read.
    const wrongCs = await wedgelab(['batch', '--list', flipDir, '--methods', 'fbp', '--phase-flip', '--cs', '99', '--out-dir', join(dir, 'ctf-never'), '--quiet']);
    expect([wrongCs.code, wrongCs.stderr]).toEqual([2, expect.stringContaining('--cs: a spherical aberration of 99 mm: give 0–10 mm')]);
    expect(existsSync(join(dir, 'ctf-never', 'a'))).toBe(false);
    // Without --phase-flip, a learned method on the series with an estimate says to flip first; not on the other.
    const unflipped = await wedgelab(['batch', '--list', flipDir, '--methods', 'fbp,localnet', '--thickness', '8', '--scores', 'none', '--out-dir', join(dir, 'ctf-unflipped'), '--quiet']);
    expect(unflipped.code, unflipped.stderr).toBe(0);
    expect(unflipped.stderr.match(/not phase flipped/g)).toHaveLength(1);
    expect(unflipped.stderr).toContain(`warning: ${join(flipDir, 'a', 'tilt_series.mrc')} has a CTF estimate and is not phase flipped: localnet models no CTF`);
  });

  it('warns once a series of a stack offset, unless every method subtracts the tilt means or removes the offset itself', async () => {
    const offsetSeries = join(dir, 'offset-series');
    mkdirSync(join(offsetSeries, 'o1'), { recursive: true });
    const stack = readMrc(new Uint8Array(readFileSync(join(series, 's3', 'tilt_series.mrc'))));
    const { nx, ny, nz } = stack.header;
    writeFileSync(join(offsetSeries, 'o1', 'tilt_series.mrc'), writeMrc({ nx, ny, nz, pixelSize: stack.pixelSize[0], data: stack.data.map((v) => v + 100) }));
    copyFileSync(join(series, 's3', 'tilt_series.tlt'), join(offsetSeries, 'o1', 'tilt_series.tlt'));
    const run = (out: string, methods: string[]) => wedgelab(['batch', '--list', offsetSeries, '--thickness', '8', '--scores', 'none', '--out-dir', join(dir, out), '--quiet', '--methods', ...methods]);
    const plain = await run('offset-out', ['fbp,sirt', '--iterations', '2']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr.match(/^warning: .*o1\/tilt_series\.mrc: the stack's mean \(100\) is 160 standard deviations from 0, /gm)).toHaveLength(1);
    const subtracted = await run('offset-out-subtracted', ['fbp,sirt', '--iterations', '2', '--subtract-mean']);
    expect(subtracted.code, subtracted.stderr).toBe(0);
    expect(subtracted.stderr).not.toContain('warning');
    // The local network takes the stack's mean off itself (the registry's offsetFree; batch scores no trust), so
    // alone it is not warned of, and listed first it must not hide the FBP after it that is.
    const learned = await run('offset-out-localnet', ['localnet-wavelet']);
    expect(learned.code, learned.stderr).toBe(0);
    expect(learned.stderr).not.toContain('warning');
    const mixed = await run('offset-out-mixed', ['localnet-wavelet,fbp']);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.stderr.match(/^warning: .*o1\/tilt_series\.mrc: the stack's mean \(100\) is 160 standard deviations from 0, /gm)).toHaveLength(1);
    expect(rows(join(dir, 'offset-out-mixed')).map((r) => `${r.series} ${r.method} ${r.status}`)).toEqual(['o1 fbp done', 'o1 localnet-wavelet done']);
  });

  it('writes a SLURM job array over the listed series and a merge job after it', async () => {
    const cluster = join(dir, 'cluster');
    const made = await wedgelab(['batch', '--list', series, '--methods', 'fbp', '--thickness', '8', '--out-dir', cluster, '--slurm', '--partition', 'gpu', '--throttle', '4', '--time', '1:00:00']);
    expect(made.code, made.stderr).toBe(0);
    const script = readFileSync(join(cluster, 'slurm', 'batch.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-4%4');
    expect(script).toContain('#SBATCH --gres=gpu:1');
    expect(script).toContain('#SBATCH --partition=gpu');
    expect(script).toContain('#SBATCH --time=1:00:00');
    const command = script.trim().split('\n').at(-1)!;
    expect(command).toMatch(/^exec \S+ \S+bin\/wedgelab\.js batch --methods fbp --thickness 8 --out-dir \S+cluster --list \S+series\.tsv --no-merge$/);
    const list = readFileSync(join(cluster, 'slurm', 'series.tsv'), 'utf8').trim().split('\n').slice(1);
    expect(list.map((line) => line.split('\t')[0])).toEqual(['cut', 's1', 's2', 's3', 'short']);
    expect(readFileSync(join(cluster, 'slurm', 'merge.sbatch'), 'utf8')).toMatch(/batch --merge --out-dir \S+cluster\n$/);
  });
});
