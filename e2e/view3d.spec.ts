/**
 * End-to-end: the 3-D view (three.js ray marching, WebGL2 on SwiftShader) on the demo's
 * ground truth, checked against a maximum-intensity projection computed here on the CPU
 * from the engine's own getVolume() data. One page for the file, tests in order.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

declare global {
  interface Window {
    __shots?: Record<string, { w: number; h: number; grey: Uint8Array }>;
  }
}

/** Set VIEW3D_SHOT_DIR to keep page screenshots of each mode for looking at. */
const SHOT_DIR = process.env.VIEW3D_SHOT_DIR;

async function screenshot(name: string): Promise<void> {
  if (SHOT_DIR) await page.screenshot({ path: join(SHOT_DIR, `view3d-${name}.png`) });
}

/** Wait until every 3-D panel has its volume and window and shows a still frame. */
async function settle(): Promise<void> {
  await page.waitForFunction(() => {
    const boxes = [...document.querySelectorAll<HTMLElement>('.volume-canvas-box')];
    return boxes.length > 0 && boxes.every((b) => b.dataset.ready === 'true');
  });
  await page.waitForTimeout(50);
  await page.evaluate(() => window.wedgelab3d.whenStill());
}

/** Keep a grey copy of panel `index`'s canvas under `name`; returns its standard deviation. */
async function shot(name: string, index = 0): Promise<number> {
  await settle();
  return page.evaluate(
    ({ name, index }) => {
      const canvas = document.querySelectorAll<HTMLCanvasElement>('[data-testid=volume-canvas]')[index];
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(canvas, 0, 0);
      const rgba = ctx.getImageData(0, 0, copy.width, copy.height).data;
      const grey = new Uint8Array(rgba.length / 4);
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < grey.length; i++) {
        const g = Math.round((rgba[4 * i] + rgba[4 * i + 1] + rgba[4 * i + 2]) / 3);
        grey[i] = g;
        sum += g;
        sq += g * g;
      }
      window.__shots ??= {};
      window.__shots[name] = { w: copy.width, h: copy.height, grey };
      const mean = sum / grey.length;
      return Math.sqrt(Math.max(0, sq / grey.length - mean * mean));
    },
    { name, index },
  );
}

/** Mean absolute grey difference between two shots (0…255). */
async function diff(a: string, b: string): Promise<number> {
  return page.evaluate(
    ({ a, b }) => {
      const x = window.__shots![a];
      const y = window.__shots![b];
      if (x.w !== y.w || x.h !== y.h) return 255;
      let total = 0;
      for (let i = 0; i < x.grey.length; i++) total += Math.abs(x.grey[i] - y.grey[i]);
      return total / x.grey.length;
    },
    { a, b },
  );
}

async function dragCanvas(index: number, dx: number, dy: number): Promise<void> {
  const box = await page.getByTestId('volume-canvas').nth(index).boundingBox();
  if (!box) throw new Error('no canvas');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 2 });
  await page.mouse.move(x + dx, y + dy, { steps: 2 });
  await page.mouse.up();
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
});

test.afterAll(async () => {
  await page.close();
});

test('the ground truth opens in 3-D with its pyramid level and a stats overlay', async () => {
  await page.goto('/');
  await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 150_000 });
  await page.getByTestId('result-item').filter({ hasText: 'Ground truth' }).click();
  await page.getByTestId('view-mode-3d').click();
  await expect(page.getByTestId('volume-canvas')).toHaveCount(1);
  await expect(page.getByTestId('slice-viewer')).toBeHidden();
  await settle();
  const spread = await shot('mip');
  expect(spread).toBeGreaterThan(8);
  await expect(page.getByTestId('render-stats')).toContainText(/MIP · \d+ samples\/ray · still/);
  await expect(page.getByTestId('texture-info')).toHaveText(/^(8-bit|half-float), (full|1\/\d+) resolution/);
  const panels = await page.evaluate(() => window.wedgelab3d.panels());
  expect(panels).toHaveLength(1);
  expect(panels[0].display?.maxVoxels).toBeGreaterThan(0);
  await screenshot('mip');
});

test('the MIP along z matches a CPU maximum projection of getVolume() data', async () => {
  const check = await page.evaluate(async () => {
    const hook = window.wedgelab3d;
    const [panel] = hook.panels();
    const volume = await hook.getVolume(panel.id, panel.display!.maxVoxels);
    const { nx, ny, nz, data } = volume;
    const mip = new Float32Array(nx * ny).fill(-Infinity);
    for (let z = 0; z < nz; z++)
      for (let i = 0; i < nx * ny; i++) {
        const v = data[z * nx * ny + i];
        if (v > mip[i]) mip[i] = v;
      }
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid=volume-canvas][data-result-id="${panel.id}"]`)!;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const rgba = ctx.getImageData(0, 0, copy.width, copy.height).data;
    const cpu: number[] = [];
    const gpu: number[] = [];
    let argmax = 4 * nx + 4;
    let argmin = 4 * nx + 4;
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const p = hook.project(panel.id, [(x + 0.5) / nx, (y + 0.5) / ny, 0.5]);
        if (!p) continue;
        const px = Math.round(p[0] - 0.5);
        const py = Math.round(p[1] - 0.5);
        if (px < 0 || py < 0 || px >= copy.width || py >= copy.height) continue;
        // Extremes away from the line overlays (box outline, cursor planes through the centre).
        const clear = x > 3 && y > 3 && x < nx - 4 && y < ny - 4 && Math.abs(x - nx / 2) > 3 && Math.abs(y - ny / 2) > 3;
        if (clear && mip[y * nx + x] > mip[argmax]) argmax = y * nx + x;
        if (clear && mip[y * nx + x] < mip[argmin]) argmin = y * nx + x;
        cpu.push(mip[y * nx + x]);
        gpu.push(rgba[4 * (py * copy.width + px)]);
      }
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const ma = mean(cpu);
    const mb = mean(gpu);
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < cpu.length; i++) {
      sab += (cpu[i] - ma) * (gpu[i] - mb);
      saa += (cpu[i] - ma) ** 2;
      sbb += (gpu[i] - mb) ** 2;
    }
    // The brightest column on the CPU must be drawn bright.
    const greyAt = (i: number): number => {
      const q = hook.project(panel.id, [((i % nx) + 0.5) / nx, (Math.floor(i / nx) + 0.5) / ny, 0.5])!;
      return rgba[4 * (Math.round(q[1] - 0.5) * copy.width + Math.round(q[0] - 0.5))];
    };
    const sorted = [...gpu].sort((a, b) => a - b);
    return {
      samples: cpu.length,
      correlation: sab / Math.sqrt(saa * sbb),
      brightest: greyAt(argmax),
      darkest: greyAt(argmin),
      p10: sorted[Math.floor(0.1 * sorted.length)],
      p90: sorted[Math.floor(0.9 * sorted.length)],
      factor: volume.factor,
    };
  });
  console.log(`MIP vs CPU: ${JSON.stringify(check)}`);
  expect(check.samples).toBeGreaterThan(1000);
  expect(check.correlation).toBeGreaterThan(0.5);
  expect(check.brightest).toBeGreaterThanOrEqual(check.p90);
  expect(check.darkest).toBeLessThanOrEqual(check.p10);
  expect(check.p90 - check.p10).toBeGreaterThan(100);
});

test('8-bit textures (windowed) draw the same MIP as half floats', async () => {
  await page.getByTestId('texture-format').selectOption('u8');
  await expect(page.getByTestId('texture-info')).toHaveText('8-bit, full resolution');
  await shot('mip-u8');
  expect(await diff('mip', 'mip-u8')).toBeLessThan(4);
  await page.getByTestId('texture-format').selectOption('auto');
  await expect(page.getByTestId('texture-info')).toHaveText('half-float, full resolution');
});

test('DVR and isosurface differ from MIP, and the iso threshold changes the surface', async () => {
  await page.getByTestId('render-mode').selectOption('dvr');
  await expect(page.getByTestId('render-stats')).toContainText('DVR');
  expect(await shot('dvr')).toBeGreaterThan(5);
  expect(await diff('mip', 'dvr')).toBeGreaterThan(3);
  await screenshot('dvr');

  await page.getByTestId('render-mode').selectOption('iso');
  await page.getByTestId('iso-threshold').fill('1');
  expect(await shot('iso1')).toBeGreaterThan(5);
  expect(await diff('iso1', 'mip')).toBeGreaterThan(3);
  expect(await diff('iso1', 'dvr')).toBeGreaterThan(3);
  await screenshot('iso');
  await page.getByTestId('iso-threshold').fill('4');
  expect(await shot('iso4')).toBeGreaterThan(1);
  expect(await diff('iso1', 'iso4')).toBeGreaterThan(1);
});

test('steps, presets, clip box, slab and slice planes all change the picture', async () => {
  await page.getByTestId('render-mode').selectOption('dvr');
  await shot('base');
  await page.getByTestId('tf-preset').selectOption('cryo');
  await shot('cryo');
  expect(await diff('base', 'cryo')).toBeGreaterThan(20); // light background
  await screenshot('cryo');
  await page.getByTestId('tf-preset').selectOption('grey');

  await page.getByTestId('clip-x-max').fill('63');
  await shot('clipped');
  expect(await diff('base', 'clipped')).toBeGreaterThan(2);
  await page.getByTestId('clip-reset').click();

  await page.getByTestId('slab-enabled').check();
  await page.getByTestId('slab-from').fill('10');
  await page.getByTestId('slab-to').fill('14');
  await shot('slab');
  expect(await diff('base', 'slab')).toBeGreaterThan(2);
  await page.getByTestId('slab-enabled').uncheck();

  await page.getByTestId('show-slice-planes').uncheck();
  await shot('noplanes');
  expect(await diff('base', 'noplanes')).toBeGreaterThan(0.05);
  await page.getByTestId('show-slice-planes').check();

  await page.getByTestId('render-steps').fill('32');
  await page.getByTestId('render-steps').blur();
  await expect(page.getByTestId('render-stats')).toContainText('64 samples/ray');
  await page.getByTestId('render-steps').fill('128');
  await page.getByTestId('render-steps').blur();

  // Editing the opacity curve: a click adds a control point.
  const editor = await page.getByTestId('tf-editor').boundingBox();
  await page.mouse.click(editor!.x + editor!.width * 0.3, editor!.y + editor!.height * 0.3);
  await shot('edited');
  expect(await diff('base', 'edited')).toBeGreaterThan(1);
  await page.getByTestId('tf-preset').selectOption('grey');
});

test('the linked slice cursor moves the plane outlines', async () => {
  await shot('cursor-before');
  await page.getByTestId('view-mode-slices').click();
  await page.getByTestId('slider-xy').fill('3');
  await page.getByTestId('slider-yz').fill('10');
  await page.getByTestId('view-mode-3d').click();
  await page.getByTestId('view-preset-xz').click();
  await shot('cursor-xz');
  await page.getByTestId('reset-3d-view').click();
  await shot('cursor-after');
  expect(await diff('cursor-before', 'cursor-after')).toBeGreaterThan(0.05);
});

test('side by side: linked cameras follow, unlinked ones do not; PNG of the grid', async () => {
  await page.getByTestId('view-mode-slices').click();
  await page.getByTestId('method-select').selectOption('fbp');
  // 128 × 128 × 160 is more than the software renderer's 128³ budget: shown at 1/2 resolution.
  for (const [id, value] of Object.entries({ 'binning-input': '1', 'thickness-input': '160' })) {
    await page.getByTestId(id).fill(value);
    await page.getByTestId(id).blur();
  }
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  await page.getByTestId('view-mode-3d').click();
  await page.getByTestId('render-mode').selectOption('mip');
  const groundTruth = await page.evaluate(() => window.wedgelab.results().find((r) => r.method === 'ground-truth')!.id);
  await page.locator(`[data-testid=compare-result][data-result-id="${groundTruth}"]`).check();
  await expect(page.getByTestId('volume-canvas')).toHaveCount(2);
  await expect(page.getByTestId('texture-info').first()).toHaveText('half-float, 1/2 resolution');
  await expect(page.getByTestId('texture-info').nth(1)).toHaveText('half-float, full resolution');
  await shot('a0', 0);
  await shot('b0', 1);
  await dragCanvas(0, 120, 40);
  await shot('a1', 0);
  await shot('b1', 1);
  expect(await diff('a0', 'a1')).toBeGreaterThan(2);
  expect(await diff('b0', 'b1')).toBeGreaterThan(2);
  await screenshot('side-by-side');

  await page.getByTestId('link-cameras').uncheck();
  await dragCanvas(0, -200, 0);
  await shot('a2', 0);
  await shot('b2', 1);
  expect(await diff('a1', 'a2')).toBeGreaterThan(2);
  expect(await diff('b1', 'b2')).toBeLessThan(0.5);
  await page.getByTestId('link-cameras').check();

  await page.getByTestId('export-3d-scale').selectOption('2');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-3d-png').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/_3d_grid\.png$/);
  const png = await readFile((await file.path())!);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  const width = png.readUInt32BE(16);
  const canvasWidth = await page.getByTestId('volume-canvas').first().evaluate((c: HTMLCanvasElement) => c.clientWidth);
  expect(width).toBeGreaterThanOrEqual(4 * canvasWidth - 8);
});

test('full resolution for the clip box uploads only that region', async () => {
  await page.getByTestId('clip-x-max').fill('47');
  await page.getByTestId('clip-y-max').fill('47');
  await shot('clip-overview', 0);
  await page.getByTestId('full-res').click();
  await expect(page.getByTestId('texture-info').first()).toHaveText('half-float, full resolution, clip region');
  await shot('clip-detail', 0);
  expect(await diff('clip-overview', 'clip-detail')).toBeGreaterThan(0.2);
  await screenshot('detail');
  await page.getByTestId('overview-res').click();
  await expect(page.getByTestId('texture-info').first()).toHaveText('half-float, 1/2 resolution');
  await page.getByTestId('clip-reset').click();
});

test('with inverted values the isosurface wraps the lowest voxels, as a CPU column test of getVolume() says', async () => {
  // Raw cryo-ET contrast: dense matter is dark. Inverted, threshold t must surround the voxels at or below −t σ;
  // it used to test "above −t σ", which filled the whole box. Looking down z, a column is covered exactly when
  // its lowest z-score is ≤ −t (trilinear sampling aside), which the CPU decides from the engine's data.
  // The FBP result of the side-by-side test (panel 0) has values of both signs; the ground truth has few below its
  // mean. Looked at straight down z, orthographic, so that a canvas pixel is one column of voxels.
  await page.getByTestId('render-mode').selectOption('iso');
  await page.getByTestId('tf-invert').check();
  await page.getByTestId('view-preset-xy').click();
  await page.getByTestId('projection-ortho').check();
  const threshold = await page.evaluate(async () => {
    const [panel] = window.wedgelab3d.panels();
    const { data } = await window.wedgelab3d.getVolume(panel.id, panel.display!.maxVoxels);
    let sum = 0;
    let sq = 0;
    for (const v of data) sum += v;
    const mean = sum / data.length;
    for (const v of data) sq += (v - mean) ** 2;
    const std = Math.sqrt(sq / data.length);
    const lowest = [...data].map((v) => (mean - v) / std).sort((a, b) => b - a);
    // A threshold that some voxels pass (about the 0.5 % lowest) and most do not.
    return Math.round(lowest[Math.floor(0.005 * lowest.length)] * 10) / 10;
  });
  await page.getByTestId('iso-threshold').fill(String(threshold));
  await settle();
  const check = await page.evaluate(async (t) => {
    const hook = window.wedgelab3d;
    const [panel] = hook.panels();
    const { nx, ny, nz, data } = await hook.getVolume(panel.id, panel.display!.maxVoxels);
    let sum = 0;
    let sq = 0;
    for (const v of data) sum += v;
    const mean = sum / data.length;
    for (const v of data) sq += (v - mean) ** 2;
    const std = Math.sqrt(sq / data.length);
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid=volume-canvas][data-result-id="${panel.id}"]`)!;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const rgba = ctx.getImageData(0, 0, copy.width, copy.height).data;
    const background = [rgba[0], rgba[1], rgba[2]]; // the canvas corner lies outside the box
    let columns = 0;
    let agree = 0;
    let hits = 0;
    let covered = 0;
    for (let y = 4; y < ny - 4; y++)
      for (let x = 4; x < nx - 4; x++) {
        if (Math.abs(x - nx / 2) <= 3 || Math.abs(y - ny / 2) <= 3) continue; // cursor planes through the centre
        const p = hook.project(panel.id, [(x + 0.5) / nx, (y + 0.5) / ny, 0.5]);
        if (!p) continue;
        const i = 4 * (Math.round(p[1] - 0.5) * copy.width + Math.round(p[0] - 0.5));
        let lowest = Infinity;
        for (let z = 0; z < nz; z++) lowest = Math.min(lowest, data[z * nx * ny + y * nx + x]);
        const hit = (mean - lowest) / std >= t;
        const drawn = Math.abs(rgba[i] - background[0]) + Math.abs(rgba[i + 1] - background[1]) + Math.abs(rgba[i + 2] - background[2]) > 12;
        columns += 1;
        hits += hit ? 1 : 0;
        covered += drawn ? 1 : 0;
        agree += hit === drawn ? 1 : 0;
      }
    return { columns, hitFraction: hits / columns, coveredFraction: covered / columns, agreement: agree / columns };
  }, threshold);
  console.log(`inverted isosurface at ${threshold}σ: ${JSON.stringify(check)}`);
  await screenshot('iso-inverted');
  expect(check.columns).toBeGreaterThan(1000);
  expect(check.hitFraction).toBeGreaterThan(0.01);
  expect(check.hitFraction).toBeLessThan(0.9);
  expect(check.coveredFraction).toBeLessThan(0.95);
  expect(check.agreement).toBeGreaterThan(0.85);
  await page.getByTestId('tf-invert').uncheck();
  await page.getByTestId('projection-ortho').uncheck();
  await page.getByTestId('reset-3d-view').click();
});

test('frame rate per mode (window.wedgelab3d.measureFps)', async () => {
  await page.locator('[data-testid=compare-result]:checked:not(:disabled)').uncheck();
  await page.getByTestId('result-item').filter({ hasText: 'Ground truth' }).click();
  await expect(page.getByTestId('volume-canvas')).toHaveCount(1);
  await page.getByTestId('reset-3d-view').click();
  await settle();
  const figures: Record<string, unknown> = {};
  for (const mode of ['mip', 'dvr', 'iso'] as const) {
    const [m] = await page.evaluate((mode) => window.wedgelab3d.measureFps(10, mode), mode);
    expect(m.frames).toBe(10);
    expect(m.fps).toBeGreaterThan(0);
    figures[mode] = { fps: Number(m.fps.toFixed(2)), size: `${m.width}×${m.height}`, samples: m.samples };
  }
  console.log(`3-D fps (SwiftShader, interactive frames, turning): ${JSON.stringify(figures)}`);
  expect(pageErrors).toEqual([]);
  expect(consoleErrors.filter((e) => /THREE|WebGL|shader/i.test(e))).toEqual([]);
});
