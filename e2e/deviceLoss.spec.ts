/**
 * End-to-end: the GPU device is lost in the middle of a run (as after a driver reset). The run
 * fails with a message naming the loss, the tilt series and earlier results stay usable, and
 * the next run opens a new device and works.
 */
import { expect, test } from '@playwright/test';
import { expectSlicesDrawn } from './helpers.ts';

test('a lost WebGPU device fails the run in flight clearly; data and results stay; the next run works', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto('/');
  await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 150_000 });
  // On a software adapter the engine's own choice is the CPU path (docs/cpu.md): this is about the GPU's loss.
  await page.getByTestId('engine-select').selectOption('gpu');
  await expect(page.getByTestId('engine-path')).toContainText('WebGPU');
  const small = { binning: 4, thickness: 8 };
  const fbpId = await page.evaluate((p) => window.wedgelab.run({ method: 'fbp', params: p }), small);

  // A long SIRT run; the device is destroyed once it is under way.
  const outcome = page.evaluate(
    (p) => window.wedgelab.run({ method: 'sirt', params: { ...p, iterations: 5000 } }).then(() => 'finished', (e: Error) => e.message),
    small,
  );
  await expect(page.getByTestId('progress-message')).toContainText(/iteration/i, { timeout: 60_000 });
  await page.evaluate(() => window.wedgelab.loseDevice());
  expect(await outcome).toMatch(/the WebGPU device was lost/);
  await expect(page.getByTestId('error-message')).toContainText(/SIRT failed: .*device was lost/);

  // The dataset and the FBP result are intact; a new run gets a new device.
  expect(await page.evaluate(() => window.wedgelab.results().length)).toBeGreaterThanOrEqual(2);
  const bytes = await page.evaluate((id) => window.wedgelab.exportMrc(id).then((b) => b.length), fbpId);
  expect(bytes).toBeGreaterThan(1024);
  await page.getByTestId('error-dismiss').click();
  const again = await page.evaluate((p) => window.wedgelab.run({ method: 'fbp', params: p }), small);
  expect(again).not.toBe(fbpId);
  await expectSlicesDrawn(page);
  await page.close();
});
