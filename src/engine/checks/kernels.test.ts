// The shared kernel suite on Dawn in Node (SwiftShader here, a real GPU where there is one).
import { describe, expect, it } from 'vitest';
import { KERNEL_CHECKS } from './kernelChecks.ts';
import { openNodeGpu } from '../gpu/node.ts';

describe('WGSL kernels vs TypeScript references (Node, Dawn)', () => {
  for (const check of KERNEL_CHECKS) {
    it(check.name, async () => {
      const result = await check.run(await openNodeGpu());
      expect(result.relativeError).toBeLessThanOrEqual(result.tolerance);
    });
  }
});
