/**
 * End-to-end: tomograms made elsewhere beside a tilt series (docs/loading.md#tomograms-made-elsewhere). A
 * simulation's folder dropped whole brings its ground truth in, written in IMOD's XZY layout and upside down, lined
 * up value for value with the simulator's volume and scored against; a series without one takes it from the metrics
 * tab, and its scores follow a new one; another program's binned tomogram is listed beside the results (in pieces),
 * the form set to its size; a volume that fits no tomogram of the series is one message naming it, and nothing
 * changes; with Invert tilt angles ticked a tomogram is lined up at the inverted angles; one reconstructed about
 * another centre is moved back, and IMOD's trimmed one put where the tilts have it; one made at another pixel size
 * is resampled onto the tilts' grid; a pipeline's tomogram that came with the series is offered, and added on
 * request, and its two half tomograms added together, the second lined up as the first, their FSC shown, also beside
 * the odd/even FSC and in its CSV (halves of two sizes: the second refused by one message); a folder
 * of simulations picked whole asks which subfolder. An OME-Zarr folder (zarr-python's, Blosc-compressed) is read as
 * an MRC file is, picked with "OME-Zarr…" (of several in the picked folder, the one named after the series; else they are
 * offered, or for a ground truth refused by one message) or offered when it came in a run folder with the series. (The orientation's numbers: src/engine/importedTomogram.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { atPixelSize, binnedXy, tomogramFile } from '../src/engine/importedTomogramFixture.ts';
import { simulateTiltSeries } from '../src/engine/sim/simulate.ts';
import type { Volume } from '../src/engine/types.ts';
import { readMrc, writeMrc } from '../src/io/mrc.ts';
import { tiltAngles, writeTlt } from './fixtures.ts';
import { downloadText, exportedMrc, shareDemoPage } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

const angles = tiltAngles(-60, 60, 6);
const simulation = simulateTiltSeries({ phantom: 'mixed', size: [48, 40, 12], tiltAngles: angles, snrDb: 10, seed: 3, pixelSize: 10 });
const mrcFile = (name: string, volume: Volume, stack = false) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(writeMrc(volume, { stack, labels: ['e2e fixture'] })) });
const seriesFiles = async (stem: string) => {
  const { tiltSeries } = await simulation;
  const stack = { nx: tiltSeries.nx, ny: tiltSeries.ny, nz: tiltSeries.nTilts, data: tiltSeries.data, pixelSize: 10 };
  return [mrcFile(`${stem}.mrc`, stack, true), { name: `${stem}.tlt`, mimeType: 'text/plain', buffer: writeTlt(angles) }];
};
const resultsOf = (datasetId: string) => page.evaluate((id) => window.wedgelab.results().filter((r) => r.datasetId === id), datasetId);
const openMetrics = async () => {
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-metrics').click();
};
const psnrOf = (resultId: string) => page.locator(`[data-testid=metrics-row][data-result-id="${resultId}"] [data-testid=metrics-psnr]`);

test("a simulation's folder dropped whole: its ground truth, written XZY and upside down, is lined up and scored against", async () => {
  const { groundTruth } = await simulation;
  const truthFile = tomogramFile(groundTruth, 'xzy', { x: false, y: false, z: true });
  await page.getByTestId('file-input').setInputFiles([...(await seriesFiles('tilt_series')), mrcFile('ground_truth.mrc', truthFile)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('tilt_series.mrc', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect([dataset.hasGroundTruth, dataset.warnings]).toEqual([true, []]);
  const [truth] = await resultsOf(dataset.id);
  expect([truth.method, truth.label, truth.nx, truth.ny, truth.nz, truth.imported?.binning]).toEqual(['ground-truth', 'Ground truth (ground_truth.mrc)', 48, 40, 12, 1]);
  await expect(page.getByTestId('imported-reading')).toContainText(/^read in XZY layout .* binning 1; z reversed to match the tilts \(correlation of its projections with the tilt at 0\.0° and with the change from -60\.0° to 60\.0°: 0\.[5-9]\d; next best orientation 0\.\d\d\); its content where the tilts put it \(within a tenth of a voxel\)$/);
  // Lined up value for value: the export is the simulator's own volume.
  expect(Array.from(readMrc(await exportedMrc(page, truth.id)).data)).toEqual(Array.from(groundTruth.data));
  // The form reconstructs at its size; FBP is scored against it.
  await expect(page.getByTestId('thickness-input')).toHaveValue('12');
  await expect(page.getByTestId('binning-input')).toHaveValue('1');
  const fbpId = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: {} }));
  await openMetrics();
  await expect(psnrOf(fbpId)).toHaveText(/^\d+\.\d+$/, { timeout: 60_000 });
  expect(pageErrors).toEqual([]);
});

test('a series without a ground truth takes one from the metrics tab, and its scores follow the new one', async () => {
  await page.getByTestId('file-input').setInputFiles(await seriesFiles('plain'));
  await expect(page.getByTestId('dataset-summary')).toContainText('plain.mrc', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const fbpId = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { thickness: 12, binning: 1 } }));
  await openMetrics();
  await expect(page.getByTestId('metrics-no-truth')).toBeVisible();
  const { groundTruth } = await simulation;
  await page.getByTestId('import-ground-truth-file').setInputFiles(mrcFile('truth_rotated.mrc', tomogramFile(groundTruth, 'xyz', { x: true, y: true, z: false })));
  await expect(psnrOf(fbpId)).toHaveText(/^\d+\.\d+$/, { timeout: 60_000 });
  const scored = Number(await psnrOf(fbpId).textContent());
  await expect(page.getByTestId('imported-reading')).toContainText('x, y reversed to match the tilts');

  // Deleted and another taken in its place (the volume with a stripe pattern added, which no reconstruction has):
  // the row is scored again against the new one. (Not a moved copy: that would be moved back as it is lined up.)
  const truthId = (await resultsOf(dataset.id)).find((r) => r.method === 'ground-truth')!.id;
  await page.locator(`[data-testid=result-item][data-result-id="${truthId}"] [data-testid=result-delete]`).click();
  await expect(page.getByTestId('metrics-no-truth')).toBeVisible();
  const range = Math.max(...groundTruth.data) - Math.min(...groundTruth.data);
  const striped = { ...groundTruth, data: groundTruth.data.map((v, i) => v + (i % 2 ? 0.25 : -0.25) * range) };
  await page.getByTestId('import-ground-truth-file').setInputFiles(mrcFile('striped.mrc', striped));
  await expect(psnrOf(fbpId)).toHaveText(/^\d+\.\d+$/, { timeout: 60_000 });
  expect(Number(await psnrOf(fbpId).textContent())).toBeLessThan(scored - 0.5);
  expect((await resultsOf(dataset.id)).filter((r) => r.method === 'ground-truth').map((r) => r.label)).toEqual(['Ground truth (striped.mrc)']);

  // A series made from it by leaving tilts out keeps its ground truth; once deleted, it has none (and is still made).
  const withTruth = await page.evaluate(() => window.wedgelab.leaveOutTilts([1]));
  expect((await resultsOf(withTruth)).map((r) => r.label)).toEqual(['Ground truth (striped.mrc)']);
  await page.getByTestId('dataset-select').selectOption(dataset.id);
  const stripedId = (await resultsOf(dataset.id)).find((r) => r.method === 'ground-truth')!.id;
  await page.locator(`[data-testid=result-item][data-result-id="${stripedId}"] [data-testid=result-delete]`).click();
  const without = await page.evaluate(() => window.wedgelab.leaveOutTilts([1]));
  expect([await resultsOf(without), (await page.evaluate(() => window.wedgelab.datasets())).find((d) => d.id === without)?.hasGroundTruth]).toEqual([[], false]);
});

test("another program's binned tomogram is listed beside the results with the form at its size; a volume that fits nothing is one message", async () => {
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const { groundTruth } = await simulation;
  // Read and kept in pieces of 5 rows, as a tomogram larger than one buffer is.
  await page.evaluate(() => window.wedgelab.setPieceBytes(24 * 12 * 4 * 5));
  const binned = binnedXy(groundTruth);
  await page.getByTestId('import-tomogram-file').setInputFiles(mrcFile('other_rec.mrc', tomogramFile(binned, 'xzy', { x: true, y: false, z: false })));
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain('other_rec.mrc');
  await page.evaluate(() => window.wedgelab.setPieceBytes(null));
  const other = (await resultsOf(dataset.id)).find((r) => r.label === 'other_rec.mrc')!;
  expect([other.method, other.nx, other.ny, other.nz, other.imported?.binning, other.pixelSize]).toEqual(['imported', 24, 20, 12, 2, 20]);
  await expect(page.getByTestId('imported-reading')).toContainText(/binning 2; x reversed to match the tilts/);
  await expect(page.getByTestId('binning-input')).toHaveValue('2');
  await expect(page.locator(`[data-testid=result-item][data-result-id="${other.id}"]`)).toContainText('from file');
  // Every XY section, across the pieces, is the binned volume's own.
  for (const z of [0, 5, 11]) {
    const slice = await page.evaluate(([id, k]) => window.wedgelab.slice(id, 'xy', k).then((s) => Array.from(s.data)), [other.id, z] as const);
    expect(slice).toEqual(Array.from(binned.data.subarray(24 * 20 * z, 24 * 20 * (z + 1))));
  }

  const before = await resultsOf(dataset.id);
  // Under half the tilts' width and height: not even a trimmed one.
  const cube = { nx: 20, ny: 20, nz: 20, data: new Float32Array(8000), pixelSize: 10 };
  await page.getByTestId('import-tomogram-file').setInputFiles(mrcFile('cube.mrc', cube));
  await expect(page.getByTestId('error-message')).toContainText('cube.mrc: 20 × 20 × 20 voxels fits no tomogram of these 48 × 40 tilts');
  await page.getByTestId('error-dismiss').click();
  // A stack of as many tilts as the series has, picked in place of its tomogram.
  const { tiltSeries } = await simulation;
  const tilts = dataset.tiltAngles.length;
  await page.getByTestId('import-tomogram-file').setInputFiles(mrcFile('TS_01.mrc', { nx: 48, ny: 40, nz: tilts, data: tiltSeries.data.subarray(0, 48 * 40 * tilts), pixelSize: 10 }, true));
  await expect(page.getByTestId('error-message')).toContainText(
    `TS_01.mrc: its header marks it a stack of images (MRC space group 0) and its ${tilts} sections are as many as the series has tilts: it looks like a tilt series, not a tomogram`,
  );
  await page.getByTestId('error-dismiss').click();
  expect(await resultsOf(dataset.id)).toEqual(before);
  expect(pageErrors).toEqual([]);
});

// An OME-Zarr folder as the cryoET Data Portal and mrc2omezarr write it (zarr-python 2: Blosc LZ4 chunks, OME-NGFF 0.4,
// voxel size in nm, two levels), of the volume x reversed: written by Debian's python3-zarr, which the suite needs.
const WRITE_ZARR = `
import sys, numpy as np, zarr
path, raw, nx, ny, nz = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
data = np.fromfile(raw, dtype='<f4').reshape(nz, ny, nx)
group = zarr.open_group(path, mode='w')
group.create_dataset('0', data=data, chunks=(8, 16, 16))
group.create_dataset('1', data=data[::2, ::2, ::2], chunks=(8, 16, 16))
axes = [dict(name=n, type='space', unit='nanometer') for n in 'zyx']
group.attrs['multiscales'] = [{'version': '0.4', 'axes': axes, 'datasets': [
    {'path': '0', 'coordinateTransformations': [{'type': 'scale', 'scale': [1.0, 1.0, 1.0]}]},
    {'path': '1', 'coordinateTransformations': [{'type': 'scale', 'scale': [2.0, 2.0, 2.0]}]}]}]
`;

test('an OME-Zarr folder (Blosc-compressed, in nm) is read, lined up and listed as an MRC file is; a folder that is not one is one message', async () => {
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const { groundTruth } = await simulation;
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-zarr-'));
  const flipped = tomogramFile(groundTruth, 'xyz', { x: true, y: false, z: false });
  writeFileSync(join(dir, 'volume.f32'), flipped.data);
  const run = spawnSync('/usr/bin/python3', ['-c', WRITE_ZARR, join(dir, 'picked', 'TS_07.zarr'), join(dir, 'volume.f32'), '48', '40', '12'], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  writeFileSync(join(dir, 'picked', 'notes.txt'), 'beside the Zarr folder');
  // A folder above the Zarr folder picked: the Zarr folder inside is the one read.
  await page.getByTestId('import-tomogram-zarr').setInputFiles(join(dir, 'picked'));
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain('TS_07.zarr');
  const imported = (await resultsOf(dataset.id)).find((r) => r.label === 'TS_07.zarr')!;
  expect([imported.nx, imported.ny, imported.nz, imported.pixelSize, imported.imported?.binning]).toEqual([48, 40, 12, 10, 1]);
  await expect(page.getByTestId('imported-reading')).toContainText('x reversed to match the tilts');
  await expect(page.getByTestId('imported-reading')).toContainText('the finest of its 2 levels ("0") is read');
  for (const z of [0, 11]) {
    const slice = await page.evaluate(([id, k]) => window.wedgelab.slice(id, 'xy', k).then((s) => Array.from(s.data)), [imported.id, z] as const);
    expect(slice).toEqual(Array.from(groundTruth.data.subarray(48 * 40 * z, 48 * 40 * (z + 1))));
  }
  const before = await resultsOf(dataset.id);
  mkdirSync(join(dir, 'stack'));
  writeFileSync(join(dir, 'stack', 'a.tlt'), '0\n');
  await page.getByTestId('import-tomogram-zarr').setInputFiles(join(dir, 'stack'));
  await expect(page.getByTestId('error-message')).toContainText('stack: not a Zarr folder (no .zgroup, .zattrs, .zarray or zarr.json at its top)');
  await page.getByTestId('error-dismiss').click();
  expect(await resultsOf(dataset.id)).toEqual(before);
  rmSync(dir, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});

test('a picked folder holding several OME-Zarr folders: the one named after the series is read; else a tomogram\'s are offered beside the results, and a ground truth\'s are one message naming them', async () => {
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const stem = dataset.name.split(/\s*\+\s*/)[0].replace(/\.[^.]+$/, '');
  const { groundTruth } = await simulation;
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-zarrs-'));
  writeFileSync(join(dir, 'volume.f32'), groundTruth.data);
  const writeZarr = (path: string) => expect(spawnSync('/usr/bin/python3', ['-c', WRITE_ZARR, join(dir, path), join(dir, 'volume.f32'), '48', '40', '12'], { encoding: 'utf8' }).stderr).toBe('');
  for (const path of ['named/other.zarr', `named/${stem}.ome.zarr`, 'runs/run_a.zarr', 'runs/run_b.zarr']) writeZarr(path);
  await page.getByTestId('import-tomogram-zarr').setInputFiles(join(dir, 'named'));
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain(`${stem}.ome.zarr`);
  expect((await resultsOf(dataset.id)).map((r) => r.label)).not.toContain('other.zarr');
  const before = await resultsOf(dataset.id);
  await page.getByTestId('import-ground-truth-zarr').setInputFiles(join(dir, 'runs'));
  await expect(page.getByTestId('error-message')).toContainText("runs holds 2 OME-Zarr folders (run_a.zarr, run_b.zarr), none named after the series: pick the ground truth's own folder");
  await page.getByTestId('error-dismiss').click();
  expect(await resultsOf(dataset.id)).toEqual(before);
  await page.getByTestId('import-tomogram-zarr').setInputFiles(join(dir, 'runs'));
  await expect(page.getByTestId('load-notice')).toContainText('runs holds 2 OME-Zarr folders (run_a.zarr, run_b.zarr): offered beside the results, to add the ones to compare');
  await expect(page.getByTestId('offered-tomograms')).toContainText(/run_a\.zarr \(OME-Zarr, [\d.]+ KiB\) is in runs/);
  await expect(page.getByTestId('offered-tomograms')).toContainText('run_b.zarr');
  expect(await resultsOf(dataset.id)).toEqual(before);
  for (const label of ['run_a.zarr', 'run_b.zarr']) {
    await page.getByTestId('offered-tomogram-add').first().click();
    await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain(label);
  }
  await expect(page.getByTestId('offered-tomograms')).toHaveCount(0);
  rmSync(dir, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});

test("a run folder picked whole (the series and its tomogram's OME-Zarr folder, as the cryoET Data Portal gives them): the series loads, the Zarr folder is offered and added on request", async () => {
  const { groundTruth } = await simulation;
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-run-'));
  const run = join(dir, 'TS_026');
  mkdirSync(join(run, 'TiltSeries'), { recursive: true });
  for (const file of await seriesFiles('TS_026')) writeFileSync(join(run, 'TiltSeries', file.name), file.buffer);
  writeFileSync(join(dir, 'volume.f32'), groundTruth.data);
  const written = spawnSync('/usr/bin/python3', ['-c', WRITE_ZARR, join(run, 'Tomograms', 'TS_026.zarr'), join(dir, 'volume.f32'), '48', '40', '12'], { encoding: 'utf8' });
  expect(written.stderr).toBe('');
  await page.getByTestId('folder-input').setInputFiles(run);
  await expect(page.getByTestId('dataset-summary')).toContainText('TS_026.mrc', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  // Its chunks and metadata are not the series' files: no warning names them.
  expect(dataset.warnings).toEqual([]);
  await expect(page.getByTestId('offered-tomograms')).toContainText(/TS_026\.zarr \(OME-Zarr, [\d.]+ KiB\) came with the series/);
  await page.getByTestId('offered-tomogram-add').click();
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain('TS_026.zarr');
  await expect(page.getByTestId('offered-tomograms')).toHaveCount(0);
  const imported = (await resultsOf(dataset.id)).find((r) => r.label === 'TS_026.zarr')!;
  const slice = await page.evaluate((id) => window.wedgelab.slice(id, 'xy', 5).then((s) => Array.from(s.data)), imported.id);
  expect(slice).toEqual(Array.from(groundTruth.data.subarray(48 * 40 * 5, 48 * 40 * 6)));
  rmSync(dir, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});

test('with Invert tilt angles ticked, a tomogram is lined up at the inverted angles, as the results made with them are', async () => {
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const { groundTruth } = await simulation;
  await page.getByTestId('invert-angles').check();
  await page.getByTestId('import-tomogram-file').setInputFiles(mrcFile('as_is.mrc', groundTruth));
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain('as_is.mrc');
  const imported = (await resultsOf(dataset.id)).find((r) => r.label === 'as_is.mrc')!;
  expect(imported.invertAngles).toBe(true);
  // Negating every angle mirrors the geometry in z: the file as it is now reads z reversed.
  await expect(page.getByTestId('imported-reading')).toContainText(/; z reversed to match the tilts .*; against the tilt angles inverted, as the form has them$/);
  const zReversed = tomogramFile(groundTruth, 'xyz', { x: false, y: false, z: true });
  for (const z of [0, 11]) {
    const slice = await page.evaluate(([id, k]) => window.wedgelab.slice(id, 'xy', k).then((s) => Array.from(s.data)), [imported.id, z] as const);
    expect(slice).toEqual(Array.from(zReversed.data.subarray(48 * 40 * z, 48 * 40 * (z + 1))));
  }
  await page.getByTestId('invert-angles').uncheck();
  expect(pageErrors).toEqual([]);
});

test('a tomogram reconstructed about another centre (thicker, its content 3 voxels up in z) is moved back to where the tilts put it', async () => {
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const { groundTruth } = await simulation;
  const section = 48 * 40;
  const thicker = { ...groundTruth, nz: 24, data: new Float32Array(section * 24) };
  thicker.data.set(groundTruth.data, section * 9);
  await page.getByTestId('import-tomogram-file').setInputFiles(mrcFile('shifted_rec.mrc', tomogramFile(thicker, 'xzy', { x: false, y: false, z: false })));
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain('shifted_rec.mrc');
  const imported = (await resultsOf(dataset.id)).find((r) => r.label === 'shifted_rec.mrc')!;
  await expect(page.getByTestId('imported-reading')).toContainText(/; its content sat off where the tilts put it by z (2\.9\d|3\.0\d) voxels: moved by z -3 \(by whole voxels, its mean filled in where it moved in\)$/);
  await expect(page.getByTestId('thickness-input')).toHaveValue('24');
  // Sections 6 … 17 hold the content now, as a 24-thick reconstruction of these tilts has it.
  for (const z of [0, 5, 11]) {
    const slice = await page.evaluate(([id, k]) => window.wedgelab.slice(id, 'xy', k).then((s) => Array.from(s.data)), [imported.id, z + 6] as const);
    expect(slice).toEqual(Array.from(groundTruth.data.subarray(section * z, section * (z + 1))));
  }
  expect(pageErrors).toEqual([]);
});

test("IMOD's trimmed tomogram (trimvol: cut down in x and y, turned to XYZ) is put where the tilts have it, its mean around it", async () => {
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const { groundTruth } = await simulation;
  // x 4 … 43 and y 3 … 36 of the 48 × 40, its y the other way; the pixel size (10 Å, the tilts') gives the binning.
  const [x0, y0, w, h] = [4, 3, 40, 34];
  const cut = { nx: w, ny: h, nz: 12, data: new Float32Array(w * h * 12), pixelSize: 10 };
  for (let z = 0; z < 12; z++) for (let y = 0; y < h; y++) cut.data.set(groundTruth.data.subarray(48 * (y0 + y + 40 * z) + x0, 48 * (y0 + y + 40 * z) + x0 + w), w * (y + h * z));
  await page.getByTestId('import-tomogram-file').setInputFiles(mrcFile('TS_rec.mrc', tomogramFile(cut, 'xyz', { x: false, y: true, z: false })));
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain('TS_rec.mrc');
  const imported = (await resultsOf(dataset.id)).find((r) => r.label === 'TS_rec.mrc')!;
  expect([imported.nx, imported.ny, imported.nz, imported.imported?.binning]).toEqual([48, 40, 12, 1]);
  await expect(page.getByTestId('imported-reading')).toContainText("; y reversed to match the tilts");
  await expect(page.getByTestId('imported-reading')).toContainText("its 40 × 34 cut down from the tilts' 48 × 40 (IMOD's trimvol), its binning from the pixel sizes: put at x 4, y 3 of theirs, its mean around it");
  const mean = cut.data.reduce((sum, v) => sum + v, 0) / cut.data.length;
  for (const z of [0, 6]) {
    const slice = await page.evaluate(([id, k]) => window.wedgelab.slice(id, 'xy', k).then((s) => Array.from(s.data)), [imported.id, z] as const);
    for (const [x, y] of [[4, 3], [20, 20], [43, 36]]) expect(slice[x + 48 * y]).toBe(groundTruth.data[x + 48 * (y + 40 * z)]);
    for (const [x, y] of [[0, 0], [3, 20], [44, 20], [20, 37]]) expect(slice[x + 48 * y]).toBeCloseTo(mean, 4);
  }
  expect(pageErrors).toEqual([]);
});

test('a tomogram made at another pixel size (Warp, RELION: 15 Å for 10 Å tilts) is resampled onto the tilts binned 2, the form at its size', async () => {
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const { groundTruth } = await simulation;
  const file = atPixelSize(groundTruth, 15);
  expect([file.nx, file.ny, file.nz]).toEqual([32, 27, 8]);
  await page.getByTestId('import-tomogram-file').setInputFiles(mrcFile('TS_01_15.00Apx.mrc', file));
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toContain('TS_01_15.00Apx.mrc');
  const imported = (await resultsOf(dataset.id)).find((r) => r.label === 'TS_01_15.00Apx.mrc')!;
  expect([imported.nx, imported.ny, imported.nz, imported.imported?.binning, imported.pixelSize]).toEqual([24, 20, 6, 2, 20]);
  await expect(page.getByTestId('imported-reading')).toContainText(
    "its 32 × 27 × 8 voxels of 15.00 Å, no whole binning of the tilts' 10.00 Å (as Warp, RELION and AreTomo may make them), resampled to their 10.00 Å × 2: 24 × 20 × 6 (Lanczos interpolation)",
  );
  await expect(page.getByTestId('binning-input')).toHaveValue('2');
  // The simulator's volume averaged 2 × 2 × 2, as the tilts binned 2 see it.
  const binned = new Float32Array(24 * 20 * 6);
  groundTruth.data.forEach((v, i) => {
    const [x, y, z] = [i % 48, Math.floor(i / 48) % 40, Math.floor(i / (48 * 40))];
    binned[(x >> 1) + 24 * ((y >> 1) + 20 * (z >> 1))] += v / 8;
  });
  const exported = readMrc(await exportedMrc(page, imported.id)).data;
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((sum, w) => sum + w, 0) / v.length;
  const [ma, mb] = [mean(exported), mean(binned)];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < binned.length; i++) [ab, aa, bb] = [ab + (exported[i] - ma) * (binned[i] - mb), aa + (exported[i] - ma) ** 2, bb + (binned[i] - mb) ** 2];
  expect(ab / Math.sqrt(aa * bb)).toBeGreaterThan(0.85);
  expect(pageErrors).toEqual([]);
});

test("a pipeline's tomogram that came with the series (AreTomo's _Vol) is offered beside the results, and added on request", async () => {
  const { groundTruth } = await simulation;
  const vol = tomogramFile(binnedXy(groundTruth), 'xzy', { x: false, y: false, z: false });
  await page.getByTestId('file-input').setInputFiles([...(await seriesFiles('TS_9')), mrcFile('TS_9_Vol.mrc', vol)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('TS_9.mrc', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  // Not read until asked: nothing beside the series yet.
  expect(await resultsOf(dataset.id)).toEqual([]);
  await expect(page.getByTestId('offered-tomograms')).toContainText(/^TS_9_Vol\.mrc \([\d.]+ KiB\) came with the series/);
  await page.getByTestId('offered-tomogram-add').click();
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => [r.label, r.imported?.binning])).toEqual([['TS_9_Vol.mrc', 2]]);
  await expect(page.getByTestId('offered-tomograms')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test("a pipeline's two half tomograms (AreTomo3's _EVN_Vol and _ODD_Vol) are offered as a pair, added together, the second lined up as the first, and their FSC shown", async () => {
  const { groundTruth } = await simulation;
  // The truth binned 2 (as the tilts at bin 2 see it) plus noise of its own in each half, in XZY with z reversed.
  let state = 7;
  const noise = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.2;
  const truth = binnedXy(groundTruth);
  const halves = [0, 1].map(() => ({ ...truth, data: truth.data.map((v) => v + noise()) }));
  const [even, odd] = halves.map((half) => tomogramFile(half, 'xzy', { x: false, y: false, z: true }));
  await page.getByTestId('file-input').setInputFiles([...(await seriesFiles('TS_8')), mrcFile('TS_8_EVN_Vol.mrc', even), mrcFile('TS_8_ODD_Vol.mrc', odd)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('TS_8.mrc', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  // Offered, not set aside, not read until asked.
  expect(dataset.warnings.join(' ')).not.toContain('_Vol');
  expect(await resultsOf(dataset.id)).toEqual([]);
  await expect(page.getByTestId('offered-tomograms')).toContainText(/TS_8_EVN_Vol\.mrc and TS_8_ODD_Vol\.mrc \([\d.]+ KiB each\), its half tomograms, came with the series/);
  await page.getByTestId('offered-halves-add').click();
  await expect.poll(async () => (await resultsOf(dataset.id)).map((r) => r.label)).toEqual(['TS_8_EVN_Vol.mrc', 'TS_8_ODD_Vol.mrc']);
  const [first, second] = await resultsOf(dataset.id);
  expect(first.imported?.reading).toMatch(/z reversed to match the tilts/);
  expect(second.imported?.reading).toMatch(/^turned and moved as TS_8_EVN_Vol\.mrc \(its other half\), which was lined up with the tilts; read in XZY layout .* z reversed/);
  // Turned back value for value: the odd half as it was made.
  expect(readMrc(await exportedMrc(page, second.id)).data).toEqual(halves[1].data);
  // The FSC tab, A and B the two halves, their FSC computed.
  await expect(page.getByTestId('fsc-resolution')).toBeVisible({ timeout: 30_000 });
  expect([await page.getByTestId('fsc-a').inputValue(), await page.getByTestId('fsc-b').inputValue()]).toEqual([first.id, second.id]);
  await expect(page.getByTestId('offered-tomograms')).toHaveCount(0);
  // WedgeLab's odd/even FSC of the series, the halves' curve drawn beside it.
  await page.getByTestId('compare-tab-oddeven').click();
  await page.getByTestId('method-select').selectOption('fbp');
  await page.getByTestId('oddeven-button').click();
  await expect(page.getByTestId('oddeven-plot').locator('path')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByTestId('oddeven-plot')).toContainText("pipeline's halves (TS_8_EVN_Vol.mrc vs TS_8_ODD_Vol.mrc)");
  await expect(page.getByTestId('oddeven-pipeline-halves')).toHaveText(/Å\)? \/ .*(Å|—)$/);
  // Its CSV holds both curves, the halves' on their own shells.
  const csv = (await downloadText(page, 'export-oddeven-csv')).text;
  expect(csv).toContain('# pipeline\'s halves: FSC of "TS_8_EVN_Vol.mrc" vs "TS_8_ODD_Vol.mrc"');
  expect(csv).toMatch(/\nshell,frequency_cycles_per_voxel,frequency_per_A,resolution_A,fsc_odd_even,pipeline_halves_frequency_per_A,pipeline_halves_fsc\n0,0,0,,[^,\n]+,0,1\n/);
  await page.getByTestId('compare-exit-slices').click();
  expect(pageErrors).toEqual([]);
});

test("half tomograms of two sizes: the second is refused by one message naming it and both sizes; the first stays added", async () => {
  const { groundTruth } = await simulation;
  const truth = binnedXy(groundTruth);
  const even = tomogramFile(truth, 'xzy', { x: false, y: false, z: false });
  const odd = { ...even, ny: even.ny - 2, data: even.data.slice(0, even.nx * (even.ny - 2) * even.nz) };
  await page.getByTestId('file-input').setInputFiles([...(await seriesFiles('TS_7')), mrcFile('TS_7_EVN_Vol.mrc', even), mrcFile('TS_7_ODD_Vol.mrc', odd)]);
  await expect(page.getByTestId('dataset-summary')).toContainText('TS_7.mrc', { timeout: 60_000 });
  const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  await page.getByTestId('offered-halves-add').click();
  await expect(page.getByTestId('error-message')).toContainText(
    "Could not use TS_7_ODD_Vol.mrc beside the results of TS_7.mrc + TS_7.tlt: TS_7_ODD_Vol.mrc (24×10×20 voxels of 20.00 Å) is not made as TS_7_EVN_Vol.mrc (24×12×20 of 20.00 Å): the two halves of a tomogram are the same size",
  );
  expect((await resultsOf(dataset.id)).map((r) => r.label)).toEqual(['TS_7_EVN_Vol.mrc']);
  await expect(page.getByTestId('offered-tomograms')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('a folder of simulations picked whole, their files named alike: the page asks which folder, and loads it with its ground truth, named after it', async () => {
  const { groundTruth, tiltSeries } = await simulation;
  const root = mkdtempSync(join(tmpdir(), 'wedgelab-sims-'));
  try {
    for (const [folder, scale] of [['s1', 1], ['s2', 2]] as const) {
      const dir = join(root, 'sims', folder);
      mkdirSync(dir, { recursive: true });
      const stack = { nx: tiltSeries.nx, ny: tiltSeries.ny, nz: tiltSeries.nTilts, data: tiltSeries.data.map((v) => scale * v), pixelSize: 10 };
      writeFileSync(join(dir, 'tilt_series.mrc'), writeMrc(stack, { stack: true }));
      writeFileSync(join(dir, 'tilt_series.tlt'), writeTlt(angles));
      writeFileSync(join(dir, 'ground_truth.mrc'), writeMrc({ ...groundTruth, data: groundTruth.data.map((v) => scale * v) }));
    }
    await page.getByTestId('folder-input').setInputFiles(join(root, 'sims'));
    await expect(page.getByTestId('series-choice')).toContainText('This drop holds 2 folders of a tilt series each');
    expect(await page.getByTestId('series-choice-select').locator('option').allTextContents()).toEqual(['sims/s1', 'sims/s2']);
    await page.getByTestId('series-choice-select').selectOption('sims/s2');
    await page.getByTestId('series-choice-load').click();
    await expect(page.getByTestId('dataset-summary')).toContainText('sims/s2/tilt_series.mrc', { timeout: 60_000 });
    const dataset = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
    expect([dataset.name, dataset.hasGroundTruth, dataset.warnings, dataset.stats.max]).toEqual(['sims/s2/tilt_series.mrc + tilt_series.tlt', true, [], expect.closeTo(2 * Math.max(...tiltSeries.data), 4)]);
    expect((await resultsOf(dataset.id)).map((r) => r.label)).toEqual(['Ground truth (ground_truth.mrc)']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  expect(pageErrors).toEqual([]);
});
