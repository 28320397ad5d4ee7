// The U-Net refinement's contrast (base.ts CONTRASTS): the shipped models learnt dense matter bright, so a dense-dark
// tomogram is refined negated and negated back, which gives exactly the negative of the bright tomogram's refinement;
// 'both-signs' is the odd part, so negating the input negates the result; a constant added to the input comes back
// added to the result; 'auto' follows the source series' contrast. On the CPU path, with the stand-in model (not
// odd: it depends on a voxel's place in its cube) and the shipped one; the GPU path's kernels run negated against
// the CPU path in the kernel checks (Dawn and Chromium).
// And the input's smoothing (inputSigma): the model on the Gaussian-smoothed tomogram, as two steps would give.
import { describe, expect, it } from 'vitest';
import { cliModelLibrary } from '../../../cli/models.ts';
import { relativeError, standInRefineModel } from '../../checks/kernelChecks.ts';
import { cpuEngine } from '../../context.ts';
import { callerPool } from '../../cpu/pool.ts';
import { Rng } from '../../sim/random.ts';
import type { Volume } from '../../types.ts';
import { wholeVolume, type Tomogram } from '../../../io/piecedVolume.ts';
import { resolveRefinement, runRefinement } from '../runners.ts';
import { CONTRASTS } from '../contrast.ts';
import { CRYOGEN } from './base.ts';
import { RefineModel } from './model.ts';
import { gaussianSmoothTomogram } from '../gaussian/run.ts';
import { refineWithModel } from './run.ts';

const PARAMS = { model: 'stand-in', cube: 12, overlap: 3, batchSize: 2 };

function volumeOf(data: Float32Array): Volume {
  return { nx: 21, ny: 17, nz: 9, pixelSize: 2, data };
}

function randomVolume(seed: number): Volume {
  const rng = new Rng(seed);
  return volumeOf(Float32Array.from({ length: 21 * 17 * 9 }, () => 2 + 3 * rng.normal()));
}

const map = (v: Volume, f: (x: number) => number) => volumeOf(v.data.map(f));
const voxels = (t: Tomogram) => wholeVolume(t, 'test').data;

describe('U-Net refinement: the contrast and the input smoothing', () => {
  const volume = randomVolume(5);
  const negated = map(volume, (x) => -x);

  it('CPU path: a negated tomogram refined negated is exactly the negative of the tomogram refined as given', async () => {
    const asGiven = voxels((await refineWithModel(standInRefineModel, volume, PARAMS, 'test')).volume);
    const dark = voxels((await refineWithModel(standInRefineModel, negated, PARAMS, 'test', { sign: -1 })).volume);
    expect(dark).toEqual(asGiven.map((x) => -x));
    // Refined as given, the negated tomogram is not that: the stand-in, like the shipped models, is not odd.
    const wrongWay = voxels((await refineWithModel(standInRefineModel, negated, PARAMS, 'test')).volume);
    expect(relativeError(wrongWay, asGiven.map((x) => -x))).toBeGreaterThan(0.01);
  });

  it('CPU path: a constant added to the tomogram comes back added to the result, either sign', async () => {
    for (const sign of [1, -1] as const) {
      const base = voxels((await refineWithModel(standInRefineModel, volume, PARAMS, 'test', { sign })).volume);
      const shifted = voxels((await refineWithModel(standInRefineModel, map(volume, (x) => x + 40), PARAMS, 'test', { sign })).volume);
      expect(relativeError(shifted.map((x) => x - 40), base)).toBeLessThan(1e-5);
    }
  });

  it('the shipped model (wasm): both signs is its odd part, dense dark its run on −x negated back; labels say what ran', async () => {
    const engine = cpuEngine(callerPool());
    const small = randomVolume(9);
    const params = { model: 'isonet-sim', cube: 12, overlap: 2, batchSize: 4 };
    const run = async (input: Volume, contrast: (typeof CONTRASTS)[number], seriesPolarity?: 'dense-dark' | 'dense-bright') => {
      const resolved = resolveRefinement(input, { method: 'isonet', params: { ...params, contrast } });
      return runRefinement(engine, input, 'FBP', resolved, { models: cliModelLibrary, seriesPolarity: seriesPolarity && (async () => seriesPolarity) });
    };
    const model = await RefineModel.open(null, await cliModelLibrary.load('isonet-sim'), { backend: 'wasm' });
    try {
      const g = voxels((await refineWithModel(model, small, params, 'test')).volume);
      const gOfNegated = voxels((await refineWithModel(model, map(small, (x) => -x), params, 'test')).volume);
      const both = await run(small, 'both-signs');
      // (g(x) − g(−x))/2 in the tomogram's units: the mean is odd under negation too, so it survives the difference.
      expect(relativeError(voxels(both.volume), g.map((v, i) => (v - gOfNegated[i]) / 2))).toBeLessThan(1e-5);
      expect(relativeError(voxels((await run(map(small, (x) => -x), 'both-signs')).volume), voxels(both.volume).map((x) => -x))).toBeLessThan(1e-5);
      expect(both.label).toBe('IsoNet-style (isonet-sim, 12³ cubes, overlap 2, wasm, both signs, odd part) ← FBP');

      const dark = await run(small, 'auto', 'dense-dark');
      expect(voxels(dark.volume)).toEqual(gOfNegated.map((x) => -x));
      expect(dark.label).toBe('IsoNet-style (isonet-sim, 12³ cubes, overlap 2, wasm, contrast dense dark, run negated (from the series)) ← FBP');
      const bright = await run(small, 'auto', 'dense-bright');
      expect(voxels(bright.volume)).toEqual(g);
      expect(bright.label).toBe('IsoNet-style (isonet-sim, 12³ cubes, overlap 2, wasm, contrast dense bright (from the series)) ← FBP');
      expect((await run(small, 'auto')).label).toBe('IsoNet-style (isonet-sim, 12³ cubes, overlap 2, wasm, contrast not known, run as trained (dense bright)) ← FBP');
      expect((await run(small, 'dense-dark')).label).toBe('IsoNet-style (isonet-sim, 12³ cubes, overlap 2, wasm, contrast dense dark, run negated) ← FBP');

      // inputSigma: the Gaussian smoothing (gaussian/run.ts) and then the model, exactly as the two steps.
      const resolved = resolveRefinement(small, { method: 'isonet', params: { ...params, contrast: 'dense-bright', inputSigma: 1 } });
      const smoothedFirst = await runRefinement(engine, small, 'FBP', resolved, { models: cliModelLibrary });
      const byHand = voxels((await refineWithModel(model, gaussianSmoothTomogram(small, 1), params, 'test')).volume);
      expect(voxels(smoothedFirst.volume)).toEqual(byHand);
      expect(relativeError(byHand, g)).toBeGreaterThan(0.01);
      expect(smoothedFirst.label).toBe('IsoNet-style (isonet-sim, 12³ cubes, overlap 2, wasm, contrast dense bright, input smoothed σ 1) ← FBP');
    } finally {
      await model.release();
    }
  }, 120_000);

  it('is one of the four, on the command line and in a request', () => {
    const defaults = CRYOGEN.defaults(volume);
    expect(defaults.contrast).toBe('auto');
    expect(CRYOGEN.readFlags!({ contrast: 'dense-dark' })).toEqual({ contrast: 'dense-dark' });
    expect(() => CRYOGEN.readFlags!({ contrast: 'dark' })).toThrow('--contrast takes auto, dense-bright, dense-dark, both-signs (got "dark")');
    expect(() => CRYOGEN.validate({ ...defaults, contrast: 'dark' as 'auto' })).toThrow('the contrast must be one of auto, dense-bright, dense-dark, both-signs (got dark)');
    expect(CRYOGEN.paramText({ ...defaults, contrast: 'both-signs' })).toBe('cryogen-sim, 48³ cubes, overlap 12, both signs, odd part');
    expect(defaults.inputSigma).toBe(0);
    expect(() => CRYOGEN.validate({ ...defaults, inputSigma: 5 })).toThrow("the input's smoothing σ must be in [0, 4] voxels, 0 for none (got 5)");
    expect(() => CRYOGEN.validate({ ...defaults, inputSigma: -1 })).toThrow(/got -1/);
  });
});
