// The local network on the CPU path (patches on the pool, the model on onnxruntime-web's wasm backend) against
// the CPU evaluation of the same network and pipeline (reference/localnet.ts), with the tiny models of models/tiny.
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { cpuEngine } from '../../context.ts';
import { nodePool } from '../../cpu/nodePool.ts';
import { callerPool } from '../../cpu/pool.ts';
import { reconstructLocalnetCpu as reference } from '../../reference/localnet.ts';
import type { ModelLibrary } from '../../onnx/library.ts';
import { LocalModel } from './model.ts';
import { noisyTiltSeries, tinyModel } from './modelFixture.ts';
import { reconstructLocalnetCpu } from './cpu.ts';
import { LOCALNET_RUNNER } from './run.ts';
import { LOCALNET } from './base.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';


const params = { thickness: 6, binning: 1, invertAngles: true, subtractMean: false, model: 'tiny', batchSize: 37, fbpBelow: 0, fbpFsc: false, fscSigma: 0, asTrained: false };
const threads = nodePool(2);
afterAll(() => threads.close());

describe('local network on the CPU path', () => {
  for (const variant of ['voxel', 'wavelet'] as const) {
    it.each([
      ['the caller thread', callerPool()],
      ['two worker threads', threads],
    ])(`${variant} variant on %s: the reference pipeline, in batches`, async (_name, pool) => {
      const { bytes, card } = tinyModel(variant);
      const model = await LocalModel.open(null, bytes);
      expect(model.backend).toBe('wasm');
      const ts = noisyTiltSeries(14, 7, 5, variant === 'voxel' ? 11 : 12);
      const actual = wholeVolume(await reconstructLocalnetCpu(pool, ts, params, model), 'The local network test');
      await model.release();
      expect([actual.nx, actual.ny, actual.nz, actual.pixelSize]).toEqual([14, 7, 6, 2]);
      expect(relativeError(actual.data, reference(card, ts, 6, { invertAngles: true }).data)).toBeLessThan(1e-4);
    });
  }

  it('runs through the runner on the CPU path, named by its wasm backend', async () => {
    const models: ModelLibrary = { load: async () => tinyModel('voxel').bytes };
    const out = await LOCALNET_RUNNER.run(cpuEngine(callerPool()), noisyTiltSeries(14, 7, 5, 13), params, { models });
    expect(out.facts?.backend).toBe('wasm');
    expect(wholeVolume(out.volume, 'localnet').data.some((v) => v !== 0)).toBe(true);
  });

  it('asTrained runs a model that is not odd as it is, so inverted contrast no longer gives the negated tomogram', async () => {
    const { bytes, card } = tinyModel('wavelet');
    const models: ModelLibrary = { load: async () => bytes };
    const ts = noisyTiltSeries(14, 7, 5, 14);
    const run = async (data: Float32Array, asTrained: boolean) => {
      const out = await LOCALNET_RUNNER.run(cpuEngine(callerPool()), { ...ts, data }, { ...params, asTrained }, { models });
      expect(LOCALNET.paramText({ ...params, asTrained }, { facts: out.facts })).toContain(asTrained ? 'not odd, run as trained' : 'run as its odd part');
      return wholeVolume(out.volume, 'localnet').data;
    };
    const asTrained = await run(ts.data, true);
    expect(relativeError(asTrained, reference(card, ts, 6, { invertAngles: true, oddPart: false }).data)).toBeLessThan(1e-4);
    expect(relativeError(asTrained, reference(card, ts, 6, { invertAngles: true }).data)).toBeGreaterThan(1e-2);
    const negated = await run(ts.data.map((v) => -v), true);
    expect(relativeError(negated, asTrained.map((v) => -v))).toBeGreaterThan(1e-2);
    expect(relativeError(await run(ts.data, false), reference(card, ts, 6, { invertAngles: true }).data)).toBeLessThan(1e-4);
  });
});
