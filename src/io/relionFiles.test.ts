/**
 * RELION 5 tilt series: the STAR reader, and tilt images named by a per-tilt-series table loaded and aligned as
 * RELION projects them (raw image at R(rlnTomoZRot)·p + shift/pixel size for the aligned pixel p), checked
 * against the upright scene the raw images were drawn from.
 */
import { describe, expect, it } from 'vitest';
import { cpuEngine } from '../engine/context.ts';
import { callerPool } from '../engine/cpu/pool.ts';
import { alignLoadedTiltSeries } from '../engine/align/loaded.ts';
import { writeMrc } from './mrc.ts';
import { parseStar, starColumn } from './star.ts';
import { readRelionTiltSeries, relionSeriesNames } from './relionStar.ts';
import { planTiltSeriesFiles, readTiltSeriesFiles } from './tiltSeriesFiles.ts';
import type { NamedBlob } from './types.ts';

const [nx, ny] = [40, 40];
const PIXEL = 2; // Å
const rows = [
  { nominal: -40, yTilt: -39.6, zRot: 12, shift: [3.5, -2], dose: 6 },
  { nominal: -20, yTilt: -19.8, zRot: 10, shift: [-1, 4], dose: 3 },
  { nominal: 0, yTilt: 0.3, zRot: 11, shift: [0, 0], dose: 0 },
  { nominal: 20, yTilt: 20.1, zRot: 9, shift: [2, 1.5], dose: 9 },
  { nominal: 40, yTilt: 40.2, zRot: -7, shift: [-3, -2.5], dose: 12 },
];
const scene = (u: number, v: number, k: number): number => Math.sin(0.21 * u + 0.3 * k) * Math.cos(0.17 * v) + 0.02 * v;

/** Tilt k as RELION's raw image: the pixel at centred p holds the upright scene at R(−zRot)·(p − shift). */
function rawImage(k: number): Float32Array {
  const { zRot, shift } = rows[k];
  const [c, s] = [Math.cos((zRot * Math.PI) / 180), Math.sin((zRot * Math.PI) / 180)];
  const [sx, sy] = shift;
  const data = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const [x, y] = [i - (nx - 1) / 2 - sx, j - (ny - 1) / 2 - sy];
      data[j * nx + i] = scene(c * x + s * y, -s * x + c * y, k);
    }
  return data;
}

const file = (name: string, content: Uint8Array | string): NamedBlob => ({ name, blob: new Blob([typeof content === 'string' ? content : new Uint8Array(content)]) });
const imageName = (k: number) => `TS_01_${String(k + 1).padStart(3, '0')}_${rows[k].nominal.toFixed(1)}.mrc`;
const images = rows.map((_, k) => file(imageName(k), writeMrc({ nx, ny, nz: 1, data: rawImage(k), pixelSize: PIXEL })));

/**
 * RELION 5's per-tilt-series table, tab-separated as RELION writes it: `names(k)` in the rlnMicrographName column
 * (paths as RELION writes them), each row's alignment from `rows` or, `quarterTurn`, a tilt axis along X (ZRot 90°).
 */
function tiltTable(names = (k: number) => `MotionCorr/job002/frames/${imageName(k)}`, quarterTurn = false): string {
  const lines = rows.map((r, k) => {
    const [zRot, sx, sy] = quarterTurn ? [90, 0, 0] : [r.zRot, r.shift[0] * PIXEL, r.shift[1] * PIXEL];
    return [names(k), r.nominal.toFixed(6), r.dose.toFixed(6), '0.000000', r.yTilt, zRot, sx, sy, '30000.0'].join('\t');
  });
  return [
    '# version 50001',
    '',
    'data_TS_01',
    '',
    'loop_',
    '_rlnMicrographName #1',
    '_rlnTomoNominalStageTiltAngle #2',
    '_rlnMicrographPreExposure #3',
    '_rlnTomoXTilt #4',
    '_rlnTomoYTilt #5',
    '_rlnTomoZRot #6',
    '_rlnTomoXShiftAngst #7',
    '_rlnTomoYShiftAngst #8',
    '_rlnDefocusU #9',
    ...lines,
    '',
  ].join('\n');
}

const tomograms = `# version 50001

data_global

loop_
_rlnTomoName #1
_rlnVoltage #2
_rlnTomoTiltSeriesPixelSize #3
_rlnTomoTiltSeriesStarFile #4
TS_01 300.000000 ${PIXEL} AlignTiltSeries/job005/tilt_series/TS_01.star
TS_02 300.000000 ${PIXEL} AlignTiltSeries/job005/tilt_series/TS_02.star
`;

/** The largest difference from the upright scene inside the circle whose rotation and shift stay within the raw image. */
function worstUpright(data: Float32Array): number {
  let worst = 0;
  for (let k = 0; k < rows.length; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const [u, v] = [i - (nx - 1) / 2, j - (ny - 1) / 2];
        if (u * u + v * v > ((ny - 12) / 2) ** 2) continue;
        worst = Math.max(worst, Math.abs(data[(k * ny + j) * nx + i] - scene(u, v, k)));
      }
  return worst;
}

describe('parseStar', () => {
  it('reads blocks of pairs and of one table, quoted values and comments', () => {
    const [pairs, table] = parseStar("data_optics\n_rlnVoltage 300 # kV\n_rlnName 'a b'\n\ndata_t\nloop_\n_rlnA #1\n_rlnB #2\n1 \"x y\"\n2 z # note\n\n", 'x.star');
    expect([pairs.name, pairs.pairs.get('rlnVoltage'), pairs.pairs.get('rlnName'), pairs.table]).toEqual(['optics', '300', 'a b', null]);
    expect(table.table).toEqual({ columns: ['rlnA', 'rlnB'], rows: [['1', 'x y'], ['2', 'z']] });
    expect([starColumn(table, 'rlnB'), starColumn(pairs, 'rlnVoltage'), starColumn(table, 'rlnC')]).toEqual([['x y', 'z'], ['300'], undefined]);
  });

  it('names the file and line of a row of the wrong length, a stray value and a file with no block', () => {
    expect(() => parseStar('data_t\nloop_\n_rlnA #1\n_rlnB #2\n1 2 3\n', 'a.star')).toThrow(/^a\.star line 5 \('1 2 3'\): 3 values for 2 columns$/);
    expect(() => parseStar('data_t\n_rlnA 1\n7\n', 'b.star')).toThrow(/^b\.star line 3 \('7'\): a value outside any table$/);
    expect(() => parseStar('_rlnA 1\n', 'c.star')).toThrow(/^c\.star line 1 .*comes before any data_ block$/);
    expect(() => parseStar('# only a comment\n', 'd.star')).toThrow('d.star: no data_ block: not a STAR file');
  });
});

describe('a RELION 5 tilt series', () => {
  it('reads the table: refined angles, doses, alignment in Å, images by base name', () => {
    const series = readRelionTiltSeries([{ name: 'TS_01.star', text: tiltTable() }]);
    expect(series.tiltAngles).toEqual(rows.map((r) => r.yTilt));
    expect(series.angleSource).toBe('TS_01.star (rlnTomoYTilt)');
    expect(series.preExposure).toEqual(rows.map((r) => r.dose));
    expect(series.images.map((i) => i.file)).toEqual(rows.map((_, k) => imageName(k)));
    expect(series.alignment?.xShift).toEqual(rows.map((r) => r.shift[0] * PIXEL));
    expect(series.warnings).toEqual([]);
  });

  it('reads its CTF estimate (rlnDefocusU and V, Å) as the defocus of each tilt, for the phase flip', async () => {
    const withV = tiltTable()
      .replace('_rlnDefocusU #9', '_rlnDefocusU #9\n_rlnDefocusV #10')
      .replace(/\t30000\.0$/gm, '\t30000.0\t29000.0');
    const planned = await planTiltSeriesFiles([file('TS_01.star', withV), ...images]);
    expect(planned.plan.defocus).toEqual(rows.map(() => 2.95));
    expect(planned.plan.rows.find((r) => r.label === 'Defocus')).toEqual({
      label: 'Defocus',
      value: '2.95 µm under focus (mean of the two axes; astigmatism up to 0.10 µm not corrected: no angle given)',
      source: 'TS_01.star (rlnDefocusU, rlnDefocusV)',
    });
    expect(planned.plan.astigmatism).toBeUndefined();
    // With rlnDefocusAngle (U's axis, degrees, as CTFFIND's azimuth): corrected, as half the difference along 2·angle.
    const withAngle = withV.replace('_rlnDefocusV #10', '_rlnDefocusV #10\n_rlnDefocusAngle #11').replace(/\t29000\.0$/gm, '\t29000.0\t30.0');
    const angled = await planTiltSeriesFiles([file('TS_01.star', withAngle), ...images]);
    expect(angled.plan.rows.find((r) => r.label === 'Defocus')).toEqual({
      label: 'Defocus',
      value: '2.95 µm under focus (mean of the two axes; astigmatism up to 0.10 µm)',
      source: 'TS_01.star (rlnDefocusU, rlnDefocusV, rlnDefocusAngle)',
    });
    expect(angled.plan.astigmatism).toEqual({ cos2: rows.map(() => expect.closeTo(0.025, 12)), sin2: rows.map(() => expect.closeTo(0.025 * Math.sqrt(3), 12)) });
    // The table above has rlnDefocusU alone: no estimate.
    expect((await planTiltSeriesFiles([file('TS_01.star', tiltTable()), ...images])).plan.defocus).toBeUndefined();
    // A phase plate's rlnPhaseShift (degrees) per row, and tomograms.star's Cs (0: a corrected microscope) and Q.
    const withPlate = withV.replace('_rlnDefocusV #10', '_rlnDefocusV #10\n_rlnPhaseShift #11').replace(/\t29000\.0$/gm, '\t29000.0\t90.0');
    const global = tomograms.replace('_rlnTomoTiltSeriesStarFile #4', '_rlnTomoTiltSeriesStarFile #4\n_rlnSphericalAberration #5\n_rlnAmplitudeContrast #6').replace(/TS_0(\d)\.star$/gm, 'TS_0$1.star 0.000000 0.100000');
    const plate = (await planTiltSeriesFiles([file('TS_01.star', withPlate), file('tomograms.star', global), ...images])).plan;
    expect(plate.phaseShift).toEqual(rows.map(() => Math.PI / 2));
    expect(plate.sphericalAberration).toEqual({ value: 0, source: 'tomograms.star (rlnSphericalAberration)' });
    expect(plate.amplitudeContrast).toEqual({ value: 0.1, source: 'tomograms.star (rlnAmplitudeContrast)' });
    expect(plate.rows.find((r) => r.label === 'Defocus')?.value).toMatch(/; phase plate: 0\.50 π added$/);
    expect(plate.rows.find((r) => r.label === 'Cs, amplitude contrast')).toEqual({
      label: 'Cs, amplitude contrast',
      value: 'Cs 0 mm, Q 0.1',
      source: 'tomograms.star (rlnSphericalAberration), tomograms.star (rlnAmplitudeContrast)',
    });
  });

  it('names the tilt series of several tables, and loads the one asked for, setting the other tables aside', async () => {
    const other = file('TS_02.star', tiltTable().replace('data_TS_01', 'data_TS_02'));
    const texts = await Promise.all([file('TS_01.star', tiltTable()), other, file('job.star', 'data_job\n7\n')].map(async (f) => ({ name: f.name, text: await f.blob.text() })));
    expect(relionSeriesNames(texts)).toEqual(['TS_01', 'TS_02']);
    // With the project's tomograms (RELION 5's rec_NAME.mrc, and its halves): the series' own offered, not ignored; another's ignored.
    const recs = [file('rec_TS_01.mrc', 'x'), file('rec_TS_02.mrc', 'x'), file('rec_TS_02_half1.mrc', 'x'), file('rec_TS_02_half2.mrc', 'x')];
    const planned = await planTiltSeriesFiles([file('TS_01.star', tiltTable()), other, ...images, ...recs], { relionSeries: 'TS_02' });
    expect([planned.seriesName, planned.side.map((f) => f.name), planned.tomograms, planned.tomogramHalves]).toEqual([
      'TS_02 (5 tilt images)',
      ['TS_02.star'],
      ['rec_TS_02.mrc'],
      ['rec_TS_02_half1.mrc', 'rec_TS_02_half2.mrc'],
    ]);
    expect(planned.warnings).toContain('ignored TS_01.star, rec_TS_01.mrc: not named by TS_02.star');
    expect(() => readRelionTiltSeries(texts, 'TS_09')).toThrow('no tilt series TS_09 among TS_01.star, TS_02.star, job.star');
  });

  it('loads the tilt images it names, aligned as RELION projects them: the upright scene within the bilinear error', async () => {
    const star = file('TS_01.star', tiltTable());
    const loaded = await readTiltSeriesFiles([star, file('tomograms.star', tomograms), ...[...images].reverse()]);
    const ts = await alignLoadedTiltSeries(cpuEngine(callerPool()), loaded);
    expect([ts.nx, ts.ny, ts.nTilts, ts.pixelSize]).toEqual([nx, ny, rows.length, PIXEL]);
    expect(ts.tiltAngles).toEqual(rows.map((r) => r.yTilt));
    expect(ts.accumulatedDose).toEqual(rows.map((r) => r.dose));
    expect(ts.voltage).toBe(300);
    expect(loaded.stackName).toBe('TS_01 (5 tilt images)');
    // Bilinear error of a scene with |∇²| ≤ 0.21² + 0.17²: h²/8 · that, about 0.01.
    const worst = worstUpright(ts.data);
    expect(worst).toBeLessThan(0.012);
    expect(worst).toBeGreaterThan(0);
    expect(loaded.metadata.map((m) => m.label)).toEqual(['Pixel size', 'Tilt series (RELION)', 'Voltage', 'Dose', 'Alignment applied', 'Tilt angles']);
    expect(loaded.warnings).toEqual([]);
  });

  it('reads `n@stack` references as sections of one stack, value for value as the single images', async () => {
    const stackData = new Float32Array(nx * ny * rows.length);
    // The stack in reverse order, so that the sections it names are not simply 1…n.
    rows.forEach((_, k) => stackData.set(rawImage(k), (rows.length - 1 - k) * nx * ny));
    const stack = file('TS_01.mrcs', writeMrc({ nx, ny, nz: rows.length, data: stackData, pixelSize: PIXEL }, { stack: true }));
    const fromStack = await readTiltSeriesFiles([file('TS_01.star', tiltTable((k) => `${rows.length - k}@Extract/TS_01.mrcs`)), stack]);
    const fromImages = await readTiltSeriesFiles([file('TS_01.star', tiltTable()), ...images]);
    expect(fromStack.tiltSeries.data).toEqual(fromImages.tiltSeries.data);
    expect(fromStack.stackName).toBe('TS_01.mrcs');
    expect(fromStack.alignment?.keptSections).toEqual([4, 3, 2, 1, 0]);
  });

  it('says a warning the images share once, with how many gave it', async () => {
    // Five images alike whose headers give a wrong mean: one warning, not five.
    const bytes = writeMrc({ nx, ny, nz: 1, data: rawImage(2), pixelSize: PIXEL });
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(84, 1000, true); // dmean
    const alike = rows.map((_, k) => file(imageName(k), bytes));
    const warnings = (await readTiltSeriesFiles([file('TS_01.star', tiltTable()), ...alike])).warnings.filter((w) => w.includes('header statistics'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^${imageName(0)} and 4 more: header statistics do not match the data \\(dmean 1000 but data mean `));
  });

  it('bins the images at load as it bins a stack', async () => {
    const loaded = await readTiltSeriesFiles([file('TS_01.star', tiltTable()), ...images], { bin: 2 });
    const whole = await readTiltSeriesFiles([file('TS_01.star', tiltTable()), ...images]);
    expect([loaded.tiltSeries.nx, loaded.tiltSeries.ny, loaded.tiltSeries.pixelSize]).toEqual([nx / 2, ny / 2, 2 * PIXEL]);
    expect(loaded.tiltSeries.data[0]).toBeCloseTo((whole.tiltSeries.data[0] + whole.tiltSeries.data[1] + whole.tiltSeries.data[nx] + whole.tiltSeries.data[nx + 1]) / 4, 5);
    expect(loaded.stats.mean).toBeCloseTo(whole.stats.mean, 6);
  });

  it('names what is wrong: a missing image, a non-number, several series, only tomograms.star, images of two sizes', async () => {
    const star = file('TS_01.star', tiltTable());
    await expect(planTiltSeriesFiles([star, ...images.slice(1)])).rejects.toHaveProperty('message', `TS_01.star names 5 image files; 1 of them is not among the dropped files: ${imageName(0)}`);
    const bad = file('TS_01.star', tiltTable().replace('\t20.1\t', '\t20,1\t'));
    await expect(planTiltSeriesFiles([bad, ...images])).rejects.toHaveProperty('message', "TS_01.star: rlnTomoYTilt of row 4 is '20,1', not a number");
    const other = file('TS_02.star', tiltTable().replace('data_TS_01', 'data_TS_02'));
    await expect(planTiltSeriesFiles([star, other, ...images])).rejects.toHaveProperty('message', 'several tilt series (TS_01 in TS_01.star, TS_02 in TS_02.star): load one tilt series at a time');
    await expect(planTiltSeriesFiles([file('tomograms.star', tomograms), ...images])).rejects.toThrow(/^tomograms\.star only lists tilt series; drop the one to load's own STAR file \(TS_01\.star, TS_02\.star\)/);
    await expect(planTiltSeriesFiles([star, ...images, images[3]])).rejects.toHaveProperty('message', `${imageName(3)}: more than one dropped file of that name, and TS_01.star names it: drop the folder that holds the series' images only`);
    const small = file(imageName(2), writeMrc({ nx: 20, ny: 40, nz: 1, data: new Float32Array(800), pixelSize: PIXEL }));
    await expect(readTiltSeriesFiles([star, ...images.slice(0, 2), small, ...images.slice(3)])).rejects.toHaveProperty('message', `${imageName(2)}: 20 × 40 images, but ${imageName(0)} has 40 × 40`);
  });

  it('without a pixel size anywhere, refuses shifts in Å; files it does not name are set aside with a warning', async () => {
    const unknown = rows.map((_, k) => file(imageName(k), writeMrc({ nx, ny, nz: 1, data: rawImage(k), pixelSize: 1 })));
    await expect(planTiltSeriesFiles([file('TS_01.star', tiltTable()), ...unknown])).rejects.toThrow(/^TS_01\.star: its shifts are in Å, and neither tomograms\.star \(rlnTomoTiltSeriesPixelSize\) nor the images' header gives the pixel size/);
    const planned = await planTiltSeriesFiles([file('TS_01.star', tiltTable()), file('tomograms.star', tomograms), ...unknown, file('TS_02_001_0.0.mrc', 'x')]);
    expect(planned.warnings).toEqual(['ignored TS_02_001_0.0.mrc: not named by TS_01.star']);
    expect(planned.plan.pixelSize).toEqual({ value: PIXEL, source: 'tomograms.star (rlnTomoTiltSeriesPixelSize)' });
  });

  it('a table not aligned yet is rotated by its nominal tilt axis, with a warning; x-axis tilts are named as not applied', () => {
    const unaligned = tiltTable()
      .replace('_rlnTomoZRot #6', '_rlnTomoNominalTiltAxisAngle #6')
      .replace('_rlnTomoXShiftAngst #7', '_rlnOther1 #7')
      .replace('_rlnTomoYShiftAngst #8', '_rlnOther2 #8');
    const series = readRelionTiltSeries([{ name: 'TS_01.star', text: unaligned }]);
    expect(series.alignment).toBeUndefined();
    expect(series.nominalTiltAxis).toBe(12);
    expect(series.warnings).toEqual(['TS_01.star: no alignment (rlnTomoZRot, rlnTomoXShiftAngst, rlnTomoYShiftAngst); the images are only rotated by the nominal tilt axis, 12°']);
    // A STAR file that does not parse, beside the table (a dropped job folder's), is set aside with a warning; a
    // tomograms.star without the series' row, too.
    const beside = readRelionTiltSeries([{ name: 'TS_01.star', text: tiltTable() }, { name: 'job.star', text: 'data_job\n7\n' }, { name: 'tomograms.star', text: tomograms.replace(/TS_01/g, 'TS_09') }]);
    expect(beside.warnings).toEqual(["set aside: job.star line 2 ('7'): a value outside any table", 'tomograms.star: no row for TS_01 (rlnTomoName): its pixel size and voltage are not read']);
    expect(() => readRelionTiltSeries([{ name: 'job.star', text: 'data_job\n7\n' }])).toThrow("job.star line 2 ('7'): a value outside any table");
    const tilted = readRelionTiltSeries([{ name: 'TS_01.star', text: tiltTable().replace(/\t0\.000000\t/g, '\t1.5\t') }]);
    expect(tilted.warnings).toEqual(['TS_01.star: the x-axis tilts (rlnTomoXTilt, up to 1.5°) are not applied']);
  });

  it('a tilt axis along X (rlnTomoZRot 90°) turns the images upright with width and height swapped, exactly', async () => {
    // The upright series is 48 × 40; its raw images are 40 wide and 48 high, the pixel at centred (u, v) holding
    // the upright scene at R(−90°)·(u, v) = (v, −u).
    const [wide, high] = [48, 40];
    const turned = rows.map((_, k) => {
      const data = new Float32Array(wide * high);
      for (let j = 0; j < wide; j++) for (let i = 0; i < high; i++) data[j * high + i] = scene(j - (wide - 1) / 2, -(i - (high - 1) / 2), k);
      return file(imageName(k), writeMrc({ nx: high, ny: wide, nz: 1, data, pixelSize: PIXEL }));
    });
    const loaded = await readTiltSeriesFiles([file('TS_01.star', tiltTable(undefined, true)), ...turned]);
    const ts = await alignLoadedTiltSeries(cpuEngine(callerPool()), loaded);
    expect([ts.nx, ts.ny]).toEqual([wide, high]);
    expect(loaded.metadata).toContainEqual({ label: 'Alignment applied', value: '5 sections resampled (bilinear), width and height swapped to 48 × 40', source: 'TS_01.star' });
    let worst = 0;
    for (let k = 0; k < rows.length; k++)
      for (let j = 0; j < high; j++)
        for (let i = 0; i < wide; i++) worst = Math.max(worst, Math.abs(ts.data[(k * high + j) * wide + i] - scene(i - (wide - 1) / 2, j - (high - 1) / 2, k)));
    expect(worst).toBeLessThan(1e-5);
  });

  it("reads RELION 4's projection matrices as RELION 5 reads them back: the same alignment and angles as the Euler columns", async () => {
    // P = T(shift + image centre)·Rz(ZRot)·Ry(YTilt)·T(−volume centre), RELION's centres: image n // 2, volume n ÷ 2.
    const volume = [nx, ny, 20];
    const rad = (d: number) => (d * Math.PI) / 180;
    const matrix = (r: (typeof rows)[number]) => {
      const [cz, sz, cy, sy] = [Math.cos(rad(r.zRot)), Math.sin(rad(r.zRot)), Math.cos(rad(r.yTilt)), Math.sin(rad(r.yTilt))];
      const rot = [[cz * cy, -sz, cz * sy], [sz * cy, cz, sz * sy], [-sy, 0, cy]];
      const t = [r.shift[0] + Math.floor(nx / 2), r.shift[1] + Math.floor(ny / 2), 0].map((v, i) => v - rot[i].reduce((sum, m, j) => sum + (m * volume[j]) / 2, 0));
      return [...rot.map((line, i) => `[${[...line, t[i]].join(',')}]`), '[0,0,0,1]'];
    };
    const relion4 = [
      'data_global', '', 'loop_', '_rlnTomoName #1', '_rlnTomoTiltSeriesName #2', '_rlnTomoSizeX #3', '_rlnTomoSizeY #4', '_rlnTomoSizeZ #5', '_rlnTomoTiltSeriesPixelSize #6',
      `TS_01 tomograms/TS_01.st:mrc ${volume.join(' ')} ${PIXEL}`, '',
      'data_TS_01', '', 'loop_', '_rlnTomoProjX #1', '_rlnTomoProjY #2', '_rlnTomoProjZ #3', '_rlnTomoProjW #4', '_rlnMicrographPreExposure #5',
      ...rows.map((r) => [...matrix(r), r.dose].join('\t')), '',
    ].join('\n');
    const stackData = new Float32Array(nx * ny * rows.length);
    rows.forEach((_, k) => stackData.set(rawImage(k), k * nx * ny));
    const stack = file('TS_01.st', writeMrc({ nx, ny, nz: rows.length, data: stackData, pixelSize: PIXEL }, { stack: true }));
    const fromMatrices = await readTiltSeriesFiles([file('tomograms.star', relion4), stack]);
    const fromEulers = await readTiltSeriesFiles([file('TS_01.star', tiltTable()), file('tomograms.star', tomograms), ...images]);
    fromMatrices.tiltSeries.tiltAngles.forEach((angle, k) => expect(angle).toBeCloseTo(rows[k].yTilt, 9));
    expect(fromMatrices.angleName).toBe('tomograms.star (the Y tilts of rlnTomoProjX…W)');
    fromMatrices.alignment?.transforms.forEach((t, k) => {
      const expected = fromEulers.alignment?.transforms[k] as typeof t;
      for (const key of ['xx', 'xy', 'yx', 'yy', 'x0', 'y0'] as const) expect(t[key]).toBeCloseTo(expected[key], 9);
    });
    expect(worstUpright((await alignLoadedTiltSeries(cpuEngine(callerPool()), fromMatrices)).data)).toBeLessThan(0.012);
    // Without the tomogram's size, the matrices cannot be read back: one message.
    await expect(planTiltSeriesFiles([file('tomograms.star', relion4.replace(`${volume.join(' ')} `, '40 40 -1 ')), stack])).rejects.toHaveProperty(
      'message',
      'tomograms.star: its projection matrices (RELION 4) are centred on the tomogram, whose size (rlnTomoSizeX/Y/Z) no dropped tomograms.star gives',
    );
  });
});


describe("a RELION 5 tilt series' frame halves", () => {
  // RELION's motion correction with --even_odd_split writes, beside each tilt image, the sums of its even and of
  // its odd frames (…_EVN.mrc, …_ODD.mrc), named by rlnMicrographNameEven/Odd.
  const halfName = (k: number, half: 'EVN' | 'ODD') => imageName(k).replace('.mrc', `_${half}.mrc`);
  const halfImage = (k: number, scale: number) => writeMrc({ nx, ny, nz: 1, data: rawImage(k).map((x) => scale * x), pixelSize: PIXEL });
  const evenImages = rows.map((_, k) => file(halfName(k, 'EVN'), halfImage(k, 0.4)));
  const oddImages = rows.map((_, k) => file(halfName(k, 'ODD'), halfImage(k, 0.6)));
  /** The table with the two columns added, paths as RELION writes them. */
  const withHalves = (table: string) => {
    const lines = table.split('\n');
    let row = 0;
    return lines
      .flatMap((line) => {
        if (line === '_rlnDefocusU #9') return [line, '_rlnMicrographNameEven #10', '_rlnMicrographNameOdd #11'];
        if (!line.startsWith('MotionCorr/')) return [line];
        const k = row++;
        return [`${line}\tMotionCorr/job002/frames/${halfName(k, 'EVN')}\tMotionCorr/job002/frames/${halfName(k, 'ODD')}`];
      })
      .join('\n');
  };
  const star = file('TS_01.star', withHalves(tiltTable()));

  it('loads the series from its frame sums, listing the halves as there; either half loads with the same angles and alignment', async () => {
    const whole = await readTiltSeriesFiles([star, file('tomograms.star', tomograms), ...images, ...evenImages, ...oddImages]);
    expect(whole.frameHalves).toBe('TS_01.star (rlnMicrographNameEven, rlnMicrographNameOdd)');
    expect(whole.metadata).toContainEqual({ label: 'Frame halves', value: 'the sums of the even and of the odd frames of every tilt: a frame-half FSC can use them', source: whole.frameHalves });
    // The halves' images are the series' own files, not files set aside.
    expect(whole.warnings).toEqual([]);
    const even = await readTiltSeriesFiles([star, file('tomograms.star', tomograms), ...images, ...evenImages, ...oddImages], { frames: 'even' });
    expect(even.stackName).toBe('TS_01 (5 tilt images, even frames)');
    expect([even.tiltSeries.tiltAngles, even.tiltSeries.accumulatedDose, even.tiltSeries.pixelSize]).toEqual([whole.tiltSeries.tiltAngles, whole.tiltSeries.accumulatedDose, whole.tiltSeries.pixelSize]);
    expect(even.alignment).toEqual(whole.alignment);
    // The even sums are 0.4 of the raw images here, the odd 0.6: each half reads its own images.
    const odd = await readTiltSeriesFiles([star, ...images, ...evenImages, ...oddImages], { frames: 'odd' });
    for (const [half, scale] of [[even, 0.4], [odd, 0.6]] as const) {
      const expected = whole.tiltSeries.data.map((x) => Math.fround(scale * x));
      expect(Math.max(...half.tiltSeries.data.map((x, i) => Math.abs(x - expected[i])))).toBeLessThan(1e-5);
    }
  });

  it('says which halves are missing, refuses a half it cannot read, and a table without halves', async () => {
    const short = await planTiltSeriesFiles([star, ...images, ...evenImages, ...oddImages.slice(2)]);
    expect(short.frameHalves).toBeUndefined();
    expect(short.plan.rows).toContainEqual({ label: 'Frame halves', value: `named, but 2 of 10 not dropped (or dropped twice): ${halfName(0, 'ODD')}, ${halfName(1, 'ODD')}`, source: 'TS_01.star (rlnMicrographNameEven, rlnMicrographNameOdd)' });
    await expect(planTiltSeriesFiles([star, ...images, ...evenImages, ...oddImages.slice(2)], { frames: 'odd' })).rejects.toHaveProperty(
      'message',
      `TS_01.star names 5 image files (the sums of its odd frames, rlnMicrographNameOdd); 2 of them are not among the dropped files: ${halfName(0, 'ODD')}, ${halfName(1, 'ODD')}`,
    );
    await expect(planTiltSeriesFiles([file('TS_01.star', tiltTable()), ...images], { frames: 'even' })).rejects.toHaveProperty(
      'message',
      "TS_01.star names no sums of even and odd movie frames (rlnMicrographNameEven, rlnMicrographNameOdd): RELION's motion correction saves them with --even_odd_split",
    );
    const evenOnly = tiltTable().replace('_rlnDefocusU #9', '_rlnDefocusU #9\n_rlnMicrographNameEven #10').replace(/\t30000\.0/g, '\t30000.0\tx_EVN.mrc');
    expect(readRelionTiltSeries([{ name: 'TS_01.star', text: evenOnly }]).warnings).toContain('TS_01.star: it names the sums of the even frames only (rlnMicrographNameEven): no frame-half FSC');
  });
});
