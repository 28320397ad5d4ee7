// The wedgelab command line end to end, as a user runs it: real processes, real files.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filterResponse, paddedLength } from '../engine/filters.ts';
import { tiltTrig } from '../engine/geometry.ts';
import { relativeError } from '../engine/checks/kernelChecks.ts';
import { SHIPPED_CHOICES } from '../engine/methods/modelChoice.ts';
import { stackMeanStd } from '../engine/methods/preprocess.ts';
import { filterRowsCpu } from '../engine/reference/filter.ts';
import { gaussianSmoothCpu } from '../engine/reference/gaussian.ts';
import { psnr } from '../engine/metrics/quality.ts';
import { extractPatchesCpu } from '../engine/reference/patches.ts';
import { halfGridOrigin } from '../engine/methods/localnet/grid.ts';
import { dwt3Cpu } from '../engine/reference/wavelet3d.ts';
import { METHODS, methodChoices, methodDefinition, methodFlags } from '../engine/methods/registry.ts';
import { parseTlt } from '../io/angles.ts';
import { withSerialEmTiltAngles } from '../io/extendedHeaderFixture.ts';
import { readMrc, writeMrc } from '../io/mrc.ts';
import { readTiltSeriesFiles } from '../io/tiltSeriesFiles.ts';
import { KIND_COMMANDS } from './methodFlags.ts';
import { wedgelab } from './testKit.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .npy file as training-patches writes it: format 1.0, little-endian float32 or int32. */
function readNpy(path: string): { shape: number[]; data: Float32Array | Int32Array } {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim()).map(Number);
  const body = bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length);
  return { shape, data: header.includes("'<f4'") ? new Float32Array(body) : new Int32Array(body) };
}

describe('wedgelab CLI', () => {
  it('simulates, reports info, and reconstructs with FBP and SIRT', async () => {
    const sim = await wedgelab(['simulate', '--phantom', 'spheres', '--size', '48,40,16', '--angles', '-60,60,5', '--snr-db', '10', '--seed', '3', '--pixel-size', '7', '--out-dir', dir]);
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(0);
    const files = JSON.parse(sim.stdout) as { tiltSeries: string; tiltAngles: string; groundTruth: string };
    expect(readFileSync(files.tiltAngles, 'utf8').trim().split('\n')).toHaveLength(25);

    const info = JSON.parse((await wedgelab(['info', '--json', files.tiltSeries])).stdout);
    expect(info).toMatchObject({ nx: 48, ny: 40, nz: 25, mode: 2, dtype: 'float32', endianness: 'little', extendedHeaderBytes: 0 });
    expect(info.pixelSize[0]).toBeCloseTo(7, 5);

    for (const [method, own] of [['fbp', ['--filter', 'shepp']], ['sirt', ['--iterations', '3']]] as const) {
      const out = join(dir, `${method}.mrc`);
      const recon = await wedgelab(['recon', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--method', method, '--thickness', '16', ...own, '--quiet', '--out', out]);
      expect(recon.code, recon.stderr).toBe(0);
      const tomogram = readMrc(new Uint8Array(readFileSync(out)));
      expect([tomogram.header.nx, tomogram.header.ny, tomogram.header.nz]).toEqual([48, 40, 16]);
      expect(tomogram.header.labels.join(' ')).toContain(method === 'fbp' ? 'FBP (shepp-logan,' : 'SIRT (3 it,');
      expect(tomogram.pixelSize[0]).toBeCloseTo(7, 4);
    }

    // A refinement of the FBP tomogram: the worker's filter, named after both, as the CPU reference has it.
    const refined = join(dir, 'fbp_gaussian.mrc');
    const refine = await wedgelab(['refine', '--in', join(dir, 'fbp.mrc'), '--method', 'gaussian', '--sigma', '1.5', '--quiet', '--out', refined]);
    expect(refine.code, refine.stderr).toBe(0);
    const fbp = readMrc(new Uint8Array(readFileSync(join(dir, 'fbp.mrc'))));
    const smoothed = readMrc(new Uint8Array(readFileSync(refined)));
    expect(smoothed.header.labels.slice(1, -1).join(' ')).toBe('Gaussian smoothing (sigma 1.5 voxels) <- FBP (shepp-logan, thickness 16, bin 1)');
    const volume = { nx: 48, ny: 40, nz: 16, data: fbp.data, pixelSize: fbp.pixelSize[0] };
    expect(relativeError(smoothed.data, gaussianSmoothCpu(volume, 1.5).data)).toBeLessThan(1e-6);
    expect(smoothed.pixelSize[0]).toBeCloseTo(7, 4);
    // The same tomogram as an OME-Zarr folder refines into the same voxels, named after the folder.
    const zarr = join(dir, 'fbp.ome.zarr');
    const written = await wedgelab(['recon', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--method', 'fbp', '--thickness', '16', '--filter', 'shepp', '--quiet', '--out', zarr]);
    expect(written.code, written.stderr).toBe(0);
    const fromZarr = await wedgelab(['refine', '--in', zarr, '--method', 'gaussian', '--sigma', '1.5', '--quiet', '--out', join(dir, 'zarr_gaussian.mrc')]);
    expect(fromZarr.code, fromZarr.stderr).toBe(0);
    const zarrSmoothed = readMrc(new Uint8Array(readFileSync(join(dir, 'zarr_gaussian.mrc'))));
    expect(zarrSmoothed.header.labels.slice(1, -1).join(' ')).toBe('Gaussian smoothing (sigma 1.5 voxels) <- fbp.ome.zarr');
    expect(zarrSmoothed.data).toEqual(smoothed.data);

    // The local model's path itself is covered by methods/localnet.test.ts and onnx/trainedModel.test.ts: its first
    // onnxruntime-web run in a fresh CLI process takes ~30 s on this machine, too slow for this suite.
    const localnet = ['recon', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--method', 'localnet', '--model', 'nope', '--out', join(dir, 'localnet.mrc')];
    expect((await wedgelab(localnet)).stderr).toContain(`no local model "nope": the shipped ones are ${SHIPPED_CHOICES.localnet.map((m) => m.name).join(', ')}; nor is there a file nope`);
  });

  it("simulates through a microscope's CTF (--defocus), writes the defocus beside as IMOD's .defocus, recon flips it, export-tilts writes it flipped", async () => {
    const out = join(dir, 'ctf');
    const sim = await wedgelab(['simulate', '--phantom', 'spheres', '--size', '128,24,16', '--angles', '-60,60,5', '--seed', '4', '--pixel-size', '1.5', '--defocus', '1', '--out-dir', out]);
    expect(sim.code, sim.stderr).toBe(0);
    const files = JSON.parse(sim.stdout) as { tiltSeries: string; tiltAngles: string; groundTruth: string; defocus: string };
    const defocusLines = readFileSync(files.defocus, 'utf8').trim().split('\n');
    expect(defocusLines).toHaveLength(25);
    expect(defocusLines.slice(0, 2)).toEqual(['1\t1\t-60.00\t-60.00\t1000.0\t2', '2\t2\t-55.00\t-55.00\t1000.0']);
    expect(readMrc(new Uint8Array(readFileSync(files.tiltSeries))).header.labels[1]).toBe('tilt series: simulate spheres 128x24x16 seed 4 noise-free ctf 1.00 um');
    const base = ['recon', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--method', 'fbp', '--thickness', '16', '--quiet'];
    const plain = await wedgelab([...base, '--out', join(out, 'fbp.mrc')]);
    const flipped = await wedgelab([...base, '--defocus', files.defocus, '--phase-flip', '--out', join(out, 'flipped.mrc')]);
    expect([plain.code, flipped.code], flipped.stderr).toEqual([0, 0]);
    // 1.5 Å at 1 µm: the first zero at 1/(19 Å), and across the 60° views up to 4 defocus levels.
    expect(flipped.stderr).toContain('(300 kV, Cs 2.7 mm, Q 0.07; up to 4 defocus levels across a tilt)');
    const truth = readMrc(new Uint8Array(readFileSync(files.groundTruth)));
    const score = (path: string) => psnr(readMrc(new Uint8Array(readFileSync(path))).data, truth.data);
    // Measured: 11.5 dB as simulated, 14.6 dB flipped.
    expect(score(join(out, 'flipped.mrc')) - score(join(out, 'fbp.mrc'))).toBeGreaterThan(2);
    // export-tilts writes the series as recon saw it (here flipped, tilt 1 left out) for another program: recon of
    // the written pair without a flip makes the same tomogram as recon with the flip of the original.
    const exported = await wedgelab(['export-tilts', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--defocus', files.defocus, '--phase-flip', '--exclude-tilts', '1', '--out', join(out, 'ready.mrc')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual({ tiltSeries: join(out, 'ready.mrc'), tiltAngles: join(out, 'ready.tlt'), nx: 128, ny: 24, nTilts: 24, pixelSize: 1.5 });
    expect(readFileSync(join(out, 'ready.tlt'), 'utf8').split('\n')[0]).toBe('-55.00');
    expect(readMrc(new Uint8Array(readFileSync(join(out, 'ready.mrc')))).header.labels[1]).toBe('tilt series: tilt_series.mrc, without tilt 1, phase-flipped');
    const fromExport = await wedgelab(['recon', '--tilts', join(out, 'ready.mrc'), '--angles', join(out, 'ready.tlt'), '--method', 'fbp', '--thickness', '16', '--quiet', '--out', join(out, 'from-export.mrc')]);
    const direct = await wedgelab([...base, '--defocus', files.defocus, '--phase-flip', '--exclude-tilts', '1', '--out', join(out, 'direct.mrc')]);
    expect([fromExport.code, direct.code], fromExport.stderr + direct.stderr).toEqual([0, 0]);
    const [a, b] = ['from-export.mrc', 'direct.mrc'].map((name) => readMrc(new Uint8Array(readFileSync(join(out, name)))).data);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6 * Math.max(...b.map(Math.abs)));
    // Binned at load: half the width, twice the pixel; the stack's name is checked, and an existing one kept.
    const binned = await wedgelab(['export-tilts', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--bin', '2', '--quiet', '--out', join(out, 'binned.mrc')]);
    expect(JSON.parse(binned.stdout)).toMatchObject({ nx: 64, ny: 12, nTilts: 25, pixelSize: 3 });
    const notStack = await wedgelab(['export-tilts', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--out', join(out, 'ready.txt')]);
    expect([notStack.code, notStack.stderr.split('\n')[0]]).toEqual([2, `wedgelab export-tilts: --out names the stack to write, an .mrc (or .st, .ali); ${join(out, 'ready.txt')} is none: its .tlt is written beside it`]);
    const again = await wedgelab(['export-tilts', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--out', join(out, 'ready.mrc')]);
    expect(again.stderr.trim()).toBe(`wedgelab export-tilts: ${join(out, 'ready.mrc')} exists: add --force to replace it`);
    const noPixel = await wedgelab(['simulate', '--phantom', 'spheres', '--size', '8,8,8', '--angles', '-30,30,30', '--defocus', '1', '--out-dir', join(dir, 'never')]);
    expect([noPixel.code, noPixel.stderr.split('\n')[0]]).toEqual([2, 'wedgelab simulate: --defocus needs --pixel-size (Å): the CTF depends on it']);
    const zero = await wedgelab(['simulate', '--phantom', 'spheres', '--size', '8,8,8', '--angles', '-30,30,30', '--pixel-size', '2', '--defocus', '0', '--out-dir', join(dir, 'never')]);
    expect(zero.stderr).toContain('--defocus: 0 µm: give a defocus under focus from above 0 to 20 µm');
  });

  it('scores a method by held-out tilts (also each in turn) and odd/even FSC', async () => {
    const common = ['--tilts', join(dir, 'tilt_series.mrc'), '--angles', join(dir, 'tilt_series.tlt'), '--method', 'fbp', '--thickness', '16', '--json'];
    const cv = await wedgelab(['cv', ...common, '--drop', '±15']);
    expect(cv.code, cv.stderr).toBe(0);
    const report = JSON.parse(cv.stdout) as { perAngle: { angle: number; nmse: number; corr: number }[]; meanCorr: number };
    expect(report.perAngle.map((s) => s.angle)).toEqual([15, -15]);
    // Noise at 10 dB and a thin slab: the held-out projections are still predicted well.
    expect(report.meanCorr).toBeGreaterThan(0.7);
    // Every tilt in turn: each with its agreement beside its neighbours'; a clean simulation has no tilt named.
    const each = await wedgelab(['cv', ...common, '--drop', 'each']);
    expect(each.code, each.stderr).toBe(0);
    const eachReport = JSON.parse(each.stdout) as { label: string; perAngle: { index: number; agreement: number; expected: number; flagged: boolean }[]; flagged: number[] };
    const tilts = parseTlt(readFileSync(join(dir, 'tilt_series.tlt'), 'utf8')).length;
    expect(eachReport.label).toMatch(new RegExp(`, each of the ${tilts} tilts held out in turn$`));
    expect(eachReport.perAngle.map((s) => s.index)).toEqual(Array.from({ length: tilts }, (_, k) => k));
    for (const s of eachReport.perAngle) expect([s.agreement > 0.3, s.expected > 0.3, s.flagged]).toEqual([true, true, false]);
    expect(eachReport.flagged).toEqual([]);
    const text = await wedgelab(['cv', ...common.filter((a) => a !== '--json'), '--drop', 'each', '--quiet']);
    expect(text.stdout.trim().split('\n').at(-1)).toBe('every tilt agrees with the others as well as its neighbours do');
    const oddEven = await wedgelab(['oddeven', ...common]);
    expect(oddEven.code, oddEven.stderr).toBe(0);
    const curve = JSON.parse(oddEven.stdout) as { shells: number[]; fsc: number[]; resolutionUnit: string };
    expect(curve.shells).toHaveLength(curve.fsc.length);
    expect(curve.fsc[2]).toBeGreaterThan(0.5);
    expect(curve.resolutionUnit).toBe('Å');
  });

  it('leaves out the tilts --exclude-tilts names: the same tomogram and scores as a stack written without them', async () => {
    const stack = readMrc(new Uint8Array(readFileSync(join(dir, 'tilt_series.mrc'))));
    const angles = parseTlt(readFileSync(join(dir, 'tilt_series.tlt'), 'utf8'));
    // Tilts 1–2 and 25 (numbered from 1): the two most negative and the most positive.
    const kept = angles.map((_, k) => k).filter((k) => ![0, 1, 24].includes(k));
    const plane = stack.header.nx * stack.header.ny;
    const data = new Float32Array(kept.length * plane);
    kept.forEach((k, j) => data.set(stack.data.subarray(k * plane, (k + 1) * plane), j * plane));
    const subset = { stack: join(dir, 'subset.mrc'), angles: join(dir, 'subset.tlt') };
    writeFileSync(subset.stack, writeMrc({ nx: stack.header.nx, ny: stack.header.ny, nz: kept.length, data, pixelSize: stack.pixelSize[0] }, { stack: true }));
    writeFileSync(subset.angles, kept.map((k) => angles[k]).join('\n'));
    const whole = ['--tilts', join(dir, 'tilt_series.mrc'), '--angles', join(dir, 'tilt_series.tlt'), '--exclude-tilts', '25,1-2'];
    const fewer = ['--tilts', subset.stack, '--angles', subset.angles];
    const method = ['--method', 'fbp', '--thickness', '16'];
    const [excluded, written] = [join(dir, 'excluded.mrc'), join(dir, 'written.mrc')];
    const recon = await wedgelab(['recon', ...whole, ...method, '--quiet', '--out', excluded]);
    expect(recon.code, recon.stderr).toBe(0);
    expect(recon.stderr.split('\n')[0]).toBe('left out (--exclude-tilts): tilts 1 (-60.0°), 2 (-55.0°), 25 (60.0°)');
    expect((await wedgelab(['recon', ...fewer, ...method, '--quiet', '--out', written])).code).toBe(0);
    const tomogram = readMrc(new Uint8Array(readFileSync(excluded)));
    expect(tomogram.data).toEqual(readMrc(new Uint8Array(readFileSync(written))).data);
    expect(tomogram.header.labels.join(' ')).toContain('from tilt_series.mrc, without tilts 1, 2, 25');
    // IMOD's tilt.com listing the same views (--tilt-com): the same tomogram, the views named with its line.
    const tiltCom = join(dir, 'tilt.com');
    writeFileSync(tiltCom, ['$tilt -StandardInput', 'InputProjections tilt_series.mrc', 'THICKNESS 16', 'EXCLUDELIST2 1-2', 'EXCLUDELIST2 25', 'DONE'].join('\n'));
    const byCom = await wedgelab(['recon', ...whole.slice(0, 4), '--tilt-com', tiltCom, ...method, '--quiet', '--out', join(dir, 'by-tilt-com.mrc')]);
    expect(byCom.code, byCom.stderr).toBe(0);
    expect(readMrc(new Uint8Array(readFileSync(join(dir, 'by-tilt-com.mrc')))).data).toEqual(tomogram.data);
    // Its thickness matches --thickness 16, so nothing is said of it; at another, the line says which flag matches.
    expect(byCom.stderr).not.toContain('THICKNESS');
    const thicker = await wedgelab(['recon', ...whole.slice(0, 4), '--tilt-com', tiltCom, '--method', 'fbp', '--thickness', '12', '--quiet', '--out', join(dir, 'by-tilt-com-12.mrc')]);
    expect(thicker.stderr).toContain("tilt.com line 3 (THICKNESS): IMOD's tomogram is 16 pixels thick at this binning, this one 12 (--thickness 16 matches it)");
    // AreTomo's .aln (no shifts) measured the specimen 20 pixels thick: a thinner tomogram is told the thickness that holds it.
    // In a folder of its own: beside the stack it would be one more angle file the later tests' messages count.
    mkdirSync(join(dir, 'aretomo'), { recursive: true });
    const aln = join(dir, 'aretomo', 'tilt_series.aln');
    const rows = angles.map((a, k) => `${k} 0 1 0 0 1 1 1 0 ${a}`);
    writeFileSync(aln, [`# RawSize = ${stack.header.nx} ${stack.header.ny} ${angles.length}`, '# Thickness = 20', '# SEC ROT GMAG TX TY SMEAN SFIT SCALE BASE TILT', ...rows].join('\n'));
    const byAln = (thickness: string) => wedgelab(['recon', '--tilts', join(dir, 'tilt_series.mrc'), '--aln', aln, '--method', 'fbp', '--thickness', thickness, '--force', '--quiet', '--out', join(dir, 'by-aln.mrc')]);
    const thin = await byAln('12');
    expect(thin.code, thin.stderr).toBe(0);
    expect(thin.stderr).toContain("tilt_series.aln (# Thickness): AreTomo measured the specimen 20 pixels thick at this binning, thicker than this tomogram's 12 (--thickness 32 holds it with a margin)");
    expect((await byAln('24')).stderr).not.toContain('AreTomo measured');
    // Its radial filter (a true σ): FBP with another filter says which flags match IMOD's, in cycles/pixel of the run's binning.
    const filtered = join(dir, 'tilt-radial.com');
    writeFileSync(filtered, ['$tilt -StandardInput', 'THICKNESS 16', 'RADIAL 0.2 0.05', 'FalloffIsTrueSigma 1', 'DONE'].join('\n'));
    const radial = (flags: string[]) => wedgelab(['recon', ...whole.slice(0, 4), '--tilt-com', filtered, '--method', 'fbp', '--thickness', '16', ...flags, '--force', '--quiet', '--out', join(dir, 'by-radial.mrc')]);
    const binned = await radial(['--bin', '2']);
    expect(binned.code, binned.stderr).toBe(0);
    expect(binned.stderr).toContain("tilt-radial.com line 3 (RADIAL): IMOD's FBP filter is radial 0.4/0.1 at this binning, this one ram-lak (--filter radial --cutoff 0.4 --falloff 0.1 matches it)");
    expect((await radial(['--filter', 'radial', '--cutoff', '0.2', '--falloff', '0.05'])).stderr).not.toContain('RADIAL');
    const info = await wedgelab(['info', whole[1], whole[3], tiltCom]);
    expect(info.stdout).toContain('Views left out (IMOD) 1 (-60°), 2 (-55°), 25 (60°): sections 0, 1, 24 (tilt.com line 4 (EXCLUDELIST2), tilt.com line 5 (EXCLUDELIST2))');
    const cv = (input: string[]) => wedgelab(['cv', ...input, ...method, '--drop', 'every:4', '--json']);
    const [cvExcluded, cvWritten] = await Promise.all([cv(whole), cv(fewer)]);
    expect(cvExcluded.code, cvExcluded.stderr).toBe(0);
    expect(JSON.parse(cvExcluded.stdout)).toEqual(JSON.parse(cvWritten.stdout));
    // The scoring commands read the series as recon does, side files included: tilt.com's views are left out there too.
    const cvByCom = await cv([...whole.slice(0, 4), '--tilt-com', tiltCom]);
    expect(cvByCom.code, cvByCom.stderr).toBe(0);
    expect(JSON.parse(cvByCom.stdout)).toEqual(JSON.parse(cvWritten.stdout));
    // Numbers past the series, or too few tilts left: one line naming the flag.
    const past = await wedgelab(['recon', ...whole.slice(0, 4), '--exclude-tilts', '26', ...method, '--out', join(dir, 'past.mrc')]);
    expect([past.code, past.stderr.trim()]).toEqual([1, "wedgelab recon: --exclude-tilts: tilt 26 is past the series' 25 tilts"]);
    const bad = await wedgelab(['oddeven', ...whole.slice(0, 4), '--exclude-tilts', '0,3', ...method]);
    expect([bad.code, bad.stderr.trim()]).toEqual([1, 'wedgelab oddeven: --exclude-tilts "0,3": give tilt numbers from 1, as 1-3,41']);
    expect(existsSync(join(dir, 'past.mrc'))).toBe(false);
    // A tilt that looks dark (tilt 5 at 2 % of its exposure) is pointed out with the list that leaves it out; left out, it is not.
    const dark = join(dir, 'dark.mrc');
    const darkData = stack.data.map((v, i) => (Math.floor(i / plane) === 4 ? 0.02 * v : v));
    writeFileSync(dark, writeMrc({ nx: stack.header.nx, ny: stack.header.ny, nz: angles.length, data: darkData, pixelSize: stack.pixelSize[0] }, { stack: true }));
    const darkRun = (extra: string[]) => wedgelab(['recon', '--tilts', dark, '--angles', join(dir, 'tilt_series.tlt'), ...extra, ...method, '--quiet', '--force', '--out', join(dir, 'dark-fbp.mrc')]);
    const warned = await darkRun([]);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(new RegExp(`^warning: ${dark}: tilt 5 \\(-40\\.0°, [0-9]%\\) looks dark: a mean below 25% of the median, allowing for the 1/cos θ path \\(--exclude-tilts 5 leaves them out\\)$`, 'm'));
    expect((await darkRun(['--exclude-tilts', '5'])).stderr).not.toContain('looks dark');
    // With others left out, it keeps its number in the stack as loaded (not 4 of the tilts left), and the list has all of them.
    const withOthers = await darkRun(['--exclude-tilts', '1,2']);
    expect(withOthers.stderr).toMatch(/^warning: .*: tilt 5 \(-40\.0°, [0-9]%\) looks dark: .* \(--exclude-tilts 1,2,5 leaves them out\)$/m);
  });
  it("reads a RELION 5 project's tilt series: its tomograms.star, table and tilt images, found from the project's folder", async () => {
    const stack = readMrc(new Uint8Array(readFileSync(join(dir, 'tilt_series.mrc'))));
    const angles = parseTlt(readFileSync(join(dir, 'tilt_series.tlt'), 'utf8'));
    const project = join(dir, 'relion');
    const [frames, job] = [join(project, 'MotionCorr', 'job002', 'frames'), join(project, 'AlignTiltSeries', 'job005')];
    mkdirSync(frames, { recursive: true });
    mkdirSync(join(job, 'tilt_series'), { recursive: true });
    const plane = stack.header.nx * stack.header.ny;
    // Tilts 1–2 and 25 excluded, as RELION leaves excluded tilts out of the table; one motion-corrected image per tilt.
    const kept = angles.map((_, k) => k).filter((k) => ![0, 1, 24].includes(k));
    const name = (k: number) => `TS_01_${String(k + 1).padStart(3, '0')}_${angles[k].toFixed(1)}.mrc`;
    for (const k of kept) writeFileSync(join(frames, name(k)), writeMrc({ nx: stack.header.nx, ny: stack.header.ny, nz: 1, data: stack.data.slice(k * plane, (k + 1) * plane), pixelSize: stack.pixelSize[0] }));
    const columns = ['rlnMicrographName', 'rlnTomoNominalStageTiltAngle', 'rlnTomoYTilt', 'rlnTomoZRot', 'rlnTomoXShiftAngst', 'rlnTomoYShiftAngst', 'rlnMicrographPreExposure'];
    const rows = kept.map((k) => `MotionCorr/job002/frames/${name(k)} ${angles[k]} ${angles[k]} 0 0 0 ${3 * k}`);
    writeFileSync(join(job, 'tilt_series', 'TS_01.star'), ['# version 50001', '', 'data_TS_01', '', 'loop_', ...columns.map((c, i) => `_${c} #${i + 1}`), ...rows, ''].join('\n'));
    const tomograms = join(job, 'tomograms.star');
    writeFileSync(tomograms, ['data_global', '', 'loop_', '_rlnTomoName #1', '_rlnVoltage #2', '_rlnTomoTiltSeriesStarFile #3', 'TS_01 300 AlignTiltSeries/job005/tilt_series/TS_01.star', ''].join('\n'));
    // Its doses (the pre-exposures) weight FBP by default, as an .mdoc's do.
    const recon = (weighting: string, out: string) => wedgelab(['recon', '--tilts', tomograms, '--method', 'fbp', '--thickness', '16', weighting, '--quiet', '--out', out]);
    const weighted = await recon('--dose-weighting', join(dir, 'relion-weighted.mrc'));
    expect(weighted.code, weighted.stderr).toBe(0);
    expect(weighted.stderr).toMatch(/^FBP \(ram-lak, thickness 16, bin 1, dose-weighted\)/);
    // Unweighted, the same tomogram as the stack without those tilts (the test above wrote it), read from anywhere.
    const out = join(dir, 'relion.mrc');
    const unweighted = await recon('--no-dose-weighting', out);
    expect(unweighted.code, unweighted.stderr).toBe(0);
    expect(unweighted.stderr).not.toContain('warning');
    expect(readMrc(new Uint8Array(readFileSync(out))).data).toEqual(readMrc(new Uint8Array(readFileSync(join(dir, 'written.mrc')))).data);
    const info = await wedgelab(['info', join(job, 'tilt_series', 'TS_01.star')]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain('tilt series TS_01 (22 tilt images) + TS_01.star');
    expect(info.stdout).toContain('Tilt series (RELION) TS_01: 22 tilt images (TS_01.star)');
    // A tomograms.star that lists two series: one is picked with --series, and without it the refusal says how.
    const second = join(job, 'tilt_series', 'TS_02.star');
    writeFileSync(second, readFileSync(join(job, 'tilt_series', 'TS_01.star'), 'utf8').replace('data_TS_01', 'data_TS_02'));
    const both = join(job, 'both.star');
    writeFileSync(both, ['data_global', '', 'loop_', '_rlnTomoName #1', '_rlnTomoTiltSeriesStarFile #2', 'TS_01 AlignTiltSeries/job005/tilt_series/TS_01.star', 'TS_02 AlignTiltSeries/job005/tilt_series/TS_02.star', ''].join('\n'));
    const picked = await wedgelab(['recon', '--tilts', both, '--series', 'TS_02', '--method', 'fbp', '--thickness', '16', '--no-dose-weighting', '--quiet', '--out', join(dir, 'relion-ts02.mrc')]);
    expect(picked.code, picked.stderr).toBe(0);
    expect(readMrc(new Uint8Array(readFileSync(join(dir, 'relion-ts02.mrc')))).data).toEqual(readMrc(new Uint8Array(readFileSync(out))).data);
    const unpicked = await wedgelab(['recon', '--tilts', both, '--method', 'fbp', '--out', join(dir, 'relion-both.mrc')]);
    expect([unpicked.code, unpicked.stderr.trim()]).toEqual([1, `wedgelab recon: ${both} lists 2 tilt series (TS_01, TS_02): pick one with --series TS_01, or give its own STAR file (${join(job, 'tilt_series', 'TS_01.star')}), or run them all with wedgelab batch --list ${both}`]);
    const unknownSeries = await wedgelab(['recon', '--tilts', both, '--series', 'TS_09', '--method', 'fbp', '--out', join(dir, 'relion-both.mrc')]);
    expect(unknownSeries.stderr.trim()).toBe(`wedgelab recon: ${both} lists no tilt series TS_09 (it lists TS_01, TS_02)`);
    const stackSeries = await wedgelab(['recon', '--tilts', join(dir, 'tilt_series.mrc'), '--angles', join(dir, 'tilt_series.tlt'), '--series', 'TS_01', '--method', 'fbp', '--out', join(dir, 'relion-both.mrc')]);
    expect([stackSeries.code, stackSeries.stderr.split('\n')[0]]).toEqual([2, `wedgelab recon: --series picks one tilt series of a RELION STAR file; ${join(dir, 'tilt_series.mrc')} is not one`]);
    // An image that is not there: one line naming the table, the path as written and where it was looked for.
    rmSync(join(frames, name(kept[3])));
    const missing = await wedgelab(['recon', '--tilts', tomograms, '--method', 'fbp', '--out', join(dir, 'relion-missing.mrc')]);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `wedgelab recon: ${join(job, 'tilt_series', 'TS_01.star')} names the image MotionCorr/job002/frames/${name(kept[3])}, which is neither there (from this folder) nor under any folder above ${join(job, 'tilt_series')}, nor beside it`]);
  });

  it("halves a RELION series by movie frame (its table's even- and odd-frame sums) for the odd/even FSC, and reconstructs either half", async () => {
    const stack = readMrc(new Uint8Array(readFileSync(join(dir, 'tilt_series.mrc'))));
    const angles = parseTlt(readFileSync(join(dir, 'tilt_series.tlt'), 'utf8'));
    const project = join(dir, 'relion-halves');
    const frames = join(project, 'MotionCorr', 'job002', 'frames');
    mkdirSync(frames, { recursive: true });
    const [nx, ny] = [stack.header.nx, stack.header.ny];
    const image = (k: number, scale: number) => writeMrc({ nx, ny, nz: 1, data: stack.data.slice(k * nx * ny, (k + 1) * nx * ny).map((x) => scale * x), pixelSize: stack.pixelSize[0] });
    const name = (k: number, suffix = '') => `TS_01_${String(k + 1).padStart(3, '0')}${suffix}.mrc`;
    // Each tilt's even and odd sums are alike here (half the image each): the halves differ by nothing, so their FSC is 1.
    angles.forEach((_, k) => {
      writeFileSync(join(frames, name(k)), image(k, 1));
      writeFileSync(join(frames, name(k, '_EVN')), image(k, 0.5));
      writeFileSync(join(frames, name(k, '_ODD')), image(k, 0.5));
    });
    const columns = ['rlnMicrographName', 'rlnMicrographNameEven', 'rlnMicrographNameOdd', 'rlnTomoYTilt', 'rlnTomoZRot', 'rlnTomoXShiftAngst', 'rlnTomoYShiftAngst'];
    const rows = angles.map((a, k) => ['', '_EVN', '_ODD'].map((suffix) => `MotionCorr/job002/frames/${name(k, suffix)}`).join(' ') + ` ${a} 0 0 0`);
    const table = join(project, 'TS_01.star');
    writeFileSync(table, ['data_TS_01', '', 'loop_', ...columns.map((c, i) => `_${c} #${i + 1}`), ...rows, ''].join('\n'));
    const common = ['--tilts', table, '--method', 'fbp', '--thickness', '16', '--json'];
    const byFrame = await wedgelab(['oddeven', ...common, '--halves', 'frames']);
    expect(byFrame.code, byFrame.stderr).toBe(0);
    const frameCurve = JSON.parse(byFrame.stdout) as { label: string; halves: string; fsc: number[] };
    expect([frameCurve.halves, frameCurve.label]).toEqual(['frames', 'frame-half FSC, FBP (ram-lak, thickness 16, bin 1)']);
    expect(Math.min(...frameCurve.fsc)).toBeGreaterThan(0.9999);
    // By tilt, the same series' halves differ by their noise and sampling.
    const byTilt = JSON.parse((await wedgelab(['oddeven', ...common])).stdout) as { halves: string; fsc: number[] };
    expect(byTilt.halves).toBe('tilts');
    expect(Math.min(...byTilt.fsc)).toBeLessThan(0.5);
    // One half's tomogram (as a denoiser trained on half tomograms takes them): FBP is linear, so here half the whole series'.
    const recon = (extra: string[], out: string) => wedgelab(['recon', '--tilts', table, '--method', 'fbp', '--thickness', '16', '--quiet', ...extra, '--out', out]);
    expect((await recon([], join(project, 'whole.mrc'))).code).toBe(0);
    const even = await recon(['--frames', 'even'], join(project, 'even.mrc'));
    expect(even.code, even.stderr).toBe(0);
    const [whole, half] = ['whole', 'even'].map((n) => readMrc(new Uint8Array(readFileSync(join(project, `${n}.mrc`)))));
    expect(relativeError(half.data, whole.data.map((x) => x / 2))).toBeLessThan(1e-6);
    expect(half.header.labels.join(' ')).toContain('from TS_01 (25 tilt images, even frames)');
    const both = await wedgelab(['oddeven', ...common, '--halves', 'frames', '--frames', 'even']);
    expect([both.code, both.stderr.split('\n')[0]]).toEqual([2, 'wedgelab oddeven: --halves frames reads both frame halves: leave out --frames']);
    const info = await wedgelab(['info', table]);
    expect(info.stdout).toMatch(/Frame halves +the sums of the even and of the odd frames of every tilt: a frame-half FSC can use them \(TS_01\.star \(rlnMicrographNameEven, rlnMicrographNameOdd\)\)/);
    // A half's image that is not there (said before either half is read), a stack without a table: one line each;
    // a word --halves does not know: that line, then the command's usage.
    rmSync(join(frames, name(4, '_ODD')));
    const missing = await wedgelab(['oddeven', ...common, '--halves', 'frames']);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `wedgelab oddeven: ${table} names the image MotionCorr/job002/frames/${name(4, '_ODD')}, which is neither there (from this folder) nor under any folder above ${project}, nor beside it`]);
    const stackOnly = await wedgelab(['oddeven', '--tilts', join(dir, 'tilt_series.mrc'), '--angles', join(dir, 'tilt_series.tlt'), '--method', 'fbp', '--halves', 'frames']);
    expect([stackOnly.code, stackOnly.stderr.trim()]).toEqual([1, "wedgelab oddeven: tilt_series.mrc: no stacks of its even- and odd-frame sums came with it (tilt_series_EVN.mrc and tilt_series_ODD.mrc; or a RELION table's rlnMicrographNameEven/Odd)"]);
    // A stack's own frame halves beside it (AreTomo3's STEM_EVN / STEM_ODD stacks) are found and halve it alike.
    const aretomo = join(dir, 'aretomo3');
    mkdirSync(aretomo);
    const halfStack = writeMrc({ nx, ny, nz: stack.header.nz, data: stack.data.map((x) => x / 2), pixelSize: stack.pixelSize[0] }, { stack: true });
    writeFileSync(join(aretomo, 'ts.mrc'), readFileSync(join(dir, 'tilt_series.mrc')));
    for (const half of ['EVN', 'ODD']) writeFileSync(join(aretomo, `ts_${half}.mrc`), halfStack);
    writeFileSync(join(aretomo, 'ts.tlt'), readFileSync(join(dir, 'tilt_series.tlt')));
    const stackHalves = await wedgelab(['oddeven', '--tilts', join(aretomo, 'ts.mrc'), '--angles', join(aretomo, 'ts.tlt'), '--method', 'fbp', '--thickness', '16', '--json', '--halves', 'frames']);
    expect(stackHalves.code, stackHalves.stderr).toBe(0);
    expect(Math.min(...(JSON.parse(stackHalves.stdout) as { fsc: number[] }).fsc)).toBeGreaterThan(0.9999);
    const unknown = await wedgelab(['oddeven', ...common, '--halves', 'both']);
    expect([unknown.code, unknown.stderr.split('\n')[0]]).toEqual([2, 'wedgelab oddeven: --halves takes tilts, frames (got "both")']);
  });


  it('fits a coordinate network with the options given, and refuses a bad learning rate', async () => {
    const small = join(dir, 'coordnet');
    const sim = await wedgelab(['simulate', '--phantom', 'spheres', '--size', '24,8,8', '--angles', '-60,60,10', '--out-dir', small]);
    expect(sim.code, sim.stderr).toBe(0);
    const common = ['--tilts', join(small, 'tilt_series.mrc'), '--angles', join(small, 'tilt_series.tlt'), '--method', 'coordnet', '--thickness', '8'];
    const net = ['--width', '16', '--layers', '1', '--slab', '4', '--steps-first', '4', '--steps-next', '2', '--tv', '0.1', '--quiet'];
    const out = join(small, 'coordnet.mrc');
    const recon = await wedgelab(['recon', ...common, ...net, '--lr', '1e-3,1e-4', '--out', out]);
    expect(recon.code, recon.stderr).toBe(0);
    const tomogram = readMrc(new Uint8Array(readFileSync(out)));
    expect([tomogram.header.nx, tomogram.header.ny, tomogram.header.nz]).toEqual([24, 8, 8]);
    expect(tomogram.header.labels.join(' ')).toContain('SIREN 16x1, w0 30, slab 4');
    const bad = await wedgelab(['recon', ...common, ...net, '--lr', '-1', '--out', out]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.split('\n')[0]).toBe('wedgelab recon: --lr takes a positive rate or START,END (got "-1")');
  });

  it('writes a seeded training set of varied simulations with a manifest', async () => {
    const out = join(dir, 'training');
    const made = await wedgelab(['training-set', '--count', '2', '--min-size', '16', '--max-size', '32', '--seed', '4', '--out-dir', out]);
    expect(made.code, made.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { dir: string; size: number[]; range: number; step: number; tiltAngles: number[]; snrDb: number }[];
    expect(manifest).toHaveLength(2);
    for (const example of manifest) {
      expect(example.range).toBeGreaterThanOrEqual(37);
      expect(example.range).toBeLessThanOrEqual(70);
      expect(Math.abs(example.snrDb)).toBeLessThanOrEqual(10);
      const truth = readMrc(new Uint8Array(readFileSync(join(out, example.dir, 'ground_truth.mrc'))));
      expect([truth.header.nx, truth.header.ny, truth.header.nz]).toEqual(example.size);
      const stack = readMrc(new Uint8Array(readFileSync(join(out, example.dir, 'tilt_series.mrc'))));
      expect(stack.header.nz).toBe(example.tiltAngles.length);
      expect(readFileSync(join(out, example.dir, 'tilt_series.tlt'), 'utf8').trim().split('\n')).toHaveLength(example.tiltAngles.length);
    }

    // --ctf-fraction 0 draws nothing more: the same set; 1 gives every example a CTF, recorded per tilt.
    const zero = join(dir, 'training-ctf0');
    expect((await wedgelab(['training-set', '--count', '2', '--min-size', '16', '--max-size', '32', '--seed', '4', '--ctf-fraction', '0', '--out-dir', zero])).code).toBe(0);
    expect(readFileSync(join(zero, 'manifest.json'), 'utf8')).toBe(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const withCtf = join(dir, 'training-ctf1');
    expect((await wedgelab(['training-set', '--count', '2', '--min-size', '16', '--max-size', '32', '--seed', '4', '--ctf-fraction', '1', '--out-dir', withCtf])).code).toBe(0);
    for (const example of JSON.parse(readFileSync(join(withCtf, 'manifest.json'), 'utf8')) as { tiltAngles: number[]; defocusUm: number[] }[]) {
      expect(example.defocusUm).toHaveLength(example.tiltAngles.length);
    }
    const badFraction = await wedgelab(['training-set', '--count', '1', '--ctf-fraction', '2', '--out-dir', join(dir, 'training-bad')]);
    expect(badFraction.stderr.split('\n')[0]).toBe('wedgelab training-set: --ctf-fraction takes a fraction of the examples, 0–1 (got 2)');
    // Targets through the CTF: at the set's 8 Å, the same draws as above and a ground truth whose mean the CTF passes at Q = 7 %.
    const throughCtf = join(dir, 'training-ctf-filtered');
    expect((await wedgelab(['training-set', '--count', '2', '--min-size', '16', '--max-size', '32', '--seed', '4', '--ctf-fraction', '1', '--ctf-target', 'filtered', '--out-dir', throughCtf])).code).toBe(0);
    const manifestOf = (set: string) => JSON.parse(readFileSync(join(set, 'manifest.json'), 'utf8')) as { dir: string; defocusUm: number[]; pixelSize: number; groundTruthThroughCtf?: boolean }[];
    const meanOf = (set: string, example: string) => {
      const { data } = readMrc(new Uint8Array(readFileSync(join(set, example, 'ground_truth.mrc'))));
      return data.reduce((s, v) => s + v, 0) / data.length;
    };
    expect(manifestOf(throughCtf).map(({ groundTruthThroughCtf, ...example }) => [example, groundTruthThroughCtf])).toEqual(manifestOf(withCtf).map((example) => [example, true]));
    for (const { dir: example } of manifestOf(throughCtf)) expect(meanOf(throughCtf, example) / meanOf(withCtf, example)).toBeCloseTo(0.07, 3);
    // A range of pixel sizes: each example with a CTF draws one, in 0.5 Å steps.
    const drawnPixels = join(dir, 'training-ctf-pixels');
    expect((await wedgelab(['training-set', '--count', '3', '--min-size', '16', '--max-size', '32', '--seed', '4', '--ctf-fraction', '1', '--ctf-pixel-size', '4-32', '--out-dir', drawnPixels])).code).toBe(0);
    for (const { pixelSize } of manifestOf(drawnPixels)) {
      expect(pixelSize).toBeGreaterThanOrEqual(4);
      expect(pixelSize).toBeLessThanOrEqual(32);
      expect(pixelSize % 0.5).toBe(0);
    }
    expect(new Set(manifestOf(drawnPixels).map(({ pixelSize }) => pixelSize)).size).toBeGreaterThan(1);
    // The options go to set.json, and a set's CTF draw on to its patches' record (none for a set without one, below).
    expect(JSON.parse(readFileSync(join(drawnPixels, 'set.json'), 'utf8'))).toEqual({
      count: 3, phantoms: ['lamella'], minSize: 16, maxSize: 32, seed: 4, ctf: { fraction: 1, pixelSize: [4, 32], target: 'phantom', defocusUm: [1.5, 5] },
    });
    const ctfPatches = join(dir, 'patches-ctf');
    expect((await wedgelab(['training-patches', '--set', throughCtf, '--points', '4', '--patch', '3', '--out-dir', ctfPatches])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(ctfPatches, 'patches.json'), 'utf8')).ctf).toEqual({ fraction: 1, pixelSize: [8, 8], target: 'filtered', defocusUm: [1.5, 5] });
    for (const [flag, value, message] of [
      ['--ctf-pixel-size', '32-4', '--ctf-pixel-size takes Å per pixel, A or a range A-B with 0 < A ≤ B (got "32-4")'],
      ['--ctf-target', 'density', '--ctf-target takes phantom, filtered (got "density")'],
    ]) {
      const bad = await wedgelab(['training-set', '--count', '1', flag, value, '--out-dir', join(dir, 'training-bad')]);
      expect(bad.stderr.split('\n')[0]).toBe(`wedgelab training-set: ${message}`);
    }

    // Patches at random voxels, as the local model sees them, and targets on the scale reconstructLocalnet restores.
    const patchDir = join(dir, 'patches');
    const cut = await wedgelab(['training-patches', '--set', out, '--points', '30', '--patch', '5', '--seed', '2', '--out-dir', patchDir]);
    expect(cut.code, cut.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(patchDir, 'patches.json'), 'utf8'))).toEqual({ examples: manifest.length, points: 30, patch: 5, variant: 'voxel', seed: 2 });
    const example = manifest[0];
    const loaded = (await readTiltSeriesFiles(['tilt_series.mrc', 'tilt_series.tlt'].map((name) => ({ name, blob: new Blob([readFileSync(join(out, example.dir, name))]) })))).tiltSeries;
    const truth = readMrc(new Uint8Array(readFileSync(join(out, example.dir, 'ground_truth.mrc'))));
    const patches = readNpy(join(patchDir, example.dir, 'patches.npy'));
    const points = readNpy(join(patchDir, example.dir, 'points.npy'));
    const targets = readNpy(join(patchDir, example.dir, 'targets.npy'));
    const n = targets.shape[0];
    expect(n).toBeGreaterThanOrEqual(30);
    expect(patches.shape).toEqual([n, loaded.nTilts, 5, 5]);
    expect(Array.from(readNpy(join(patchDir, example.dir, 'angles.npy')).data)).toEqual(loaded.tiltAngles.map(Math.fround));
    // The CPU reference of the same preparation at the same voxels.
    const { nx, ny, nz } = truth.header;
    const { mean, std } = stackMeanStd(loaded);
    const filtered = filterRowsCpu(
      loaded.data.map((v) => (v - mean) / std),
      loaded.nTilts * ny,
      nx,
      filterResponse({ name: 'cosine' }, paddedLength(nx)),
    );
    const source = { data: filtered, nTilts: loaded.nTilts, nDet: nx, nRows: ny, rowOffset: 0, nyDet: ny };
    const truthMean = truth.data.reduce((a, b) => a + b, 0) / truth.data.length;
    for (const i of [0, n - 1]) {
      const [x, y, z] = points.data.subarray(3 * i, 3 * i + 3);
      const grid = { gx: 1, gy: 1, gz: 1, origin: [x - (nx - 1) / 2, y - (ny - 1) / 2, z - (nz - 1) / 2] as [number, number, number], step: [1, 1, 1] as [number, number, number] };
      const expected = extractPatchesCpu(source, tiltTrig(loaded.tiltAngles), grid, 5, 0, 1);
      const per = loaded.nTilts * 25;
      expect(relativeError(patches.data.subarray(i * per, (i + 1) * per) as Float32Array, expected)).toBeLessThan(1e-4);
      expect(targets.data[i]).toBeCloseTo((truth.data[(z * ny + y) * nx + x] - truthMean) / std, 4);
    }

    // Wavelet variant: points on the bior3.1 half grid, targets its 8 sub-bands of the same scaled volume.
    const waveletDir = join(dir, 'wpatches');
    const cutW = await wedgelab(['training-patches', '--set', out, '--points', '20', '--patch', '5', '--seed', '2', '--variant', 'wavelet', '--out-dir', waveletDir]);
    expect(cutW.code, cutW.stderr).toBe(0);
    const [wPatches, wPoints, wTargets] = ['patches', 'points', 'targets'].map((name) => readNpy(join(waveletDir, example.dir, `${name}.npy`)));
    const m = wTargets.shape[0];
    expect(wTargets.shape).toEqual([m, 8]);
    const coefficients = dwt3Cpu({ nx, ny, nz, pixelSize: 1, data: truth.data.map((v) => (v - truthMean) / std) }, 'zero');
    const origin = [halfGridOrigin(nx), halfGridOrigin(ny), halfGridOrigin(nz)];
    for (const i of [0, m - 1]) {
      const [kx, ky, kz] = wPoints.data.subarray(3 * i, 3 * i + 3);
      const at = ((kz * coefficients.my + ky) * coefficients.mx + kx) * 8;
      expect(relativeError(wTargets.data.subarray(8 * i, 8 * i + 8) as Float32Array, coefficients.data.subarray(at, at + 8))).toBeLessThan(1e-5);
      const grid = { gx: 1, gy: 1, gz: 1, origin: [origin[0] + 2 * kx, origin[1] + 2 * ky, origin[2] + 2 * kz] as [number, number, number], step: [2, 2, 2] as [number, number, number] };
      const per = loaded.nTilts * 25;
      expect(relativeError(wPatches.data.subarray(i * per, (i + 1) * per) as Float32Array, extractPatchesCpu(source, tiltTrig(loaded.tiltAngles), grid, 5, 0, 1))).toBeLessThan(1e-4);
    }
  });

  it('falls back to SwiftShader by itself when the loader path is not set', async () => {
    const env = { ...process.env };
    delete env.LD_LIBRARY_PATH;
    delete env.VK_ICD_FILENAMES;
    const sim = await wedgelab(['simulate', '--phantom', 'blobs', '--size', '16,8,8', '--angles', '-30,30,30', '--out-dir', join(dir, 'fallback')], env);
    expect(sim.code, sim.stderr).toBe(0);
    // The process restarts itself before it reads anything: a file's warning is printed once, not twice.
    const stack = readFileSync(join(dir, 'fallback', 'tilt_series.mrc'));
    stack[212] = 0;
    stack[213] = 0;
    writeFileSync(join(dir, 'fallback', 'unstamped.mrc'), stack);
    const input = ['--tilts', join(dir, 'fallback', 'unstamped.mrc'), '--angles', join(dir, 'fallback', 'tilt_series.tlt'), '--method', 'fbp', '--quiet'];
    const recon = await wedgelab(['recon', ...input, '--out', join(dir, 'fallback', 'fbp.mrc')], env);
    expect(recon.code, recon.stderr).toBe(0);
    expect(recon.stderr.match(/machine stamp/g)).toHaveLength(1);
  });

  it('adds tilts by reprojection, as a stack and .tlt any method reconstructs', async () => {
    const out = join(dir, 'synthesized');
    const input = ['--tilts', join(dir, 'tilt_series.mrc'), '--angles', join(dir, 'tilt_series.tlt')];
    const made = await wedgelab(['synthesize', ...input, '--method', 'reproject', '--add', '±65,±70', '--iterations', '3', '--thickness', '16', '--quiet', '--out-dir', out]);
    expect(made.code, made.stderr).toBe(0);
    const files = JSON.parse(made.stdout) as { tiltSeries: string; tiltAngles: string; nTilts: number; added: number; label: string };
    expect(files).toMatchObject({ nTilts: 29, added: 4, label: 'Reprojection (±65, ±70°, SIRT 3 it, thickness 16)' });
    const angles = readFileSync(files.tiltAngles, 'utf8').trim().split('\n').map(Number);
    expect(angles.slice(-4)).toEqual([65, -65, 70, -70]);
    const recon = await wedgelab(['recon', '--tilts', files.tiltSeries, '--angles', files.tiltAngles, '--method', 'fbp', '--thickness', '16', '--quiet', '--out', join(out, 'fbp.mrc')]);
    expect(recon.code, recon.stderr).toBe(0);
    const missing = await wedgelab(['synthesize', ...input, '--method', 'reproject', '--out-dir', join(dir, 'not-made')]);
    expect([missing.code, missing.stderr.split('\n')[0]]).toEqual([2, 'wedgelab synthesize: --add ANGLES is required: the tilt angles to add, e.g. --add ±63,±66']);
    expect(existsSync(join(dir, 'not-made'))).toBe(false);
  });

  it('prints every method\'s flags with their defaults, all from the registry, and each command\'s usage on --help', async () => {
    for (const { name, kind } of METHODS) {
      const help = await wedgelab([KIND_COMMANDS[kind], '--method', name, '--help']);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout.split('\n')[0]).toContain(`--method ${name}`);
      for (const flag of methodFlags(name)) expect(help.stdout, `${name} --${flag.name}`).toMatch(new RegExp(`--${flag.name}\\b.*\\(default: [^)]+\\)`));
      // A learned method lists its family's shipped models, each with its line of the page's menu.
      const family = methodDefinition(name).modelFamily;
      for (const model of family ? SHIPPED_CHOICES[family] : []) expect(help.stdout).toContain(`\n  ${model.name} (${model.tag}): ${model.summary}`);
    }
    const sirt = (await wedgelab(['recon', '--method', 'sirt', '--help'])).stdout;
    expect(sirt).toMatch(/--iterations K +iterations \(default: 20\)/);
    expect((await wedgelab(['recon', '--method', 'localnet-wavelet', '--help'])).stdout).toContain('(default: broad96-p11-wavelet)');
    // Every command's --help: its own lines of the usage, exit 0; with --method, the scoring commands' method help too.
    for (const [command, first] of [['info', 'wedgelab info FILE.mrc'], ['bench', 'wedgelab bench [--quick]'], ['batch', 'wedgelab batch --list'], ['recon', 'wedgelab recon --tilts']]) {
      const help = await wedgelab([command, '--help']);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout.split('\n').slice(0, 2)).toEqual(['usage:', expect.stringContaining(first)]);
      expect(help.stdout).not.toContain('wedgelab simulate');
    }
    expect((await wedgelab(['batch', '--help'])).stdout).toContain('wedgelab batch --merge --out-dir OUT');
    for (const command of ['cv', 'oddeven']) expect((await wedgelab([command, '--method', 'sirt', '--help'])).stdout).toMatch(/--iterations K +iterations \(default: 20\)/);
    // -h is --help; --method=NAME is --method NAME.
    expect((await wedgelab(['recon', '--method=sirt', '-h'])).stdout).toMatch(/--iterations K +iterations \(default: 20\)/);
    const usage = await wedgelab(['--help']);
    expect(usage.stderr).toContain(`--method ${methodChoices('reconstruction').join('|')}`);
    expect(usage.stderr).toContain(`wedgelab refine --tomogram TOMO.mrc|TOMO.zarr [--angles F.tlt | --wedge MIN,MAX] [--tilts STACK.mrc] --method ${methodChoices('refinement').join('|')}`);
  });

  it('names the method\'s choices, refuses flags of another method, and takes other tools\' filter names', async () => {
    const input = ['--tilts', join(dir, 'tilt_series.mrc'), '--angles', join(dir, 'tilt_series.tlt'), '--thickness', '8', '--quiet'];
    const out = join(dir, 'x.mrc');
    const unknown = await wedgelab(['recon', ...input, '--method', 'art', '--out', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe(`wedgelab recon: unknown reconstruction method "art"; use one of ${methodChoices('reconstruction').join(', ')}`);
    const refinement = await wedgelab(['recon', ...input, '--method', 'gaussian', '--out', out]);
    expect(refinement.stderr.split('\n')[0]).toBe(
      `wedgelab recon: unknown reconstruction method "gaussian": gaussian is a refinement method (wedgelab refine); use one of ${methodChoices('reconstruction').join(', ')}`,
    );
    // A typo is named with the option meant; a stray file (a stack without --tilts) is refused, not passed over.
    const typo = await wedgelab(['recon', ...input, '--method', 'sirt', '--iteration', '5', '--out', out]);
    expect([typo.code, typo.stderr.split('\n')[0]]).toEqual([2, 'wedgelab recon: unknown option --iteration (did you mean --iterations?)']);
    expect((await wedgelab(['recon', ...input, '--method', 'fbp', '--input', 'x.mrc', '--out', out])).stderr.split('\n')[0]).toBe('wedgelab recon: unknown option --input');
    const stray = await wedgelab(['recon', 'stack.mrc', ...input, '--method', 'fbp', '--out', out]);
    expect([stray.code, stray.stderr.split('\n')[0]]).toEqual([2, 'wedgelab recon: unexpected argument "stack.mrc": every file and value is given after its option (the usage below)']);
    const noAngles = await wedgelab(['recon', '--tilts', join(dir, 'tilt_series.mrc'), '--method', 'fbp', '--out', out]);
    // The angle file beside the stack, which batch would take, is named with its flag.
    expect([noAngles.code, noAngles.stderr.split('\n')[0]]).toEqual([
      2,
      `wedgelab recon: --angles FILE.tlt is required (or --mdoc F.mdoc or --aln F.aln, which carry the angles) when the stack's extended header has none; beside it: --angles ${join(dir, 'tilt_series.tlt')}`,
    ]);
    expect(existsSync(out)).toBe(false);
    // A stack that carries its angles in a SerialEM extended header needs none: the same tomogram as with its .tlt.
    const serialEm = join(dir, 'serialem.st');
    const angles = parseTlt(readFileSync(join(dir, 'tilt_series.tlt'), 'utf8'));
    writeFileSync(serialEm, withSerialEmTiltAngles(readFileSync(join(dir, 'tilt_series.mrc')), angles));
    const fromHeader = await wedgelab(['recon', '--tilts', serialEm, '--method', 'fbp', '--thickness', '8', '--quiet', '--out', out]);
    expect(fromHeader.code, fromHeader.stderr).toBe(0);
    const withFile = join(dir, 'with-tlt.mrc');
    expect((await wedgelab(['recon', ...input, '--method', 'fbp', '--out', withFile])).code).toBe(0);
    expect(readMrc(readFileSync(out)).data).toEqual(readMrc(readFileSync(withFile)).data);
    rmSync(out);
    // So do the scoring commands: the same held-out-tilt scores.
    const cv = (tilts: string[]) => wedgelab(['cv', ...tilts, '--method', 'fbp', '--thickness', '8', '--drop', 'every:4', '--json']);
    const [cvHeader, cvFile] = await Promise.all([cv(['--tilts', serialEm]), cv(input.slice(0, 4))]);
    expect(cvHeader.code, cvHeader.stderr).toBe(0);
    expect(JSON.parse(cvHeader.stdout)).toEqual(JSON.parse(cvFile.stdout));
    const foreign = await wedgelab(['recon', ...input, '--method', 'fbp', '--iterations', '5', '--out', out]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr.split('\n')[0]).toBe('wedgelab recon: --iterations is not a flag of fbp: see wedgelab recon --method fbp --help');
    const cutoff = await wedgelab(['recon', ...input, '--method', 'fbp', '--filter', 'hann', '--cutoff', '0.3', '--out', out]);
    expect(cutoff.stderr.split('\n')[0]).toBe('wedgelab recon: --cutoff and --falloff belong to the radial filter, not to hann');
    const negative = await wedgelab(['recon', ...input, '--method', 'fbp', '--filter', 'radial', '--cutoff', '-3', '--out', out]);
    expect(negative.code).toBe(1);
    expect(negative.stderr.trim()).toBe("wedgelab recon: the radial filter's cutoff must be in [0, 0.5] cycles/pixel (got -3)");
    // Other tools' spellings name the same filter as ours: the tomograms agree bit for bit.
    const ramp = join(dir, 'ramp.mrc');
    const ramLak = join(dir, 'ram-lak.mrc');
    expect((await wedgelab(['recon', ...input, '--method', 'fbp', '--filter', 'RamLak', '--out', ramp])).code).toBe(0);
    expect((await wedgelab(['recon', ...input, '--method', 'fbp', '--filter', 'ram-lak', '--out', ramLak])).code).toBe(0);
    expect(readMrc(new Uint8Array(readFileSync(ramp))).data).toEqual(readMrc(new Uint8Array(readFileSync(ramLak))).data);
  });

  it('ends bad input with one line naming the problem', async () => {
    const truncated = join(dir, 'truncated.mrc');
    const full = readFileSync(join(dir, 'tilt_series.mrc'));
    writeFileSync(truncated, full.subarray(0, 5000));
    const bad = await wedgelab(['recon', '--tilts', truncated, '--angles', join(dir, 'tilt_series.tlt'), '--method', 'fbp', '--out', join(dir, 'x.mrc')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/truncated/i);

    const wrongCount = join(dir, 'short.tlt');
    writeFileSync(wrongCount, '-10\n0\n10\n');
    const mismatch = await wedgelab(['recon', '--tilts', join(dir, 'tilt_series.mrc'), '--angles', wrongCount, '--method', 'fbp', '--out', join(dir, 'x.mrc')]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/3 angles.*25 sections/);

    // Outputs are checked before any work: never an input, never an existing file unless --force.
    const stack = join(dir, 'tilt_series.mrc');
    const before = readFileSync(stack);
    const fbpInput = ['recon', '--tilts', stack, '--angles', join(dir, 'tilt_series.tlt'), '--method', 'fbp', '--thickness', '8', '--quiet'];
    const overInput = await wedgelab([...fbpInput, '--force', '--out', stack]);
    expect(overInput.code).toBe(1);
    expect(overInput.stderr.trim()).toBe(`wedgelab recon: ${stack} is also an input (${stack}): name another output`);
    expect(readFileSync(stack)).toEqual(before);
    const existing = await wedgelab([...fbpInput, '--out', join(dir, 'fbp.mrc')]);
    expect(existing.code).toBe(1);
    expect(existing.stderr.trim()).toBe(`wedgelab recon: ${join(dir, 'fbp.mrc')} exists: add --force to replace it`);
    const nested = join(dir, 'new', 'folder', 'fbp.mrc');
    expect((await wedgelab([...fbpInput, '--out', nested])).code).toBe(0);
    expect((await wedgelab([...fbpInput, '--force', '--out', nested])).code).toBe(0);
    const intoFile = await wedgelab([...fbpInput, '--out', join(dir, 'fbp.mrc', 'x.mrc')]);
    expect(intoFile.stderr.trim()).toBe(`wedgelab recon: cannot write ${join(dir, 'fbp.mrc', 'x.mrc')}: ${join(dir, 'fbp.mrc')} is not a folder`);
    // A tomogram no machine's memory holds is refused before the work, not killed by the OS partway through.
    const huge = join(dir, 'huge.mrc');
    const tooLarge = await wedgelab([...fbpInput, '--thickness', '100000000', '--out', huge]);
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.stderr.trim()).toMatch(new RegExp(`^wedgelab recon: ${huge}: a 48 × 40 × 100000000 tomogram is 715\\.26 GiB of float32, more than 75 % of this machine's [0-9.]+ GiB of memory: bin the tilts \\(--bin 2 makes it a quarter\\) or lower --thickness$`));
    expect(existsSync(huge)).toBe(false);
    const simulated = await wedgelab(['simulate', '--phantom', 'spheres', '--size', '8,8,8', '--angles', '-30,30,30', '--out-dir', dir]);
    expect(simulated.stderr.trim()).toBe(`wedgelab simulate: ${join(dir, 'ground_truth.mrc')} exists: add --force to replace it`);

    // info shows the reader's warnings, and non-finite values apart from the statistics of the others.
    const odd = writeMrc({ nx: 4, ny: 1, nz: 1, pixelSize: 1, data: Float32Array.from([1, 3, Infinity, NaN]) });
    odd[212] = 0;
    odd[213] = 0;
    writeFileSync(join(dir, 'odd.mrc'), odd);
    const shown = JSON.parse((await wedgelab(['info', '--json', join(dir, 'odd.mrc')])).stdout) as { min: number; max: number; mean: number; nonFinite: number; warnings: string[] };
    expect(shown).toMatchObject({ min: 1, max: 3, mean: 2, nonFinite: 2, nan: 1, posInf: 1, negInf: 0 });
    expect(shown.warnings.join(' ')).toMatch(/machine stamp 00 00 .* is zero; inferred little-endian/);

    const info = await wedgelab(['info', join(dir, 'missing.mrc')]);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/missing\.mrc/);
  });
});
