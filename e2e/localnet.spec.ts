/**
 * End-to-end: the local network (pretrained CryoLithe-layout models from models/localnet, bundled by Vite) on
 * the demo, in chromium with WebGPU on SwiftShader: patches cut by WGSL, the model on onnxruntime-web's wasm
 * backend (the software adapter's choice), the wavelet variant's inverse transform on the GPU. One page.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { simulatedStack, tiltAngles, writeTlt } from './fixtures.ts';
import { expectSlicesDrawn, shareDemoPage, selectedResultLabel, setParams } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;

const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

test('the voxel model runs from the method panel and gives a result like any other', async () => {
  await page.getByTestId('method-select').selectOption('localnet');
  await expect(page.getByTestId('run-button')).toHaveText('Reconstruct (Local network)');
  // The page starts on the wavelet model (fewer model calls) with the FSC-weighted hand-over and its smoothing
  // (docs/localnet.md); the voxel model alone is a choice and a click away.
  await expect(page.getByTestId('localnet-model-select')).toHaveValue('broad96-p11-wavelet');
  await expect(page.getByTestId('localnet-fbp-fsc')).toBeChecked();
  await expect(page.getByTestId('localnet-fsc-sigma-input')).toHaveValue('0.75');
  await expect(page.getByTestId('localnet-handover-warning')).toHaveCount(0);
  await page.getByTestId('localnet-model-select').selectOption('broad-p11');
  await page.getByTestId('localnet-fbp-fsc').uncheck();
  // 128 × 128 × 32 on SwiftShader, binned 4: 32 × 32 × 8 voxels, one model call each.
  await setParams(page, { 'binning-input': '4', 'thickness-input': '8' });
  await expect(page.getByTestId('localnet-calls')).toContainText('8,192 model calls, 41 patches each');
  await expect(page.getByTestId('localnet-calls')).toContainText('Software WebGPU adapter');
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done', { timeout: 120_000 });
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  await expect(page.getByTestId('result-item').last()).toContainText('32 × 32 × 8');
  expect(await selectedResultLabel(page)).toMatch(/Local network \(broad-p11, P 11, voxel, wasm/);
  await expect(page.getByTestId('result-details')).toContainText('broad-p11, thickness 8, bin 4');
  await expectSlicesDrawn(page);
  expect(pageErrors).toEqual([]);
});

test('the FSC-weighted hand-over to FBP is one checkbox with its smoothing, and the label names both with the scale factor', async () => {
  await setParams(page, { 'localnet-fbp-below-input': '0.15' });
  await expect(page.getByTestId('localnet-fsc-sigma-input')).toBeDisabled();
  await page.getByTestId('localnet-fbp-fsc').check();
  // It replaces "FBP below": the number is set back to 0 and locked while the box is ticked.
  await expect(page.getByTestId('localnet-fbp-below-input')).toBeDisabled();
  await expect(page.getByTestId('localnet-fbp-below-input')).toHaveValue('0');
  // …and opens the smoothing with the σ scored in docs/localnet.md.
  await expect(page.getByTestId('localnet-fsc-sigma-input')).toBeEnabled();
  await expect(page.getByTestId('localnet-fsc-sigma-input')).toHaveValue('0.75');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done', { timeout: 120_000 });
  expect(await selectedResultLabel(page)).toMatch(/Local network \(broad-p11, P 11, voxel, wasm, .*FBP by odd\/even FSC \(×\d.*\), σ 0\.75 where the FSC is low/);
  // The smoothing takes its weights from the hand-over: without it, σ goes back to 0 and is locked.
  await page.getByTestId('localnet-fbp-fsc').uncheck();
  await expect(page.getByTestId('localnet-fbp-below-input')).toBeEnabled();
  await expect(page.getByTestId('localnet-fsc-sigma-input')).toBeDisabled();
  await expect(page.getByTestId('localnet-fsc-sigma-input')).toHaveValue('0');
  expect(pageErrors).toEqual([]);
});

test("the page's wavelet model beats FBP against the ground truth at full size", async () => {
  await page.getByTestId('localnet-model-select').selectOption('broad96-p11-wavelet');
  await setParams(page, { 'binning-input': '1', 'thickness-input': '32' });
  // The bior3.1 half grid of 128 × 128 × 32: 65 × 65 × 17 points, 8 sub-bands each.
  await expect(page.getByTestId('localnet-calls')).toContainText('71,825 model calls');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done', { timeout: 300_000 });
  expect(await selectedResultLabel(page)).toMatch(/Local network \(broad96-p11-wavelet, P 11, wavelet, wasm/);
  await expectSlicesDrawn(page);
  const fbpId = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: 32, filter: { name: 'cosine' } } }));

  const localnetId = await page.evaluate(() => window.wedgelab.results().find((r) => r.label.includes('broad96-p11-wavelet'))?.id ?? '');
  for (const id of [localnetId, fbpId]) await page.locator(`[data-testid=result-item][data-result-id="${id}"] [data-testid=compare-check]`).check();
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-metrics').click();
  const psnr = async (id: string) => Number(await page.locator(`[data-testid=metrics-row][data-result-id="${id}"] [data-testid=metrics-psnr]`).textContent());
  await expect(page.locator(`[data-testid=metrics-row][data-result-id="${localnetId}"] [data-testid=metrics-psnr]`)).toHaveText(/\d/, { timeout: 60_000 });
  await expect(page.locator(`[data-testid=metrics-row][data-result-id="${fbpId}"] [data-testid=metrics-psnr]`)).toHaveText(/\d/, { timeout: 60_000 });
  expect(await psnr(localnetId)).toBeGreaterThan((await psnr(fbpId)) + 1);
  await page.getByTestId('compare-exit-slices').click();
  expect(pageErrors).toEqual([]);
});

test('a model file of the same interface (a converted CryoLithe network) can be added and run, as its odd part or as trained; a bad file is refused by name', async () => {
  // The shipped models are odd: running one "as trained" would change nothing.
  await expect(page.getByTestId('localnet-as-trained')).toBeDisabled();
  await page.getByTestId('localnet-model-file').setInputFiles({ name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
  await expect(page.getByTestId('error-message')).toContainText('Could not use broken.onnx as a local model');
  await expect(page.getByTestId('localnet-model-select')).toHaveValue('broad96-p11-wavelet');
  await page.getByTestId('error-dismiss').click();

  // models/localnet/cryolithe/convert.py's output for a random network of the published wavelet layout.
  const converted = readFileSync(fileURLToPath(new URL('../models/localnet/cryolithe/fixture/wavelet.onnx', import.meta.url)));
  await page.getByTestId('localnet-model-file').setInputFiles({ name: 'cryolithe-converted.onnx', mimeType: 'application/octet-stream', buffer: converted });
  await expect(page.getByTestId('localnet-model-select')).toHaveValue('cryolithe-converted.onnx');
  await expect(page.getByTestId('localnet-model-summary')).toContainText("wavelet variant, 5 × 5 patches, from your file (");
  await expect(page.getByTestId('localnet-model-summary')).toContainText('not odd: run as its odd part, unless run as trained');
  await setParams(page, { 'binning-input': '4', 'thickness-input': '8' });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done', { timeout: 120_000 });
  expect(await selectedResultLabel(page)).toMatch(/Local network \(cryolithe-converted\.onnx, P 5, wavelet, wasm, run as its odd part,/);
  await page.getByTestId('localnet-as-trained').check();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done', { timeout: 120_000 });
  expect(await selectedResultLabel(page)).toMatch(/Local network \(cryolithe-converted\.onnx, P 5, wavelet, wasm, not odd, run as trained,/);
  // A shipped (odd) model shows the box unticked and closed; the converted one gets its choice back.
  await page.getByTestId('localnet-model-select').selectOption('broad96-p11-wavelet');
  await expect(page.getByTestId('localnet-as-trained')).toBeDisabled();
  await expect(page.getByTestId('localnet-as-trained')).not.toBeChecked();
  await page.getByTestId('localnet-model-select').selectOption('cryolithe-converted.onnx');
  await expect(page.getByTestId('localnet-as-trained')).toBeChecked();
  await page.getByTestId('localnet-as-trained').uncheck();
  expect(pageErrors).toEqual([]);
});

test('a hand-over the run could not finish is said beside the form, and the run is refused before any work', async () => {
  // Five tilts: too few for the FSC-weighted hand-over's two halves of three.
  const angles = tiltAngles(-60, 60, 30);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'five.mrc', mimeType: 'application/octet-stream', buffer: await simulatedStack(32, 32, angles) },
    { name: 'five.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('five.mrc');
  await page.getByTestId('method-select').selectOption('localnet');
  await expect(page.getByTestId('localnet-handover-warning')).toHaveCount(0);
  await page.getByTestId('localnet-fbp-fsc').check();
  const problem = 'FSC-weighted hand-over to FBP needs at least 6 tilts (this series has 5)';
  await expect(page.getByTestId('localnet-handover-warning')).toHaveText(`${problem}.`);
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('error-message')).toContainText(problem);
  await expect(page.getByTestId('result-item')).toHaveCount(before);
  await page.getByTestId('error-dismiss').click();
  // The fixed-frequency hand-over needs no halves.
  await page.getByTestId('localnet-fbp-fsc').uncheck();
  await setParams(page, { 'localnet-fbp-below-input': '0.15' });
  await expect(page.getByTestId('localnet-handover-warning')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
