// Cutting a tomogram into overlapping cubes and blending the model's outputs back (cubes.ts, run.ts) against
// plain references: any voxelwise function applied to each cube must come back as that function applied to the
// tomogram (the blend weights are normalised, and cubes see the right voxels), whatever the tiling; every voxel
// is covered; the weights are smooth and positive; cancel stops between batches.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sim/random.ts';
import type { Volume } from '../../types.ts';
import { stackMeanStd } from '../preprocess.ts';
import { CRYOGEN, ISONET } from './base.ts';
import { axisStarts, planCubes, taper, type Triple } from './cubes.ts';
import { refineWithModel } from './run.ts';

function randomVolume(nx: number, ny: number, nz: number, seed = 5): Volume {
  const rng = new Rng(seed);
  return { nx, ny, nz, pixelSize: 1, data: Float32Array.from({ length: nx * ny * nz }, () => 3 + 2 * rng.normal()) };
}

/** A stand-in model applying f to every voxel of the normalised cubes, recording the cube shapes it saw. */
function voxelwiseModel(f: (v: number) => number) {
  const calls: { batch: number; size: Triple }[] = [];
  return {
    calls,
    run: async (cubes: Float32Array, batch: number, size: Triple) => {
      calls.push({ batch, size });
      return cubes.map(f);
    },
  };
}

describe('U-Net refinement: cubes and blending', () => {
  it('tiles each axis with the overlap, the last cube ending at the edge', () => {
    expect(axisStarts(100, 48, 12)).toEqual([0, 36, 52]);
    expect(axisStarts(48, 48, 12)).toEqual([0]);
    expect(axisStarts(30, 48, 12)).toEqual([0]);
    expect(axisStarts(49, 16, 0)).toEqual([0, 16, 32, 33]);
    // A short axis gets one cube of its length rounded up to a multiple of 4.
    expect(planCubes({ nx: 100, ny: 40, nz: 30 }, 48, 12).size).toEqual([48, 40, 32]);
  });

  it('blend weights rise as sin² over the overlap, are 1 inside and never 0', () => {
    const w = taper(16, 4);
    expect(Math.min(...w)).toBeGreaterThan(0);
    expect(w[0]).toBeCloseTo(Math.sin(Math.PI / 16) ** 2, 6);
    expect(Array.from(w.subarray(4, 12))).toEqual(Array(8).fill(1));
    expect(Array.from(w)).toEqual(Array.from(w).reverse());
  });

  for (const [cube, overlap, batch] of [
    [16, 4, 3],
    [24, 6, 1],
    [48, 12, 2],
    [8, 0, 5],
  ]) {
    it(`a voxelwise model comes back voxelwise (cube ${cube}, overlap ${overlap}, batch ${batch})`, async () => {
      const volume = randomVolume(37, 29, 21);
      const f = (v: number) => Math.tanh(v) + 0.5 * v;
      const model = voxelwiseModel(f);
      const params = { ...CRYOGEN.defaults(volume), cube, overlap, batchSize: batch };
      const out = await refineWithModel(model, volume, params, 'test');
      const { mean, std } = stackMeanStd(volume);
      let worst = 0;
      volume.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(out.data[i] - (f((v - mean) / std) * std + mean)))));
      expect(worst).toBeLessThan(1e-4);
      const plan = planCubes(volume, cube, overlap);
      expect(model.calls.reduce((n, c) => n + c.batch, 0)).toBe(plan.starts.length);
      expect(model.calls.every((c) => c.size.join() === plan.size.join() && c.batch <= batch)).toBe(true);
      expect([out.nx, out.ny, out.nz]).toEqual([37, 29, 21]);
    });
  }

  it('reports progress per batch and stops when cancelled', async () => {
    const volume = randomVolume(40, 40, 40);
    const controller = new AbortController();
    const fractions: number[] = [];
    const model = voxelwiseModel((v) => v);
    const params = { ...ISONET.defaults(volume), cube: 16, overlap: 4, batchSize: 2 };
    const run = refineWithModel(model, volume, params, 'test', {
      signal: controller.signal,
      onProgress: (p) => {
        fractions.push(p.fraction);
        if (fractions.length === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort|cancel/i);
    expect(model.calls).toHaveLength(2);
    expect(fractions[1]).toBeCloseTo(4 / planCubes(volume, 16, 4).starts.length, 9);
  });

  it('checks its parameters', () => {
    const base = CRYOGEN.defaults({ nx: 64 });
    expect(base).toEqual({ model: 'cryogen-sim', cube: 48, overlap: 12, batchSize: 2 });
    expect(ISONET.defaults({ nx: 64 }).model).toBe('isonet-sim');
    expect(() => CRYOGEN.validate({ ...base, cube: 30 })).toThrow(/multiple of 4/);
    expect(() => CRYOGEN.validate({ ...base, overlap: 24 })).toThrow(/overlap/);
    expect(() => CRYOGEN.validate({ ...base, batchSize: 0 })).toThrow(/batch/);
    expect(() => ISONET.validate({ ...base, model: ' ' })).toThrow(/model/);
  });
});
