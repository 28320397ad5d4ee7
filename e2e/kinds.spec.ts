/**
 * End-to-end: the kinds of method besides reconstruction, from the page. A refinement makes a new result named
 * after both, whose voxels are the CPU reference's smoothing of its source, or, for the IsoNet-style U-Net, a
 * run of the same shipped model in this test's own onnxruntime-web; a tilt synthesis makes a new data set with
 * the tilts appended, which keeps the ground truth and reconstructs like any other. Both the refined result and
 * the reconstruction of the synthesised series get a trust verdict from the page's Trust vs FBP.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { readMrc } from '../src/io/mrc.ts';
import { SHIPPED_CHOICES } from '../src/engine/methods/modelChoice.ts';
import { gaussianSmoothCpu } from '../src/engine/reference/gaussian.ts';
import type { UnetRefineParams } from '../src/engine/methods/unetrefine/base.ts';
import { RefineModel } from '../src/engine/methods/unetrefine/model.ts';
import { refineWithModel } from '../src/engine/methods/unetrefine/run.ts';
import { wholeVolume } from '../src/io/piecedVolume.ts';
import { simulatedStack, tiltAngles, writeTlt } from './fixtures.ts';
import { expectSlicesDrawn, shareDemoPage, selectedResultLabel, setParams } from './helpers.ts';

let page: Page;

const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

async function exported(id: string) {
  const bytes = await page.evaluate((resultId) => window.wedgelab.exportMrc(resultId).then((b) => Array.from(b)), id);
  return readMrc(Uint8Array.from(bytes));
}

test('Gaussian smoothing refines the selected FBP result into a new result named after both', async () => {
  const fbpId = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 4, thickness: 8, filter: { name: 'cosine' } } }));
  await expect(page.getByTestId('refine-button')).toBeEnabled();
  await page.getByTestId('refine-method-select').selectOption('gaussian');
  await setParams(page, { 'sigma-input': '1.5' });
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('refine-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done');
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  expect(await selectedResultLabel(page)).toBe('Gaussian smoothing (σ 1.5 voxels) ← FBP (cosine, thickness 8, bin 4)');
  await expect(page.getByTestId('result-details')).toContainText('σ 1.5 voxels');
  await expectSlicesDrawn(page);

  const [result] = await page.evaluate(() => window.wedgelab.results().filter((r) => r.method === 'gaussian'));
  expect(result).toMatchObject({ sourceId: fbpId, params: { sigma: 1.5 }, invertAngles: false });
  const source = await exported(fbpId);
  const smoothed = await exported(result.id);
  const [nx, ny, nz] = [source.header.nx, source.header.ny, source.header.nz];
  const reference = gaussianSmoothCpu({ nx, ny, nz, data: source.data, pixelSize: 0 }, 1.5).data;
  let worst = 0;
  let scale = 0;
  reference.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(smoothed.data[i] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  expect(worst / scale).toBeLessThan(1e-6);
  expect(pageErrors).toEqual([]);
});

test('the IsoNet-style U-Net refines an FBP result in the page into the same voxels as the engine run here', async () => {
  // Binned 4: 32 × 32 × 8, cut into 16 × 16 × 8 cubes overlapping by 4 (3 × 3 of them), so the blend is exercised;
  // the page cuts and blends with the GPU kernels, the reference below with cubes.ts. The label names the real cubes.
  const fbpId = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 4, thickness: 8, filter: { name: 'cosine' } } }));
  await page.getByTestId('refine-method-select').selectOption('isonet');
  await expect(page.getByTestId('isonet-model-select')).toHaveValue('isonet-sim');
  await setParams(page, { 'isonet-cube-input': '16', 'isonet-overlap-input': '4' });
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('refine-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done');
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  // 'auto' contrast: the demo's series reads dense bright, the models' own convention, so the model runs as given;
  // the data panel and the form say so before the run.
  await expect(page.getByTestId('isonet-contrast-select')).toHaveValue('auto');
  await expect(page.getByTestId('dataset-contrast')).toHaveText(/^dense bright \(skewness \d/);
  await expect(page.getByTestId('isonet-contrast-hint')).toHaveText('This series reads dense bright: auto runs the network as trained.');
  expect(await selectedResultLabel(page)).toBe('IsoNet-style (isonet-sim, 16 × 16 × 8 cubes, overlap 4, wasm, contrast dense bright (from the series)) ← FBP (cosine, thickness 8, bin 4)');
  await expectSlicesDrawn(page);

  const [result] = await page.evaluate(() => window.wedgelab.results().filter((r) => r.method === 'isonet'));
  expect(result).toMatchObject({ sourceId: fbpId, params: { model: 'isonet-sim', cube: 16, overlap: 4 } });
  const source = await exported(fbpId);
  const refined = await exported(result.id);
  const [nx, ny, nz] = [source.header.nx, source.header.ny, source.header.nz];
  expect([nx, ny, nz]).toEqual([32, 32, 8]);
  const bytes = readFileSync(fileURLToPath(new URL('../models/refine/isonet_sim/model.onnx', import.meta.url)));
  const model = await RefineModel.open(null, bytes, { backend: 'wasm' });
  const sourceVolume = { nx, ny, nz, data: source.data, pixelSize: 0 };
  let reference: Float32Array;
  let negatedReference: Float32Array;
  try {
    reference = wholeVolume((await refineWithModel(model, sourceVolume, result.params as UnetRefineParams, 'IsoNet-style')).volume, 'test').data;
    negatedReference = wholeVolume((await refineWithModel(model, sourceVolume, result.params as UnetRefineParams, 'IsoNet-style', { sign: -1 })).volume, 'test').data;
  } finally {
    await model.release();
  }
  let worst = 0;
  let scale = 0;
  let change = 0;
  reference.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(refined.data[i] - v));
    scale = Math.max(scale, Math.abs(v));
    change = Math.max(change, Math.abs(source.data[i] - v));
  });
  expect(worst / scale).toBeLessThan(1e-5);
  // The model changed its input: equal to the reference is not equal to the FBP.
  expect(change / scale).toBeGreaterThan(1e-2);

  // Told the tomogram is dense dark, the page runs the model on it negated and negates the output back.
  await page.locator(`[data-result-id="${fbpId}"]`).click();
  await page.getByTestId('isonet-contrast-select').selectOption('dense-dark');
  await expect(page.getByTestId('isonet-contrast-hint')).toHaveCount(0);
  await page.getByTestId('refine-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 2);
  expect(await selectedResultLabel(page)).toBe('IsoNet-style (isonet-sim, 16 × 16 × 8 cubes, overlap 4, wasm, contrast dense dark, run negated) ← FBP (cosine, thickness 8, bin 4)');
  const negatedId = await page.evaluate(() => window.wedgelab.results().filter((r) => r.method === 'isonet').at(-1)!.id);
  const negated = await exported(negatedId);
  let negatedWorst = 0;
  negatedReference.forEach((v, i) => (negatedWorst = Math.max(negatedWorst, Math.abs(negated.data[i] - v))));
  expect(negatedWorst / scale).toBeLessThan(1e-5);
  // The input smoothed first: the label says so (the voxels are the two steps', contrast.test.ts).
  await page.getByTestId('isonet-contrast-select').selectOption('auto');
  await page.locator(`[data-result-id="${fbpId}"]`).click();
  await setParams(page, { 'isonet-input-sigma-input': '1' });
  await page.getByTestId('refine-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 3);
  expect(await selectedResultLabel(page)).toBe('IsoNet-style (isonet-sim, 16 × 16 × 8 cubes, overlap 4, wasm, contrast dense bright (from the series), input smoothed σ 1) ← FBP (cosine, thickness 8, bin 4)');
  await setParams(page, { 'isonet-input-sigma-input': '0' });
  await page.locator(`[data-result-id="${result.id}"]`).click();

  // Its trust score runs FBP and the refinement again without the held-out tilts.
  await page.getByTestId('trust-button').click();
  await expect(page.getByTestId('trust-verdict')).toHaveText(/^(better than|same as|worse than) FBP on your data$/, { timeout: 170_000 });
  const scored = await page.evaluate((id) => window.wedgelab.results().find((r) => r.id === id)!.trust!, result.id);
  expect(scored.label).toBe('IsoNet-style (isonet-sim, 16 × 16 × 8 cubes, overlap 4, wasm, contrast dense bright (from the series)) ← FBP (cosine, thickness 8, bin 4)');
  expect(scored.fbpLabel).toBe('FBP (ram-lak, thickness 8, bin 4)');
  await expect(page.getByTestId('result-item').filter({ hasText: 'IsoNet-style' }).getByTestId('trust-badge')).toHaveText(/^(better than|same as|worse than) FBP$/);
  expect(pageErrors).toEqual([]);
});

test('a script naming an unknown method, or one of another kind, is refused: nothing else runs', async () => {
  const count = await page.evaluate(() => window.wedgelab.results().length);
  const refused = await page.evaluate(async () => {
    const attempt = (run: () => Promise<string>) => run().then(() => 'ran', (e: Error) => e.message);
    return [
      await attempt(() => window.wedgelab.run({ method: 'nope' } as never)),
      await attempt(() => window.wedgelab.run({ method: 'gaussian' } as never)),
      await attempt(() => window.wedgelab.refine(window.wedgelab.results()[0].id, { method: 'fbp' } as never)),
    ];
  });
  expect(refused).toEqual([
    'unknown reconstruction method "nope": use one of fbp, sirt, coordnet, localnet',
    'unknown reconstruction method "gaussian": use one of fbp, sirt, coordnet, localnet',
    'unknown refinement method "fbp": use one of gaussian, deconv, cryogen, isonet',
  ]);
  expect(await page.evaluate(() => window.wedgelab.results().length)).toBe(count);
  await page.getByTestId('error-dismiss').click();
});

test('a bad σ from a script ends in one clear message, and the results stay', async () => {
  const count = await page.evaluate(() => window.wedgelab.results().length);
  const id = await page.evaluate(() => window.wedgelab.results()[0].id);
  const message = await page.evaluate((resultId) => window.wedgelab.refine(resultId, { method: 'gaussian', params: { sigma: -1 } }).then(() => 'ran', (e: Error) => e.message), id);
  expect(message).toMatch(/σ must be in \(0, 32\] voxels \(got -1\)/);
  await expect(page.getByTestId('error-message')).toContainText('Gaussian smoothing failed');
  expect(await page.evaluate(() => window.wedgelab.results().length)).toBe(count);
  // A model name that is neither shipped nor added: named, with every shipped model (not only the local networks').
  const unknown = await page.evaluate((resultId) => window.wedgelab.refine(resultId, { method: 'isonet', params: { model: 'nope' } } as never).then(() => 'ran', (e: Error) => e.message), id);
  expect(unknown).toContain(`no model "nope" among the shipped ones (${Object.values(SHIPPED_CHOICES).flat().map((m) => m.name).join(', ')}) or those added this session`);
  expect(await page.evaluate(() => window.wedgelab.results().length)).toBe(count);
});

test('reprojection adds tilts to the series: a new data set that keeps its ground truth and reconstructs', async () => {
  const source = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  await page.getByTestId('synthesize-method-select').selectOption('reproject');
  await page.getByTestId('add-angles-input').fill('±66, ±72');
  await page.getByTestId('add-angles-input').blur();
  await setParams(page, { 'reproject-iterations-input': '3', 'reproject-thickness-input': '16' });
  await page.getByTestId('synthesize-button').click();
  await expect(page.getByTestId('run-note')).toContainText('4 tilts added');
  const added = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(added.nTilts).toBe(source.nTilts + 4);
  expect(added.tiltAngles.slice(-4)).toEqual([66, -66, 72, -72]);
  expect(added.synthesized).toEqual({
    count: 4,
    label: 'Reprojection (±66, ±72°, SIRT 3 it, thickness 16)',
    sourceId: source.id,
    request: { method: 'reproject', params: { angles: [66, -66, 72, -72], thickness: 16, iterations: 3 } },
  });
  await expect(page.getByTestId('dataset-synthesized')).toContainText('the last 4 tilts: Reprojection');
  // Which tilts are measured must stay known (the trust score below): none is left out of such a series.
  await expect(page.getByTestId('tilt-leave-out')).toHaveCount(0);
  const refused = await page.evaluate(() => window.wedgelab.leaveOutTilts([1]).then(() => 'made', (e: Error) => e.message));
  expect(refused).toBe(`${added.name} has synthesised tilts: leave tilts out of the measured series, then add tilts to that`);
  await page.getByTestId('error-dismiss').click();
  const truth = await page.evaluate((id) => window.wedgelab.results().filter((r) => r.datasetId === id && r.method === 'ground-truth').length, added.id);
  expect(truth).toBe(1);
  const fbp = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 4, thickness: 8 } }));
  const result = await page.evaluate((id) => window.wedgelab.results().find((r) => r.id === id)!, fbp);
  expect(result.datasetId).toBe(added.id);

  // Its trust score synthesises the same tilts from the measured ones left, and holds out measured tilts only.
  await page.getByTestId('trust-button').click();
  await expect(page.getByTestId('trust-verdict')).toHaveText(/^(better than|same as|worse than) FBP on your data$/, { timeout: 170_000 });
  const scored = await page.evaluate((id) => window.wedgelab.results().find((r) => r.id === id)!.trust!, fbp);
  expect(scored.label).toBe('FBP (cosine, thickness 8, bin 4), tilts + Reprojection (±66, ±72°, SIRT 3 it, thickness 16)');
  expect(scored.heldOut.length).toBeGreaterThan(0);
  for (const { index, angle } of scored.heldOut) expect(source.tiltAngles[index]).toBe(angle);
  expect(pageErrors).toEqual([]);
});

test('a series measured over a narrower range than the U-Net learnt: its form says so, as the command line does', async () => {
  await page.getByTestId('refine-method-select').selectOption('isonet');
  // The selected result's series (±72° after the synthesis above) lies within isonet-sim's training wedges ±5°.
  await expect(page.getByTestId('isonet-wedge-warning')).toHaveCount(0);
  const angles = tiltAngles(-30, 30, 6);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'narrow.mrc', mimeType: 'application/octet-stream', buffer: await simulatedStack(32, 32, angles) },
    { name: 'narrow.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('narrow.mrc');
  await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { thickness: 8 } }));
  await expect(page.getByTestId('isonet-wedge-warning')).toHaveText(
    'isonet-sim was trained on tomograms measured from −70°…−40° to +38°…+68°; this one is measured from −30° to +30°: its missing wedge is wider than any the model learnt to fill, and part of it may stay empty (models/refine/train.py trains a model on this tomogram)',
  );
  expect(pageErrors).toEqual([]);
});
