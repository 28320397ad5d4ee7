/**
 * End-to-end: the Compare tab's long jobs beside odd/even's and cross-validation's. The FSC: its passes show on a
 * progress bar, Cancel stops it (the figure shown before, if any, stays), and a run to the end draws the curves. A
 * 128 × 128 × 128 FBP of the demo and its Gaussian smoothing give it enough work (two half spectra of 2 M voxels on
 * the CPU threads) for a Cancel pressed as soon as it shows to reach the worker before it ends. The ground-truth
 * scores: the Metrics tab scores on opening, with a bar and Cancel (the results left unscored, Recompute scores them).
 */
import { expect, test, type Page } from '@playwright/test';
import { openDemoPage } from './helpers.ts';

/** Press `start`, then the job's Cancel as soon as it shows; the progress text seen then. */
function startThenCancel(page: Page, start: string, job: string): Promise<string> {
  return page.evaluate(
    async ({ start, job }) => {
      const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
      byTestId(start)?.click();
      let cancel: HTMLElement | null;
      while (!(cancel = byTestId(`${job}-cancel`))) await new Promise((resolve) => setTimeout(resolve, 0));
      const text = byTestId(`${job}-progress`)?.textContent ?? '';
      cancel.click();
      return text;
    },
    { start, job },
  );
}

/** Every progress message the job's bar shows from now on, kept in window.jobMessages. */
function noteMessages(page: Page, job: string): Promise<void> {
  return page.evaluate((job) => {
    const seen: string[] = [];
    Object.assign(window, { jobMessages: seen });
    new MutationObserver(() => {
      const text = document.querySelector(`[data-testid="${job}-progress"] .progress-message`)?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, job);
}

const messagesSeen = (page: Page) => page.evaluate(() => (window as unknown as { jobMessages: string[] }).jobMessages);

test('the FSC shows its progress, can be cancelled keeping the figure shown, and runs to the end', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const fbp = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: 128 } }));
  const smoothed = await page.evaluate((id) => window.wedgelab.refine(id, { method: 'gaussian', params: { sigma: 1 } }), fbp);
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-fsc').click();
  await page.getByTestId('fsc-a').selectOption(fbp);
  await page.getByTestId('fsc-b').selectOption(smoothed);

  expect(await startThenCancel(page, 'fsc-button', 'fsc')).toMatch(/%/);
  await expect(page.getByTestId('fsc-note')).toContainText('Cancelled');
  await expect(page.getByTestId('fsc-progress')).toHaveCount(0);
  await expect(page.getByTestId('fsc-plot')).toHaveCount(0);
  await expect(page.getByTestId('fsc-button')).toBeEnabled();

  // Run to the end, noting every progress message the bar shows on the way.
  await noteMessages(page, 'fsc');
  await page.getByTestId('fsc-button').click();
  await expect(page.getByTestId('fsc-plot').locator('path')).toHaveCount(5);
  await expect(page.getByTestId('fsc-note')).toHaveCount(0);
  const messages = await messagesSeen(page);
  expect(messages).toContain('FSC: transforming the x–z planes');
  expect(messages).toContain('FSC: summing the shells');
  await expect(page.getByTestId('fsc-res-0143')).toHaveText(/Å|—/);

  // Cancelled again: the figure of the finished run stays, with the note.
  await startThenCancel(page, 'fsc-button', 'fsc');
  await expect(page.getByTestId('fsc-note')).toContainText('previous figure');
  await expect(page.getByTestId('fsc-plot').locator('path')).toHaveCount(5);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('the ground-truth scores show their progress, can be cancelled, and score on Recompute', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const truth = await page.evaluate(() => window.wedgelab.results().find((r) => r.method === 'ground-truth')!);
  const fbp = await page.evaluate((nz) => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: nz } }), truth.nz);
  await page.getByTestId('view-mode-compare').click();
  const psnr = page.locator(`[data-testid=metrics-row][data-result-id="${fbp}"] [data-testid=metrics-psnr]`);

  // Opening the tab starts the scoring; stopped at once, the result stays unscored.
  expect(await startThenCancel(page, 'compare-tab-metrics', 'scoring')).toMatch(/%/);
  await expect(page.getByTestId('scoring-note')).toContainText('Cancelled');
  await expect(page.getByTestId('scoring-progress')).toHaveCount(0);
  await expect(psnr).toHaveText('');
  await expect(page.getByTestId('metrics-button')).toHaveText('Recompute');

  await noteMessages(page, 'scoring');
  await page.getByTestId('metrics-button').click();
  await expect(psnr).toHaveText(/\d/);
  await expect(page.getByTestId('scoring-progress')).toHaveCount(0);
  await expect(page.getByTestId('scoring-note')).toHaveCount(0);
  expect((await messagesSeen(page)).some((m) => m.startsWith('FSC'))).toBe(true);
  expect(pageErrors).toEqual([]);
  await page.close();
});
