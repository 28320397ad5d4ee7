/**
 * End-to-end: a raw stack dropped with its IMOD .xf and .tlt loads as an aligned data set that names its side
 * files and what came from each; a bad or mismatched side file is one message naming the file (and the line),
 * and the data sets already loaded stay as they were; IMOD's tilt.com leaves out the views it excludes and offers
 * its thickness; AreTomo's .aln offers the specimen thickness AreTomo measured, with a margin; a stack with its tilt axis off Y loads upright with the axis angle given at load; a RELION 5
 * table dropped with its tilt images loads as the stack they came from, and of several tables the page asks which
 * to load; with its even- and odd-frame sums, the odd/even FSC halves by frame; a pipeline's output folder loads
 * the stack whose angles come with it, or asks which of several. (The resampling's numbers:
 * src/engine/align/*.test.ts and src/io/relionFiles.test.ts; tilt.com's: src/io/tiltCom.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { readMrc, writeMrc } from '../src/io/mrc.ts';
import { simulatedStack, writeTlt } from './fixtures.ts';
import { exportedMrc, exportedSeries, selectedResultLabel, setParams, shareDemoPage } from './helpers.ts';
import { DECONV_DEFAULTS } from '../src/engine/methods/deconv/base.ts';
import { deconvolveReference } from '../src/engine/reference/deconv.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;
const angles = Array.from({ length: 11 }, (_, k) => -50 + 10 * k);
const text = (name: string, content: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(content) });
const xf = (count: number) => Array.from({ length: count }, (_, k) => `0.9998 -0.0175 0.0175 0.9998 ${k - 5} ${0.5 * k}`).join('\n');

const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

test('a raw stack with its .xf and .tlt loads aligned, naming its side files and the alignment', async () => {
  const stack = await simulatedStack(48, 48, angles);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'raw.st', mimeType: 'application/octet-stream', buffer: stack },
    { name: 'raw.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
    text('raw.xf', xf(angles.length)),
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('raw.st', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(dataset.name).toBe('raw.st + raw.tlt + raw.xf');
  expect([dataset.nx, dataset.ny, dataset.nTilts]).toEqual([48, 48, 11]);
  expect(dataset.metadata).toContainEqual({ label: 'Alignment applied', value: '11 sections resampled (bilinear)', source: 'raw.xf' });
  expect(dataset.metadata).toContainEqual({ label: 'Tilt angles', value: '11 angles', source: 'raw.tlt' });
});

test("IMOD's tilt.com dropped with the stack: its excluded views are left out, its values listed, the rest set aside", async () => {
  const stack = await simulatedStack(48, 48, angles);
  const tiltCom = ['$tilt -StandardInput', 'InputProjections cell.ali', 'TILTFILE cell.tlt', 'THICKNESS 40', 'EXCLUDELIST2 1,11', 'LOCALFILE celllocal.xf', 'RADIAL 0.2 0.05', 'FalloffIsTrueSigma 1', 'DONE'].join('\n');
  await page.getByTestId('file-input').setInputFiles([
    { name: 'cell.ali', mimeType: 'application/octet-stream', buffer: stack },
    { name: 'cell.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
    text('tilt.com', tiltCom),
    text('newst.com', '$newstack -StandardInput\nInputFile cell.st'),
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('cell.ali', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(dataset.tiltAngles).toEqual(angles.slice(1, -1));
  expect(dataset.metadata).toContainEqual({ label: 'Views left out (IMOD)', value: '1 (-50°), 11 (50°): sections 0, 10', source: 'tilt.com line 5 (EXCLUDELIST2)' });
  await expect(page.getByTestId('dataset-summary')).toContainText('Thickness (IMOD)');
  expect(dataset.warnings).toContain("newst.com does not run IMOD's tilt (no $tilt line): set aside");
  expect(dataset.warnings).toContain("tilt.com: not applied here: LOCALFILE (local alignments, line 6); a tomogram made here can differ from IMOD's");
  // Its thickness is offered in the form, in the form's binning (the stack as loaded: 40 px).
  expect(dataset.imodThickness).toEqual({ value: 40, source: 'tilt.com line 4 (THICKNESS)' });
  await page.getByTestId('binning-input').fill('2');
  await expect(page.getByTestId('thickness-imod')).toContainText("IMOD's tilt.com: 20 px");
  await page.getByTestId('thickness-imod-use').click();
  await expect(page.getByTestId('thickness-input')).toHaveValue('20');
  // Its radial filter is offered to FBP in cycles per pixel of the form's binning: 0.2 and 0.05 of the stack, doubled.
  await page.getByTestId('method-select').selectOption('fbp');
  const filterBefore = await page.getByTestId('filter-select').inputValue();
  await expect(page.getByTestId('fbp-imod-radial')).toContainText("IMOD's tilt.com: radial, cutoff 0.4, σ 0.1 cyc/px at bin 2");
  await page.getByTestId('fbp-imod-radial-use').click();
  await expect(page.getByTestId('filter-select')).toHaveValue('radial');
  await expect(page.getByTestId('radial-cutoff')).toHaveValue('0.4');
  await expect(page.getByTestId('radial-falloff')).toHaveValue('0.1');
  await expect(page.getByTestId('fbp-imod-radial-use')).toBeDisabled();
  await page.getByTestId('filter-select').selectOption(filterBefore);
  await page.getByTestId('binning-input').fill('1');
  expect(pageErrors).toEqual([]);
});

test("AreTomo's .aln dropped with the raw stack: the specimen thickness AreTomo measured is listed and offered, with a margin, in the form's binning", async () => {
  const stack = await simulatedStack(48, 48, angles);
  const rows = angles.map((a, k) => `${k} 0.0 1.0 0.0 0.0 1.0 1.0 1.0 0.0 ${a.toFixed(2)}`);
  const aln = ['# AreTomo Alignment / Priims bprmMn', '# RawSize = 48 48 11', '# NumPatches = 0', '# Thickness = 16', '# SEC ROT GMAG TX TY SMEAN SFIT SCALE BASE TILT', ...rows].join('\n');
  await page.getByTestId('file-input').setInputFiles([{ name: 'lamella.mrc', mimeType: 'application/octet-stream', buffer: stack }, text('lamella.aln', aln)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('lamella.mrc', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(dataset.metadata).toContainEqual({ label: 'Specimen thickness (AreTomo)', value: '16 pixels, as AreTomo measured it', source: 'lamella.aln' });
  // With the data's own suggestion's margin (half as much again, up to a multiple of 8): 24.
  expect(dataset.specimenThickness).toEqual({ value: 16, withMargin: 24, source: 'lamella.aln (# Thickness)' });
  await page.getByTestId('binning-input').fill('2');
  await expect(page.getByTestId('thickness-aretomo')).toContainText('AreTomo measured the specimen 8 px (16 nm) thick; with a margin: 12 px');
  await page.getByTestId('binning-input').fill('1');
  await expect(page.getByTestId('thickness-aretomo')).toContainText('AreTomo measured the specimen 16 px (16 nm) thick; with a margin: 24 px');
  await page.getByTestId('thickness-aretomo-use').click();
  await expect(page.getByTestId('thickness-input')).toHaveValue('24');
  await expect(page.getByTestId('thickness-aretomo-use')).toBeDisabled();
  expect(pageErrors).toEqual([]);
});

test('a bad or mismatched side file is one message naming it; what was loaded stays', async () => {
  const stack = await simulatedStack(48, 48, angles);
  const before = await page.evaluate(() => window.wedgelab.datasets().map((d) => d.id));
  const drop = async (side: { name: string; mimeType: string; buffer: Buffer }) => {
    await page.getByTestId('file-input').setInputFiles([
      { name: 'raw.st', mimeType: 'application/octet-stream', buffer: stack },
      { name: 'raw.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
      side,
    ]);
  };
  await drop(text('bad.xf', xf(angles.length).replace(/ [-\d.]+$/, '')));
  await expect(page.getByTestId('error-message')).toContainText('bad.xf line 11: expected 6 numbers (A11 A12 A21 A22 DX DY), found 5');
  await page.getByTestId('error-dismiss').click();
  await drop(text('short.xf', xf(angles.length - 1)));
  await expect(page.getByTestId('error-message')).toContainText('raw.tlt has 11 angles but short.xf has 10 transforms');
  await page.getByTestId('error-dismiss').click();
  await drop(text('tilt.com', '$tilt -StandardInput\nEXCLUDELIST2 12'));
  await expect(page.getByTestId('error-message')).toContainText("tilt.com line 2 (EXCLUDELIST2): view 12 is past raw.st's 11 sections");
  await page.getByTestId('error-dismiss').click();
  await drop(text('raw.aln', '# RawSize = 48 48 9\n# SEC ROT GMAG TX TY SMEAN SFIT SCALE BASE TILT\n0 0 1 0 0 1 1 1 0 0'));
  await expect(page.getByTestId('error-message')).toContainText('raw.aln');
  expect(await page.evaluate(() => window.wedgelab.datasets().map((d) => d.id))).toEqual(before);
  expect(pageErrors).toEqual([]);
});

test('the same files dropped again select their data set instead of loading a copy, and say so', async () => {
  // Files on disk, so that a second drop carries the same modification times.
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-again-'));
  try {
    writeFileSync(join(dir, 'again.mrc'), await simulatedStack(32, 32, angles));
    writeFileSync(join(dir, 'again.tlt'), writeTlt(angles));
    const paths = [join(dir, 'again.mrc'), join(dir, 'again.tlt')];
    await page.getByTestId('file-input').setInputFiles(paths);
    await expect(page.getByTestId('dataset-summary')).toContainText('again.mrc');
    const first = await page.evaluate(() => window.wedgelab.datasets().at(-1)!.id);
    const count = await page.evaluate(() => window.wedgelab.datasets().length);
    await page.getByTestId('dataset-select').selectOption({ index: 0 });
    await page.getByTestId('file-input').setInputFiles(paths);
    await expect(page.getByTestId('load-notice')).toContainText('again.mrc + again.tlt are already loaded: selected "again.mrc + again.tlt"');
    expect(await page.evaluate(() => window.wedgelab.datasets().length)).toBe(count);
    await expect(page.getByTestId('dataset-summary')).toContainText('again.mrc');
    await expect(page.getByTestId('dataset-select')).toHaveValue(first);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stack whose tilt axis lies 90° from Y, given in the Tilt axis field, loads upright: its FBP equals the upright stack’s', async () => {
  const upright = readMrc(await simulatedStack(48, 40, angles));
  const { nx, ny, nz } = upright.header;
  // The axis 90° counter-clockwise from Y: the upright pixel (i, j) sits at column ny − 1 − j, row i of the turned image.
  const turned = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) turned[(k * nx + i) * ny + (ny - 1 - j)] = upright.data[(k * ny + j) * nx + i];
  const fbpOf = async (files: { name: string; mimeType: string; buffer: Buffer }[], summaryText: string) => {
    await page.getByTestId('file-input').setInputFiles(files);
    await expect(page.getByTestId('dataset-summary')).toContainText(summaryText, { timeout: 60_000 });
    return exportedMrc(page, await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { thickness: 12 } })));
  };
  const tlt = (name: string) => ({ name, mimeType: 'text/plain', buffer: writeTlt(angles) });
  const reference = readMrc(await fbpOf([{ name: 'upright.mrc', mimeType: 'application/octet-stream', buffer: await simulatedStack(48, 40, angles) }, tlt('upright.tlt')], 'upright.mrc'));
  await page.getByTestId('load-tilt-axis').fill('90');
  const turnedBytes = Buffer.from(writeMrc({ nx: ny, ny: nx, nz, data: turned, pixelSize: upright.pixelSize[0] }, { stack: true }));
  const fromTurned = readMrc(await fbpOf([{ name: 'turned.mrc', mimeType: 'application/octet-stream', buffer: turnedBytes }, tlt('turned.tlt')], 'turned.mrc'));
  await page.getByTestId('load-tilt-axis').fill('0');
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect([dataset.nx, dataset.ny]).toEqual([48, 40]);
  expect(dataset.metadata).toContainEqual({
    label: 'Alignment applied',
    value: '11 sections resampled (bilinear), width and height swapped to 48 × 40',
    source: 'tilt-axis angle given at load (90°)',
  });
  expect([fromTurned.header.nx, fromTurned.header.ny, fromTurned.header.nz]).toEqual([reference.header.nx, reference.header.ny, reference.header.nz]);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < reference.data.length; i++) {
    worst = Math.max(worst, Math.abs(fromTurned.data[i] - reference.data[i]));
    scale = Math.max(scale, Math.abs(reference.data[i]));
  }
  expect(worst).toBeLessThan(1e-5 * scale);
  expect(pageErrors).toEqual([]);
});

/**
 * A RELION 5 drop of `angles`: TS_01.star (pre-exposures 2.5 e/Å² a tilt) and one tilt image per row, cut from a
 * simulated stack; with `halves`, each tilt's sums of its even and of its odd frames too (…_EVN.mrc, …_ODD.mrc,
 * half the image each), which the table names.
 */
async function relionDrop(halves = false) {
  const stackBytes = await simulatedStack(48, 40, angles);
  const stack = readMrc(stackBytes);
  const plane = 48 * 40;
  const name = (k: number, suffix = '') => `TS_01_${String(k + 1).padStart(3, '0')}_${angles[k].toFixed(1)}${suffix}.mrc`;
  const imagesOf = (suffix: string, scale: number) =>
    angles.map((_, k) => ({
      name: name(k, suffix),
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(writeMrc({ nx: 48, ny: 40, nz: 1, data: stack.data.slice(k * plane, (k + 1) * plane).map((x) => scale * x), pixelSize: stack.pixelSize[0] })),
    }));
  const columns = ['rlnMicrographName', 'rlnTomoNominalStageTiltAngle', 'rlnTomoYTilt', 'rlnTomoZRot', 'rlnTomoXShiftAngst', 'rlnTomoYShiftAngst', 'rlnMicrographPreExposure', ...(halves ? ['rlnMicrographNameEven', 'rlnMicrographNameOdd'] : [])];
  const halfPaths = (k: number) => (halves ? ` MotionCorr/job002/frames/${name(k, '_EVN')} MotionCorr/job002/frames/${name(k, '_ODD')}` : '');
  const rows = angles.map((a, k) => `MotionCorr/job002/frames/${name(k)} ${a} ${a} 0 0 0 ${2.5 * k}${halfPaths(k)}`);
  const table = text('TS_01.star', ['data_TS_01', '', 'loop_', ...columns.map((c, i) => `_${c} #${i + 1}`), ...rows, ''].join('\n'));
  return { stackBytes, name, table, images: imagesOf('', 1), halfImages: halves ? [...imagesOf('_EVN', 0.5), ...imagesOf('_ODD', 0.5)] : [] };
}

/** The drop's question answered: it asks (`question`), `name` is chosen and loads (its summary shows `shown`); the new data set. */
async function chooseSeries(question: string, name: string, shown: string) {
  await expect(page.getByTestId('series-choice')).toContainText(question);
  await page.getByTestId('series-choice-select').selectOption(name);
  await page.getByTestId('series-choice-load').click();
  await expect(page.getByTestId('dataset-summary')).toContainText(shown, { timeout: 60_000 });
  await expect(page.getByTestId('series-choice')).toHaveCount(0);
  return page.evaluate(() => window.wedgelab.datasets().at(-1)!);
}

test("RELION 5's tilt-series table dropped with its tilt images loads as their stack; of several, the page asks which; a missing image is named", async () => {
  const { stackBytes, name, table, images } = await relionDrop();
  const fbp = async () => exportedMrc(page, await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { thickness: 12, doseWeighting: false } })));
  await page.getByTestId('file-input').setInputFiles([{ name: 'ts.mrc', mimeType: 'application/octet-stream', buffer: stackBytes }, { name: 'ts.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) }]);
  await expect(page.getByTestId('dataset-summary')).toContainText('ts.mrc', { timeout: 60_000 });
  const reference = readMrc(await fbp());
  await page.getByTestId('file-input').setInputFiles([table, ...images]);
  await expect(page.getByTestId('dataset-summary')).toContainText('TS_01 (11 tilt images)', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(dataset.name).toBe('TS_01 (11 tilt images) + TS_01.star');
  expect(dataset.tiltAngles).toEqual(angles);
  expect(dataset.metadata).toContainEqual({ label: 'Tilt series (RELION)', value: 'TS_01: 11 tilt images', source: 'TS_01.star' });
  expect(dataset.metadata).toContainEqual({ label: 'Dose', value: 'up to 25.0 e/Å² before a tilt', source: 'TS_01.star (rlnMicrographPreExposure)' });
  expect(dataset.warnings).toEqual([]);
  // Its doses (RELION's pre-exposures) make the series one that FBP and SIRT can weight by dose.
  expect(dataset.doseWeightingUnavailable).toBeNull();
  expect(readMrc(await fbp()).data).toEqual(reference.data);
  // Two series' tables in one drop (a job's tilt_series/ folder with the frames): the page asks which to load.
  const second = text('TS_02.star', table.buffer.toString().replace('data_TS_01', 'data_TS_02').replace(/TS_01_/g, 'TS_02_'));
  const secondImages = images.map((image) => ({ ...image, name: image.name.replace('TS_01_', 'TS_02_') }));
  await page.getByTestId('file-input').setInputFiles([table, second, ...images, ...secondImages]);
  const chosen = await chooseSeries('This drop holds 2 RELION tilt series', 'TS_02', 'TS_02 (11 tilt images)');
  expect(chosen.name).toBe('TS_02 (11 tilt images) + TS_02.star');
  expect(chosen.warnings).toEqual([`ignored TS_01.star, ${name(0)}, ${name(1)}, ${name(2)} and 8 more: not named by TS_02.star`]);
  // One image short: one message naming the table and the image; the data sets stay as they were.
  const before = await page.evaluate(() => window.wedgelab.datasets().map((d) => d.id));
  await page.getByTestId('file-input').setInputFiles([table, ...images.slice(0, 10)]);
  await expect(page.getByTestId('error-message')).toContainText(`TS_01.star names 11 image files; 1 of them is not among the dropped files: ${name(10)}`);
  await page.getByTestId('error-dismiss').click();
  expect(await page.evaluate(() => window.wedgelab.datasets().map((d) => d.id))).toEqual(before);
  expect(pageErrors).toEqual([]);
});

test("a pipeline's output folder dropped whole: the stack with its angles beside it loads, its tomogram offered, the others set aside; of two such stacks, the page asks which; AreTomo3's session record goes with either", async () => {
  const stack = await simulatedStack(32, 32, angles);
  const stackFile = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: stack });
  // As AreTomo3 leaves a series beside its tomogram and CTF spectra (a stack of another size would do as well).
  const series = (stem: string) => [stackFile(`${stem}.mrc`), { name: `${stem}.tlt`, mimeType: 'text/plain', buffer: writeTlt(angles) }, stackFile(`${stem}_Vol.mrc`), stackFile(`${stem}_CTF.mrc`)];
  await page.getByTestId('file-input').setInputFiles(series('Position_1'));
  await expect(page.getByTestId('dataset-summary')).toContainText('Position_1.mrc', { timeout: 60_000 });
  const one = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(one.name).toBe('Position_1.mrc + Position_1.tlt');
  // Its tomogram is offered beside the results (e2e/importTomogram.spec.ts adds one), not set aside.
  expect([one.warnings, one.tomogramsBeside]).toEqual([['set aside Position_1_CTF.mrc: other stacks of the drop (one tilt series at a time)'], ['Position_1_Vol.mrc']]);
  // With the folder's AreTomo3_Session.json (every series'), whichever is chosen reads its microscope from it.
  const sessionRecord = text('AreTomo3_Session.json', '{\n     "parameters": {\n          "kV": 200,\n          "Cs": 2.7,\n          "AmpContrast": 0.07\n     }\n}');
  await page.getByTestId('file-input').setInputFiles([...series('Position_1'), ...series('Position_2'), sessionRecord]);
  const chosen = await chooseSeries('This drop holds 2 stacks with their tilt angles beside them', 'Position_2.mrc', 'Position_2.mrc');
  expect([chosen.name, chosen.tiltAngles]).toEqual(['Position_2.mrc + Position_2.tlt + AreTomo3_Session.json', angles]);
  expect(chosen.metadata).toContainEqual({ label: 'Voltage', value: '200 kV', source: 'AreTomo3_Session.json' });
  expect(chosen.warnings).toEqual([
    'set aside Position_1.mrc, Position_1_Vol.mrc, Position_1_CTF.mrc, Position_2_CTF.mrc: other stacks of the drop (one tilt series at a time)',
    'set aside Position_1.tlt: not named after Position_2.mrc',
  ]);
  expect(pageErrors).toEqual([]);
});

test("a RELION table's even- and odd-frame sums dropped with it: the odd/even FSC halves by frame, or by tilt when asked, also with tilts left out; either half opens as a data set; a stack's _EVN/_ODD stacks are its halves", async () => {
  const { table, images, halfImages } = await relionDrop(true);
  await page.getByTestId('file-input').setInputFiles([table, ...images, ...halfImages]);
  await expect(page.getByTestId('dataset-summary')).toContainText('Frame halves', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(dataset.frameHalves).toBe('TS_01.star (rlnMicrographNameEven, rlnMicrographNameOdd)');
  expect(dataset.warnings).toEqual([]);
  await page.getByTestId('method-select').selectOption('fbp');
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-oddeven').click();
  await expect(page.getByTestId('oddeven-split')).toHaveValue('frames');
  await page.getByTestId('oddeven-button').click();
  // The even and odd sums are alike here: the halves differ by nothing, so the FSC never falls to 0.143.
  await expect(page.getByTestId('oddeven-plot')).toHaveAttribute('aria-label', /^frame-half FSC, FBP/, { timeout: 60_000 });
  await expect(page.getByTestId('oddeven-res-0143')).toHaveText(/^beyond Nyquist/);
  // By tilt, the curve shown is no longer what a run would use, and says so; the run by tilt crosses 0.143.
  await page.getByTestId('oddeven-split').selectOption('tilts');
  await expect(page.getByTestId('oddeven-shown')).toContainText('· frame halves. A new run would use:');
  await page.getByTestId('oddeven-button').click();
  await expect(page.getByTestId('oddeven-plot')).toHaveAttribute('aria-label', /^odd\/even FSC, FBP/, { timeout: 60_000 });
  await expect(page.getByTestId('oddeven-res-0143')).toHaveText(/Å$/);
  await expect(page.getByTestId('oddeven-shown')).toHaveCount(0);
  // A series made from it by leaving tilts out keeps its frame halves, less the same tilts.
  await page.evaluate(() => window.wedgelab.leaveOutTilts([1, 11]));
  const derived = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect([derived.nTilts, derived.frameHalves]).toEqual([9, dataset.frameHalves]);
  await page.getByTestId('oddeven-split').selectOption('frames');
  await page.getByTestId('oddeven-button').click();
  await expect(page.getByTestId('oddeven-plot')).toHaveAttribute('aria-label', /^frame-half FSC, FBP/, { timeout: 60_000 });
  await expect(page.getByTestId('oddeven-res-0143')).toHaveText(/^beyond Nyquist/);
  // Either half opens as a data set of its own (half tomograms to export), in the series' family, less the same tilts.
  await page.getByTestId('open-frame-half-even').click();
  await expect(page.getByTestId('dataset-summary')).toContainText(', even frames', { timeout: 60_000 });
  const half = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect([half.nTilts, half.familyId, half.frameHalves]).toEqual([9, derived.familyId, undefined]);
  expect(half.stats.mean).toBeCloseTo(derived.stats.mean / 2, 5);
  expect(half.metadata).toContainEqual({ label: 'Frame half', value: "the sums of every tilt's even movie frames", source: dataset.frameHalves });
  await expect(page.getByTestId('open-frame-half-even')).toHaveCount(0);
  // A stack dropped with its even- and odd-frame stacks (AreTomo3's STEM_EVN, STEM_ODD) has frame halves too.
  const stack = { mimeType: 'application/octet-stream', buffer: await simulatedStack(48, 40, angles) };
  await page.getByTestId('file-input').setInputFiles([{ name: 'p1.mrc', ...stack }, { name: 'p1_EVN.mrc', ...stack }, { name: 'p1_ODD.mrc', ...stack }, { name: 'p1.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) }]);
  await expect(page.getByTestId('dataset-summary')).toContainText('p1.mrc', { timeout: 60_000 });
  const p1 = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect([p1.name, p1.frameHalves, p1.warnings]).toEqual(['p1.mrc + p1.tlt', 'p1_EVN.mrc, p1_ODD.mrc', []]);
  await expect(page.getByTestId('oddeven-split')).toHaveValue('frames');
  expect(pageErrors).toEqual([]);
});

test("a CTF estimate dropped with the stack gives its defocus; Phase-flip (CTF) makes a flipped data set of the family; without a pixel size it says why not", async () => {
  const stack = await simulatedStack(48, 48, angles);
  // CTFFIND's rows as AreTomo writes them (STEM_CTF.txt): image, defocus 1 and 2 in Å, azimuth, phase shift, ….
  const estimate = ['# Output from CTFFind', ...angles.map((_, k) => `${k + 1} ${30000 + 100 * k} ${29800 + 100 * k} 15.0 0.0 0.1 20.0`)].join('\n');
  await page.getByTestId('file-input').setInputFiles([{ name: 'ctf.mrc', mimeType: 'application/octet-stream', buffer: stack }, { name: 'ctf.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) }, text('ctf_CTF.txt', estimate)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('Defocus', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(dataset.metadata).toContainEqual({ label: 'Defocus', value: '2.99–3.09 µm under focus (mean of the two axes; astigmatism up to 0.02 µm)', source: 'ctf_CTF.txt' });
  expect(dataset.phaseFlipUnavailable).toBeNull();
  // The tilt preview gives each tilt's defocus (0°, the sixth: (30500 + 30300) / 2 Å) and where its CTF's first zero lies.
  await expect(page.getByTestId('tilt-facts')).toHaveText(/^3\.04 µm under focus \(first CTF zero 2\d\.\d Å\), astigmatism 0\.02 µm at 15°$/);
  // Beside the button: what a flip changes at 10 Å pixels (the first zero near 25 Å, Nyquist 20 Å).
  await expect(page.getByTestId('phase-flip-reach')).toHaveText(/^the CTF's first zero \(2\d\.\d–2\d\.\d Å\) against Nyquist \(20\.0 Å\): the flip corrects the frequencies between$/);
  // At the microscope the fields give: at 200 kV the wavelength is longer and the first zero lies at a lower
  // frequency, √(λ₂₀₀/λ₃₀₀) = 1.13 times the length.
  const at300 = await page.getByTestId('phase-flip-reach').textContent();
  const zeroOf = (text: string | null) => Number(/first zero \((\d+\.\d)/.exec(text ?? '')?.[1]);
  await page.getByTestId('phase-flip-voltage').fill('200');
  await expect(page.getByTestId('phase-flip-reach')).not.toHaveText(at300 ?? '');
  const at200 = await page.getByTestId('phase-flip-reach').textContent();
  expect(zeroOf(at200) / zeroOf(at300)).toBeCloseTo(1.13, 1);
  await page.getByTestId('phase-flip-voltage').fill('300');
  await expect(page.getByTestId('phase-flip-reach')).toHaveText(at300 ?? '');
  // A learned method chosen for it says to flip first; FBP does not.
  await page.getByTestId('method-select').selectOption('localnet');
  await expect(page.getByTestId('flip-first-hint')).toBeVisible();
  await page.getByTestId('method-select').selectOption('fbp');
  await expect(page.getByTestId('flip-first-hint')).toHaveCount(0);
  await page.getByTestId('method-select').selectOption('localnet');
  await page.getByTestId('phase-flip').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('ctf.mrc + ctf.tlt + ctf_CTF.txt, phase-flipped', { timeout: 60_000 });
  const flipped = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect([flipped.familyId, flipped.nTilts, flipped.phaseFlipUnavailable]).toEqual([dataset.familyId, 11, undefined]);
  // Its two axes (0.02 µm apart, defocus 1 at 15°) are flipped for too.
  expect(flipped.metadata).toContainEqual({ label: 'CTF correction', value: "phase flipped at each tilt's defocus and astigmatism (up to 0.02 µm) (300 kV, Cs 2.7 mm, Q 0.07; one defocus per tilt)", source: 'ctf_CTF.txt' });
  // The mean passes unchanged (the CTF is −Q there: ×1); past the first zero (about 1/24 Å at 3 µm, Nyquist 1/20 Å) the tilts change.
  expect(flipped.stats.mean).toBeCloseTo(dataset.stats.mean, 4);
  expect(flipped.stats.max).not.toBeCloseTo(dataset.stats.max, 4);
  // Export tilt series writes the flipped stack (flipped on the CPU pool's threads, handed back out of shared memory).
  const exported = await exportedSeries(page);
  expect(exported.angles).toEqual(angles);
  expect(exported.stack.data.reduce((sum, v) => sum + v, 0) / exported.stack.data.length).toBeCloseTo(flipped.stats.mean, 3);
  await expect(page.getByTestId('phase-flip')).toHaveCount(0);
  await expect(page.getByTestId('flip-first-hint')).toHaveCount(0);
  await page.getByTestId('method-select').selectOption('fbp');
  // A stack with no pixel size cannot be flipped: the button says why.
  const bare = readMrc(new Uint8Array(stack));
  const unscaled = Buffer.from(writeMrc({ nx: 48, ny: 48, nz: angles.length, data: bare.data, pixelSize: 0 }, { stack: true }));
  await page.getByTestId('file-input').setInputFiles([{ name: 'bare.mrc', mimeType: 'application/octet-stream', buffer: unscaled }, { name: 'bare.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) }, text('bare.defocus', '1 0 0. 0. 0 3\n1 11 -50 50 3000 3000 0\n')]);
  await expect(page.getByTestId('dataset-summary')).toContainText('bare.mrc', { timeout: 60_000 });
  await expect(page.getByTestId('phase-flip')).toBeDisabled();
  await expect(page.locator('.phase-flip .hint')).toHaveText('the pixel size is unknown');
  expect(pageErrors).toEqual([]);
});

test("a raw stack's astigmatism turns with its .xf: the preview gives the angle in the aligned tilt, and the flip corrects it", async () => {
  const stack = await simulatedStack(48, 48, angles);
  // Defocus 1 at 15° in the raw tilts; the .xf turns each raw tilt by 90° (and shifts it 5 pixels right).
  const estimate = ['# Output from CTFFind', ...angles.map((_, k) => `${k + 1} 30500 30300 15.0 0.0 0.1 20.0`)].join('\n');
  const turn = angles.map(() => '0.0 -1.0 1.0 0.0 5.0 0.0').join('\n');
  await page.getByTestId('file-input').setInputFiles([{ name: 'turned.st', mimeType: 'application/octet-stream', buffer: stack }, { name: 'turned.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) }, text('turned.xf', turn), text('turned_CTF.txt', estimate)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('turned.st + turned.tlt + turned.xf + turned_CTF.txt', { timeout: 60_000 });
  // 15° + 90° = 105°, the same axis as −75°.
  await expect(page.getByTestId('tilt-facts')).toHaveText(/^3\.04 µm under focus \(first CTF zero 2\d\.\d Å\), astigmatism 0\.02 µm at -75°$/);
  // Its Thon rings beside the estimate's, on request (this stack was simulated without a CTF: no agreement to expect).
  await page.getByTestId('thon-rings-toggle').check();
  await expect(page.getByTestId('thon-rings-canvas')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('thon-rings-score')).toHaveText(/^agreement -?\d\.\d\d from 1\/\d+ to 1\/22\.2 Å \(axes swapped: -?\d\.\d\d.*\); best within ±30 %: \d\.\d\d µm \(-?\d\.\d\d\)$/);
  expect(await page.getByTestId('thon-rings-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([32, 32]);
  await expect(page.getByTestId('thon-rings-profile').locator('polyline')).toHaveCount(2);
  // At the kV the flip's field gives: another wavelength, other rings, another agreement.
  const at300 = await page.getByTestId('thon-rings-score').textContent();
  await page.getByTestId('phase-flip-voltage').fill('200');
  await expect(page.getByTestId('thon-rings-score')).not.toHaveText(at300 ?? '');
  await page.getByTestId('phase-flip-voltage').fill('300');
  await expect(page.getByTestId('thon-rings-score')).toHaveText(at300 ?? '');
  await page.getByTestId('thon-rings-toggle').uncheck();
  await page.getByTestId('phase-flip').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('turned_CTF.txt, phase-flipped', { timeout: 60_000 });
  const flipped = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(flipped.metadata).toContainEqual({ label: 'CTF correction', value: "phase flipped at each tilt's defocus and astigmatism (up to 0.02 µm) (300 kV, Cs 2.7 mm, Q 0.07; one defocus per tilt)", source: 'turned_CTF.txt' });
  expect(pageErrors).toEqual([]);
});

test("a phase plate's shifts and the microscope CTFFIND names are read; kV, Cs and Q can be changed before the flip, which follows the form's inverted angles", async () => {
  const stack = await simulatedStack(48, 48, angles);
  // CTFFIND's own output: its header names the microscope (a Cs corrector: 0.01 mm), its 5th column the plate's shift in radians.
  const header = '# Pixel size: 2.0 Angstroms ; acceleration voltage: 300.0 keV ; spherical aberration: 0.01 mm ; amplitude contrast: 0.07';
  const estimate = [header, ...angles.map((_, k) => `${k + 1} 10000 10000 0.0 ${(0.3 + 0.02 * k).toFixed(2)} 0.1 20.0`)].join('\n');
  await page.getByTestId('file-input').setInputFiles([{ name: 'vpp.mrc', mimeType: 'application/octet-stream', buffer: stack }, { name: 'vpp.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) }, text('vpp_CTF.txt', estimate)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('vpp.mrc + vpp.tlt + vpp_CTF.txt', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(dataset.metadata).toContainEqual({ label: 'Defocus', value: '1.00 µm under focus; phase plate: 0.10–0.16 π added', source: 'vpp_CTF.txt' });
  expect(dataset.metadata).toContainEqual({ label: 'Cs, amplitude contrast', value: 'Cs 0.01 mm, Q 0.07', source: 'vpp_CTF.txt' });
  expect(dataset.phaseFlipMicroscope).toEqual({ voltage: 300, cs: 0.01, amplitudeContrast: 0.07 });
  // The fields start at the file's values; a Q no microscope has is refused before any work.
  await expect(page.getByTestId('phase-flip-voltage')).toHaveValue('300');
  await expect(page.getByTestId('phase-flip-cs')).toHaveValue('0.01');
  await expect(page.getByTestId('phase-flip-amplitudeContrast')).toHaveValue('0.07');
  await page.getByTestId('phase-flip-amplitudeContrast').fill('1.5');
  await expect(page.getByTestId('phase-flip')).toBeDisabled();
  await expect(page.locator('.phase-flip .hint')).toHaveText(/^an amplitude contrast of 1\.5: give a fraction from 0 to below 1/);
  await page.getByTestId('phase-flip-amplitudeContrast').fill('0.1');
  await page.getByTestId('phase-flip-voltage').fill('200');
  // Tilt angles inverted in the method form: the defocus gradient across each view follows them.
  await page.getByTestId('invert-angles').check();
  await page.getByTestId('phase-flip').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('vpp.mrc + vpp.tlt + vpp_CTF.txt, phase-flipped', { timeout: 60_000 });
  const flipped = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(flipped.metadata).toContainEqual({
    label: 'CTF correction',
    value: "phase flipped at each tilt's defocus and phase-plate shift (0.10–0.16 π) (200 kV, Cs 0.01 mm, Q 0.1; one defocus per tilt; the defocus gradient at the inverted tilt angles)",
    source: 'vpp_CTF.txt',
  });
  await page.getByTestId('invert-angles').uncheck();
  expect(pageErrors).toEqual([]);
});

test("FBP's CTF by depth: offered for a series with a CTF estimate, at the flip's fields' microscope, and labelled; in one depth slab it is the phase-flipped series' FBP; a series without an estimate says why not", async () => {
  const stack = await simulatedStack(48, 48, angles);
  const estimate = ['# Output from CTFFind', ...angles.map((_, k) => `${k + 1} 30000 30000 0.0 0.0 0.1 20.0`)].join('\n');
  await page.getByTestId('file-input').setInputFiles([{ name: 'deep.mrc', mimeType: 'application/octet-stream', buffer: stack }, { name: 'deep.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) }, text('deep_CTF.txt', estimate)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('deep.mrc + deep.tlt + deep_CTF.txt', { timeout: 60_000 });
  await page.getByTestId('method-select').selectOption('fbp');
  await setParams(page, { 'binning-input': '1', 'thickness-input': '16' });
  const box = page.getByTestId('ctf-by-depth-input');
  await expect(box).toBeEnabled();
  await box.check();
  await expect(page.getByTestId('ctf-by-depth-note')).toHaveText(": at 300 kV, Cs 2.7 mm, Q 0.07 (the phase flip's fields)");
  // The option follows the fields.
  await page.getByTestId('phase-flip-voltage').fill('200');
  await expect(page.getByTestId('ctf-by-depth-note')).toHaveText(": at 200 kV, Cs 2.7 mm, Q 0.07 (the phase flip's fields)");
  await page.getByTestId('phase-flip-voltage').fill('300');
  await expect(page.getByTestId('ctf-by-depth-note')).toContainText('300 kV');
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1, { timeout: 60_000 });
  const byDepth = await page.evaluate(() => window.wedgelab.results().at(-1)!);
  expect(byDepth.label).toContain('CTF flipped by depth (300 kV, Cs 2.7 mm, Q 0.07)');
  // At 10 Å pixels one slab holds 16 sections (up to 173), so it is the FBP of the phase-flipped series.
  await page.getByTestId('phase-flip').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('deep.mrc + deep.tlt + deep_CTF.txt, phase-flipped', { timeout: 60_000 });
  // Flipped, the series has nothing left to correct: the box is off, saying why.
  await expect(box).toBeDisabled();
  await expect(box).not.toBeChecked();
  await expect(page.getByTestId('ctf-by-depth-note')).toHaveText(': the series has no CTF estimate (drop one with its stack), or its tilts are phase flipped already');
  // A new data set starts at its own default thickness.
  await setParams(page, { 'thickness-input': '16' });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 2, { timeout: 60_000 });
  const flipped = await page.evaluate(() => window.wedgelab.results().at(-1)!);
  expect(flipped.label).toBe('FBP (cosine, thickness 16, bin 1, mean subtracted)');
  const [a, b] = [readMrc(await exportedMrc(page, byDepth.id)).data, readMrc(await exportedMrc(page, flipped.id)).data];
  const largest = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0) / largest).toBeLessThan(1e-5);
  // The demo has no CTF estimate.
  await page.getByTestId('dataset-select').selectOption({ index: 0 });
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo');
  await expect(page.getByTestId('ctf-by-depth-note')).toHaveText(/^: the series has no CTF estimate/);
  expect(pageErrors).toEqual([]);
});

test("CTF deconvolution of a result offers its series' mean defocus, refines it as the one-array filter does, is refused without a defocus, and says when the tilts were flipped", async () => {
  const datasets = await page.evaluate(() => window.wedgelab.datasets());
  const deep = datasets.find((d) => d.name === 'deep.mrc + deep.tlt + deep_CTF.txt')!;
  const flippedDeep = datasets.find((d) => d.name === 'deep.mrc + deep.tlt + deep_CTF.txt, phase-flipped')!;
  await page.getByTestId('dataset-select').selectOption(deep.id);
  const fbpId = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { thickness: 16, filter: { name: 'cosine' } } }));
  await page.getByTestId('refine-method-select').selectOption('deconv');
  // Without a defocus the run is refused, saying what to give; the results stay.
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('refine-button').click();
  await expect(page.getByTestId('error-message')).toContainText("CTF deconvolution needs the tilts' defocus");
  await page.getByTestId('error-dismiss').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before);
  // The series' estimate (3 µm at every tilt), offered and taken.
  await expect(page.getByTestId('deconv-defocus-hint')).toContainText("The series' CTF estimate: 3 µm on average");
  await page.getByTestId('deconv-defocus-use').click();
  await expect(page.getByTestId('deconv-defocus')).toHaveValue('3');
  await expect(page.getByTestId('deconv-defocus-hint')).toHaveCount(0);
  await page.getByTestId('refine-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1, { timeout: 60_000 });
  expect(await selectedResultLabel(page)).toBe('CTF deconvolution (3 µm, falloff 1, strength 1, high-pass 0.02) ← FBP (cosine, thickness 16, bin 1, mean subtracted)');
  const refined = await page.evaluate(() => window.wedgelab.results().at(-1)!);
  const [source, out] = [readMrc(await exportedMrc(page, fbpId)), readMrc(await exportedMrc(page, refined.id))];
  const { nx, ny, nz } = source.header;
  // The one-array filter (numpy's agrees with it: src/engine/methods/deconv/deconv.test.ts) on the exported FBP.
  const expected = deconvolveReference({ nx, ny, nz, data: source.data, pixelSize: source.pixelSize[0] }, { ...DECONV_DEFAULTS, defocus: 3 });
  const largest = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(out.data.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0) / largest).toBeLessThan(1e-5);
  // A result of the flipped series: no estimate left to offer, and the panel says its tilts were flipped.
  await page.getByTestId('dataset-select').selectOption(flippedDeep.id);
  await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { thickness: 16 } }));
  await expect(page.getByTestId('deconv-flipped-hint')).toHaveText(": this result's tilts were flipped");
  await expect(page.getByTestId('deconv-defocus-hint')).toHaveCount(0);
  await page.getByTestId('deconv-phase-flipped').check();
  await expect(page.getByTestId('deconv-flipped-hint')).toHaveCount(0);
  await page.getByTestId('deconv-phase-flipped').uncheck();
  expect(pageErrors).toEqual([]);
});
