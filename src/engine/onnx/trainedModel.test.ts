// The shipped trained local model (models/localnet) in the engine's onnxruntime-web session gives the numbers
// torch computed for the same input when train.py exported it (fixture.json next to the model).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readFloats, storageBuffer, uploadBuffer } from '../gpu/buffers.ts';
import { relativeError } from '../gpu/kernelChecks.ts';
import { openNodeGpu } from '../gpu/node.ts';
import { LocalModel } from './session.ts';

const dir = new URL('../../../models/localnet/lamella_p11/', import.meta.url);

describe('trained local model (models/localnet/lamella_p11)', () => {
  it('matches torch on the fixture written at export', async () => {
    const fixture = JSON.parse(readFileSync(new URL('fixture.json', dir), 'utf8')) as { shape: number[]; patches: number[]; angles: number[]; out: number[] };
    const [batch, nTilts, patch] = fixture.shape;
    const gpu = await openNodeGpu();
    const model = await LocalModel.open(gpu, readFileSync(new URL('model.onnx', dir)));
    expect([model.patch, model.outputs]).toEqual([patch, 1]);
    expect(nTilts).toBe(fixture.angles.length);
    const input = uploadBuffer(gpu, Float32Array.from(fixture.patches), 'test.patches');
    const target = storageBuffer(gpu, batch * 4, 'test.target');
    try {
      await model.run(input, batch, Float32Array.from(fixture.angles), target, 0, batch);
      expect(relativeError(await readFloats(gpu, target, batch), Float32Array.from(fixture.out))).toBeLessThan(1e-5);
    } finally {
      await model.release();
      input.destroy();
      target.destroy();
    }
  });
});
