/**
 * Frames per second of the 3-D view (issue: volume rendering), measured in the real page:
 * a Vite server and Debian's chromium (WebGPU and WebGL on whatever the machine has),
 * driven by playwright-core (withWorkbenchPage, which the in-page local-network bench shares). Volumes are noise-free simulated phantoms of the bench sizes;
 * the 3-D view shows them through its display pyramid, whose level is reported per row.
 * Vite and playwright-core are loaded only when a page bench runs, so that the rest of the command line
 * runs with the engine's own dependencies alone (as on a lent GPU machine: bench/device/).
 */
import type { Page } from 'playwright-core';

export interface RenderBenchRow {
  size: string;
  mode: string;
  fps: number;
  /** What the 3-D view actually drew: pyramid level and texture, as the panel reports it. */
  display: string;
}

const CHROMIUM_ARGS = ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * The workbench in Debian's chromium, served by Vite, with the demo loaded: `work` drives the page (the
 * bench's in-page measurements). On a software adapter chromium is pointed at SwiftShader too.
 */
export async function withWorkbenchPage<T>(softwareGpu: boolean, work: (page: Page) => Promise<T>): Promise<T> {
  const [{ createServer }, { chromium }] = await Promise.all([import('vite'), import('playwright-core')]);
  const server = await createServer({ logLevel: 'silent', server: { port: 5188, strictPort: true, host: '127.0.0.1' } });
  await server.listen();
  const args = softwareGpu ? [...CHROMIUM_ARGS, '--use-webgpu-adapter=swiftshader'] : CHROMIUM_ARGS;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto('http://127.0.0.1:5188/');
    await page.getByTestId('dataset-summary').waitFor({ timeout: 180_000 });
    return await work(page);
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function benchRender(sizes: [number, number, number][], options: { softwareGpu: boolean; log: (line: string) => void }): Promise<RenderBenchRow[]> {
  return withWorkbenchPage(options.softwareGpu, async (page) => {
    const rows: RenderBenchRow[] = [];
    for (const size of sizes) {
      options.log(`render bench ${size.join('×')}: simulating…`);
      // One tilt is enough: only the ground-truth volume is rendered.
      await page.evaluate((s) => window.wedgelab.loadDemo({ size: s, tiltAngles: [0], snrDb: undefined }), size);
      await page.getByTestId('view-mode-3d').click();
      await page.getByTestId('volume-canvas').first().waitFor();
      await page.evaluate(() => window.wedgelab3d.whenStill());
      for (const mode of ['mip', 'dvr', 'iso'] as const) {
        const [measured] = await page.evaluate((m) => window.wedgelab3d.measureFps(30, m), mode);
        const display = await page.getByTestId('texture-info').first().innerText();
        rows.push({ size: size.join('×'), mode, fps: measured.fps, display });
        options.log(`  ${mode}: ${measured.fps.toFixed(1)} fps (${display})`);
      }
      await page.getByTestId('view-mode-slices').click();
    }
    return rows;
  });
}
