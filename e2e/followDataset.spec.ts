// Two tilt series loaded: every view says which one it shows, and follows the one selected (#20 item 2).
import { expect, test, type Page } from '@playwright/test';
import { writeMrc } from '../src/io/mrc.ts';
import { shareDemoPage, setParams } from './helpers.ts';

let page: Page;

const pageErrors = shareDemoPage((opened) => {
  page = opened;
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

  // The demo's two results ticked for the side-by-side grid.
  for (const item of await page.getByTestId('result-item').all()) await item.getByTestId('compare-check').check();

  // A second series: nothing of it reconstructed yet, so the viewer shows none of the demo's results.
  await page.getByTestId('file-input').setInputFiles(secondSeries());
  await expect(page.getByTestId('dataset-summary')).toContainText('second.mrc');
  await expect(page.getByTestId('viewer-empty')).toBeVisible();
  await expect(page.getByTestId('view-dataset')).toHaveCount(0);
  // Nor does the grid: it names the second series and says where the ticked results are.
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-grid').click();
  await expect(page.getByTestId('compare-dataset')).toContainText('second.mrc');
  await expect(page.getByTestId('compare-grid')).toHaveCount(0);
  await expect(page.getByTestId('compare-picks-elsewhere')).toContainText('2 ticked results of Simulated demo');
  await page.getByTestId('compare-exit-slices').click();

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
  // The grid follows: the demo's ticked results again.
  await page.getByTestId('view-mode-compare').click();
  await expect(page.getByTestId('compare-dataset')).toContainText('Simulated demo');
  await expect(page.getByTestId('compare-grid').getByTestId('compare-panel')).toHaveCount(2);
  await page.getByTestId('compare-exit-slices').click();
  expect(pageErrors).toEqual([]);
});

test('a cross-validation plot says what made it once the Method panel has changed', async () => {
  await page.getByTestId('method-select').selectOption('fbp');
  await setParams(page, { 'binning-input': '4', 'thickness-input': '8' });
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-cv').click();
  await page.getByTestId('cv-heldout').fill('±15');
  await page.getByTestId('cv-button').click();
  await expect(page.getByTestId('cv-row')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId('cv-shown')).toHaveCount(0);
  await page.getByTestId('method-select').selectOption('sirt');
  await expect(page.getByTestId('cv-shown')).toHaveText(/^Shown: FBP .*\. A new run would use: SIRT .*\.$/);
  await page.getByTestId('method-select').selectOption('fbp');
  await expect(page.getByTestId('cv-shown')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('at 1024 px the compare tabs stay on one line, and a plot\'s legend keeps off its curves', async () => {
  await page.setViewportSize({ width: 1024, height: 768 });
  const boxes = await page.locator('.compare-tabs .tab').evaluateAll((tabs) => tabs.map((t) => t.getBoundingClientRect()).map((r) => [r.top, r.height]));
  expect(boxes.length).toBeGreaterThanOrEqual(6);
  for (const [top, height] of boxes) {
    expect(top).toBeCloseTo(boxes[0][0], 0);
    expect(height).toBeLessThan(30); // one line of text
  }
  // The cross-validation plot of the test before: no point of its curves under the legend's box.
  const covered = await page.getByTestId('cv-plot').locator('svg').evaluate((svg) => {
    const legend = [...svg.querySelectorAll('rect')].at(-1)!.getBBox();
    let inside = 0;
    for (const path of svg.querySelectorAll('path')) {
      const length = path.getTotalLength();
      for (let i = 0; i <= 50; i++) {
        const p = path.getPointAtLength((length * i) / 50);
        if (p.x >= legend.x && p.x <= legend.x + legend.width && p.y >= legend.y && p.y <= legend.y + legend.height) inside++;
      }
    }
    return inside;
  });
  expect(covered).toBe(0);
  expect(pageErrors).toEqual([]);
});
