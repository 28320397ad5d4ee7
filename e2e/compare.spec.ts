/**
 * End-to-end: the method comparison (issue #3) against the real engine worker, in chromium with
 * WebGPU on SwiftShader. One page for the file, like one user's session: demo → FBP and a
 * 3-iteration SIRT at the ground truth's size → side by side, Fourier, FSC, ground-truth scores,
 * odd/even FSC and held-out-tilt cross-validation. Reconstructions stay small (FBP, 3 SIRT iterations).
 */
import { expect, test, type Page } from '@playwright/test';
import { downloadPng, downloadText, figureSize } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors: string[] = [];
const ids: { truth: string; fbp: string; sirt: string } = { truth: '', fbp: '', sirt: '' };

/** Distinct red levels and spread of a 2-D canvas's pixels (the grid and figures are 2-D canvases). */
async function canvasStats(locator: ReturnType<Page['getByTestId']>): Promise<{ levels: number; spread: number; hash: number }> {
  return locator.evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d');
    if (!ctx || !canvas.width || !canvas.height) return { levels: 0, spread: 0, hash: 0 };
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    let min = 255;
    let max = 0;
    let hash = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const r = pixels[i];
      seen.add(r);
      if (r < min) min = r;
      if (r > max) max = r;
      hash = (hash * 31 + r + 7 * pixels[i + 1] + 13 * pixels[i + 2]) | 0;
    }
    return { levels: seen.size, spread: max - min, hash };
  });
}

/** Screenshots for a human look, under test-results/ (or E2E_SCREENSHOTS). */
async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS ?? 'test-results'}/${name}.png` });
}

async function setParams(params: Record<string, string>): Promise<void> {
  for (const [testId, value] of Object.entries(params)) {
    const input = page.getByTestId(testId);
    await input.fill(value);
    await input.blur();
  }
}

async function runMethod(method: 'fbp' | 'sirt', params: Record<string, string>): Promise<string> {
  await page.getByTestId('method-select').selectOption(method);
  await setParams(params);
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  return page.evaluate(() => window.wedgelab.results().at(-1)?.id ?? '');
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

test.afterAll(async () => {
  await page.close();
});

test('the demo, FBP and a 3-iteration SIRT at the ground truth size', async () => {
  await page.goto('/');
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  const truth = await page.evaluate(() => window.wedgelab.results().find((r) => r.method === 'ground-truth'));
  expect(truth).toBeTruthy();
  ids.truth = truth?.id ?? '';
  const thickness = String(truth?.nz ?? 32);
  ids.fbp = await runMethod('fbp', { 'binning-input': '1', 'thickness-input': thickness });
  ids.sirt = await runMethod('sirt', { 'iterations-input': '3', 'binning-input': '1', 'thickness-input': thickness });
  const sizes = await page.evaluate(() => window.wedgelab.results().map((r) => `${r.nx}×${r.ny}×${r.nz}`));
  expect(new Set(sizes).size).toBe(1);
});

test('side by side: ground truth, FBP and SIRT in a linked grid, and a difference', async () => {
  for (const id of [ids.truth, ids.fbp, ids.sirt]) await page.locator(`[data-testid=result-item][data-result-id="${id}"] [data-testid=compare-check]`).check();
  await page.getByTestId('view-mode-compare').click();
  await expect(page.getByTestId('compare-grid')).toBeVisible();
  const panels = page.getByTestId('compare-panel');
  await expect(panels).toHaveCount(3);
  await expect(panels.nth(0)).toContainText('Ground truth');
  await expect(panels.nth(1)).toContainText('FBP');
  await expect(panels.nth(2)).toContainText('SIRT');
  for (let i = 0; i < 3; i++) {
    await expect.poll(async () => (await canvasStats(page.getByTestId('compare-canvas').nth(i))).levels, { message: `panel ${i} shows structure` }).toBeGreaterThan(20);
  }

  // Linked cursor: a click left of centre in one XZ panel moves x for all; the YZ planes follow.
  await page.getByTestId('compare-plane').selectOption('xz');
  const box = await page.getByTestId('compare-canvas').nth(1).boundingBox();
  if (!box) throw new Error('no canvas box');
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.getByTestId('compare-plane').selectOption('yz');
  const x = Number(await page.getByTestId('compare-slice').inputValue());
  expect(x).toBeLessThan(56);
  for (let i = 0; i < 3; i++) await expect(page.getByTestId('compare-panel').nth(i)).toContainText(`x = ${x}`);
  // Linked slice.
  await page.getByTestId('compare-plane').selectOption('xy');
  await page.getByTestId('compare-slice').fill('10');
  await expect(page.getByTestId('compare-panel').nth(0)).toContainText('z = 10');
  await expect(page.getByTestId('compare-panel').nth(2)).toContainText('z = 10');
  // Linked zoom: the wheel over one panel zooms all.
  const hashes = await Promise.all([0, 2].map(async (i) => (await canvasStats(page.getByTestId('compare-canvas').nth(i))).hash));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  for (const [k, i] of [0, 2].entries()) {
    await expect.poll(async () => (await canvasStats(page.getByTestId('compare-canvas').nth(i))).hash).not.toBe(hashes[k]);
  }
  await page.getByTestId('shared-contrast').check();
  await expect(page.getByTestId('shared-contrast')).toBeChecked();
  await shot('compare-grid');
  await page.getByTestId('compare-reset-view').click();

  // A − B: FBP − ground truth becomes a listed result and a panel.
  const results = await page.getByTestId('result-item').count();
  await page.getByTestId('difference-a').selectOption(ids.fbp);
  await page.getByTestId('difference-b').selectOption(ids.truth);
  await page.getByTestId('difference-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(results + 1);
  await expect(page.getByTestId('result-item').last()).toContainText('−');
  await expect(panels).toHaveCount(4);
  // B scaled to A (the default): FBP − (α·truth + β), α and β the least-squares fit, computed here from the volumes.
  const difference = await page.evaluate(() => window.wedgelab.results().at(-1)!);
  expect(difference.label).toMatch(/ − Ground truth \(B fitted to A: ×\d\.\d\d[\de-]* [+−] \d/);
  const volumeOf = (id: string) =>
    page.evaluate(async ([resultId, nz]) => {
      const sections = [];
      for (let z = 0; z < nz; z++) sections.push(Array.from((await window.wedgelab.slice(resultId, 'xy', z)).data));
      return sections.flat();
    }, [id, difference.nz] as const);
  const [fbp, truth, diff] = [await volumeOf(ids.fbp), await volumeOf(ids.truth), await volumeOf(difference.id)];
  const mean = (v: number[]) => v.reduce((sum, x) => sum + x, 0) / v.length;
  const [mb, ma] = [mean(truth), mean(fbp)];
  const alpha = truth.reduce((sum, b, i) => sum + (b - mb) * (fbp[i] - ma), 0) / truth.reduce((sum, b) => sum + (b - mb) ** 2, 0);
  const worst = diff.reduce((most, d, i) => Math.max(most, Math.abs(d - (fbp[i] - (alpha * truth[i] + ma - alpha * mb)))), 0);
  expect(worst).toBeLessThan(1e-4 * fbp.reduce((most, v) => Math.max(most, Math.abs(v)), 0));
  await expect.poll(async () => (await canvasStats(page.getByTestId('compare-canvas').nth(3))).levels).toBeGreaterThan(20);

  // The four panels, two to a row, each under its label.
  const png = await downloadPng(page, 'export-grid-png');
  expect(png.name).toMatch(/\.png$/);
  expect(png).toMatchObject(await figureSize(page.getByTestId('compare-canvas'), 2));
});

test('Fourier sections differ between a reconstruction and the ground truth', async () => {
  await page.getByTestId('compare-tab-fourier').click();
  const canvas = page.getByTestId('fourier-canvas');
  await page.getByTestId('fourier-result').selectOption(ids.fbp);
  await expect(canvas).toHaveAttribute('data-drawn', `${ids.fbp}|kx-kz`);
  const fbp = await canvasStats(canvas);
  expect(fbp.levels).toBeGreaterThan(40);
  await shot('compare-fourier');
  await page.getByTestId('fourier-result').selectOption(ids.truth);
  await expect(canvas).toHaveAttribute('data-drawn', `${ids.truth}|kx-kz`);
  const truth = await canvasStats(canvas);
  expect(truth.hash).not.toBe(fbp.hash);
  await page.getByTestId('fourier-plane').selectOption('kx-ky');
  await expect(canvas).toHaveAttribute('data-drawn', `${ids.truth}|kx-ky`);
  const png = page.waitForEvent('download');
  await page.getByTestId('export-fourier-png').click();
  expect((await png).suggestedFilename()).toMatch(/fourier_kx-ky\.png$/);
});

test('FSC of FBP against the ground truth: curves, thresholds, resolution, CSV', async () => {
  await page.getByTestId('compare-tab-fsc').click();
  await page.getByTestId('fsc-a').selectOption(ids.fbp);
  await page.getByTestId('fsc-b').selectOption(ids.truth);
  await page.getByTestId('fsc-button').click();
  const plot = page.getByTestId('fsc-plot');
  await expect(plot.locator('path')).toHaveCount(5);
  await expect(plot).toContainText('1/Å');
  await expect(plot).toContainText('0.143');
  await expect(page.getByTestId('fsc-res-0143')).toHaveText(/Å|—/);
  await shot('compare-fsc');
  const csv = await downloadText(page, 'export-fsc-csv');
  expect(csv.name).toMatch(/\.csv$/);
  const lines = csv.text.trim().split('\n').filter((l) => !l.startsWith('#'));
  expect(lines[0]).toContain('fsc_measured');
  expect(lines.length).toBeGreaterThan(10);
  expect(Number(lines[1].split(',')[4])).toBeCloseTo(1, 2);
  const svg = await downloadText(page, 'export-fsc-svg');
  expect(svg.text).toMatch(/^<svg xmlns/);
});

test('ground-truth scores: a row per result with finite PSNR, CSV and JSON', async () => {
  await page.getByTestId('compare-tab-metrics').click();
  const table = page.getByTestId('metrics-table');
  await expect(table).toContainText('PSNR');
  await expect(page.getByTestId('metrics-note')).toContainText('affine fit');
  await expect(page.getByTestId('metrics-row')).toHaveCount(2);
  for (const id of [ids.fbp, ids.sirt]) {
    const psnr = page.locator(`[data-testid=metrics-row][data-result-id="${id}"] [data-testid=metrics-psnr]`);
    await expect(psnr).toHaveText(/\d/);
    expect(Number.isFinite(Number(await psnr.textContent()))).toBe(true);
    const ssim = Number(await page.locator(`[data-testid=metrics-row][data-result-id="${id}"] [data-testid=metrics-ssim]`).textContent());
    expect(ssim).toBeGreaterThan(-1);
    expect(ssim).toBeLessThanOrEqual(1);
  }
  await shot('compare-metrics');
  const csv = await downloadText(page, 'export-metrics-csv');
  expect(csv.text).toContain('psnr_db_after_affine_fit');
  expect(csv.text.trim().split('\n').filter((l) => !l.startsWith('#'))).toHaveLength(3);
  const json = JSON.parse((await downloadText(page, 'export-metrics-json')).text);
  expect(json.results).toHaveLength(2);
  expect(Number.isFinite(json.results[0].psnrDb)).toBe(true);
  // The two sides' mean square errors make up the whole PSNR's.
  const mse = (db: number) => 10 ** (-db / 10);
  for (const r of json.results) expect(mse(r.psnrMeasuredSideDb) + mse(r.psnrMissingSideDb)).toBeCloseTo(mse(r.psnrDb), 9);
  await expect(page.locator(`[data-testid=metrics-row][data-result-id="${ids.fbp}"] [data-testid=metrics-psnr-missing]`)).toHaveText(/\d/);
});

test('odd/even FSC of the method panel settings, with cancel', async () => {
  await page.getByTestId('compare-tab-oddeven').click();
  // A long SIRT can be cancelled…
  await page.getByTestId('method-select').selectOption('sirt');
  await setParams({ 'iterations-input': '500' });
  await page.getByTestId('oddeven-button').click();
  await expect(page.getByTestId('oddeven-progress')).toBeVisible();
  await page.getByTestId('oddeven-cancel').click();
  await expect(page.getByTestId('oddeven-note')).toContainText(/cancel/i);
  await expect(page.getByTestId('oddeven-progress')).toHaveCount(0);
  // …and FBP runs through.
  await page.getByTestId('method-select').selectOption('fbp');
  await page.getByTestId('oddeven-button').click();
  await expect(page.getByTestId('oddeven-plot').locator('path')).toHaveCount(1);
  await expect(page.getByTestId('oddeven-res-0143')).toHaveText(/Å|—/);
  await shot('compare-oddeven');
});

test('held-out-tilt cross-validation: projections, scores per angle, means, CSV', async () => {
  await page.getByTestId('compare-tab-cv').click();
  await page.getByTestId('cv-heldout').fill('nonsense');
  await expect(page.getByTestId('cv-button')).toBeDisabled();
  await page.getByTestId('cv-heldout').fill('±15');
  await expect(page.getByTestId('cv-preview')).toContainText('2 of 41');
  await page.getByTestId('cv-button').click();
  await expect(page.getByTestId('cv-plot').locator('path')).toHaveCount(2);
  await expect(page.getByTestId('cv-row')).toHaveCount(2);
  const nmse = Number(await page.getByTestId('cv-mean-nmse').textContent());
  const corr = Number(await page.getByTestId('cv-mean-corr').textContent());
  expect(nmse).toBeGreaterThanOrEqual(0);
  expect(corr).toBeGreaterThan(0);
  expect(corr).toBeLessThanOrEqual(1);
  for (const id of ['cv-measured', 'cv-predicted']) expect((await canvasStats(page.getByTestId(id))).levels).toBeGreaterThan(20);
  await page.getByTestId('cv-row').nth(1).click();
  await shot('compare-cv');
  const images = await downloadPng(page, 'export-cv-images-png');
  expect(images).toMatchObject(await figureSize(page.locator('[data-testid=cv-measured], [data-testid=cv-predicted]'), 2));
  const csv = await downloadText(page, 'export-cv-csv');
  expect(csv.text).toContain('tilt_index,angle_deg,nmse,correlation');
  expect(csv.text).toMatch(/\nmean,,/);

  // Back to the viewer: the slice viewer is still there.
  await page.getByTestId('compare-exit-slices').click();
  await expect(page.getByTestId('slice-viewer')).toBeVisible();
  expect(pageErrors).toEqual([]);
});
