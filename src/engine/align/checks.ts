/**
 * The alignment resampler against its CPU reference on seeded random inputs, in the shape of the shared kernel
 * suite (../checks/kernelChecks.ts): run by Vitest on Dawn (checks.test.ts) and by Playwright in Chromium
 * (e2e/gpu-kernels.*).
 */
import type { Affine2D, StackAlignment } from '../../io/alignmentFiles.ts';
import { relativeError, type KernelCheck, type KernelCheckResult } from '../checks/kernelChecks.ts';
import type { GpuContext } from '../gpu/device.ts';
import { alignStackCpu } from '../reference/alignment.ts';
import { Rng } from '../sim/random.ts';
import { alignStackGpu } from './resample.ts';

/** A random map: rotation anywhere, magnification 0.9–1.1, slight skew, shifts up to ±6 px. */
function randomTransform(rng: Rng): Affine2D {
  const angle = rng.uniform(-Math.PI, Math.PI);
  const mag = rng.uniform(0.9, 1.1);
  const skew = rng.uniform(-0.05, 0.05);
  return {
    xx: mag * Math.cos(angle),
    xy: -mag * Math.sin(angle) + skew,
    yx: mag * Math.sin(angle),
    yy: mag * Math.cos(angle),
    x0: rng.uniform(-6, 6),
    y0: rng.uniform(-6, 6),
  };
}

const CASES = [
  { name: '23 × 17 × 6 raw, sections 4, 0, 2, 5 kept, same size', seed: 301, bin: 1, outputSize: undefined, kept: [4, 0, 2, 5] },
  { name: '23 × 17 × 6 raw, sections 1, 3, 5 kept, bin 3 into 20 × 19', seed: 302, bin: 3, outputSize: { nx: 20, ny: 19 }, kept: [1, 3, 5] },
];

export const ALIGN_CHECKS: KernelCheck[] = CASES.map(
  (c): KernelCheck => ({
    name: `alignment resampler vs CPU (reference/alignment.ts), ${c.name}, batches of 2 sections`,
    async run(gpu: GpuContext): Promise<KernelCheckResult> {
      const rng = new Rng(c.seed);
      const raw = { nx: 23, ny: 17, nSections: 6, data: Float32Array.from({ length: 23 * 17 * 6 }, () => rng.uniform(-1, 1)) };
      const alignment: StackAlignment = {
        source: 'check.xf',
        transforms: c.kept.map(() => randomTransform(rng)),
        keptSections: c.kept,
        rawSections: 6,
        warnings: [],
      };
      const out = c.outputSize ?? raw;
      const outBytes = Math.floor(out.nx / c.bin) * Math.floor(out.ny / c.bin) * 4;
      const gpuResult = await alignStackGpu(gpu, raw, alignment, { bin: c.bin, outputSize: c.outputSize, memoryBudgetBytes: 2 * (23 * 17 * 4 + outBytes) });
      const error = relativeError(gpuResult.data, alignStackCpu(raw, alignment, c.bin, c.outputSize).data);
      return { name: this.name, relativeError: error, tolerance: 1e-5, passed: error <= 1e-5 };
    },
  }),
);
