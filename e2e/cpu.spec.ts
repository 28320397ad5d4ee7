/**
 * The workbench in Chromium launched without WebGPU (no --enable-unsafe-webgpu, the WebGPU features off): the page
 * opens as usual and the engine takes the CPU path (docs/cpu.md). A dropped stack reconstructs with FBP and SIRT,
 * its slices and its 3-D view draw (WebGL2), and the two results compare (linked grid, FSC). One page, in order.
 */
import { expect, test, type Page } from '@playwright/test';
import { simulatedStack, tiltAngles, writeTlt } from './fixtures.ts';
import * as helpers from './helpers.ts';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-features=WebGPU,WebGPUService'],
  },
});
test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors: string[] = [];
const ids: string[] = [];

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

test.afterAll(async () => {
  await page.close();
});

async function run(method: string, params: Record<string, string>): Promise<string> {
  await page.getByTestId('method-select').selectOption(method);
  await helpers.setParams(page, params);
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  const last = await page.evaluate(() => window.wedgelab.results().at(-1));
  expect(last?.label).toContain(method.toUpperCase());
  return last?.id ?? '';
}

test('without WebGPU the page opens on the CPU path, says what WebGPU would add, and disables GPU-only methods', async () => {
  await page.goto('/');
  expect(await page.evaluate(async () => !('gpu' in navigator) || (await navigator.gpu.requestAdapter()) === null)).toBe(true);
  await expect(page.getByTestId('webgpu-missing')).toHaveCount(0);
  await expect(page.getByTestId('engine-path')).toContainText(/CPU: CPU, \d+ threads?/);
  await expect(page.getByTestId('webgpu-note')).toContainText('--enable-unsafe-webgpu');
  await expect(page.getByTestId('engine-select').locator('option[value=gpu]')).toBeDisabled();
  await expect(page.getByTestId('method-select').locator('option[value=coordnet]')).toBeDisabled();
  await expect(page.getByTestId('method-select').locator('option[value=fbp]')).toBeEnabled();
  // The demo is simulated with the CPU projector.
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
});

test('a dropped stack reconstructs with FBP and SIRT on the CPU, and its slices draw', async () => {
  const angles = tiltAngles(-60, 60, 6);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'cpu.mrc', mimeType: 'application/octet-stream', buffer: await simulatedStack(64, 64, angles) },
    { name: 'cpu.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
  ]);
  await expect(page.getByTestId('dataset-size')).toHaveText('64 × 64 × 21');
  ids.push(await run('fbp', { 'binning-input': '1', 'thickness-input': '16' }));
  await helpers.expectSlicesDrawn(page);
  ids.push(await run('sirt', { 'iterations-input': '3', 'binning-input': '1', 'thickness-input': '16' }));
  await expect(page.getByTestId('result-details').getByTestId('residual-plot')).toContainText('3 iterations');
  await helpers.expectSlicesDrawn(page);
  expect(pageErrors).toEqual([]);
});

test('the 3-D view draws the FBP result with WebGL2', async () => {
  await page.locator(`[data-testid=result-item][data-result-id="${ids[0]}"]`).click();
  await page.getByTestId('view-mode-3d').click();
  await expect(page.getByTestId('volume-canvas')).toHaveCount(1);
  await page.evaluate(() => window.wedgelab3d.whenStill());
  await expect.poll(() => helpers.canvasSpread(page, 'volume-canvas'), { message: 'the 3-D view shows structure' }).toBeGreaterThan(8);
});

test('FBP and SIRT compare side by side and by FSC', async () => {
  for (const id of ids) await page.locator(`[data-testid=result-item][data-result-id="${id}"] [data-testid=compare-check]`).check();
  await page.getByTestId('view-mode-compare').click();
  await expect(page.getByTestId('compare-grid')).toBeVisible();
  await expect(page.getByTestId('compare-panel')).toHaveCount(2);
  await page.getByTestId('compare-tab-fsc').click();
  await page.getByTestId('fsc-a').selectOption(ids[0]);
  await page.getByTestId('fsc-b').selectOption(ids[1]);
  await page.getByTestId('fsc-button').click();
  await expect(page.getByTestId('fsc-plot').locator('path')).toHaveCount(5);
  await expect(page.getByTestId('fsc-res-0143')).toHaveText(/Å|—/);
  expect(pageErrors).toEqual([]);
});
