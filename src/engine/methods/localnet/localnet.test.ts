// Local learned reconstruction on Dawn with the tiny models of models/tiny (onnxruntime-web: wasm on
// SwiftShader, WebGPU on a real adapter), against the CPU evaluation of the same network and pipeline.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import { relativeError } from '../../checks/kernelChecks.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { LocalModel } from './model.ts';
import { oddLocalnetCpu, reconstructLocalnetCpu, type TinyLocalnetCard } from '../../reference/localnet.ts';
import { Rng } from '../../sim/random.ts';
import { CancelledError, type TiltSeries } from '../../types.ts';
import { reconstructLocalnet } from './run.ts';
import type { LocalnetParams } from './base.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';

const tiny = (variant: 'voxel' | 'wavelet') => ({
  bytes: readFileSync(new URL(`../../../../models/tiny/tiny_${variant}.onnx`, import.meta.url)),
  card: JSON.parse(readFileSync(new URL(`../../../../models/tiny/tiny_${variant}.json`, import.meta.url), 'utf8')) as TinyLocalnetCard,
});

function randomTiltSeries(nx: number, ny: number, nTilts: number, seed: number): TiltSeries {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: nx * ny * nTilts }, () => 3 + rng.normal());
  const tiltAngles = Array.from({ length: nTilts }, () => rng.uniform(-60, 60));
  return { nx, ny, nTilts, data, tiltAngles, pixelSize: 2 };
}

const params = (thickness: number, batchSize: number): LocalnetParams => ({ thickness, binning: 1, invertAngles: false, subtractMean: false, model: 'tiny', batchSize, fbpBelow: 0, fbpFsc: false, fscSigma: 0, asTrained: false });

describe('local learned reconstruction (Node, Dawn, onnxruntime-web)', () => {
  it('the tiny model in onnxruntime-web matches its CPU evaluation on random patches', async () => {
    const gpu = await openNodeGpu();
    const { bytes, card } = tiny('wavelet');
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
      const { bytes, card } = tiny(variant);
      const model = await LocalModel.open(gpu, bytes);
      const ts = randomTiltSeries(14, 7, 5, variant === 'voxel' ? 11 : 12);
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
    const model = await LocalModel.open(gpu, tiny('wavelet').bytes);
    const ts = randomTiltSeries(14, 7, 5, 13);
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
    const model = await LocalModel.open(gpu, tiny('voxel').bytes);
    const controller = new AbortController();
    controller.abort();
    await expect(reconstructLocalnet(gpu, randomTiltSeries(8, 3, 3, 5), params(4, 0), model, { signal: controller.signal })).rejects.toThrow(CancelledError);
    await model.release();
  });
});
