/**
 * End-to-end: the page at the sizes researchers use. On a 1024 × 768 screen a new result shows in the sidebar
 * without scrolling, and no plot title runs off its figure (SVG plots and the Fourier canvas) even for a
 * long method label; on a large screen the Fourier figure grows into the space it has. An FSC that never
 * crosses a threshold reads "beyond Nyquist", not "—". The ground-truth table and every method's form fit.
 */
import { expect, test, type Page } from '@playwright/test';

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors: string[] = [];
let sirtId = '';

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto('/');
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
});

test.afterAll(async () => {
  await page.close();
});

test('1024 × 768: the result a run adds is in view in the sidebar', async () => {
  // The longest label the reconstructions give: every option that names itself.
  sirtId = await page.evaluate(() => window.wedgelab.run({ method: 'sirt', params: { iterations: 2, textbookWeights: true, subtractMean: true } }));
  const item = page.locator(`[data-testid=result-item][data-result-id="${sirtId}"]`);
  await expect(item).toHaveAttribute('aria-selected', 'true');
  await expect(item).toBeInViewport({ ratio: 1 });
});

test('1024 × 768: every text of the FSC plot lies inside the figure, a long title in two lines', async () => {
  await page.getByTestId('view-mode-compare').click();
  await page.getByTestId('compare-tab-fsc').click();
  // Two long labels: the title names both.
  const fbpId = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { filter: { name: 'shepp-logan' }, subtractMean: true } }));
  await page.getByTestId('fsc-a').selectOption(sirtId);
  await page.getByTestId('fsc-b').selectOption(fbpId);
  await page.getByTestId('fsc-button').click();
  const svg = page.locator('[data-testid=fsc-plot] svg');
  await expect(svg).toBeVisible();
  const overflow = await svg.evaluate((root: SVGSVGElement) => {
    const width = root.viewBox.baseVal.width;
    return [...root.querySelectorAll('text')].filter((t) => !t.closest('[transform]')).map((t) => ({ text: t.textContent, right: t.getBBox().x + t.getBBox().width, width })).filter((t) => t.right > t.width);
  });
  expect(overflow).toEqual([]);
  await expect(svg.locator('text[data-role=title]')).toHaveCount(2);
  // A curve that never drops below a threshold (a result against itself) says so, with the limit (8 Å pixels).
  await page.getByTestId('fsc-b').selectOption(sirtId);
  await page.getByTestId('fsc-button').click();
  await expect(page.getByTestId('fsc-res-0143')).toHaveText('beyond Nyquist (16.0 Å)');
});

test('1024 × 768: the Fourier figure’s title stops short of its right edge', async () => {
  // A refinement names what it refined: the longest titles.
  const smoothedId = await page.evaluate((id) => window.wedgelab.refine(id, { method: 'gaussian', params: { sigma: 1 } }), sirtId);
  await page.getByTestId('compare-tab-fourier').click();
  await page.getByTestId('fourier-result').selectOption(smoothedId);
  await expect(page.locator('.fourier-figure')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  // The title's band (the top 22 px of the figure) holds only background in its last 8 px columns.
  const inked = await page.getByTestId('fourier-canvas').evaluate((canvas: HTMLCanvasElement) => {
    const ratio = canvas.width / 640;
    const ctx = canvas.getContext('2d')!;
    const band = ctx.getImageData(canvas.width - 8 * ratio, 0, 8 * ratio, 22 * ratio).data;
    let count = 0;
    for (let i = 0; i < band.length; i += 4) if (Math.abs(band[i] - 0x0f) + Math.abs(band[i + 1] - 0x13) + Math.abs(band[i + 2] - 0x18) > 24) count++;
    return count;
  });
  expect(inked).toBe(0);
});

test('1024 × 768: the ground-truth table fits beside the sidebar, no sideways scrolling', async () => {
  await page.getByTestId('compare-tab-metrics').click();
  // Every result scored (a row still "scoring…" is wider than a finished one).
  await expect(page.getByTestId('metrics-row')).not.toHaveCount(0);
  await expect(page.getByTestId('metrics-table')).not.toContainText('scoring…', { timeout: 120_000 });
  const [table, body] = await page.getByTestId('metrics-table').evaluate((t) => [t.getBoundingClientRect().right, t.closest('.compare-body')!.getBoundingClientRect().right]);
  expect(table).toBeLessThanOrEqual(body);
  await page.getByTestId('compare-tab-fourier').click();
});

test('1024 × 768: every method form keeps its number fields wide enough to read, each label on one line', async () => {
  // Four fields and two checkboxes in one row once squeezed the σ field to 15 px and its label to four lines.
  const cramped = new Set<string>();
  for (const select of ['method-select', 'refine-method-select', 'synthesize-method-select']) {
    const methods = await page.getByTestId(select).locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    for (const method of methods) {
      await page.getByTestId(select).selectOption(method);
      const fields = await page.locator('aside.sidebar label.field').evaluateAll((labels) =>
        labels.map((label) => ({
          label: label.querySelector('.field-label')?.textContent ?? '',
          labelHeight: label.querySelector('.field-label')!.getBoundingClientRect().height,
          inputWidth: label.querySelector('input')?.getBoundingClientRect().width ?? 100,
        })),
      );
      for (const f of fields) if (f.inputWidth < 48 || f.labelHeight > 18) cramped.add(`${f.label} (input ${Math.round(f.inputWidth)} px, label ${Math.round(f.labelHeight)} px high)`);
    }
  }
  expect([...cramped]).toEqual([]);
});

test('1920 × 1080: the Fourier figure grows into the panel', async () => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const figure = await page.locator('.fourier-figure').boundingBox();
  // 640 px wide before it grew; now as the height left allows (1080 − 230 px at 640:500).
  expect(figure!.width).toBeGreaterThan(1000);
  expect(figure!.y + figure!.height).toBeLessThanOrEqual(1080);
  expect(pageErrors).toEqual([]);
});
