/**
 * End-to-end: the coordinate network (SIREN fitted slab by slab) on the demo, in chromium with
 * WebGPU on SwiftShader. Tiny networks and few steps: the software adapter is slow. One page for
 * the file, tests in order.
 */
import { expect, test, type Page } from '@playwright/test';
import { canvasSpread, expectSlicesDrawn, shareDemoPage, selectedResultLabel, setParams } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;

/**
 * The demo binned to 32 × 32 × 8 (128 × 128 × 32 on SwiftShader), an 8 × 1 network, 16-row slabs:
 * two slabs. A step costs about voxels × width on the software adapter (≈ 0.2 s here).
 */
const TINY = {
  'binning-input': '4',
  'thickness-input': '8',
  'width-input': '8',
  'layers-input': '1',
  'slab-rows-input': '16',
  'steps-first-input': '10',
  'steps-next-input': '5',
};

declare global {
  interface Window {
    /** Test ids seen in the page since watchFor() (a run may be over before a poll looks). */
    __seen?: string[];
  }
}

async function watchFor(testIds: string[]): Promise<void> {
  await page.evaluate((ids) => {
    const seen: string[] = (window.__seen = []);
    const look = () => {
      for (const id of ids) if (!seen.includes(id) && document.querySelector(`[data-testid="${id}"]`)) seen.push(id);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, testIds);
}

const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

test('the coordinate network trains with a live loss and preview, and gives a normal result', async () => {
  await page.getByTestId('method-select').selectOption('coordnet');
  await expect(page.getByTestId('run-button')).toHaveText('Reconstruct (Coordinate network)');
  // The paper's defaults, and the parameter/measurement ratio for the loaded tilt series.
  await expect(page.getByTestId('width-input')).toHaveValue('256');
  await expect(page.getByTestId('layers-input')).toHaveValue('4');
  await expect(page.getByTestId('slab-rows-input')).toHaveValue('8');
  await expect(page.getByTestId('lr-next-end-input')).toHaveValue('0.00001');
  // On the software adapter Run waits for an explicit "run anyway".
  await expect(page.getByTestId('software-adapter-warning')).toContainText('hours to days');
  await expect(page.getByTestId('run-button')).toBeDisabled();
  await page.getByTestId('software-run-anyway').check();
  await expect(page.getByTestId('run-button')).toBeEnabled();
  const ratioBefore = await page.getByTestId('coordnet-ratio').textContent();
  await setParams(page, TINY);
  await expect(page.getByTestId('coordnet-ratio')).not.toHaveText(ratioBefore ?? '');
  await expect(page.getByTestId('coordnet-ratio')).toContainText('113 weights');

  const before = await page.getByTestId('result-item').count();
  await watchFor(['loss-plot', 'slab-preview-canvas', 'result-partial']);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-note')).toContainText('done', { timeout: 60_000 });
  expect(await page.evaluate(() => window.__seen)).toEqual(expect.arrayContaining(['loss-plot', 'slab-preview-canvas', 'result-partial']));

  // One result (the partial one completed under the same id), selected, with its loss curve.
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  const item = page.getByTestId('result-item').last();
  await expect(item).toContainText('Coordinate network');
  await expect(item).toContainText('32 × 32 × 8');
  await expect(item.getByTestId('result-partial')).toHaveCount(0);
  expect(await selectedResultLabel(page)).toContain('SIREN 8×1');
  const plot = page.getByTestId('result-details').getByTestId('loss-plot');
  await expect(plot).toContainText('at step 15');
  await expect(plot.getByTestId('loss-plot-mark')).toHaveCount(1);
  await expectSlicesDrawn(page);
  const [result] = await page.evaluate(() => window.wedgelab.results().filter((r) => r.method === 'coordnet'));
  expect(result.loss).toHaveLength(15);
  expect(result.partial).toBeUndefined();
  expect(pageErrors).toEqual([]);
});

test('a cancelled run keeps the slabs it finished, as a usable result', async () => {
  await setParams(page, { ...TINY, 'slab-rows-input': '8', 'steps-next-input': '100000' });
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();

  // The first slab done: the result is listed and shown while the second trains.
  const partial = page.locator('[data-testid=result-item][data-partial=running]');
  await expect(partial).toHaveCount(1, { timeout: 60_000 });
  await expect(partial.getByTestId('result-partial')).toHaveText('in progress, rows 0–7 of 32 fitted');
  await expect(partial.getByTestId('result-delete')).toBeDisabled();
  await expect(partial).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('training-monitor').getByTestId('loss-plot')).toBeVisible();
  await expect.poll(() => canvasSpread(page, 'slab-preview-canvas')).toBeGreaterThan(40);
  await expect(page.getByTestId('progress-message')).toContainText(/slab 2\/4.*left/);
  await expectSlicesDrawn(page);

  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('run-note')).toContainText('cancelled; rows 0–7 of 32 fitted are kept');
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  const kept = page.locator('[data-testid=result-item][data-partial=cancelled]');
  await expect(kept.getByTestId('result-partial')).toHaveText('cancelled, rows 0–7 of 32 fitted');
  await expect(kept.getByTestId('result-delete')).toBeEnabled();

  // Usable like any result: selected again, sliced, its loss so far, exported.
  await page.getByTestId('result-item').first().click();
  await kept.click();
  await expect(kept).toHaveAttribute('aria-selected', 'true');
  await expectSlicesDrawn(page);
  await expect(page.getByTestId('result-details').getByTestId('loss-plot')).toBeVisible();
  const length = await page.evaluate(async () => {
    const result = window.wedgelab.results().find((r) => r.partial?.state === 'cancelled');
    return result ? (await window.wedgelab.exportMrc(result.id)).length : 0;
  });
  expect(length).toBe(1024 + 32 * 32 * 8 * 4);
  expect(pageErrors).toEqual([]);
});

test('the scripting hook runs the coordinate network', async () => {
  const id = await page.evaluate(() =>
    window.wedgelab.run({ method: 'coordnet', params: { binning: 4, thickness: 4, width: 4, layers: 1, slabRows: 32, stepsFirst: 3, stepsNext: 1 } }),
  );
  const result = await page.evaluate((rid) => window.wedgelab.results().find((r) => r.id === rid), id);
  expect(result).toMatchObject({ method: 'coordnet', nx: 32, ny: 32, nz: 4 });
  expect(result?.loss).toHaveLength(3);
  expect(result?.label).toContain('SIREN 4×1');
});

// Last in the file: the cancelled step still runs to its end on the device, behind any later run on this page.
test('Cancel answers within seconds while a long training step is still on the software adapter', async () => {
  // The paper's 256 × 4 network on the unbinned demo: one step takes far longer than the 5 s allowed below.
  await setParams(page, { 'binning-input': '1', 'thickness-input': '32', 'width-input': '256', 'layers-input': '4', 'slab-rows-input': '8' });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('progress')).toBeVisible();
  await page.waitForTimeout(1000); // the first step submitted
  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 5000 });
  await expect(page.getByTestId('run-note')).toContainText('cancelled');
  expect(pageErrors).toEqual([]);
});
