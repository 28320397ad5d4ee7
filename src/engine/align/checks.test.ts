// The alignment resampler's kernel checks on Dawn in Node; the same checks run in Chromium (e2e/gpu-kernels.*).
import { describe, expect, it } from 'vitest';
import { openNodeGpu } from '../gpu/node.ts';
import { ALIGN_CHECKS } from './checks.ts';

describe('alignment resampler vs CPU reference (Node, Dawn)', () => {
  for (const check of ALIGN_CHECKS) {
    it(check.name, async () => {
      const result = await check.run(await openNodeGpu());
      expect(result.relativeError).toBeLessThanOrEqual(result.tolerance);
    });
  }
});
