// The broken-input corpus (src/io/brokenInputs.ts), its page cases dropped on the workbench: each refusal is the one
// line the command line prints, naming the file, and the data set and results loaded before are untouched; a
// series that loads shows its warnings.
import { expect, test, type Page } from '@playwright/test';
import { BROKEN_INPUTS } from '../src/io/brokenInputs.ts';
import { shareDemoPage } from './helpers.ts';

let page: Page;

const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

test('the corpus\'s page cases: one line naming the file, the page and its data intact', async () => {
  const cases = BROKEN_INPUTS.filter((c) => c.page);
  expect(cases.length).toBeGreaterThanOrEqual(12);
  const datasetCount = () => page.evaluate(() => window.wedgelab.datasets().length);
  // What a refusal must leave as it was: the data sets loaded so far and the one shown.
  let loaded = await datasetCount();
  let shown = 'Simulated demo';
  const results = await page.getByTestId('result-item').count();
  for (const { title, files, error, warnings } of cases) {
    await page.getByTestId('file-input').setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })));
    if (error !== undefined) {
      await expect(page.getByTestId('error-message'), title).toHaveText(`Could not load ${files.map((f) => f.name).join(' + ')}: ${error}`);
      await page.getByTestId('error-dismiss').click();
      await expect(page.getByTestId('error-message')).toHaveCount(0);
      await expect(page.getByTestId('dataset-summary'), title).toContainText(shown);
      expect(await datasetCount(), title).toBe(loaded);
    } else {
      await expect(page.getByTestId('dataset-summary'), title).toContainText(files[0].name);
      await expect(page.getByTestId('dataset-warnings').locator('li'), title).toHaveText((warnings ?? []).map((w) => `⚠ ${w}`));
      loaded += 1;
      shown = files[0].name;
    }
  }
  await expect(page.getByTestId('result-item')).toHaveCount(results);
  expect(pageErrors).toEqual([]);
});
