/**
 * End-to-end: a result held in pieces (docs/loading.md#results-larger-than-one-buffer). A tiny piece limit, set
 * through the worker's test hook, puts the demo's FBP tomogram (128 × 128 × 8) in 13 pieces of at most 10 rows. The
 * page draws its slices; its statistics and its slices through piece boundaries are those of the one-array result
 * of the same run; the MRC download is byte for byte the one-array file; work that needs one array refuses it with
 * one message.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import type { SliceAxis } from '../workers/api.ts';
import { expectSlicesDrawn, openDemoPage } from './helpers.ts';

test('a result in pieces shows its slices, has the one-array statistics and slices, and downloads the same MRC', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const run = () => page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: 8 } }));
  const oneId = await run();
  const reference = Uint8Array.from(await page.evaluate((id) => window.wedgelab.exportMrc(id).then((b) => Array.from(b)), oneId));
  // 10 rows of 128 × 8 float32 voxels per piece.
  await page.evaluate(() => window.wedgelab.setPieceBytes(10 * 128 * 8 * 4));
  const piecedId = await run();
  await page.evaluate(() => window.wedgelab.setPieceBytes(null));

  // The new result is the one shown (and the one the export button below writes): the last in the list, selected.
  expect(await page.evaluate(() => window.wedgelab.results().at(-1)?.id)).toBe(piecedId);
  await expect(page.getByTestId('result-item').last()).toHaveAttribute('aria-selected', 'true');
  await expectSlicesDrawn(page);
  const stats = await page.evaluate((ids) => ids.map((id) => window.wedgelab.results().find((r) => r.id === id)?.stats), [oneId, piecedId]);
  expect(stats[1]).toEqual(stats[0]);
  // XZ rows 9 and 10 lie on either side of the first boundary; XY and YZ slices cross all of them.
  for (const [axis, index] of [['xz', 9], ['xz', 10], ['xz', 127], ['xy', 3], ['yz', 64]] as [SliceAxis, number][]) {
    const [one, pieced] = await page.evaluate(
      ({ ids, axis, index }) => Promise.all(ids.map(async (id) => Array.from((await window.wedgelab.slice(id, axis, index)).data))),
      { ids: [oneId, piecedId], axis, index },
    );
    expect(pieced, `${axis} ${index}`).toEqual(one);
  }

  // The script's exportMrc gives one byte array: refused for a result in pieces, with the message on the page.
  await expect(page.evaluate((id) => window.wedgelab.exportMrc(id), piecedId)).rejects.toThrow(/needs the tomogram in one array, but this 128 × 128 × 8 tomogram .* is held in 13 pieces/);
  await expect(page.getByTestId('error-message')).toContainText('Export failed: An MRC download in one piece needs the tomogram in one array');
  await page.getByTestId('error-dismiss').click();

  // The download (no file picker, as in Firefox and Safari) is built from the pieces: the same bytes.
  await page.evaluate(() => Object.assign(window, { showSaveFilePicker: undefined, showDirectoryPicker: undefined }));
  const download = page.waitForEvent('download');
  await page.getByTestId('export-mrc').click();
  expect(Buffer.compare(await readFile((await (await download).path())!), Buffer.from(reference))).toBe(0);
  expect(pageErrors).toEqual([]);
  await page.close();
});
