// Local learned reconstruction on Dawn with the tiny models of models/tiny (onnxruntime-web: wasm on
// SwiftShader, WebGPU on a real adapter), against the CPU evaluation of the same network and pipeline.
import { describe, expect, it } from 'vitest';
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import { relativeError } from '../../checks/kernelChecks.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { LocalModel } from './model.ts';
import { noisyTiltSeries, tinyModel } from './modelFixture.ts';
import { oddLocalnetCpu, reconstructLocalnetCpu } from '../../reference/localnet.ts';
import { Rng } from '../../sim/random.ts';
import { CancelledError } from '../../types.ts';
import { reconstructLocalnet } from './run.ts';
import type { LocalnetParams } from './base.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';


const params = (thickness: number, batchSize: number): LocalnetParams => ({ thickness, binning: 1, invertAngles: false, subtractMean: false, model: 'tiny', batchSize, fbpBelow: 0, fbpFsc: false, fscSigma: 0, asTrained: false });

describe('local learned reconstruction (Node, Dawn, onnxruntime-web)', () => {
  it('the tiny model in onnxruntime-web matches its CPU evaluation on random patches', async () => {
    const gpu = await openNodeGpu();
    const { bytes, card } = tinyModel('wavelet');
    const model = await LocalModel.open(gpu, bytes);
    expect(model.backend).toBe(gpu.isFallbackAdapter ? 'wasm' : 'webgpu');
    // The tiny models are random networks, not odd: the engine runs their odd part.
    expect([model.patch, model.outputs, model.odd]).toEqual([5, 8, false]);
    const [batch, count] = [7, 5];
    const rng = new Rng(4);
    const patches = Float32Array.from({ length: batch * 6 * 25 }, () => rng.normal());
    const angles = Float32Array.from({ length: 6 }, () => rng.uniform(-70, 70));
    const input = uploadBuffer(gpu, patches, 'test.patches');
    const target = storageBuffer(gpu, (count + 2) * 8 * 4, 'test.target');
    await model.run(input, batch, angles, target, 16, count);
    const actual = await readFloats(gpu, target, count * 8, 16);
    // WebGPU's sin/cos are specified to 2^-11 only (methods/localnet/model.ts): a real GPU runs this on WebGPU.
    expect(relativeError(actual, oddLocalnetCpu(card, patches, batch, Array.from(angles)).subarray(0, count * 8))).toBeLessThan(model.backend === 'wasm' ? 1e-5 : 1e-3);
    await model.release();
    input.destroy();
    target.destroy();
  });

  for (const variant of ['voxel', 'wavelet'] as const) {
    it(`${variant} variant: whole pipeline vs CPU, 14 × 7 × 6 from 5 tilts, several slabs and batches`, async () => {
      const gpu = await openNodeGpu();
      const { bytes, card } = tinyModel(variant);
      const model = await LocalModel.open(gpu, bytes);
      const ts = noisyTiltSeries(14, 7, 5, variant === 'voxel' ? 11 : 12);
      const slabsSeen = new Set<number>();
      const tomogram = await reconstructLocalnet(gpu, ts, { ...params(6, 37), invertAngles: variant === 'wavelet' }, model, {
        memoryBudgetBytes: 12 * 1024,
        onSlabDone: (_, rows) => slabsSeen.add(rows),
      });
      const actual = wholeVolume(tomogram, 'The local network test');
      await model.release();
      expect(slabsSeen.size).toBeGreaterThan(1);
      const expected = reconstructLocalnetCpu(card, ts, 6, { invertAngles: variant === 'wavelet' });
      expect([actual.nx, actual.ny, actual.nz]).toEqual([14, 7, 6]);
      expect(relativeError(actual.data, expected.data)).toBeLessThan(model.backend === 'wasm' ? 1e-4 : 1e-3);
    });
  }

  it('polarity and offset cannot change the structure: −stack gives −tomogram, stack + c the same tomogram', async () => {
    const gpu = await openNodeGpu();
    const model = await LocalModel.open(gpu, tinyModel('wavelet').bytes);
    const ts = noisyTiltSeries(14, 7, 5, 13);
    const run = async (data: Float32Array) => wholeVolume(await reconstructLocalnet(gpu, { ...ts, data }, params(6, 0), model), 'The local network test');
    const base = await run(ts.data);
    const negated = await run(ts.data.map((v) => -v));
    const shifted = await run(ts.data.map((v) => v + 50));
    await model.release();
    expect(relativeError(negated.data, base.data.map((v) => -v))).toBeLessThan(1e-5);
    // The stack's mean is subtracted first; what is left is float32 rounding of values near 53.
    expect(relativeError(shifted.data, base.data)).toBeLessThan(1e-4);
  });

  it('stops with CancelledError when the signal is aborted', async () => {
    const gpu = await openNodeGpu();
    const model = await LocalModel.open(gpu, tinyModel('voxel').bytes);
    const controller = new AbortController();
    controller.abort();
    await expect(reconstructLocalnet(gpu, noisyTiltSeries(8, 3, 3, 5), params(4, 0), model, { signal: controller.signal })).rejects.toThrow(CancelledError);
    await model.release();
  });
});
