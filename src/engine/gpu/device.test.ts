// A lost WebGPU device ends a run with a clear message instead of a hang or garbage.
import { gpuEngine } from '../context.ts';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { create, globals } from 'webgpu';
import { reconstruct } from '../methods/runners.ts';
import type { RequestOf } from '../methods/registry.ts';
import { forwardProjectCpu } from '../reference/projector.ts';
import { GpuUnavailableError, openGpu } from './device.ts';

describe('lost device', () => {
  it('fails FBP, SIRT, the coordinate and the local network with a message naming the loss', async () => {
    Object.assign(globalThis, globals);
    // A device of its own, not the tests' shared one: this test destroys it.
    const dawn = create([]) as GPU;
    const gpu = await openGpu(dawn);
    gpu.device.destroy();
    await gpu.device.lost;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const volume = { nx: 8, ny: 4, nz: 4, pixelSize: 1, data: new Float32Array(128).fill(1) };
    const tiltSeries = forwardProjectCpu(volume, [-30, 0, 30]);
    const requests: RequestOf<'reconstruction'>[] = [
      { method: 'fbp', params: { thickness: 4 } },
      { method: 'sirt', params: { thickness: 4, iterations: 2 } },
      { method: 'coordnet', params: { thickness: 4, width: 8, layers: 1, stepsFirst: 2 } },
      { method: 'localnet', params: { thickness: 4, model: 'tiny_voxel' } },
    ];
    const models = { load: async () => new Uint8Array(readFileSync(new URL('../../../models/tiny/tiny_voxel.onnx', import.meta.url))) };
    for (const request of requests) {
      const run = reconstruct(gpuEngine(gpu), tiltSeries, request, { models });
      await expect(run).rejects.toBeInstanceOf(GpuUnavailableError);
      await expect(run).rejects.toThrow(/the WebGPU device was lost \(destroyed\)/);
    }
    expect(dawn).toBeDefined(); // keeps Dawn referenced until the end (see ./node.ts)
  });
});
