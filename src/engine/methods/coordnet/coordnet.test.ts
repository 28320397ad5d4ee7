// The coordinate network fits a tiny phantom slab on Dawn (SwiftShader here): its projection loss falls.
import { gpuEngine } from '../../context.ts';
import { describe, expect, it } from 'vitest';
import { openNodeGpu } from '../../gpu/node.ts';
import { forwardProjectCpu } from '../../reference/projector.ts';
import { CancelledError, type Volume } from '../../types.ts';
import { reconstructCoordnet, tiltScaling } from './run.ts';
import { reconstruct } from '../runners.ts';
import { methodLabel } from '../registry.ts';
import { COORDNET, slabStarts } from './base.ts';
import { paramCount } from './network.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';

/** A box and a ball in a 24 × 2 × 12 volume. */
function phantom(): Volume {
  const nx = 24;
  const ny = 2;
  const nz = 12;
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const box = x >= 4 && x < 10 && z >= 3 && z < 8 ? 1 : 0;
        const ball = (x - 16) ** 2 + (z - 6) ** 2 < 9 ? 0.7 : 0;
        data[x + nx * (y + ny * z)] = box + ball;
      }
    }
  }
  return { nx, ny, nz, data, pixelSize: 1 };
}

const angles = Array.from({ length: 15 }, (_, k) => -60 + k * (120 / 14));

describe('coordinate network', () => {
  it('fits a 24 × 2 × 12 phantom slab from 15 tilts: the projection loss falls by a large factor', async () => {
    const truth = phantom();
    const ts = forwardProjectCpu(truth, angles);
    for (let i = 0; i < ts.data.length; i++) ts.data[i] += 5; // a constant background, dropped by the scaling
    const params = COORDNET.defaults(ts, { thickness: 12, width: 32, layers: 2, slabRows: 2, stepsFirst: 100, lrFirst: [1e-3, 1e-4] });
    const fractions: number[] = [];
    const { volume: tomogram, losses } = await reconstructCoordnet(await openNodeGpu(), ts, params, { onProgress: (p) => fractions.push(p.fraction) });
    const volume = wholeVolume(tomogram, 'The coordinate network test');
    expect(losses).toHaveLength(100);
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 10);
    expect(fractions.at(-1)).toBe(1);
    // Back in the data's units: the density correlates with the phantom.
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    const mean = (d: Float32Array) => d.reduce((a, b) => a + b, 0) / d.length;
    const mv = mean(volume.data);
    const mt = mean(truth.data);
    for (let i = 0; i < volume.data.length; i++) {
      sxy += (volume.data[i] - mv) * (truth.data[i] - mt);
      sxx += (volume.data[i] - mv) ** 2;
      syy += (truth.data[i] - mt) ** 2;
    }
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.7);
  });

  it('runs through reconstruct() in two slabs, labels the parameter ratio, and cancels', async () => {
    const ts = forwardProjectCpu(phantom(), angles);
    const gpu = await openNodeGpu();
    const request = { method: 'coordnet', params: { thickness: 12, width: 16, layers: 1, slabRows: 1, stepsFirst: 3, stepsNext: 2 } } as const;
    const out = await reconstruct(gpuEngine(gpu), ts, request);
    expect(out.loss).toHaveLength(5);
    expect(out.volume.ny).toBe(2);
    expect(out.label).toContain('params/measurements');
    const controller = new AbortController();
    controller.abort();
    await expect(reconstruct(gpuEngine(gpu), ts, request, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('counts parameters and scales tilts by one affine map', () => {
    expect(paramCount({ width: 256, layers: 4 })).toBe(4 * 256 + 4 * 256 * 257 + 257);
    const p = COORDNET.defaults({ nx: 64 });
    expect(methodLabel('coordnet', p, { input: { nx: 64, ny: 64, nTilts: 41 } })).toContain('SIREN 256×4');
    const { offset, scale } = tiltScaling(Float32Array.from({ length: 1001 }, (_, i) => 3 + i / 1000));
    expect(offset).toBeCloseTo(3.001, 5);
    expect(scale).toBeCloseTo(0.998, 5);
  });

  it('marks where each later slab starts on the loss curve', () => {
    expect(slabStarts(2000, 400, 2900)).toEqual([2000, 2400, 2800]);
    expect(slabStarts(30, 10, 30)).toEqual([]);
    expect(slabStarts(30, 0, 100)).toEqual([]);
  });
});
