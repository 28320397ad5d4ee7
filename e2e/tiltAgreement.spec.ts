/**
 * End-to-end: every tilt held out in turn (Compare → Cross-validation, held out "each"). A simulated series with one
 * tilt misaligned by 3 pixels: the page names that tilt and no other, marks its row, plots each tilt's agreement
 * beside what its neighbours lead one to expect, exports the numbers, and makes a data set without it on request.
 * (The agreement's numbers: src/engine/evaluation/crossValidation.test.ts, src/engine/metrics/crossValidation.test.ts.)
 */
import { expect, test, type Page } from '@playwright/test';
import { simulateTiltSeries } from '../src/engine/sim/simulate.ts';
import { writeMrc } from '../src/io/mrc.ts';
import { tiltAngles, writeTlt } from './fixtures.ts';
import { downloadText, shareDemoPage } from './helpers.ts';

let page: Page;
const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

test('held out each in turn: a misaligned tilt is named, its row marked, and a data set without it made', async () => {
  const angles = tiltAngles(-60, 60, 5);
  const { tiltSeries } = await simulateTiltSeries({ phantom: 'cell', size: [64, 64, 16], tiltAngles: angles, snrDb: 5, seed: 41, pixelSize: 10 });
  const plane = 64 * 64;
  // Tilt 9 (stack index 8, −20°) moved 3 pixels across the tilt axis.
  const tilt = tiltSeries.data.subarray(8 * plane, 9 * plane);
  const before = tilt.slice();
  tilt.set(before.map((v, i) => (i % 64 < 3 ? v : before[i - 3])));
  const stack = { nx: 64, ny: 64, nz: angles.length, data: tiltSeries.data, pixelSize: 10 };
  await page.getByTestId('file-input').setInputFiles([
    { name: 'spoilt.mrc', mimeType: 'application/octet-stream', buffer: Buffer.from(writeMrc(stack, { stack: true })) },
    { name: 'spoilt.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('spoilt.mrc', { timeout: 60_000 });
  await page.getByTestId('thickness-input').fill('16');
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-cv').click();
  await page.getByTestId('cv-heldout').fill('each');
  await expect(page.getByTestId('cv-preview')).toHaveText(`holds out each of the ${angles.length} tilts in turn: ${angles.length} reconstructions`);
  await page.getByTestId('cv-button').click();
  await expect(page.getByTestId('cv-agreement-note')).toContainText(/^Tilt 9 \(−20\.0°: 0\.\d+ against 0\.\d+\) agrees with the others less than its neighbours do/, { timeout: 120_000 });
  await expect(page.getByTestId('cv-row')).toHaveCount(angles.length);
  await expect(page.locator('[data-testid=cv-row].flagged')).toHaveCount(1);
  await expect(page.locator('[data-testid=cv-row].flagged td').nth(1)).toHaveText('9');
  // Four curves: NMSE, correlation, and each tilt's agreement beside what was expected (the flagged tilt a line).
  await expect(page.getByTestId('cv-plot').locator('path')).toHaveCount(4);
  const csv = await downloadText(page, 'export-cv-csv');
  expect(csv.text).toContain('tilt_index,angle_deg,nmse,correlation,agreement_frc_to_0.25,expected_from_neighbours,flagged');
  const flaggedRows = csv.text.split('\n').filter((line) => /^\d/.test(line) && line.endsWith(',1'));
  expect(flaggedRows.map((line) => line.split(',')[0])).toEqual(['8']);

  // The page moved on to another series meanwhile: the data set is still made from the one the tilts were found in.
  const spoilt = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  const demo = await page.evaluate(() => window.wedgelab.datasets()[0]);
  await page.getByTestId('dataset-select').selectOption(demo.id);
  await page.getByTestId('cv-leave-out-flagged').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('without tilt 9');
  const made = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect([made.nTilts, made.name.startsWith(spoilt.name)]).toEqual([angles.length - 1, true]);
  expect(made.tiltAngles).not.toContain(-20);
  expect(pageErrors).toEqual([]);
});
