// Runs the shared kernel suite on the page's WebGPU (Chromium) and publishes the results for Playwright.
import { openGpu } from '../src/engine/gpu/device.ts';
import { runKernelChecks, type KernelCheckResult } from '../src/engine/checks/kernelChecks.ts';
import { ALIGN_CHECKS } from '../src/engine/align/checks.ts';

declare global {
  interface Window {
    kernelResults?: KernelCheckResult[] | { error: string };
  }
}

const out = document.getElementById('out')!;
try {
  const gpu = await openGpu(navigator.gpu);
  const results = await runKernelChecks(gpu);
  for (const check of ALIGN_CHECKS) results.push(await check.run(gpu));
  out.textContent = [gpu.description, ...results.map((r) => `${r.passed ? 'ok  ' : 'FAIL'} ${r.relativeError.toExponential(2)}  ${r.name}`)].join('\n');
  window.kernelResults = results;
} catch (error) {
  out.textContent = String(error);
  window.kernelResults = { error: String(error) };
}
