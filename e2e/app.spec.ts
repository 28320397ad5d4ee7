/**
 * End-to-end: the page against the real engine worker, in chromium with WebGPU on
 * SwiftShader. One page for the whole file (the demo simulation takes a while on a software
 * adapter), so the tests run in order, like one user's session.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parseMrcHeader, simulatedStack, tiltAngles, writeTlt } from './fixtures.ts';
import * as helpers from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors: string[] = [];
const expectSlicesDrawn = () => helpers.expectSlicesDrawn(page);
const setParams = (params: Record<string, string>) => helpers.setParams(page, params);
const selectedResultLabel = () => helpers.selectedResultLabel(page);

function stackFiles(name: string, stackBytes: Buffer, angles: number[]) {
  return [
    { name: `${name}.mrc`, mimeType: 'application/octet-stream', buffer: stackBytes },
    { name: `${name}.tlt`, mimeType: 'text/plain', buffer: writeTlt(angles) },
  ];
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

test.afterAll(async () => {
  await page.close();
});

test('the demo loads at start and FBP reconstructs it', async () => {
  await page.goto('/');
  await expect(page).toHaveTitle('WedgeLab');
  await expect(page.getByTestId('gpu-status')).toContainText('WebGPU');
  await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo');
  await expect(page.getByTestId('result-item').filter({ hasText: 'Ground truth' })).toHaveCount(1);
  await expect(page.getByTestId('tilt-angle')).toHaveText(/°/);

  await page.getByTestId('method-select').selectOption('fbp');
  await setParams({ 'binning-input': '2', 'thickness-input': '24' });
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  await expect(page.getByTestId('result-item').last()).toContainText('FBP');
  const demo = await page.evaluate(() => window.wedgelab.datasets()[0]);
  await expect(page.getByTestId('result-item').last()).toContainText(`${Math.floor(demo.nx / 2)} × ${Math.floor(demo.ny / 2)} × 24`);
  expect(await selectedResultLabel()).toContain('FBP');
  await expectSlicesDrawn();
  await expect(page.getByTestId('voxel-readout')).toContainText(/x \d+/);
  expect(pageErrors).toEqual([]);
});

test('SIRT with 3 iterations shows a residual plot', async () => {
  await page.getByTestId('method-select').selectOption('sirt');
  await setParams({ 'iterations-input': '3', 'binning-input': '2', 'thickness-input': '24' });
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  expect(await selectedResultLabel()).toContain('SIRT');
  const plot = page.getByTestId('result-details').getByTestId('residual-plot');
  await expect(plot).toBeVisible();
  await expect(plot).toContainText('3 iterations');
  await expect(plot.locator('polyline')).toHaveCount(1);
  await expectSlicesDrawn();
});

test('a dropped MRC stack + .tlt loads, reconstructs and exports', async () => {
  const stack = await simulatedStack(64, 64, tiltAngles(-60, 60, 6));
  await page.getByTestId('file-input').setInputFiles(stackFiles('fixture', stack, tiltAngles(-60, 60, 6)));
  await expect(page.getByTestId('dataset-size')).toHaveText('64 × 64 × 21');
  await expect(page.getByTestId('dataset-summary')).toContainText('fixture.mrc');
  await expect(page.getByTestId('dataset-summary')).toContainText('(21)');
  await expect(page.getByTestId('thickness-input')).toHaveValue('16');

  await page.getByTestId('method-select').selectOption('fbp');
  await setParams({ 'binning-input': '1', 'thickness-input': '16' });
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  await expect(page.getByTestId('result-item').last()).toContainText('64 × 64 × 16');
  await expectSlicesDrawn();

  // The scripting hook and the Export button give the same file; the downloaded one is re-read in full.
  const length = await page.evaluate(async () => {
    const results = window.wedgelab.results();
    return (await window.wedgelab.exportMrc(results[results.length - 1].id)).length;
  });
  expect(length).toBe(1024 + 64 * 64 * 16 * 4);
  // Headless Chromium has showSaveFilePicker but closes it at once; without it the export is a download (e2e/export.spec.ts tests both).
  await page.evaluate(() => Object.assign(window, { showSaveFilePicker: undefined }));
  const download = page.waitForEvent('download');
  await page.getByTestId('export-mrc').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('fixture_fbp.mrc');
  const header = parseMrcHeader(new Uint8Array(readFileSync(await file.path())));
  expect(header).toMatchObject({ nx: 64, ny: 64, nz: 16, mode: 2, map: 'MAP ' });

  // The three slices side by side, each under its label, below the title.
  const png = await helpers.downloadPng(page, 'export-png');
  expect(png.name).toMatch(/\.png$/);
  expect(png).toMatchObject(await helpers.figureSize(page.locator('.slice-canvas-box canvas'), 3));
});

test('a stack with a large offset is flagged while its tilt means are not subtracted', async () => {
  const offsetWarning = page.getByTestId('offset-warning');
  const subtractMean = page.getByTestId('subtract-mean');
  // The fixture (a simulated stack, mean near 0) is not flagged, ticked or not.
  await subtractMean.uncheck();
  await expect(offsetWarning).toHaveCount(0);
  const angles = tiltAngles(-60, 60, 6);
  await page.getByTestId('file-input').setInputFiles(stackFiles('offset', await simulatedStack(64, 64, angles, 500), angles));
  await expect(page.getByTestId('dataset-summary')).toContainText('offset.mrc');
  // Files load with tilt means subtracted: no warning until the box is unticked.
  await expect(subtractMean).toBeChecked();
  await expect(offsetWarning).toHaveCount(0);
  await subtractMean.uncheck();
  await expect(offsetWarning).toContainText(/^The stack's mean \(5\d\d\) is \d+ standard deviations from 0, an offset that FBP and SIRT turn into a bowl/);
  await expect(offsetWarning).not.toContainText('removes');
  // The local network takes the stack's mean off itself: the warning is then for its trust score's FBP only.
  await page.getByTestId('method-select').selectOption('localnet');
  await expect(offsetWarning).toContainText("is not subtracted (this method removes the stack's mean itself, but the FBP its trust score is compared with does not).");
  await page.getByTestId('method-select').selectOption('fbp');
  await expect(offsetWarning).not.toContainText('removes');
  await subtractMean.check();
  await expect(offsetWarning).toHaveCount(0);
});

test('files dropped anywhere on the page load too', async () => {
  const angles = tiltAngles(-50, 50, 10);
  const files = stackFiles('dropped', await simulatedStack(32, 32, angles), angles).map((f) => ({
    name: f.name,
    base64: f.buffer.toString('base64'),
  }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, base64 } of list) dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
    return dt;
  }, files);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(page.getByTestId('dataset-size')).toHaveText('32 × 32 × 11');
  await expect(page.getByTestId('dataset-summary')).toContainText('dropped.mrc');
  // Back to the 64 × 64 fixture for the next test.
  const fixture = page.locator('[data-testid=dataset-select] option', { hasText: 'fixture.mrc' }).first();
  await page.getByTestId('dataset-select').selectOption((await fixture.getAttribute('value')) ?? '');
  await expect(page.getByTestId('dataset-size')).toHaveText('64 × 64 × 21');
});

test('corrupt files show an error and keep what was loaded', async () => {
  const angles = tiltAngles(-60, 60, 6);
  const full = await simulatedStack(64, 64, angles);
  const resultsBefore = await page.getByTestId('result-item').count();
  const selectedBefore = await selectedResultLabel();

  // A stack cut short.
  await page.getByTestId('file-input').setInputFiles(stackFiles('truncated', full.subarray(0, 1024 + 64 * 64 * 4 * 10), angles));
  await expect(page.getByTestId('error-message')).toContainText(/truncated/i);
  await expect(page.getByTestId('error-message')).toContainText('truncated.mrc');
  await page.getByTestId('error-dismiss').click();
  await expect(page.getByTestId('error-message')).toHaveCount(0);

  // An angle file with one angle too few.
  await page.getByTestId('file-input').setInputFiles(stackFiles('mismatch', full, angles.slice(0, 20)));
  await expect(page.getByTestId('error-message')).toContainText(/20 angles/);
  await expect(page.getByTestId('error-message')).toContainText(/21 sections/);
  await page.getByTestId('error-dismiss').click();

  // A NaN pixel, and an angle of 120°: refused at load, naming the file and the place, not at the first run.
  const nan = Buffer.from(full);
  nan.writeFloatLE(NaN, 1024 + 4 * (64 * 64 * 3 + 64 * 5 + 7));
  await page.getByTestId('file-input').setInputFiles(stackFiles('nan', nan, angles));
  await expect(page.getByTestId('error-message')).toContainText('nan.mrc: the tilt series holds a non-finite value (NaN) in projection 4 at x 7, y 5');
  await page.getByTestId('error-dismiss').click();
  await page.getByTestId('file-input').setInputFiles(stackFiles('steep', full, angles.map((a, k) => (k === 0 ? -120 : a))));
  await expect(page.getByTestId('error-message')).toContainText('steep.tlt: tilt angle 1 is -120°');

  // Everything from before is still there and viewable.
  await expect(page.getByTestId('dataset-size')).toHaveText('64 × 64 × 21');
  await expect(page.getByTestId('dataset-summary')).toContainText('fixture.mrc');
  await expect(page.getByTestId('result-item')).toHaveCount(resultsBefore);
  expect(await selectedResultLabel()).toBe(selectedBefore);
  await page.getByTestId('result-item').filter({ hasText: 'Ground truth' }).click();
  await expect(page.getByTestId('result-item').filter({ hasText: 'Ground truth' })).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('result-item').last().click();
  await expectSlicesDrawn();
  await page.getByTestId('error-dismiss').click();
});

test('a long SIRT run can be cancelled and the page stays usable', async () => {
  const demoOption = page.locator('[data-testid=dataset-select] option', { hasText: 'Simulated demo' }).first();
  await page.getByTestId('dataset-select').selectOption((await demoOption.getAttribute('value')) ?? '');
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo');
  await page.getByTestId('method-select').selectOption('sirt');
  await setParams({ 'iterations-input': '500', 'binning-input': '2', 'thickness-input': '24' });
  const before = await page.getByTestId('result-item').count();

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('progress')).toBeVisible();
  await expect(page.getByTestId('run-button')).toBeDisabled();
  // The page stays responsive while the worker computes: a result can be selected.
  await page.getByTestId('result-item').first().click();
  await expect(page.getByTestId('result-item').first()).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('run-note')).toContainText(/cancelled/i);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('result-item')).toHaveCount(before);
  await expect(page.getByTestId('error-message')).toHaveCount(0);

  // And the engine still works afterwards.
  await page.getByTestId('method-select').selectOption('fbp');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  await expectSlicesDrawn();
  expect(pageErrors).toEqual([]);
});
