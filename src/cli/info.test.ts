// wedgelab info: every warning, non-finite values counted by kind, statistics streamed with nothing kept.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTlt } from '../io/angles.ts';
import { withSerialEmTiltAngles } from '../io/extendedHeaderFixture.ts';
import { mrcInfo, readMrc, writeMrc } from '../io/mrc.ts';
import { readMrcInfo, readMrcStack } from '../io/mrcStream.ts';
import { wedgelab } from './testKit.ts';
import { writeTomogram } from './outputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-info-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A float32 volume as writeMrc writes it, with its machine stamp cleared (the reader infers the byte order and says so). */
function unstamped(values: number[], nx: number, ny: number, nz: number): Uint8Array {
  const bytes = writeMrc({ nx, ny, nz, pixelSize: 1.5, data: Float32Array.from(values) });
  bytes[212] = 0;
  bytes[213] = 0;
  return bytes;
}

describe('readMrcInfo', () => {
  it('gives what mrcInfo gives for the whole file, plain and gzipped, with NaN, +Inf and −Inf counted apart', async () => {
    const values = Array.from({ length: 6 * 5 * 4 }, (_, i) => Math.sin(i) * 100);
    values[7] = NaN;
    values[8] = NaN;
    values[50] = Infinity;
    values[99] = -Infinity;
    const bytes = unstamped(values, 6, 5, 4);
    const whole = mrcInfo(readMrc(bytes, { permissive: true }));
    const finite = values.filter(Number.isFinite);
    expect(whole).toMatchObject({ nan: 2, posInf: 1, negInf: 1, nonFinite: 4, min: Math.min(...finite.map(Math.fround)), max: Math.max(...finite.map(Math.fround)) });
    // Each section's mean of its finite values, in float64 from the float32 values (a plain reference).
    const sectionMeans = [0, 1, 2, 3].map((z) => {
      const section = values.slice(z * 30, (z + 1) * 30).map(Math.fround).filter(Number.isFinite);
      return section.reduce((a, v) => a + v, 0) / section.length;
    });
    whole.sectionMeans.forEach((m, z) => expect(m).toBeCloseTo(sectionMeans[z], 9));
    for (const file of [bytes, gzipSync(bytes)]) {
      const streamed = await readMrcInfo(new Blob([new Uint8Array(file)]));
      expect({ ...streamed, mean: 0, std: 0, sectionMeans: [] }).toEqual({ ...whole, mean: 0, std: 0, sectionMeans: [] });
      expect(streamed.mean).toBeCloseTo(whole.mean, 9);
      streamed.sectionMeans.forEach((m, z) => expect(m).toBeCloseTo(whole.sectionMeans[z], 9));
      expect(streamed.std).toBeCloseTo(whole.std, 9);
    }
  });

  it('keeps no data: every value counted, none held, at any binning', async () => {
    const [nx, ny, nz] = [40, 30, 5];
    const values = Array.from({ length: nx * ny * nz }, (_, i) => (i % 97) - 40);
    const blob = new Blob([new Uint8Array(writeMrc({ nx, ny, nz, pixelSize: 1, data: Float32Array.from(values) }))]);
    for (const bin of [1, 2]) {
      const stack = await readMrcStack(blob, { bin, statsOnly: true });
      expect(stack.data.length).toBe(0);
      expect(stack.stats).toMatchObject({ min: -40, max: 56, nonFinite: 0 });
      expect(stack.stats.mean).toBeCloseTo(values.reduce((a, v) => a + v, 0) / values.length, 9);
    }
  });
});

describe('wedgelab info', () => {
  it('prints the header, statistics with non-finite voxels by kind, and every warning of the reader', async () => {
    const path = join(dir, 'odd.mrc');
    const file = unstamped([1, 3, Infinity, NaN, -Infinity, NaN], 3, 2, 1);
    // Extra bytes after the data: refused by a strict read, a warning here.
    writeFileSync(path, Buffer.concat([file, Buffer.alloc(12)]));
    const run = await wedgelab(['info', path]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      path,
      '  size            3 × 2 × 1 (6 voxels)',
      '  mode            2 (float32), little-endian',
      '  pixel size      1.5 × 1.5 × 1.5 Å',
      '  extended header 0 bytes',
      '  min             −Inf (1 voxel; finite: 1)',
      '  max             +Inf (1 voxel; finite: 3)',
      '  mean            2 (of the 2 finite values)',
      '  std             1',
      '  non-finite      2 NaN, 1 +Inf, 1 −Inf voxels',
      'warning: machine stamp 00 00 00 00 is zero; inferred little-endian from the mode and sizes',
      'warning: data size mismatch: header says 3 × 2 × 1 of float32 = 24 bytes after the 1024-byte header, but 36 follow (12 extra bytes ignored)',
      '',
    ]);
    const json = JSON.parse((await wedgelab(['info', '--json', path])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ min: 1, max: 3, mean: 2, nan: 2, posInf: 1, negInf: 1, nonFinite: 4 });

    const allNaN = join(dir, 'nan.mrc');
    writeFileSync(allNaN, writeMrc({ nx: 2, ny: 1, nz: 1, pixelSize: 1, data: Float32Array.from([NaN, NaN]) }));
    const nan = await wedgelab(['info', allNaN]);
    expect(nan.stdout).toContain('  min             none finite\n');
    expect(nan.stdout).toContain('  mean            none (no finite value)\n');
    expect(nan.stdout).toContain('  non-finite      2 NaN, 0 +Inf, 0 −Inf voxels\n');
    expect(JSON.parse((await wedgelab(['info', '--json', allNaN])).stdout)).toMatchObject({ min: 'NaN', mean: 'NaN', nan: 2 });
  });

  it('with side files, shows the series they describe as a load would read it, and refuses a mismatch with the loaders’ words', async () => {
    const angles = [-45, -30, -15, 0, 15, 30, 45];
    const stack = join(dir, 'series.st');
    // Section 5 is dark in the data too (its values 2, the others' about 100); the .mdoc does not say so.
    const data = Float32Array.from({ length: 84 }, (_, i) => (Math.floor(i / 12) === 5 ? 2 : 100 + (i % 12)));
    writeFileSync(stack, writeMrc({ nx: 4, ny: 3, nz: 7, pixelSize: 0, data }, { stack: true }));
    const tlt = join(dir, 'series.tlt');
    writeFileSync(tlt, formatTlt(angles));
    // Section 2 dark (its mean far below the others'), 3 e/Å² per tilt.
    const sections = angles.map((a, k) => `[ZValue = ${k}]\nTiltAngle = ${a}\nExposureDose = 3\nMinMaxMean = 0 2000 ${k === 2 ? 2 : 1000}`);
    const mdoc = join(dir, 'series.mdoc');
    writeFileSync(mdoc, ['PixelSpacing = 2.5', 'Voltage = 300', '', ...sections].join('\n'));

    const run = await wedgelab(['info', tlt, stack, mdoc]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(stack);
    expect(lines.slice(lines.indexOf('tilt series series.st + series.tlt + series.mdoc'))).toEqual([
      'tilt series series.st + series.tlt + series.mdoc',
      '  tilts              6 of 7 sections, -45° … 45°',
      '  Dark tilt excluded section 2 (-15°) (series.mdoc line 15 (MinMaxMean))',
      '  Pixel size (file)  2.5 Å (series.mdoc line 1)',
      '  Voltage            300 kV (series.mdoc line 2)',
      '  Acquisition order  by ZValue (series.mdoc: ZValue order)',
      '  Dose               21.0 e/Å² in all, 3.00 per tilt on average (series.mdoc: the exposures of the tilts acquired before each one, in ZValue order)',
      '  Tilt angles        6 angles (series.tlt)',
      // Numbered as --exclude-tilts takes them; section 2 is left out (dark), yet its 3 e/Å² count in the doses after it.
      '  tilt  section     angle  dose before (e/Å²)',
      '     1        0   -45.00°                 0.0',
      '     2        1   -30.00°                 3.0',
      '     3        3     0.00°                 9.0',
      '     4        4    15.00°                12.0',
      '     5        5    30.00°                15.0  dark (2%)',
      '     6        6    45.00°                18.0',
      expect.stringMatching(/^warning: series\.mdoc line 15 \(MinMaxMean\): section 2 \(-15°\) excluded: .*: a dark tilt$/),
      'warning: series.mdoc: no section has a DateTime, so the tilts are taken as acquired in ZValue order',
      'warning: series.st: tilt 5 (30.0°, 2%) looks dark: a mean below 25% of the median, allowing for the 1/cos θ path (--exclude-tilts 5 leaves them out)',
      '',
    ]);
    const json = JSON.parse((await wedgelab(['info', '--json', stack, tlt])).stdout) as { nz: number; tiltSeries: { tiltAngles: number[]; keptSections: number[]; angleSource: string } };
    expect(json.nz).toBe(7);
    expect(json.tiltSeries).toMatchObject({ tiltAngles: angles, keptSections: [0, 1, 2, 3, 4, 5, 6], angleSource: 'series.tlt' });

    const short = join(dir, 'short.tlt');
    writeFileSync(short, formatTlt(angles.slice(1)));
    const mismatch = await wedgelab(['info', stack, short]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toBe('');
    expect(mismatch.stderr.trim()).toBe('wedgelab info: short.tlt has 6 angles but series.st has 7 sections');
  });

  it("lists a stack's frame-half stacks beside it and its CTF estimate, as recon finds and reads them", async () => {
    const angles = [-30, 0, 30];
    const data = Float32Array.from({ length: 36 }, (_, i) => 100 + (i % 7));
    for (const name of ['halved.mrc', 'halved_EVN.mrc', 'halved_ODD.mrc']) writeFileSync(join(dir, name), writeMrc({ nx: 4, ny: 3, nz: 3, pixelSize: 5, data }, { stack: true }));
    writeFileSync(join(dir, 'halved.tlt'), formatTlt(angles));
    writeFileSync(join(dir, 'halved.defocus'), '1 0 0. 0. 0 3\n1 1 -30 -30 2500 2500 0\n3 3 30 30 3500 3500 0\n');
    const run = await wedgelab(['info', join(dir, 'halved.mrc'), join(dir, 'halved.tlt'), join(dir, 'halved.defocus')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  Frame halves    the sums of the even and of the odd frames of every tilt');
    expect(run.stdout).toContain('  Defocus         2.50–3.50 µm under focus (halved.defocus)');
    // Each tilt's defocus in the table (view 2 between the two lines' views).
    expect(run.stdout).toContain(['  tilt  section     angle  defocus (µm)', '     1        0   -30.00°          2.50', '     2        1     0.00°          3.00', '     3        2    30.00°          3.50'].join('\n'));
    // With two axes: their difference and defocus 1's angle as the file gives it (view 2: (0.2·(cos 80°, sin 80°) + 0)/2).
    writeFileSync(join(dir, 'astig.defocus'), '1 0 0. 0. 0 3\n1 1 -30 -30 2600 2400 40\n3 3 30 30 3500 3500 0\n');
    const astig = await wedgelab(['info', join(dir, 'halved.mrc'), join(dir, 'halved.tlt'), join(dir, 'astig.defocus')]);
    const cells = ['0.20 @ 40°', '0.10 @ 40°', '0.00 @ 0°'].map((cell) => `  ${cell.padStart('astigmatism (µm @ angle)'.length)}`);
    expect(astig.stdout).toContain(['  tilt  section     angle  defocus (µm)  astigmatism (µm @ angle)', `     1        0   -30.00°          2.50${cells[0]}`, `     2        1     0.00°          3.00${cells[1]}`, `     3        2    30.00°          3.50${cells[2]}`].join('\n'));
  });

  it('shows the tilt angles a stack carries in its extended header (SerialEM), in its report and its JSON', async () => {
    const angles = [-30, -15.5, 0, 15.25, 30];
    const path = join(dir, 'serialem.st');
    // The last section dark: its tilts are the header's, so it is pointed out as tilt 5.
    const data = Float32Array.from({ length: 30 }, (_, i) => (i < 24 ? 1 : 0.1));
    writeFileSync(path, withSerialEmTiltAngles(writeMrc({ nx: 3, ny: 2, nz: 5, pixelSize: 1, data }, { stack: true }), angles));
    const run = await wedgelab(['info', path]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  extended header 30 bytes\n');
    expect(run.stdout).toContain('  tilt angles     5, -30° … 30° (SerialEM extended header)\n');
    expect(run.stdout).toMatch(/\nwarning: .*serialem\.st: tilt 5 \(30\.0°, 11%\) looks dark: .* \(--exclude-tilts 5 leaves them out\)\n$/);
    expect(JSON.parse((await wedgelab(['info', '--json', path])).stdout)).toMatchObject({ headerTiltAngles: angles });
  });

  it('lists the tilt series batch would run from a folder, each with its files and what they give, and why one cannot load', async () => {
    // As an AreTomo3 session leaves them: per series its stack, tilt table, CTF estimate and tomogram.
    const session = join(dir, 'session');
    mkdirSync(session);
    const data = Float32Array.from({ length: 48 }, (_, i) => 100 + (i % 5));
    const table = (angles: number[]) => angles.map((a, k) => `${a.toFixed(2)}  ${k + 1}  3.00`).join('\n');
    for (const k of [1, 2]) for (const name of [`TS_${k}.mrc`, `TS_${k}_Vol.mrc`]) writeFileSync(join(session, name), writeMrc({ nx: 4, ny: 3, nz: 4, pixelSize: 5, data }, { stack: true }));
    for (const half of ['EVN', 'ODD']) writeFileSync(join(session, `TS_1_${half}_Vol.mrc`), writeMrc({ nx: 4, ny: 3, nz: 4, pixelSize: 5, data }, { stack: true }));
    writeFileSync(join(session, 'TS_1_TLT.txt'), table([-30, -10, 10, 30]));
    writeFileSync(join(session, 'TS_1_CTF.txt'), [1, 2, 3, 4].map((k) => `${k} 30000 30000 0 0 0.1 9`).join('\n'));
    writeFileSync(join(session, 'TS_2_TLT.txt'), table([-30, 0, 30]));
    // Its session record, every series': the microscope (a 200 kV one).
    writeFileSync(join(session, 'AreTomo3_Session.json'), '{\n     "parameters": {\n          "kV": 200,\n          "Cs": 2.7,\n          "AmpContrast": 0.07\n     }\n}');
    const run = await wedgelab(['info', session]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      [
        `2 tilt series in ${session}, as batch --list takes them:`,
        '  TS_1  TS_1.mrc + TS_1_CTF.txt + TS_1_TLT.txt + AreTomo3_Session.json',
        '        4 of 4 sections, -30° … 30°; Acquisition order, Dose, Voltage, Defocus, Cs, amplitude contrast; --scores pipeline compares with TS_1_Vol.mrc and the halves TS_1_EVN_Vol.mrc, TS_1_ODD_Vol.mrc',
        '  TS_2  TS_2.mrc + TS_2_TLT.txt + AreTomo3_Session.json',
        '        cannot load: TS_2_TLT.txt has 3 angles but TS_2.mrc has 4 sections',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toContain('left out 4 stacks without an angle file beside');
    const listed = JSON.parse((await wedgelab(['info', '--json', session])).stdout) as { name: string; gives?: string[]; error?: string }[];
    expect(listed.map((s) => [s.name, s.gives?.includes('Dose') ?? s.error])).toEqual([['TS_1', true], ['TS_2', 'TS_2_TLT.txt has 3 angles but TS_2.mrc has 4 sections']]);
  });

  it("names a simulation's ground truth beside its series, which batch scores against, and does not count it as a stack without angles", async () => {
    const sims = join(dir, 'sims');
    mkdirSync(join(sims, 'a'), { recursive: true });
    const data = Float32Array.from({ length: 36 }, (_, i) => 1 + (i % 4));
    writeFileSync(join(sims, 'a', 'tilt_series.mrc'), writeMrc({ nx: 4, ny: 3, nz: 3, pixelSize: 5, data }, { stack: true }));
    writeFileSync(join(sims, 'a', 'tilt_series.tlt'), '-30\n0\n30\n');
    writeFileSync(join(sims, 'a', 'ground_truth.mrc'), writeMrc({ nx: 4, ny: 3, nz: 3, pixelSize: 5, data }));
    // At the top, one series with its ground truth beside it.
    for (const name of ['top.mrc', 'phantom.mrc']) copyFileSync(join(sims, 'a', name === 'top.mrc' ? 'tilt_series.mrc' : 'ground_truth.mrc'), join(sims, name));
    writeFileSync(join(sims, 'top.tlt'), '-30\n0\n30\n');
    const run = await wedgelab(['info', sims]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  a    tilt_series.mrc + tilt_series.tlt\n       3 of 3 sections, -30° … 30°; scored against ground_truth.mrc\n');
    expect(run.stdout).toContain('  top  top.mrc + top.tlt\n       3 of 3 sections, -30° … 30°; scored against phantom.mrc\n');
    expect(run.stderr).toBe('');
  });

  it('describes an OME-Zarr tomogram as the page and metrics read it: size, voxel size, statistics, the level read', async () => {
    const path = join(dir, 'tomo.ome.zarr');
    await writeTomogram(path, { nx: 3, ny: 2, nz: 2, pixelSize: 1.5, data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }, ['test']);
    const run = await wedgelab(['info', path]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      path,
      '  format          OME-Zarr (its finest level, as the page and metrics read it)',
      '  size            3 × 2 × 2 (12 voxels)',
      '  pixel size      1.5 Å',
      '  min             1',
      '  max             12',
      '  mean            6.5',
      '  std             3.45205',
      '',
    ]);
    const json = JSON.parse((await wedgelab(['info', path, '--json'])).stdout);
    expect(json).toMatchObject({ format: 'OME-Zarr', nx: 3, ny: 2, nz: 2, pixelSize: 1.5, min: 1, max: 12, mean: 6.5, warnings: [] });
  });
});
