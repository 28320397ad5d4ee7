// The GPU path's refinement loop (run.ts refineOnGpu) on Dawn with a stand-in model: progress counts cubes over
// all slabs and reaches 1, cancelling stops between batches, and a small memory budget shrinks the batch and then
// the cube (the label's facts say what ran). The kernels' numbers are checked in kernelChecks.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readFloats } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { Rng } from '../../sim/random.ts';
import type { Volume } from '../../types.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';
import { readOnnxGraph } from '../../onnx/graph.ts';
import type { Triple } from './cubes.ts';
import { modelFootprint } from './footprint.ts';
import { refineOnGpu } from './run.ts';

function randomVolume(nx: number, ny: number, nz: number): Volume {
  const rng = new Rng(7);
  return { nx, ny, nz, pixelSize: 1, data: Float32Array.from({ length: nx * ny * nz }, () => 1 + rng.normal()) };
}

/** The shipped U-Net's footprint, read from its graph. */
const SHIPPED_FOOTPRINT = modelFootprint(readOnnxGraph(readFileSync(new URL('../../../../models/refine/isonet_sim/model.onnx', import.meta.url))));

/** The identity on the GPU, counting calls, fitted to as if it were the shipped U-Net. */
function identityModel() {
  const calls: number[] = [];
  return {
    calls,
    footprint: SHIPPED_FOOTPRINT,
    async runOnGpu(gpu: GpuContext, cubes: GPUBuffer, batch: number, count: number, [cx, cy, cz]: Triple, target: GPUBuffer) {
      calls.push(count);
      gpu.device.queue.writeBuffer(target, 0, await readFloats(gpu, cubes, batch * cx * cy * cz));
    },
  };
}

describe('U-Net refinement on the GPU path (Dawn): progress, cancel, fitting', () => {
  it('reports progress over all slabs, returns the input through an identity model, and stops when cancelled', async () => {
    const gpu = await openNodeGpu();
    const volume = randomVolume(30, 40, 12);
    const params = { model: 'identity', cube: 16, overlap: 4, batchSize: 2 };
    const fractions: number[] = [];
    const model = identityModel();
    const run = await refineOnGpu(gpu, model, volume, params, 'test', { slabRows: 24, onProgress: (p) => fractions.push(p.fraction) });
    expect(run.slabs).toBeGreaterThan(1);
    expect(model.calls.reduce((a, b) => a + b, 0)).toBe(run.cubes);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f > fractions[i - 1])).toBe(true);
    let worst = 0;
    const refined = wholeVolume(run.volume, 'test');
    volume.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(refined.data[i] - v))));
    expect(worst).toBeLessThan(1e-5);

    const controller = new AbortController();
    const cancelled = identityModel();
    const onProgress = () => controller.abort();
    await expect(refineOnGpu(gpu, cancelled, volume, params, 'test', { signal: controller.signal, onProgress })).rejects.toThrow(/abort|cancel/i);
    expect(cancelled.calls).toHaveLength(1);
  });

  it('a small memory budget shrinks the batch, then the cube and its overlap', async () => {
    const gpu = await openNodeGpu();
    const volume = randomVolume(40, 20, 20);
    const params = { model: 'identity', cube: 16, overlap: 4, batchSize: 4 };
    // Half of it holds one 16³ cube with the model's activations (2 + 33 floats a voxel), not two.
    const oneCube = 2 * (2 + SHIPPED_FOOTPRINT.liveFloats) * 16 ** 3 * 4;
    const batchOfOne = await refineOnGpu(gpu, identityModel(), volume, params, 'test', { memoryBudgetBytes: oneCube + 1024 });
    expect([batchOfOne.batchSize, batchOfOne.cubeSize]).toEqual([1, [16, 16, 16]]);
    const smaller = await refineOnGpu(gpu, identityModel(), volume, params, 'test', { memoryBudgetBytes: oneCube - 1024 });
    // Not even one: 12³ cubes (the overlap scaled from 4 to 3), of which two fit (12³ is 0.42 of 16³).
    expect([smaller.batchSize, smaller.cubeSize, smaller.overlap]).toEqual([2, [12, 12, 12], 3]);
  });
});
