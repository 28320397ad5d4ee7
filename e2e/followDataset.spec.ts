// Two tilt series loaded: every view says which one it shows, and follows the one selected (#20 item 2).
import { expect, test, type Page } from '@playwright/test';
import { writeMrc } from '../src/io/mrc.ts';
import { openDemoPage, setParams } from './helpers.ts';

let page: Page;
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  page = await openDemoPage(browser, pageErrors);
});

test.afterAll(async () => {
  await page.close();
});

/** A 48 × 40 stack of 9 tilts (−24° … 24°) of a bright disc, and its angles. */
function secondSeries(): { name: string; mimeType: string; buffer: Buffer }[] {
  const [nx, ny, nz] = [48, 40, 9];
  const data = Float32Array.from({ length: nx * ny * nz }, (_, i) => (Math.hypot((i % nx) - 24, Math.floor(i / nx) % ny - 20) < 8 ? 2 : 0));
  const angles = Array.from({ length: nz }, (_, k) => -24 + 6 * k);
  return [
    { name: 'second.mrc', mimeType: 'application/octet-stream', buffer: Buffer.from(writeMrc({ nx, ny, nz, pixelSize: 6, data }, { stack: true })) },
    { name: 'second.tlt', mimeType: 'text/plain', buffer: Buffer.from(angles.join('\n')) },
  ];
}

async function reconstruct(): Promise<void> {
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('method-select').selectOption('fbp');
  await setParams(page, { 'binning-input': '4', 'thickness-input': '8' });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1, { timeout: 120_000 });
}

test('the views follow the data set selected, and name it', async () => {
  await page.getByTestId('result-item').filter({ hasText: 'Ground truth' }).click();
  await reconstruct();
  await expect(page.getByTestId('view-dataset')).toContainText('Simulated demo');

  // A second series: nothing of it reconstructed yet, so the viewer shows none of the demo's results.
  await page.getByTestId('file-input').setInputFiles(secondSeries());
  await expect(page.getByTestId('dataset-summary')).toContainText('second.mrc');
  await expect(page.getByTestId('viewer-empty')).toBeVisible();
  await expect(page.getByTestId('view-dataset')).toHaveCount(0);

  await setParams(page, { 'binning-input': '1' });
  await reconstruct();
  await expect(page.getByTestId('view-dataset')).toContainText('second.mrc');
  // In 3-D, side by side offers this series' results only.
  await page.getByTestId('view-mode-3d').click();
  await expect(page.getByTestId('view-dataset')).toContainText('second.mrc');
  await expect(page.getByTestId('compare-result')).toHaveCount(1);
  await page.getByTestId('view-mode-slices').click();

  // A result of the demo, picked in the list, brings the demo back as the current data set.
  await page.getByTestId('result-item').filter({ hasText: 'Ground truth' }).click();
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo');
  await expect(page.getByTestId('view-dataset')).toContainText('Simulated demo');
  expect(pageErrors).toEqual([]);
});

test('a cross-validation plot says what made it once the Method panel has changed', async () => {
  await page.getByTestId('method-select').selectOption('fbp');
  await setParams(page, { 'binning-input': '4', 'thickness-input': '8' });
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-cv').click();
  await page.getByTestId('cv-heldout').fill('0');
  await page.getByTestId('cv-button').click();
  await expect(page.getByTestId('cv-row')).toHaveCount(1, { timeout: 120_000 });
  await expect(page.getByTestId('cv-shown')).toHaveCount(0);
  await page.getByTestId('method-select').selectOption('sirt');
  await expect(page.getByTestId('cv-shown')).toHaveText(/^Shown: FBP .*\. A new run would use: SIRT .*\.$/);
  await page.getByTestId('method-select').selectOption('fbp');
  await expect(page.getByTestId('cv-shown')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
