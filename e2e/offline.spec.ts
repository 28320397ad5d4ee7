// Offline use: a production build (vite build, served by vite preview: the dev server registers no service worker)
// is loaded once, then the browser goes offline; a reload still gives the whole workbench from the service worker's
// cache (the page, the engine worker, onnxruntime-web's .wasm, the shipped models), cross-origin isolated, and a
// reconstruction runs. A file the cache does not hold fails, so the network is really gone.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const VITE = join('node_modules', 'vite', 'bin', 'vite.js');
const port = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const origin = `http://127.0.0.1:${port}`;
// Made in beforeAll: a module's top level also runs where Playwright only lists the tests, which never cleans up.
let outDir = '';
let server: ChildProcess | null = null;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  outDir = mkdtempSync(join(tmpdir(), 'wedgelab-build-'));
  execFileSync(process.execPath, [VITE, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  server = spawn(process.execPath, [VITE, 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(origin).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`vite preview did not answer on ${origin}`);
});

test.afterAll(() => {
  server?.kill();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('once loaded, the production build works offline: page, demo and FBP from the cache', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(origin);
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });

  // Every file of the build is cached, the models and onnxruntime-web's .wasm among them.
  const built = readdirSync(join(outDir, 'assets')).map((name) => `/assets/${name}`);
  expect(built.filter((path) => path.endsWith('.onnx')).length).toBeGreaterThan(0);
  expect(built.some((path) => path.endsWith('.wasm'))).toBe(true);
  const cached = await page.evaluate(async () => {
    const name = (await caches.keys()).find((key) => key.startsWith('wedgelab-'));
    return name ? (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname) : [];
  });
  expect(cached).toEqual(expect.arrayContaining(['/', '/index.html', '/manifest.webmanifest', ...built]));

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => fetch('/not-in-the-cache.txt').then(() => 'answered', () => 'failed'))).toBe('failed');
  const id = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: {} }));
  const result = await page.evaluate((rid) => window.wedgelab.results().find((r) => r.id === rid)!, id);
  expect(result.label).toMatch(/^FBP/);
  expect(Number.isFinite(result.stats.std) && result.stats.std > 0).toBe(true);
  expect(pageErrors).toEqual([]);
  await context.close();
});
