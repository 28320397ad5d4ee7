/** Page helpers shared by the end-to-end specs. */
import { readFile } from 'node:fs/promises';
import { readMrc } from '../src/io/mrc.ts';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';

/** Spread (max − min) of the grey levels drawn on a canvas (WebGL ones use preserveDrawingBuffer). */
export async function canvasSpread(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement) => {
    if (!canvas.width || !canvas.height) return 0;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    if (!ctx) return 0;
    ctx.drawImage(canvas, 0, 0);
    const pixels = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let min = 255;
    let max = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const g = pixels[i];
      if (g < min) min = g;
      if (g > max) max = g;
    }
    return max - min;
  });
}

export async function expectSlicesDrawn(page: Page): Promise<void> {
  for (const axis of ['xy', 'xz', 'yz']) {
    await expect.poll(() => canvasSpread(page, `slice-${axis}`), { message: `slice-${axis} shows structure` }).toBeGreaterThan(40);
  }
}

/** Type values into inputs by test id, committing each by leaving the field. */
export async function setParams(page: Page, params: Record<string, string>): Promise<void> {
  for (const [testId, value] of Object.entries(params)) {
    const input = page.getByTestId(testId);
    await input.fill(value);
    await input.blur();
  }
}

export async function selectedResultLabel(page: Page): Promise<string> {
  return (await page.locator('[data-testid=result-item][aria-selected=true] [data-testid=result-label]').textContent()) ?? '';
}

/** Files in the page's saved-session folder (OPFS), sorted. */
export async function savedFiles(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const folder = await root.getDirectoryHandle('wedgelab-session', { create: true });
    const names: string[] = [];
    for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names.sort();
  });
}

/**
 * A workbench page with the simulated demo loaded; its uncaught errors are pushed to `pageErrors`. `initScript`
 * runs in the page before its own scripts (e.g. to stand in for what the browser reports).
 */
export async function openDemoPage(browser: Browser, pageErrors: string[], initScript?: () => void): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  if (initScript) await page.addInitScript(initScript);
  await page.goto('/');
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  return page;
}

/**
 * One demo page for all the tests of a spec file: opened before them (then handed to `onOpen`, which keeps it and
 * may prepare it), closed after them, since its engine worker and GPU device would otherwise stay open beside every
 * later spec of the worker. Returns the array its uncaught errors are pushed to.
 */
export function shareDemoPage(onOpen: (page: Page) => void | Promise<void>): string[] {
  const pageErrors: string[] = [];
  let page: Page | undefined;
  test.beforeAll(async ({ browser }) => {
    page = await openDemoPage(browser, pageErrors);
    await onOpen(page);
  });
  test.afterAll(async () => {
    await page?.close();
  });
  return pageErrors;
}

/**
 * A result's MRC file as the page exports it (window.wedgelab.exportMrc), carried out of the page in base64: as a
 * number array, a 2 MiB result took seconds to pass.
 */
export async function exportedMrc(page: Page, resultId: string): Promise<Uint8Array> {
  const base64 = await page.evaluate(async (id) => {
    const bytes = await window.wedgelab.exportMrc(id);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, resultId);
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Click an export button and read back the text file it downloads, with the name it suggests. */
export async function downloadText(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const file = await download;
  const path = await file.path();
  return { name: file.suggestedFilename(), text: path ? await readFile(path, 'utf8') : '' };
}

/** Click an export button and read the PNG it downloads: its name, and its size from the IHDR chunk. */
export async function downloadPng(page: Page, testId: string): Promise<{ name: string; width: number; height: number }> {
  const download = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const file = await download;
  const bytes = await readFile((await file.path()) ?? '');
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { name: file.suggestedFilename(), width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * The size a figure of these canvases in `columns` should have (the page's layout, app/util/figure.ts): cells as
 * large as the largest canvas, 4 px apart, each under a line of text, and a title line; text lines of 22 px, grown
 * in proportion for canvases over 600 px high.
 */
export async function figureSize(canvases: Locator, columns: number): Promise<{ width: number; height: number }> {
  const sizes = await canvases.evaluateAll((all) => all.map((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]));
  const [width, height] = [0, 1].map((k) => Math.max(...sizes.map((size) => size[k])));
  const line = Math.round(22 * Math.max(1, height / 600));
  const cols = Math.min(columns, sizes.length);
  const rows = Math.ceil(sizes.length / cols);
  return { width: cols * width + (cols - 1) * 4, height: line + rows * (height + line) + (rows - 1) * 4 };
}

/** The selected data set's tilt series as Export tilt series downloads it: the MRC stack and its .tlt, with their names. */
export async function exportedSeries(page: Page): Promise<{ names: string[]; stack: ReturnType<typeof readMrc>; angles: number[] }> {
  const files = new Map<string, { name: string; bytes: Buffer }>();
  const done = new Promise<void>((resolve) => {
    page.on('download', async function onDownload(download) {
      const path = await download.path();
      files.set(download.suggestedFilename().split('.').pop()!, { name: download.suggestedFilename(), bytes: await readFile(path!) });
      if (files.size === 2) {
        page.off('download', onDownload);
        resolve();
      }
    });
  });
  await page.getByTestId('export-tilt-series').click();
  await done;
  const [mrc, tlt] = [files.get('mrc')!, files.get('tlt')!];
  return { names: [mrc.name, tlt.name], stack: readMrc(new Uint8Array(mrc.bytes)), angles: tlt.bytes.toString('latin1').trim().split('\n').map(Number) };
}
