/**
 * End-to-end: a learned result's trust score against FBP (docs/trust.md), in chromium with WebGPU on SwiftShader.
 * The local network as the page starts it (with the FSC-weighted hand-over) on the demo at the smallest size the
 * local network's spec runs (bin 4, thickness 8), restored after a reload, then "Trust vs FBP": both reconstruct
 * without every 4th tilt, and the verdict, the band means, the curves and their exports appear with the result,
 * and its verdict in the results list; restored after a second reload, the result still has them.
 */
import { expect, test } from '@playwright/test';
import { downloadText, openDemoPage, savedFiles, selectedResultLabel, setParams } from './helpers.ts';

test('a restored local network result is scored against FBP on held-out tilts, shown, exported and kept after a reload', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  await page.getByTestId('method-select').selectOption('localnet');
  await setParams(page, { 'binning-input': '4', 'thickness-input': '8' });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done', { timeout: 120_000 });
  // As the page starts it: the wavelet model composed with the FSC-weighted hand-over, which the score reruns as it ran.
  expect(await selectedResultLabel(page)).toMatch(/^Local network \(broad96-p11-wavelet, P 11, wavelet, .*FBP by odd\/even FSC \(×[\d.]+\), σ 0\.75 where the FSC is low, thickness 8, bin 4\)/);
  // A result that is not learned (the ground truth) offers no trust score.
  await page.locator('[data-testid=result-item].method-ground-truth').click();
  await expect(page.getByTestId('result-details')).toBeVisible();
  await expect(page.getByTestId('trust-button')).toHaveCount(0);

  /** Reload, restore what the page kept, and select the restored local network result. */
  const reloadAndRestore = async () => {
    await page.reload();
    await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
    await page.getByTestId('session-restore-button').click();
    await expect(page.getByTestId('session-restore')).toHaveCount(0);
    const restored = page.locator('[data-testid=result-item]').filter({ hasText: 'Local network' });
    await expect(restored).toHaveCount(1);
    await restored.click();
    return restored;
  };
  // Scored after a reload: the restored result with its restored tilt series, from which the score makes it again.
  // Its save runs after the run is done: reload once the tilt series, the ground truth and it are kept (a .f32 and a .json each).
  await expect.poll(async () => (await savedFiles(page)).length, { timeout: 30_000 }).toBe(6);
  const item = await reloadAndRestore();
  await page.getByTestId('trust-button').click();
  await expect(page.getByTestId('trust-verdict')).toHaveText(/^(better than|same as|worse than) FBP on your data$/, { timeout: 170_000 });
  const verdict = (await page.getByTestId('trust-verdict').textContent()) ?? '';
  await expect(page.getByTestId('trust-summary')).toContainText('10 held-out tilts over 0 < f ≤ 0.25 cycles/pixel');
  await expect(page.getByTestId('trust-scope')).toContainText('cannot see the missing wedge');
  for (const testId of ['trust-summary-method', 'trust-summary-fbp']) expect(Number(await page.getByTestId(testId).textContent())).toBeGreaterThan(-1);
  await expect(page.getByTestId('trust-plot').locator('svg path')).not.toHaveCount(0);
  // The list says it too, where the result is shown.
  await expect(item.getByTestId('trust-badge')).toHaveText(verdict.replace(' on your data', ''));

  const csv = await downloadText(page, 'export-trust-csv');
  expect(csv.name).toMatch(/trust.*\.csv$/);
  expect(csv.text).toContain('ring,frequency_cycles_per_pixel,pixels,frc_method,frc_fbp');
  // Binned 4, the demo's 128-pixel tilts are 32 wide: rings 0 … 16.
  expect(csv.text.trim().split('\n').filter((l) => !l.startsWith('#'))).toHaveLength(1 + 17);
  const json = JSON.parse((await downloadText(page, 'export-trust-json')).text) as { verdict: string; heldOutSpec: string; frcMethod: number[] };
  expect(verdict).toContain(json.verdict);
  expect(json).toMatchObject({ heldOutSpec: 'every:4' });
  expect(json.frcMethod).toHaveLength(17);

  // Kept with the result for after a reload: restored again, it shows the same score without computing it again.
  const again = await reloadAndRestore();
  await expect(again.getByTestId('trust-badge')).toHaveText(verdict.replace(' on your data', ''));
  await expect(page.getByTestId('trust-verdict')).toHaveText(verdict);
  await expect(page.getByTestId('trust-button')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
  await page.close();
});
