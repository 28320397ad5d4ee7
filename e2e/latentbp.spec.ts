/**
 * End-to-end: the latent back-projection network synthesises tilts in the page (onnxruntime-web in the engine
 * worker, the WGSL projector between its parts) and gives the numbers torch gave. The shipped model's fixture
 * (models/synth/lbp_small/fixture.json: a small series and torch's synthesis of it) is loaded as an MRC stack;
 * the page's tilts are compared through a linear map the test can recompute: the page's FBP (ram-lak) of the
 * extended series against the CPU reference FBP of the fixture's tilts followed by torch's.
 */
import { expect, test, type Page } from '@playwright/test';
import { readMrc, writeMrc } from '../src/io/mrc.ts';
import { fbpCpu } from '../src/engine/reference/filter.ts';
import { writeTlt } from './fixtures.ts';
import { setParams } from './helpers.ts';
import { readSynthFixture } from '../src/engine/methods/latentbp/synthFixture.ts';

const fixture = readSynthFixture('synth/lbp_small');
const pageErrors: string[] = [];
let page: Page;

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

test('the shipped network adds tilts in the page that match torch, marked as synthetic', async () => {
  const [nTilts, ny, nx] = fixture.shape;
  const stack = Buffer.from(writeMrc({ nx, ny, nz: nTilts, data: Float32Array.from(fixture.tilts), pixelSize: 1 }, { stack: true }));
  await page.getByTestId('file-input').setInputFiles([
    { name: 'fixture.mrc', mimeType: 'application/octet-stream', buffer: stack },
    { name: 'fixture.tlt', mimeType: 'text/plain', buffer: writeTlt(fixture.angles) },
  ]);
  await expect(page.getByTestId('dataset-size')).toHaveText(`${nx} × ${ny} × ${nTilts}`);
  await expect(page.getByTestId('dataset-summary')).toContainText('fixture.mrc');
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
  await page.getByTestId('synthesize-button').click();
  await expect(page.getByTestId('run-note')).toContainText(`${fixture.targets.length} tilts added`, { timeout: 120_000 });
  const added = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(added.tiltAngles).toEqual([...fixture.angles, ...fixture.targets]);
  expect(added.synthesized?.label).toMatch(/^Latent back-projection \(-63, 55\.5, 10°, lbp-small, C 16, wasm, thickness 10\)$/);
  await expect(page.getByTestId('dataset-synthesized')).toContainText(`the last ${fixture.targets.length} tilts: Latent back-projection`);

  const nz = 8;
  const id = await page.evaluate((thickness) => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness, filter: { name: 'ram-lak' }, subtractMean: false } }), nz);
  const got = readMrc(Uint8Array.from(await page.evaluate((resultId) => window.wedgelab.exportMrc(resultId).then((b) => Array.from(b)), id))).data;
  const extended = { nx, ny, nTilts: nTilts + fixture.targets.length, data: Float32Array.from([...fixture.tilts, ...fixture.out]), tiltAngles: [...fixture.angles, ...fixture.targets], pixelSize: 1 };
  const reference = fbpCpu(extended, { name: 'ram-lak' }, nz).data;
  let worst = 0;
  let scale = 0;
  reference.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(got[i] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  expect(worst / scale).toBeLessThan(1e-4);
  expect(pageErrors).toEqual([]);
});
