/**
 * End-to-end: the viewers' everyday aids on the demo's ground truth — scale bars that follow the zoom (slices and
 * 3-D), dragging the cursor or panning, the cursor's position in nm, slice stepping from the keyboard, and colour maps.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectSlicesDrawn, shareDemoPage } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;

/** Share of a slice canvas's pixels whose red and blue differ by more than 20: only the crosshair's (under 1 %) for grey. */
async function colourfulness(testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement) => {
    const copy = document.createElement('canvas');
    [copy.width, copy.height] = [canvas.width, canvas.height];
    const ctx = copy.getContext('2d');
    if (!ctx || !canvas.width) return -1;
    ctx.drawImage(canvas, 0, 0);
    const pixels = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let coloured = 0;
    for (let i = 0; i < pixels.length; i += 4) if (Math.abs(pixels[i] - pixels[i + 2]) > 20) coloured++;
    return coloured / (pixels.length / 4);
  });
}

/** A digest of a slice canvas's pixels (position-weighted sums), to tell whether what it shows moved. */
async function digest(testId: string): Promise<string> {
  return page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement) => {
    const copy = document.createElement('canvas');
    [copy.width, copy.height] = [canvas.width, canvas.height];
    const ctx = copy.getContext('2d');
    if (!ctx || !canvas.width) return '';
    ctx.drawImage(canvas, 0, 0);
    const pixels = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let [sum, weighted] = [0, 0];
    for (let i = 0; i < pixels.length; i += 4) {
      sum += pixels[i];
      weighted += pixels[i] * ((i / 4) % 997);
    }
    return `${sum}:${weighted}`;
  });
}

const pageErrors = shareDemoPage(async (opened) => {
  page = opened;
  await page.getByTestId('result-item').filter({ hasText: 'Ground truth' }).click();
  await expectSlicesDrawn(page);
});

test('scale bars name a round length in each panel and follow the zoom', async () => {
  const bar = page.getByTestId('scale-bar-xy');
  await expect(bar).toHaveText(/^\d+(\.\d+)? (nm|Å)$/);
  for (const axis of ['xz', 'yz']) await expect(page.getByTestId(`scale-bar-${axis}`)).toBeVisible();
  const before = Number(await bar.getAttribute('data-nm'));
  expect([1, 2, 5]).toContain(before / 10 ** Math.floor(Math.log10(before) + 1e-9));
  const box = page.getByTestId('slice-xy-box');
  const area = await box.boundingBox();
  await page.mouse.move(area!.x + area!.width / 2, area!.y + area!.height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -400); // zoom in about 11×
  await expect.poll(async () => Number(await bar.getAttribute('data-nm'))).toBeLessThan(before / 4);
  await page.getByTestId('reset-view').click();
  await expect.poll(async () => Number(await bar.getAttribute('data-nm'))).toBe(before);
});

test('a left drag moves the linked cursor; a Shift-drag or a middle drag pans the slice and leaves the cursor where it was', async () => {
  const indices = () => page.locator('.slice-index').allTextContents();
  const area = (await page.getByTestId('slice-xy-box').boundingBox())!;
  const [cx, cy] = [area.x + area.width / 2, area.y + area.height / 2];
  const drag = async (dx: number, options: { button?: 'left' | 'middle'; shift?: boolean } = {}) => {
    if (options.shift) await page.keyboard.down('Shift');
    await page.mouse.move(cx, cy);
    await page.mouse.down({ button: options.button ?? 'left' });
    await page.mouse.move(cx + dx, cy, { steps: 5 });
    await page.mouse.up({ button: options.button ?? 'left' });
    if (options.shift) await page.keyboard.up('Shift');
  };
  const before = await indices();
  await drag(-area.width / 4);
  // The cursor followed the drag: x (the YZ panel's slice) is now left of centre, y and z as they were.
  const moved = await indices();
  expect(moved).not.toEqual(before);
  expect(Number(/x = (\d+)/.exec(moved.join(' '))?.[1])).toBeLessThan(Number(/x = (\d+)/.exec(before.join(' '))?.[1]));
  const still = await digest('slice-xy');
  for (const options of [{ shift: true }, { button: 'middle' as const }]) {
    await drag(40, options);
    await expect.poll(() => digest('slice-xy')).not.toBe(still);
    expect(await indices()).toEqual(moved);
    await page.getByTestId('reset-view').click();
    await expect.poll(() => digest('slice-xy')).toBe(still);
  }
  expect(pageErrors).toEqual([]);
});

test('the readout gives the cursor in nm as well as in voxels', async () => {
  const pixelSize = await page.evaluate(() => window.wedgelab.results().find((r) => r.method === 'ground-truth')?.pixelSize ?? 0);
  expect(pixelSize).toBeGreaterThan(0);
  await page.mouse.move(0, 0); // off the panels: the readout shows the cursor
  const readout = page.getByTestId('voxel-readout');
  await expect(readout).toContainText('cursor');
  const spans = await readout.locator('span').allTextContents();
  const [x, y, z] = ['x', 'y', 'z'].map((axis) => Number(spans.find((t) => t.startsWith(`${axis} `))?.slice(2)));
  const nm = (i: number) => String(Number(((i * pixelSize) / 10).toPrecision(4)));
  await expect(page.getByTestId('readout-length')).toHaveText(`(${nm(x)}, ${nm(y)}, ${nm(z)}) nm`);
});

test('arrow keys step through slices in a focused panel, Shift by ten, Home and End to the ends', async () => {
  const index = async () => Number(/z = (\d+)/.exec((await page.locator('.slice-index').first().textContent()) ?? '')?.[1]);
  const box = page.getByTestId('slice-xy-box');
  await box.focus();
  const start = await index();
  await page.keyboard.press('ArrowUp');
  await expect.poll(index).toBe(start + 1);
  await page.keyboard.press('Shift+ArrowDown');
  await expect.poll(index).toBe(start - 9);
  await page.keyboard.press('Home');
  await expect.poll(index).toBe(0);
  await page.keyboard.press('End');
  const last = Number(await page.getByTestId('slider-xy').getAttribute('max'));
  await expect.poll(index).toBe(last);
});

test('a colour map other than grey colours the slices, and grey comes back', async () => {
  const slider = page.getByTestId('slider-xy');
  await slider.fill(String(Math.round(Number(await slider.getAttribute('max')) / 2))); // a slice through the specimen
  await expectSlicesDrawn(page);
  expect(await colourfulness('slice-xy')).toBeLessThan(0.01);
  await page.getByTestId('colormap-select').selectOption('inferno');
  await expect.poll(() => colourfulness('slice-xy')).toBeGreaterThan(0.05);
  await page.getByTestId('colormap-select').selectOption('grey');
  await expect.poll(() => colourfulness('slice-xy')).toBeLessThan(0.01);
  expect(pageErrors).toEqual([]);
});

test('the 3-D view has a scale bar too, which follows its zoom', async () => {
  await page.getByTestId('view-mode-3d').click();
  const bar = page.getByTestId('scale-bar-3d');
  await expect(bar).toHaveText(/^\d+(\.\d+)? (nm|Å)$/);
  const before = Number(await bar.getAttribute('data-nm'));
  const area = await page.getByTestId('volume-canvas').boundingBox();
  await page.mouse.move(area!.x + area!.width / 2, area!.y + area!.height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -400);
  await expect.poll(async () => Number(await bar.getAttribute('data-nm'))).toBeLessThan(before);
  await page.getByTestId('view-mode-slices').click();
  expect(pageErrors).toEqual([]);
});

test('keys 1, 2, 3 switch between slices, 3-D and compare, and Ctrl+Enter runs the chosen method', async () => {
  await page.locator('body').click({ position: { x: 5, y: 5 } }); // no field focused
  await page.keyboard.press('2');
  await expect(page.getByTestId('view-mode-3d')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('3');
  await expect(page.getByTestId('view-mode-compare')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('1');
  await expect(page.getByTestId('view-mode-slices')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('slice-viewer')).toBeVisible();

  // Typed into a field, a digit is the field's.
  await page.getByTestId('thickness-input').fill('1');
  await page.getByTestId('thickness-input').press('2');
  await expect(page.getByTestId('view-mode-slices')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('thickness-input').fill('16');
  await page.getByTestId('binning-input').fill('4');
  await page.getByTestId('binning-input').blur();
  // The thickness as a length, in the data set's pixel size (the demo's 8 Å).
  await expect(page.getByTestId('thickness-length')).toHaveText('Thickness 16 px × bin 4 × 8 Å = 51.2 nm');
  // A suggestion from the data: the demo's specimen is 32 px thick, so at bin 4 at least 8 px, with some margin.
  await page.getByTestId('thickness-suggest').click();
  await expect(page.getByTestId('thickness-suggestion')).toContainText(/Suggested from the data: \d+ px \(\d+(\.\d+)? nm\)/);
  const suggested = Number(/(\d+) px/.exec((await page.getByTestId('thickness-suggestion').textContent()) ?? '')?.[1]);
  expect(suggested).toBeGreaterThanOrEqual(8);
  expect(suggested).toBeLessThanOrEqual(16);
  await page.getByTestId('thickness-use').click();
  await expect(page.getByTestId('thickness-input')).toHaveValue(String(suggested));

  await page.getByTestId('method-select').selectOption('fbp');
  const before = await page.getByTestId('result-item').count();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1, { timeout: 120_000 });
  expect(pageErrors).toEqual([]);
});
