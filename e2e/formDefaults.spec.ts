/**
 * End-to-end: a series whose default tomogram (a quarter of its width deep, unbinned) would not fit the page's share
 * of memory opens with the smallest Binning that fits, says why, and its first Run is not refused; the demo keeps
 * its own defaults. The browser is made to report 0.25 GiB of device memory (as Chrome does on small devices), so a
 * 512 × 512 series stands in for a 2048 × 2048 one on a 16 GiB machine: the rule's numbers are in memoryBudget.test.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import { writeMrc } from '../src/io/mrc.ts';
import { tiltAngles, writeTlt } from './fixtures.ts';
import { openDemoPage, setParams } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors: string[] = [];
const angles = tiltAngles(-60, 60, 6); // 21 tilts

test.beforeAll(async ({ browser }) => {
  // The page's own reading; its worker still reads the machine's, and checks runs against that.
  page = await openDemoPage(browser, pageErrors, () => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25 }));
});

test.afterAll(async () => {
  await page.close();
});

test('a 512 × 512 series on a 0.25 GiB device opens at Binning 2, thickness 64, saying why; the demo keeps bin 1', async () => {
  const stack = Buffer.from(writeMrc({ nx: 512, ny: 512, nz: angles.length, data: new Float32Array(512 * 512 * angles.length).map((_, i) => i % 7), pixelSize: 4 }, { stack: true }));
  await page.getByTestId('file-input').setInputFiles([
    { name: 'wide.mrc', mimeType: 'application/octet-stream', buffer: stack },
    { name: 'wide.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
  ]);
  await expect(page.getByTestId('dataset-size')).toHaveText('512 × 512 × 21', { timeout: 60_000 });
  await expect(page.getByTestId('binning-input')).toHaveValue('2');
  await expect(page.getByTestId('thickness-input')).toHaveValue('64');
  await expect(page.getByTestId('binning-default')).toHaveText(
    'Binning 2 by default: at 1, a 512 × 512 × 128 tomogram is 128.0 MiB of float32, more than 25 % of the 256.0 MiB of memory this browser reports.',
  );
  await expect(page.getByTestId('memory-warning')).toHaveCount(0);

  // Chosen by hand, the hint gives way to the refusal's words.
  await setParams(page, { 'binning-input': '1', 'thickness-input': '128' });
  await expect(page.getByTestId('binning-default')).toHaveCount(0);
  await expect(page.getByTestId('memory-warning')).toContainText('A 512 × 512 × 128 tomogram is 128.0 MiB of float32');

  const demo = await page.evaluate(() => window.wedgelab.datasets()[0].id);
  await page.getByTestId('dataset-select').selectOption(demo);
  await expect(page.getByTestId('binning-input')).toHaveValue('1');
  await expect(page.getByTestId('thickness-input')).toHaveValue('32');
  await expect(page.getByTestId('binning-default')).toHaveCount(0);

  const wide = await page.evaluate(() => window.wedgelab.datasets().at(-1)!.id);
  await page.getByTestId('dataset-select').selectOption(wide);
  await expect(page.getByTestId('binning-input')).toHaveValue('2');
  await page.getByTestId('method-select').selectOption('fbp');
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1, { timeout: 120_000 });
  expect(await page.evaluate(() => window.wedgelab.results().at(-1)!)).toMatchObject({ nx: 256, ny: 256, nz: 64 });
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
