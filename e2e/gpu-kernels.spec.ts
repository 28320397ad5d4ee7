// The WGSL kernels against the TypeScript references, in real Chromium WebGPU (SwiftShader here).
import { expect, test, type Page } from '@playwright/test';
import type { KernelCheckResult } from '../src/engine/checks/kernelChecks.ts';
import { KERNEL_CHECKS } from '../src/engine/checks/kernelChecks.ts';
import { ALIGN_CHECKS } from '../src/engine/align/checks.ts';

test.describe.configure({ mode: 'serial' });

let results: KernelCheckResult[] = [];

test.beforeAll(async ({ browser }) => {
  // The whole suite in one page: ~2 min on SwiftShader, most of it onnxruntime-web's WebGPU checks (the latent
  // back-projection network alone ~30 s, the U-Net refinement's ~20 s), so the hook gets more than a test's 3 min.
  test.setTimeout(360_000);
  const page: Page = await browser.newPage();
  await page.goto('/e2e/gpu-kernels.html');
  await page.waitForFunction(() => window.kernelResults !== undefined, undefined, { timeout: 330_000 });
  const published = await page.evaluate(() => window.kernelResults);
  await page.close();
  if (!Array.isArray(published)) throw new Error(`kernel checks did not run: ${JSON.stringify(published)}`);
  results = published;
});

for (const check of KERNEL_CHECKS) {
  test(`Chromium WebGPU: ${check.name}`, () => {
    const result = results.find((r) => r.name === check.name);
    expect(result, 'check ran').toBeDefined();
    expect(result!.relativeError).toBeLessThanOrEqual(result!.tolerance);
  });
}

for (const check of ALIGN_CHECKS) {
  test(`Chromium WebGPU: ${check.name}`, () => {
    const result = results.find((r) => r.name === check.name);
    expect(result, 'check ran').toBeDefined();
    expect(result!.relativeError).toBeLessThanOrEqual(result!.tolerance);
  });
}
