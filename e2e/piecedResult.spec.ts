/**
 * End-to-end: a result held in pieces (docs/loading.md#results-larger-than-one-buffer). A tiny piece limit, set
 * through the worker's test hook, puts the demo's FBP tomogram (128 × 128 × 8) in 13 pieces of at most 10 rows. The
 * page draws its slices; its statistics and its slices through piece boundaries are those of the one-array result
 * of the same run; the MRC download and the script's one-array export are byte for byte the one-array file; its
 * details say it is held in 13 pieces; its Fourier sections are the one-array result's. Refined, it gives a result in pieces holding the
 * voxels of the one-array result's refinement (Gaussian smoothing, the IsoNet-style U-Net, CTF deconvolution), and
 * the FSC and the difference A − B between the two are the one-array pair's. Made at the ground truth's size, it is
 * scored against the truth (PSNR, its two sides of the wedge, SSIM, FSC resolution) as the one-array result is.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import type { RequestOf, SliceAxis } from '../workers/api.ts';
import { downloadText, expectSlicesDrawn, exportedMrc, openDemoPage } from './helpers.ts';

/** How many pieces each result is held in (undefined: one array). */
const piecesOf = (page: Page, ids: string[]) => page.evaluate((ids) => ids.map((id) => window.wedgelab.results().find((r) => r.id === id)?.pieces), ids);

test('a result in pieces shows its slices, has the one-array statistics, slices and Fourier sections, and downloads the same MRC', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const run = () => page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: 8 } }));
  const oneId = await run();
  const reference = await exportedMrc(page, oneId);
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
  // Fourier sections (the projection-slice theorem's: no 3-D transform, no one array) are the one-array result's.
  for (const plane of ['kx-kz', 'kx-ky', 'ky-kz'] as const) {
    const [one, pieced] = await page.evaluate(
      ({ ids, plane }) => Promise.all(ids.map(async (id) => Array.from((await window.wedgelab.fourierSection(id, plane)).data))),
      { ids: [oneId, piecedId], plane },
    );
    expect(pieced, plane).toEqual(one);
  }

  // Its details say how it is held; the script's exportMrc joins the pieces into the one-array file's bytes.
  expect(await piecesOf(page, [oneId, piecedId])).toEqual([undefined, 13]);
  await expect(page.getByTestId('result-memory')).toHaveText('(512.0 KiB, in 13 pieces)');
  expect(Buffer.compare(Buffer.from(await exportedMrc(page, piecedId)), Buffer.from(reference))).toBe(0);

  // The download (no file picker, as in Firefox and Safari) is built from the pieces: the same bytes.
  await page.evaluate(() => Object.assign(window, { showSaveFilePicker: undefined, showDirectoryPicker: undefined }));
  const download = page.waitForEvent('download');
  await page.getByTestId('export-mrc').click();
  expect(Buffer.compare(await readFile((await (await download).path())!), Buffer.from(reference))).toBe(0);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('a result in pieces refines into pieces holding the voxels of the one-array refinement, with the same FSC and A − B', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const run = () => page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: 8 } }));
  const refine = (id: string, request: RequestOf<'refinement'>) => page.evaluate(({ id, request }) => window.wedgelab.refine(id, request), { id, request });
  const requests: RequestOf<'refinement'>[] = [
    { method: 'gaussian', params: { sigma: 1.5 } },
    // Cubes of 32 rows overlapping by 8 start at rows 0, 24, 48, …: the GPU path's cubes cross the pieces' boundaries.
    { method: 'isonet', params: { cube: 32, overlap: 8 } },
    // The whole tomogram's 3-D spectrum, made a piece of rows at a time on the CPU threads.
    { method: 'deconv', params: { defocus: 3 } },
  ];
  const oneId = await run();
  const oneRefined = [];
  for (const request of requests) oneRefined.push(await refine(oneId, request));
  // 10 rows of 128 × 8 float32 voxels per piece, for the source and the refinements.
  await page.evaluate(() => window.wedgelab.setPieceBytes(10 * 128 * 8 * 4));
  const piecedId = await run();
  const piecedRefined = [];
  for (const request of requests) piecedRefined.push(await refine(piecedId, request));
  await page.evaluate(() => window.wedgelab.setPieceBytes(null));

  for (const [k, request] of requests.entries()) {
    const ids = [oneRefined[k], piecedRefined[k]];
    const [one, pieced] = await page.evaluate((ids) => ids.map((id) => window.wedgelab.results().find((r) => r.id === id)), ids);
    // The CPU path (the page's on SwiftShader) goes a piece's rows at a time: the label says how many slabs ran.
    expect(pieced?.label.replace(/, \d+ slabs/, ''), request.method).toBe(one?.label);
    expect(pieced?.stats, request.method).toEqual(one?.stats);
    // XZ rows 9 and 10 lie on either side of the first piece boundary; XY and YZ slices cross all of them.
    for (const [axis, index] of [['xz', 9], ['xz', 10], ['xy', 3], ['yz', 64]] as [SliceAxis, number][]) {
      const [a, b] = await page.evaluate(
        ({ ids, axis, index }) => Promise.all(ids.map(async (id) => Array.from((await window.wedgelab.slice(id, axis, index)).data))),
        { ids, axis, index },
      );
      expect(b, `${request.method} ${axis} ${index}`).toEqual(a);
    }
  }
  // The FSC of a result and its refinement, both in pieces, is the one-array pair's (half spectra in pieces on the
  // CPU threads either way: the same sums).
  const [fscOne, fscPieced] = await page.evaluate(
    (pairs) => Promise.all(pairs.map(([a, b]) => window.wedgelab.fsc(a, b))),
    [[oneId, oneRefined[0]], [piecedId, piecedRefined[0]]],
  );
  expect(fscPieced.fsc).toEqual(fscOne.fsc);
  expect(fscPieced.fscMissing).toEqual(fscOne.fscMissing);
  expect(fscOne.fsc[1]).toBeGreaterThan(0.9);
  // And so is A − B, B fitted to A: the same voxels, held in A's pieces.
  const differences = await page.evaluate(
    (pairs) => Promise.all(pairs.map(([a, b]) => window.wedgelab.difference(a, b, true))),
    [[oneId, oneRefined[0]], [piecedId, piecedRefined[0]]],
  );
  const [differenceOne, differencePieced] = await page.evaluate((ids) => ids.map((id) => window.wedgelab.results().find((r) => r.id === id)!), differences);
  expect(differencePieced.label).toBe(differenceOne.label);
  expect(differencePieced.stats).toEqual(differenceOne.stats);
  for (const [axis, index] of [['xz', 9], ['xz', 10], ['xy', 3]] as [SliceAxis, number][]) {
    const [a, b] = await page.evaluate(
      ({ ids, axis, index }) => Promise.all(ids.map(async (id) => Array.from((await window.wedgelab.slice(id!, axis, index)).data))),
      { ids: differences, axis, index },
    );
    expect(b, `A − B ${axis} ${index}`).toEqual(a);
  }
  // The refinements in pieces are themselves held in pieces, the one-array ones in one array.
  expect(await piecesOf(page, [...oneRefined, ...piecedRefined])).toEqual([...requests.map(() => undefined), ...requests.map(() => 13)]);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('a result in pieces is scored against the ground truth as the one-array result is', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const truth = await page.evaluate(() => window.wedgelab.results().find((r) => r.method === 'ground-truth')!);
  const run = () => page.evaluate((nz) => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: nz } }), truth.nz);
  const oneId = await run();
  // 10 rows of the tomogram per piece.
  await page.evaluate((bytes) => window.wedgelab.setPieceBytes(bytes), 10 * truth.nx * truth.nz * 4);
  const piecedId = await run();
  await page.evaluate(() => window.wedgelab.setPieceBytes(null));

  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-metrics').click();
  for (const id of [oneId, piecedId]) {
    await expect(page.locator(`[data-testid=metrics-row][data-result-id="${id}"] [data-testid=metrics-psnr]`)).toHaveText(/\d/);
  }
  const { results } = JSON.parse((await downloadText(page, 'export-metrics-json')).text) as { results: Record<string, unknown>[] };
  const [one, pieced] = [oneId, piecedId].map((id) => results.find((r) => r.id === id)!);
  expect(pieced.error).toBeUndefined();
  for (const key of ['psnrDb', 'psnrMeasuredSideDb', 'psnrMissingSideDb', 'ssim']) expect(pieced[key] as number, key).toBeCloseTo(one[key] as number, 8);
  expect(pieced.fsc0143).toEqual(one.fsc0143);
  expect(pageErrors).toEqual([]);
  await page.close();
});
