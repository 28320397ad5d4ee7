/**
 * End-to-end: the Compare tab's FSC is a job like odd/even's: its passes show on a progress bar, Cancel stops it
 * (the figure shown before, if any, stays), and a run to the end draws the curves. A 128 × 128 × 128 FBP of the demo
 * and its Gaussian smoothing give the FSC enough work (two half spectra of 2 M voxels on the CPU threads) for a
 * Cancel pressed on the frame after Compute to reach the worker before it ends.
 */
import { expect, test, type Page } from '@playwright/test';
import { openDemoPage } from './helpers.ts';

/** Press Compute FSC, then Cancel as soon as it shows; the progress text seen then. */
function computeThenCancel(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    byTestId('fsc-button')?.click();
    let cancel: HTMLElement | null;
    while (!(cancel = byTestId('fsc-cancel'))) await new Promise(requestAnimationFrame);
    const text = byTestId('fsc-progress')?.textContent ?? '';
    cancel.click();
    return text;
  });
}

test('the FSC shows its progress, can be cancelled keeping the figure shown, and runs to the end', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const fbp = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: 128 } }));
  const smoothed = await page.evaluate((id) => window.wedgelab.refine(id, { method: 'gaussian', params: { sigma: 1 } }), fbp);
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-fsc').click();
  await page.getByTestId('fsc-a').selectOption(fbp);
  await page.getByTestId('fsc-b').selectOption(smoothed);

  expect(await computeThenCancel(page)).toMatch(/%/);
  await expect(page.getByTestId('fsc-note')).toContainText('Cancelled');
  await expect(page.getByTestId('fsc-progress')).toHaveCount(0);
  await expect(page.getByTestId('fsc-plot')).toHaveCount(0);
  await expect(page.getByTestId('fsc-button')).toBeEnabled();

  // Run to the end, noting every progress message the bar shows on the way.
  await page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { fscMessages: seen });
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="fsc-progress"] .progress-message')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('fsc-button').click();
  await expect(page.getByTestId('fsc-plot').locator('path')).toHaveCount(5);
  await expect(page.getByTestId('fsc-note')).toHaveCount(0);
  const messages = await page.evaluate(() => (window as unknown as { fscMessages: string[] }).fscMessages);
  expect(messages).toContain('FSC: transforming the x–z planes');
  expect(messages).toContain('FSC: summing the shells');
  await expect(page.getByTestId('fsc-res-0143')).toHaveText(/Å|—/);

  // Cancelled again: the figure of the finished run stays, with the note.
  await computeThenCancel(page);
  await expect(page.getByTestId('fsc-note')).toContainText('previous figure');
  await expect(page.getByTestId('fsc-plot').locator('path')).toHaveCount(5);
  expect(pageErrors).toEqual([]);
  await page.close();
});
