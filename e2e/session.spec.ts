// Results survive a reload: the demo's FBP result is kept in the origin-private file system, offered again after a
// reload with its size, restored with the same values (statistics and the exported MRC, bit for bit), and cleared;
// one in pieces comes back in its pieces; one past the size kept by itself is kept when asked, and leaving the page
// while one is not asks first. A series' frame halves, read from the dropped files, are not offered after a reload.
import { expect, test } from '@playwright/test';
import type { SliceAxis } from '../workers/api.ts';
import { simulatedStack, tiltAngles, writeTlt } from './fixtures.ts';
import { exportedMrc, openDemoPage, savedFiles } from './helpers.ts';

test('a result survives a reload: restored with the same values, then cleared', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  await expect(page.getByTestId('session-restore')).toHaveCount(0);
  const id = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: {} }));
  const before = await page.evaluate((rid) => window.wedgelab.results().find((r) => r.id === rid)!, id);
  const mrcBefore = await exportedMrc(page, id);
  // The tilt series, its ground truth and the FBP result: a .f32 and a .json each.
  await expect.poll(async () => (await savedFiles(page)).length, { timeout: 30_000 }).toBe(6);

  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  const items = page.getByTestId('session-items').locator('li');
  await expect(items).toHaveCount(3);
  await expect(items.filter({ hasText: before.label })).toContainText(`${((before.nx * before.ny * before.nz * 4) / (1 << 20)).toFixed(1)} MiB`);
  await expect(items.filter({ hasText: 'Ground truth' })).toHaveCount(1);
  await page.getByTestId('session-restore-button').click();
  await expect(page.getByTestId('session-restore')).toHaveCount(0);
  const restored = await page.evaluate((label) => window.wedgelab.results().filter((r) => r.label === label), before.label);
  expect(restored).toHaveLength(1);
  expect(restored[0].id).not.toBe(id);
  expect(restored[0].stats).toEqual(before.stats);
  expect([restored[0].nx, restored[0].ny, restored[0].nz]).toEqual([before.nx, before.ny, before.nz]);
  // The exported MRC (header statistics and every voxel) is the same file.
  expect(await exportedMrc(page, restored[0].id)).toEqual(mrcBefore);
  // Its restored tilt series came back with it, the simulation's ground truth too.
  expect(await page.evaluate(() => window.wedgelab.datasets().filter((d) => d.name.startsWith('Simulated demo')).length)).toBe(2);

  // Still kept: offered again after the next reload, until cleared.
  await page.reload();
  await expect(page.getByTestId('session-items').locator('li')).toHaveCount(3, { timeout: 150_000 });
  await page.getByTestId('session-clear-button').click();
  await expect(page.getByTestId('session-restore')).toHaveCount(0);
  expect(await savedFiles(page)).toEqual([]);
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  await expect(page.getByTestId('session-restore')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('a result in pieces survives a reload in its pieces: the same statistics and slices across their boundaries', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  // 10 rows of 128 × 8 float32 voxels per piece: the demo's FBP at bin 1 in 13 pieces.
  await page.evaluate(() => window.wedgelab.setPieceBytes(10 * 128 * 8 * 4));
  const id = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: 8 } }));
  await page.evaluate(() => window.wedgelab.setPieceBytes(null));
  const before = await page.evaluate((rid) => window.wedgelab.results().find((r) => r.id === rid)!, id);
  // XZ rows 9 and 10 lie on either side of the first boundary; an XY slice crosses all of them.
  const at: [SliceAxis, number][] = [['xz', 9], ['xz', 10], ['xy', 3]];
  const slices = (rid: string) =>
    page.evaluate(({ resultId, at }) => Promise.all(at.map(async ([axis, index]) => Array.from((await window.wedgelab.slice(resultId, axis, index)).data))), { resultId: rid, at });
  const slicesBefore = await slices(id);
  await expect.poll(async () => (await savedFiles(page)).length, { timeout: 30_000 }).toBe(6);
  await expect(page.getByTestId('error-message')).toHaveCount(0); // kept, where it used to be refused as too large

  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  await page.getByTestId('session-restore-button').click();
  await expect(page.getByTestId('session-restore')).toHaveCount(0);
  const restored = await page.evaluate((label) => window.wedgelab.results().filter((r) => r.label === label), before.label);
  expect(restored).toHaveLength(1);
  expect(restored[0].stats).toEqual(before.stats);
  expect(await slices(restored[0].id)).toEqual(slicesBefore);
  // Still in its 13 pieces.
  expect(restored[0].pieces).toBe(13);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('past the size kept by itself, a data set or result is offered with what keeping writes; Keep keeps it for after a reload', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  // 3 MiB stands in for the 1 GiB default. The demo's FBP (128 × 128 × 32, 2 MiB) would be written with its tilt
  // series (128 × 128 × 41) and ground truth: 6.6 MiB.
  await page.evaluate(() => window.wedgelab.setAutoKeepBytes(3 * 2 ** 20));
  const run = (binning: number, thickness: number) => page.evaluate((params) => window.wedgelab.run({ method: 'fbp', params }), { binning, thickness });
  const offer = (id: string) => page.locator(`[data-result-id="${id}"]`).getByTestId('keep-offer');
  const large = await run(1, 32);
  await expect(offer(large)).toHaveText('Keep (6.6 MiB)');
  // A small one (64 × 64 × 16, 256 KiB) of the same series, not kept yet: 4.8 MiB in all.
  const small = await run(2, 16);
  await expect(offer(small)).toHaveText('Keep (4.8 MiB)');
  // Nothing is written unasked (the engine keeps in the background: a moment for it to have started).
  await page.waitForTimeout(1000);
  expect(await savedFiles(page)).toEqual([]);
  await offer(large).click();
  await expect(offer(large)).toHaveCount(0);
  await expect.poll(async () => (await savedFiles(page)).length, { timeout: 30_000 }).toBe(6);
  // The series went with it: the small one's offer now says what it alone writes, and another is kept by itself.
  await expect(offer(small)).toHaveText('Keep (256.0 KiB)');
  // With one still offered, leaving asks first: the page cancels beforeunload, which makes the browser prompt.
  // (Headless Chromium shows no prompt to a test, so the page's answer is what is checked.)
  const asksBeforeLeaving = () => page.evaluate(() => !window.dispatchEvent(new Event('beforeunload', { cancelable: true })));
  expect(await asksBeforeLeaving()).toBe(true);
  const smaller = await run(4, 8);
  await expect(offer(smaller)).toHaveCount(0);
  await expect.poll(async () => (await savedFiles(page)).length, { timeout: 30_000 }).toBe(8);
  await offer(small).click();
  await expect.poll(async () => (await savedFiles(page)).length, { timeout: 30_000 }).toBe(10);
  expect(await asksBeforeLeaving()).toBe(false);

  // A file's tilt series past the size: offered under its summary.
  await page.evaluate(() => window.wedgelab.setAutoKeepBytes(1024));
  await page.getByTestId('file-input').setInputFiles([
    { name: 'kept.mrc', mimeType: 'application/octet-stream', buffer: await simulatedStack(32, 32, tiltAngles(-60, 60, 20)) },
    { name: 'kept.tlt', mimeType: 'text/plain', buffer: writeTlt(tiltAngles(-60, 60, 20)) },
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('kept.mrc');
  await expect(page.getByTestId('keep-offer')).toHaveText('Keep (28.0 KiB)'); // 32 × 32 × 7 float32
  await page.getByTestId('keep-offer').click();
  await expect.poll(async () => (await savedFiles(page)).length, { timeout: 30_000 }).toBe(12);
  await page.evaluate(() => window.wedgelab.setAutoKeepBytes(null));

  await page.reload();
  await expect(page.getByTestId('session-items').locator('li')).toHaveCount(6, { timeout: 150_000 });
  await page.getByTestId('session-clear-button').click();
  await expect(page.getByTestId('session-restore')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test("a series' frame halves stay with the dropped files: after a reload the restored series offers none", async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const angles = tiltAngles(-60, 60, 20);
  const stack = { mimeType: 'application/octet-stream', buffer: await simulatedStack(32, 32, angles) };
  await page.getByTestId('file-input').setInputFiles([{ name: 'h.mrc', ...stack }, { name: 'h_EVN.mrc', ...stack }, { name: 'h_ODD.mrc', ...stack }, { name: 'h.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) }]);
  await expect(page.getByTestId('open-frame-half-even')).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => (await savedFiles(page)).length, { timeout: 30_000 }).toBe(2);
  await page.reload();
  await expect(page.getByTestId('session-items').locator('li')).toHaveCount(1, { timeout: 150_000 });
  await page.getByTestId('session-restore-button').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('h.mrc');
  const restored = await page.evaluate(() => window.wedgelab.datasets().find((d) => d.name === 'h.mrc + h.tlt')!);
  expect(restored.frameHalves).toBeUndefined();
  await expect(page.getByTestId('open-frame-half-even')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
  await page.close();
});
