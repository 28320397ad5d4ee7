// Cutting a tomogram into overlapping cubes and blending the model's outputs back (cubes.ts, run.ts) against
// plain references: any voxelwise function applied to each cube must come back as that function applied to the
// tomogram (the blend weights are normalised, and cubes see the right voxels), whatever the tiling; every voxel
// is covered; the weights are smooth and positive; cancel stops between batches.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sim/random.ts';
import type { Volume } from '../../types.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';
import { stackMeanStd } from '../preprocess.ts';
import { CRYOGEN, ISONET } from './base.ts';
import { axisStarts, fitCubes, planCubes, planRefineSlabs, taper, type Triple } from './cubes.ts';
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
      const out = wholeVolume((await refineWithModel(model, volume, params, 'test')).volume, 'test');
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

  it('slabs of rows partition the tomogram, each with every cube that reaches its rows and those cubes\' rows as input', () => {
    const dims = { nx: 37, ny: 61, nz: 21 };
    const plan = planCubes(dims, 16, 4);
    for (const maxRows of [0, 20, 32, 45, 61]) {
      const slabs = planRefineSlabs(plan, dims.ny, maxRows);
      expect(slabs[0].output.y0).toBe(0);
      slabs.forEach((s, i) => expect(s.output.y0 + s.output.ny).toBe(i + 1 < slabs.length ? slabs[i + 1].output.y0 : dims.ny));
      for (const { output, input, starts } of slabs) {
        const reaching = plan.starts.filter(([, y]) => y < output.y0 + output.ny && y + 16 > output.y0);
        expect(starts).toEqual(reaching);
        expect(input.y0).toBe(Math.min(...starts.map(([, y]) => y)));
        expect(input.y0 + input.ny).toBe(Math.min(dims.ny, Math.max(...starts.map(([, y]) => y)) + 16));
        // Never more than the limit, except the smallest slab: one row of cubes and the one straddling its start.
        expect(input.ny <= maxRows || starts.length <= 2 * 3 * 2).toBe(true);
      }
      // Cubes along y start at 0, 12, 24, 36, 45: a boundary repeats only the row of cubes straddling it.
      const evaluated = slabs.reduce((n, s) => n + s.starts.length, 0);
      expect(evaluated).toBe(plan.starts.length + (slabs.length - 1) * 3 * 2);
    }
    expect(planRefineSlabs(plan, dims.ny, 61)).toHaveLength(1);
    expect(planRefineSlabs(plan, dims.ny, 0)).toHaveLength(5);
    // Rows 0–23 need cubes at 0, 12 (input 0–27); 0–35 would need 0–39, more than 36 rows.
    expect(planRefineSlabs(plan, dims.ny, 36).map((s) => [s.output.y0, s.output.ny, s.input.y0, s.input.ny])).toEqual([
      [0, 24, 0, 28],
      [24, 12, 12, 28],
      [36, 9, 24, 28],
      [45, 16, 36, 25],
    ]);
  });

  it('fits cubes, batch and slab rows to a device and a model: batch first, then the cube with its overlap', () => {
    const dims = { nx: 200, ny: 100, nz: 60 };
    const requested = { cube: 48, overlap: 12, batchSize: 4 };
    // The shipped U-Net's footprint (footprint.test.ts): widest tensor 16 floats a voxel, 33 alive at the peak.
    const shipped = { widestFloats: 16, liveFloats: 33 };
    const cubeBytes = 48 ** 3 * 4;
    const rowBytes = 200 * 60 * 4;
    expect(fitCubes(dims, requested, shipped, 2 ** 30, 2 ** 30)).toEqual({ ...requested, maxInputRows: Math.floor(2 ** 29 / (3 * rowBytes)) });
    // The widest tensor (16 channels) of 2 cubes fits the binding limit, of 3 does not.
    expect(fitCubes(dims, requested, shipped, 2 * 16 * cubeBytes + 1, 2 ** 30).batchSize).toBe(2);
    // Half the budget holds 1 cube with its activations (2 + 33 floats a voxel), not 2.
    expect(fitCubes(dims, requested, shipped, 2 ** 30, 2 * 35 * cubeBytes + 1).batchSize).toBe(1);
    expect(fitCubes(dims, requested, shipped, 2 ** 30, 4 * 35 * cubeBytes + 1).batchSize).toBe(2);
    // A network twice as wide (widest 32, 65 alive) fits half the batch in the same limits.
    const wider = { widestFloats: 32, liveFloats: 65 };
    expect(fitCubes(dims, requested, wider, 4 * 16 * cubeBytes + 1, 2 ** 30).batchSize).toBe(2);
    expect(fitCubes(dims, requested, wider, 2 ** 30, 4 * 67 * cubeBytes + 1).batchSize).toBe(2);
    // Not even one 48³ cube: 44³ with the overlap scaled (12 · 44/48 = 11).
    const smaller = fitCubes(dims, requested, shipped, 16 * 44 ** 3 * 4, 2 ** 30);
    expect([smaller.cube, smaller.overlap, smaller.batchSize]).toEqual([44, 11, 1]);
    // A thin tomogram keeps its short axis: the cube's z side is 60 rounded up, not the cube.
    expect(fitCubes({ nx: 64, ny: 64, nz: 8 }, requested, shipped, 16 * 48 * 48 * 8 * 4, 2 ** 30).cube).toBe(48);
    expect(() => fitCubes(dims, requested, shipped, 1000, 2 ** 30)).toThrow(/do not fit this GPU/);
  });

  it('checks its parameters', () => {
    const base = CRYOGEN.defaults({ nx: 64 });
    expect(base).toEqual({ model: 'cryogen-sim', cube: 48, overlap: 12, batchSize: 2, contrast: 'auto', inputSigma: 0 });
    expect(ISONET.defaults({ nx: 64 }).model).toBe('isonet-sim');
    expect(() => CRYOGEN.validate({ ...base, cube: 30 })).toThrow(/multiple of 4/);
    expect(() => CRYOGEN.validate({ ...base, overlap: 24 })).toThrow(/overlap/);
    expect(() => CRYOGEN.validate({ ...base, batchSize: 0 })).toThrow(/batch/);
    expect(() => ISONET.validate({ ...base, model: ' ' })).toThrow(/model/);
  });
});
