/**
 * End-to-end: the latent back-projection network synthesises tilts in the page (onnxruntime-web in the engine
 * worker, the WGSL projector between its parts) and gives the numbers torch gave. The shipped model's fixture
 * (models/synth/lbp_small/fixture.json: a small series and torch's synthesis of it) is loaded as an MRC stack;
 * the page's tilts are compared through a linear map the test can recompute: the page's FBP (ram-lak) of the
 * extended series against the CPU reference FBP of the fixture's tilts followed by torch's.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { readMrc, writeMrc } from '../src/io/mrc.ts';
import { fbpCpu } from '../src/engine/reference/filter.ts';
import { writeTlt } from './fixtures.ts';
import { exportedMrc, setParams } from './helpers.ts';
import { readSynthFixture } from '../src/engine/methods/latentbp/synthFixture.ts';

const fixture = readSynthFixture('synth/lbp_small');
const pageErrors: string[] = [];
let page: Page;
/** The fixture's data set, as loaded. */
let fixtureId = '';

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto('/');
  // The demo loads at start: wait for it, so that the fixture loaded next stays the selected data set.
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
});

test.afterAll(async () => {
  await page.close();
});

/** Relative error of the page's FBP (ram-lak) of the selected, extended series against the CPU reference FBP of the fixture's tilts plus torch's; the result's id. */
async function extendedFbpError(): Promise<{ error: number; id: string }> {
  const [nTilts, ny, nx] = fixture.shape;
  const nz = 8;
  const id = await page.evaluate((thickness) => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness, filter: { name: 'ram-lak' }, subtractMean: false } }), nz);
  const got = await resultData(id);
  const extended = { nx, ny, nTilts: nTilts + fixture.targets.length, data: Float32Array.from([...fixture.tilts, ...fixture.out]), tiltAngles: [...fixture.angles, ...fixture.targets], pixelSize: 1 };
  const reference = fbpCpu(extended, { name: 'ram-lak' }, nz).data;
  let worst = 0;
  let scale = 0;
  reference.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(got[i] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return { error: worst / scale, id };
}

/** A result's voxels, as its MRC download holds them. */
async function resultData(id: string): Promise<Float32Array> {
  return readMrc(await exportedMrc(page, id)).data;
}

test('the shipped network adds tilts in the page that match torch, marked as synthetic', async () => {
  const [nTilts, ny, nx] = fixture.shape;
  const stack = Buffer.from(writeMrc({ nx, ny, nz: nTilts, data: Float32Array.from(fixture.tilts), pixelSize: 1 }, { stack: true }));
  await page.getByTestId('file-input').setInputFiles([
    { name: 'fixture.mrc', mimeType: 'application/octet-stream', buffer: stack },
    { name: 'fixture.tlt', mimeType: 'text/plain', buffer: writeTlt(fixture.angles) },
  ]);
  await expect(page.getByTestId('dataset-size')).toHaveText(`${nx} × ${ny} × ${nTilts}`);
  await expect(page.getByTestId('dataset-summary')).toContainText('fixture.mrc');
  fixtureId = await page.evaluate(() => window.wedgelab.datasets().at(-1)!.id);
  await page.getByTestId('synthesize-method-select').selectOption('latentbp');
  // The presets read the series' angles (−40…40° at 20°): extended to ±80° at its step; it has no gap to fill.
  await setParams(page, { 'extend-limit-input': '80' });
  await page.getByTestId('extend-angles-button').click();
  await expect(page.getByTestId('add-angles-input')).toHaveValue('±60, ±80');
  await page.getByTestId('fill-gaps-button').click();
  await expect(page.getByTestId('error-message')).toContainText("Angles to add: no gap wider than 1.5 × the series' 20° step");
  await page.getByTestId('error-dismiss').click();
  await page.getByTestId('add-angles-input').fill(fixture.targets.join(', '));
  await page.getByTestId('add-angles-input').blur();
  await setParams(page, { 'latentbp-thickness-input': String(fixture.thickness) });
  // As trained, as torch ran it ('auto' would follow the fixture's own contrast).
  await expect(page.getByTestId('latentbp-contrast-select')).toHaveValue('auto');
  await page.getByTestId('latentbp-contrast-select').selectOption('dense-bright');
  await page.getByTestId('synthesize-button').click();
  await expect(page.getByTestId('run-note')).toContainText(`${fixture.targets.length} tilts added`, { timeout: 120_000 });
  const added = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(added.tiltAngles).toEqual([...fixture.angles, ...fixture.targets]);
  expect(added.synthesized?.label).toMatch(/^Latent back-projection \(-63, 55\.5, 10°, lbp-small, C 16, wasm, contrast dense bright, thickness 10\)$/);
  await expect(page.getByTestId('dataset-synthesized')).toContainText(`the last ${fixture.targets.length} tilts: Latent back-projection`);

  expect((await extendedFbpError()).error).toBeLessThan(1e-4);
  expect(pageErrors).toEqual([]);
});

test('your own models from files: the shipped files added as yours give the same numbers; a wrong model is refused naming the file', async () => {
  // Tilt synthesis: the shipped model's folder, picked as a folder (named after it), run on the fixture again.
  await page.getByTestId('dataset-select').selectOption(fixtureId);
  await page.getByTestId('latentbp-model-file').setInputFiles('models/synth/lbp_small');
  await expect(page.getByTestId('latentbp-model-select')).toHaveValue('lbp_small');
  await expect(page.getByTestId('latentbp-model-summary')).toHaveText('C = 16 latent channels at 1/4 size, 64 k parameters, from your files (255 KiB)');
  // A second folder of the same name is kept beside the first, numbered; the first stays listed and is run below.
  await page.getByTestId('latentbp-model-file').setInputFiles('models/synth/lbp_small');
  await expect(page.getByTestId('latentbp-model-select')).toHaveValue('lbp_small-2');
  const listed = await page.getByTestId('latentbp-model-select').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(listed).toEqual(['lbp-small', 'lbp_small', 'lbp_small-2']);
  await page.getByTestId('latentbp-model-select').selectOption('lbp_small');
  const datasets = await page.evaluate(() => window.wedgelab.datasets().length);
  await page.getByTestId('synthesize-button').click();
  await expect.poll(() => page.evaluate(() => window.wedgelab.datasets().length), { timeout: 120_000 }).toBe(datasets + 1);
  const added = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(added.synthesized?.label).toBe('Latent back-projection (-63, 55.5, 10°, lbp_small, C 16, wasm, contrast dense bright, thickness 10)');
  const { error, id: fbpId } = await extendedFbpError();
  expect(error).toBeLessThan(1e-4);

  // Refinement: a tilt-synthesis part given as a U-Net is refused, naming it; the shipped IsoNet-style file and card as yours.
  await page.getByTestId('refine-method-select').selectOption('isonet');
  const card = { name: 'card.json', mimeType: 'application/json', buffer: readFileSync('models/refine/isonet_sim/card.json') };
  await page.getByTestId('isonet-model-file').setInputFiles([{ name: 'encoder.onnx', mimeType: 'application/octet-stream', buffer: readFileSync('models/synth/lbp_small/encoder.onnx') }, card]);
  await expect(page.getByTestId('error-message')).toContainText('Could not use encoder.onnx, card.json as a refinement model: encoder.onnx: a refinement model takes one input "cube"');
  await page.getByTestId('error-dismiss').click();
  await page.getByTestId('isonet-model-file').setInputFiles(['models/refine/isonet_sim/model.onnx', 'models/refine/isonet_sim/card.json']);
  await expect(page.getByTestId('isonet-model-select')).toHaveValue('model.onnx');
  await expect(page.getByTestId('isonet-model-summary')).toHaveText('isonet objective, 88 k parameters, from your files (349 KiB)');
  const results = await page.evaluate(() => window.wedgelab.results().length);
  await page.getByTestId('refine-button').click();
  await expect.poll(() => page.evaluate(() => window.wedgelab.results().length), { timeout: 120_000 }).toBe(results + 1);
  const yours = await page.evaluate(() => window.wedgelab.results().at(-1)!);
  expect(yours.label).toMatch(/^IsoNet-style \(model\.onnx, 16 × 12 × 8 cubes, overlap 12, wasm, contrast unclear in the series, run as trained \(dense bright\)\) ← FBP/);
  // The same bytes as the shipped model: the same voxels, exactly.
  const shipped = await page.evaluate((source) => window.wedgelab.refine(source, { method: 'isonet', params: { model: 'isonet-sim' } }), fbpId);
  const [a, b] = [await resultData(yours.id), await resultData(shipped)];
  expect(a.length).toBe(16 * 12 * 8);
  expect(a).toEqual(b);
  expect(pageErrors).toEqual([]);
});
