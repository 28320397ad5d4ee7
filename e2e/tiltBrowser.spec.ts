/**
 * End-to-end: the data panel's tilt preview. It shows the projection nearest 0° first and follows the slider; a
 * click shows it larger; tilts marked there (or pointed out as dark) are left out of a new data set, whose results
 * compare with the series' own (grid, A − B, FSC, ground truth, Fourier), and out of that one in turn, named in
 * the numbering as loaded; a tilt larger than the preview's 512 pixels arrives binned from the worker (not as the
 * whole float32 image) and still shows that tilt: its grey levels against block averages of the file's section,
 * computed here.
 */
import { expect, test, type Page } from '@playwright/test';
import { formatAngle } from '../src/app/util/format.ts';
import { projectionScores } from '../src/engine/metrics/crossValidation.ts';
import { readMrc, writeMrc } from '../src/io/mrc.ts';
import { simulatedStack, writeTlt } from './fixtures.ts';
import { exportedSeries, shareDemoPage } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

/** The preview canvas's size, title and red channel (the image is grey), row 0 at the top as drawn. */
async function previewPixels(): Promise<{ width: number; height: number; title: string; grey: number[] }> {
  return page.getByTestId('tilt-canvas').evaluate((canvas: HTMLCanvasElement) => {
    const { width, height } = canvas;
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    return { width, height, title: canvas.title, grey: Array.from({ length: width * height }, (_, i) => rgba[4 * i]) };
  });
}

test('the demo’s preview is its tilt nearest 0° at full size, and the slider moves through the tilts', async () => {
  const demo = await page.evaluate(() => window.wedgelab.datasets()[0]);
  const nearest = demo.tiltAngles.reduce((best, a, i) => (Math.abs(a) < Math.abs(demo.tiltAngles[best]) ? i : best), 0);
  await expect(page.getByTestId('tilt-slider')).toHaveValue(String(nearest));
  await expect.poll(async () => (await previewPixels()).width).toBe(demo.nx);
  const shown = await previewPixels();
  expect([shown.width, shown.height, shown.title]).toEqual([demo.nx, demo.ny, `${demo.nx} × ${demo.ny} pixels: click to see it larger`]);
  await page.getByTestId('tilt-slider').fill('0');
  await expect(page.getByTestId('tilt-angle')).toHaveText(formatAngle(demo.tiltAngles[0]));
});

test('a click enlarges the tilt over the page: arrows step, L marks it, Esc closes', async () => {
  const demo = await page.evaluate(() => window.wedgelab.datasets()[0]);
  await page.getByTestId('tilt-slider').fill('5');
  await page.getByTestId('tilt-canvas').click();
  const title = page.getByTestId('tilt-enlarged-title');
  await expect(title).toHaveText(`Tilt 6/${demo.nTilts} · ${formatAngle(demo.tiltAngles[5])} · ${demo.nx} × ${demo.ny} pixels`);
  await expect.poll(() => page.getByTestId('tilt-enlarged-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([demo.nx, demo.ny]);
  await page.keyboard.press('ArrowRight');
  await expect(title).toContainText(`Tilt 7/${demo.nTilts} · ${formatAngle(demo.tiltAngles[6])}`);
  await expect(page.getByTestId('tilt-slider')).toHaveValue('6');
  await page.keyboard.press('l');
  await expect(page.getByTestId('tilt-enlarged-leave-out')).toBeChecked();
  await expect(page.getByTestId('tilt-left-out')).toHaveText('Tilt 7');
  await page.keyboard.press('l');
  await expect(page.getByTestId('tilt-left-out')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tilt-enlarged')).toHaveCount(0);
  // A click beside the image closes it too.
  await page.getByTestId('tilt-canvas').click();
  await page.getByTestId('tilt-enlarged').click({ position: { x: 5, y: 5 } });
  await expect(page.getByTestId('tilt-enlarged')).toHaveCount(0);
});

test('tilts marked in the preview are left out of a new data set; the series they came from stays', async () => {
  const demo = await page.evaluate(() => window.wedgelab.datasets()[0]);
  const n = demo.nTilts;
  const resultsBefore = await page.evaluate(() => window.wedgelab.results().length);
  const slider = page.getByTestId('tilt-slider');
  await slider.fill('0');
  await page.getByTestId('tilt-leave-out').check();
  await slider.fill(String(n - 1));
  await page.getByTestId('tilt-leave-out').check();
  await slider.fill('1');
  await expect(page.getByTestId('tilt-leave-out')).not.toBeChecked();
  await expect(page.getByTestId('tilt-left-out')).toHaveText(`Tilts 1, ${n}`);
  await page.getByTestId('tilt-leave-out-apply').click();
  await expect(page.getByTestId('dataset-size')).toHaveText(`${demo.nx} × ${demo.ny} × ${n - 2}`);
  const made = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(made.name).toBe(`${demo.name} without tilts 1, ${n}`);
  expect(made.tiltAngles).toEqual(demo.tiltAngles.slice(1, -1));
  const row = (a: number) => `${a.toFixed(1)}°`;
  expect(made.metadata).toContainEqual({ label: 'Tilts left out', value: `1 (${row(demo.tiltAngles[0])}), ${n} (${row(demo.tiltAngles[n - 1])}); ${n - 2} of ${n} kept`, source: 'the tilt preview' });
  await expect(page.getByTestId('dataset-summary')).toContainText('Tilts left out');
  // The specimen is the same: the demo's ground truth scores the new series' results too.
  const results = await page.evaluate(() => window.wedgelab.results());
  expect(results.length).toBe(resultsBefore + 1);
  expect(results.filter((r) => r.method === 'ground-truth').map((r) => r.datasetId)).toContain(made.id);
  // The marks are gone with the new series; the demo and its results are as they were.
  await expect(page.getByTestId('tilt-left-out')).toHaveCount(0);
  expect((await page.evaluate(() => window.wedgelab.datasets())).map((d) => d.id)).toEqual([demo.id, made.id]);

  // Results of the two series compare side by side: the same specimen; the panel of the other series names it.
  const run = () => page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 4, thickness: 8 } }));
  const without = await run();
  await page.getByTestId('dataset-select').selectOption(demo.id);
  const whole = await run();
  for (const id of [whole, without]) await page.locator(`[data-testid=result-item][data-result-id="${id}"] [data-testid=compare-check]`).check();
  await page.keyboard.press('3');
  await expect(page.getByTestId('compare-panel')).toHaveCount(2);
  await expect(page.locator(`[data-testid=compare-panel][data-result-id="${without}"] [data-testid=compare-panel-series]`)).toHaveText(made.name);
  await expect(page.locator(`[data-testid=compare-panel][data-result-id="${whole}"] [data-testid=compare-panel-series]`)).toHaveCount(0);
  // A − B of the two: a result of A's series, named with both series.
  await page.getByTestId('difference-a').selectOption(without);
  await page.getByTestId('difference-b').selectOption(whole);
  const before = await page.evaluate(() => window.wedgelab.results().length);
  await page.getByTestId('difference-button').click();
  await expect.poll(() => page.evaluate(() => window.wedgelab.results().length)).toBe(before + 1);
  const difference = await page.evaluate(() => window.wedgelab.results().at(-1)!);
  expect([difference.method, difference.datasetId]).toEqual(['difference', made.id]);
  expect(difference.label.startsWith(`FBP (cosine, thickness 8, bin 4) (${made.name}) − FBP (cosine, thickness 8, bin 4) (${demo.name}) (B fitted to A: ×`)).toBe(true);
  // And by FSC: the curves of the one against the other, each named with its series.
  await page.getByTestId('compare-tab-fsc').click();
  await page.getByTestId('fsc-a').selectOption(without);
  await page.getByTestId('fsc-b').selectOption(whole);
  await expect(page.getByTestId('fsc-a').locator('option:checked')).toContainText(made.name);
  await page.getByTestId('fsc-button').click();
  await expect(page.getByTestId('fsc-plot')).toContainText(`without tilts 1, ${n})`);
  // Against the ground truth, the family's results share the table; the other series' is named and scored
  // (one at the ground truth's size: the default FBP of the series without tilts).
  await page.getByTestId('dataset-select').selectOption(made.id);
  const fullSize = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: {} }));
  await page.getByTestId('dataset-select').selectOption(demo.id);
  await page.getByTestId('compare-tab-metrics').click();
  const fullRow = page.locator(`[data-testid=metrics-row][data-result-id="${fullSize}"]`);
  await expect(fullRow).toContainText(`(${made.name})`);
  await expect(fullRow.getByTestId('metrics-psnr')).toHaveText(/\d/);
  await expect(page.locator(`[data-testid=metrics-row][data-result-id="${without}"]`)).toContainText(`(${made.name})`);
  await expect(page.getByTestId('metrics-note')).toContainText("split by that series' own tilt range");
  // Its Fourier section too, named after its series.
  await page.getByTestId('compare-tab-fourier').click();
  await page.getByTestId('fourier-result').selectOption(without);
  await expect(page.getByTestId('fourier-canvas')).toHaveAttribute('data-drawn', `${without}|kx-kz`);
  await page.getByTestId('compare-tab-grid').click();
  await page.keyboard.press('1');
  await page.getByTestId('dataset-select').selectOption(made.id);

  // Past the series: one message naming the number; nothing added.
  const refused = await page.evaluate(() => window.wedgelab.leaveOutTilts([99]).then(() => 'made', (e: Error) => e.message));
  expect(refused).toBe(`tilts to leave out: tilt 99 is past the series' ${n - 2} tilts`);
  await expect(page.getByTestId('error-message')).toHaveText(refused);
  expect(await page.evaluate(() => window.wedgelab.datasets().length)).toBe(2);
  await page.getByTestId('error-dismiss').click();

  // Its tilt 1 is tilt 2 as loaded: left out in turn, every tilt left out is named as loaded, in one row.
  await page.getByTestId('tilt-slider').fill('0');
  await expect(page.getByTestId('tilt-number')).toHaveAttribute('title', `Tilt 1/${n - 2} (2 of ${n} as loaded) in ${demo.name}`);
  await page.evaluate(() => window.wedgelab.leaveOutTilts([1]));
  await expect(page.getByTestId('dataset-size')).toHaveText(`${demo.nx} × ${demo.ny} × ${n - 3}`);
  const again = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect(again.name).toBe(`${demo.name} without tilts 1, 2, ${n}`);
  const rows = again.metadata.filter((r) => r.label === 'Tilts left out');
  const [a1, a2, an] = [0, 1, n - 1].map((k) => row(demo.tiltAngles[k]));
  expect(rows).toEqual([{ label: 'Tilts left out', value: `1 (${a1}), 2 (${a2}), ${n} (${an}); ${n - 3} of ${n} kept`, source: 'the tilt preview' }]);
  expect(again.tiltsLeftOut?.loadedNumbers).toEqual(Array.from({ length: n - 3 }, (_, k) => k + 3));
  await page.getByTestId('tilt-slider').fill('0');
  await page.getByTestId('tilt-canvas').click();
  await expect(page.getByTestId('tilt-enlarged-title')).toContainText(`Tilt 1/${n - 3} (3 of ${n} as loaded)`);
  await page.keyboard.press('Escape');
});

/** The two files 'Export tilt series' downloads, by extension: the stack's bytes and the .tlt's text. */
test('a tilt series exports as an MRC stack and its .tlt: the one without tilts is the other less those tilts', async () => {
  const [demo, made] = await page.evaluate(() => window.wedgelab.datasets().slice(0, 2));
  await page.getByTestId('dataset-select').selectOption(demo.id);
  const whole = await exportedSeries(page);
  await page.getByTestId('dataset-select').selectOption(made.id);
  const less = await exportedSeries(page);
  expect(whole.names).toEqual([`simulated_demo_cell_${demo.nTilts}tilts.mrc`, `simulated_demo_cell_${demo.nTilts}tilts.tlt`]);
  expect(less.names).toEqual([`simulated_demo_cell_${made.nTilts}tilts.mrc`, `simulated_demo_cell_${made.nTilts}tilts.tlt`]);
  expect([whole.stack.header.nz, whole.stack.header.ispg, whole.angles]).toEqual([demo.nTilts, 0, demo.tiltAngles.map((a) => Number(a.toFixed(2)))]);
  // Tilts 1 and n left out (the test before): the stack is the whole one's tilts 2 … n − 1, value for value.
  const plane = demo.nx * demo.ny;
  expect(less.stack.header.nz).toBe(demo.nTilts - 2);
  expect(less.stack.data).toEqual(whole.stack.data.subarray(plane, (demo.nTilts - 1) * plane));
  expect(less.angles).toEqual(whole.angles.slice(1, -1));
  expect(less.stack.header.labels.join(' ')).toContain('without tilts 1, 41');
});

test('a tilt that looks dark is pointed out, and one click marks it to leave out', async () => {
  const angles = [-40, -30, -20, -10, 0, 10, 20, 30, 40];
  const { header, data, pixelSize } = readMrc(new Uint8Array(await simulatedStack(48, 48, angles)));
  const plane = 48 * 48;
  // Tilt 2 at 3 % of its exposure, as a grid bar or a blocked beam leaves it.
  const dark = writeMrc({ nx: 48, ny: 48, nz: header.nz, data: data.map((v, i) => (Math.floor(i / plane) === 1 ? 0.03 * v : v)), pixelSize: pixelSize[0] }, { stack: true });
  await page.getByTestId('file-input').setInputFiles([
    { name: 'dark.st', mimeType: 'application/octet-stream', buffer: Buffer.from(dark) },
    { name: 'dark.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('dark.st', { timeout: 60_000 });
  await expect(page.getByTestId('tilt-dark')).toContainText(/^Tilt 2 \(-30\.0°, [0-9]%\) looks dark: a mean below 25% of the median, allowing for the 1\/cos θ path\./);
  await page.getByTestId('tilt-mark-dark').click();
  await expect(page.getByTestId('tilt-dark')).toHaveCount(0);
  await expect(page.getByTestId('tilt-left-out')).toHaveText('Tilt 2');
  await page.getByTestId('tilt-leave-out-apply').click();
  await expect(page.getByTestId('dataset-size')).toHaveText(`48 × 48 × ${angles.length - 1}`);
  const made = await page.evaluate(() => window.wedgelab.datasets().at(-1)!);
  expect([made.tiltAngles, made.darkTilts]).toEqual([angles.filter((a) => a !== -30), []]);
  await expect(page.getByTestId('tilt-dark')).toHaveCount(0);
});

test('a tilt wider than the preview arrives binned and shows the file’s section', async () => {
  const angles = [-30, 0, 30];
  const [nx, ny] = [1100, 600];
  const stack = await simulatedStack(nx, ny, angles);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'wide.st', mimeType: 'application/octet-stream', buffer: stack },
    { name: 'wide.tlt', mimeType: 'text/plain', buffer: writeTlt(angles) },
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('wide.st', { timeout: 60_000 });
  await expect(page.getByTestId('dataset-size')).toHaveText(`${nx} × ${ny} × 3`);
  // floor(1100 / b) ≤ 512 first at b = 3: 366 × 200.
  const [b, width, height] = [3, 366, 200];
  await expect.poll(async () => (await previewPixels()).width).toBe(width);
  const shown = await previewPixels();
  expect([shown.width, shown.height, shown.title]).toEqual([width, height, `${nx} × ${ny} pixels, shown binned 3×: click to see it larger`]);
  // The reference: section 1 (0°) of the file averaged over 3 × 3 blocks, drawn with row 0 at the bottom.
  const { data } = readMrc(new Uint8Array(stack));
  const expected = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < b; dy++) for (let dx = 0; dx < b; dx++) sum += data[nx * ny + (y * b + dy) * nx + x * b + dx];
      expected[(height - 1 - y) * width + x] = sum / (b * b);
    }
  expect(projectionScores(shown.grey, expected).corr).toBeGreaterThan(0.98);
  // Enlarged, the same tilt is binned less: floor(1100 / b) ≤ 1024 first at b = 2.
  await page.getByTestId('tilt-canvas').click();
  await expect(page.getByTestId('tilt-enlarged-title')).toHaveText(`Tilt 2/3 · +0.0° · ${nx} × ${ny} pixels, shown binned 2×`);
  await expect.poll(() => page.getByTestId('tilt-enlarged-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([550, 300]);
  await page.getByTestId('tilt-enlarged-close').click();
  expect(pageErrors).toEqual([]);
});
