// The trust score of a refined result and of a result of a synthesised series, on a tiny simulated series: the
// recipe (synthesis → reconstruction → refinement) run on the measured tilts less the held-out ones must score
// exactly as the same steps composed here by hand (the shipped IsoNet-style model opened in this test on
// onnxruntime-web's wasm backend; reprojection called directly), with FBP of the measured tilts as the baseline
// and only measured tilts held out.
import { describe, expect, it } from 'vitest';
import { cliModelLibrary } from '../../cli/models.ts';
import { wholeVolume } from '../../io/piecedVolume.ts';
import { cpuEngine, gpuEngine } from '../context.ts';
import { callerPool } from '../cpu/pool.ts';
import { openNodeGpu } from '../gpu/node.ts';
import type { CommonParams } from '../methods/common.ts';
import { reprojectTilts } from '../methods/reproject/run.ts';
import { reconstruct } from '../methods/runners.ts';
import { RefineModel } from '../methods/unetrefine/model.ts';
import { refineWithModel } from '../methods/unetrefine/run.ts';
import { simulateTiltSeries } from '../sim/simulate.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import type { TiltSeries } from '../types.ts';
import { crossValidate } from './crossValidation.ts';
import { resolveRecipe } from './recipe.ts';
import { heldOutTilts } from './tiltSubsets.ts';
import { scoreAgainstFbp, trustScore } from './trust.ts';

const common: CommonParams = { thickness: 8, binning: 1, invertAngles: false, subtractMean: false };
const fbpRequest = { method: 'fbp', params: { ...common, filter: { name: 'cosine' } } } as const;

/** 32 × 16 pixels, 25 tilts −60…60°, 0 dB; every 4th tilt held out (6). */
async function tinySeries(): Promise<{ ts: TiltSeries; heldOut: number[] }> {
  const { tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [32, 16, 8], tiltAngles: tiltRange(-60, 60, 5), snrDb: 0, seed: 7, pixelSize: 10 });
  return { ts: tiltSeries, heldOut: heldOutTilts(tiltSeries.tiltAngles, 'every:4') };
}

describe('the trust score of what made a result', () => {
  it('scores FBP → IsoNet-style as FBP then the model by hand, against the same FBP as FBP alone (wasm backend)', async () => {
    const engine = cpuEngine(callerPool());
    const { ts, heldOut } = await tinySeries();
    const refineParams = { model: 'isonet-sim', cube: 16, overlap: 4, batchSize: 2 };
    const recipe = { ...fbpRequest, refinement: { method: 'isonet', params: refineParams } } as const;
    const options = { models: cliModelLibrary };
    const scored = await trustScore(engine, ts, recipe, heldOut, options);
    const alone = await trustScore(engine, ts, fbpRequest, heldOut, options);

    const model = await RefineModel.open(null, await cliModelLibrary.load('isonet-sim'), { backend: 'wasm' });
    try {
      const byHand = await scoreAgainstFbp(
        engine,
        ts,
        async (remaining) => wholeVolume((await refineWithModel(model, wholeVolume((await reconstruct(engine, remaining, fbpRequest)).volume, 'FBP'), refineParams, 'IsoNet-style')).volume, 'test'),
        common,
        heldOut,
      );
      expect(scored.summaryMethod).toBeCloseTo(byHand.summaryMethod, 6);
      scored.frcMethod.forEach((v, r) => expect(v).toBeCloseTo(byHand.frcMethod[r], 6));
    } finally {
      await model.release();
    }
    // The baseline is FBP of the remaining measured tilts, as for the unrefined result.
    expect(scored.summaryFbp).toBe(alone.summaryFbp);
    expect(scored.fbpLabel).toBe('FBP (ram-lak, thickness 8, bin 1)');
    expect(scored.label).toBe('IsoNet-style (isonet-sim, 16 × 16 × 8 cubes, overlap 4, wasm, contrast dense bright (from the series)) ← FBP (cosine, thickness 8, bin 1)');
    // The refinement ran: it changes the prediction of the held-out tilts.
    expect(Math.abs(scored.summaryMethod - alone.summaryMethod)).toBeGreaterThan(1e-3);
    expect(scored.heldOut.map((t) => t.index)).toEqual(heldOut);

    // Cross-validation runs the same recipe.
    const cv = await crossValidate(engine, ts, recipe, [heldOut[2]], options);
    expect(cv.label).toMatch(/^IsoNet-style \(isonet-sim, .*\) ← FBP \(cosine, thickness 8, bin 1\), held out -15\.0°$/);
  }, 300_000);

  it('scores FBP of a synthesised series by synthesising from the remaining measured tilts; FBP and the held-out tilts are measured only', async () => {
    const gpu = await openNodeGpu();
    const engine = gpuEngine(gpu);
    const { ts, heldOut } = await tinySeries();
    const synthParams = { angles: [66, -66, 72, -72], thickness: 8, iterations: 3 };
    const recipe = { ...fbpRequest, synthesis: { method: 'reproject', params: synthParams } } as const;
    const scored = await trustScore(engine, ts, recipe, heldOut);
    const alone = await trustScore(engine, ts, fbpRequest, heldOut);

    const seen: number[][] = [];
    const byHand = await scoreAgainstFbp(
      engine,
      ts,
      async (remaining) => {
        const added = await reprojectTilts(gpu, remaining, synthParams);
        seen.push(added.tiltAngles);
        return wholeVolume((await reconstruct(engine, added, fbpRequest)).volume, 'FBP');
      },
      common,
      heldOut,
    );
    // The series reconstructed: the 19 remaining measured tilts, then the 4 synthesised ones.
    expect(seen[0]).toEqual([...ts.tiltAngles.filter((_, k) => !heldOut.includes(k)), 66, -66, 72, -72]);
    expect(scored.summaryMethod).toBeCloseTo(byHand.summaryMethod, 6);
    expect(scored.summaryFbp).toBe(alone.summaryFbp);
    expect(scored.heldOut.map((t) => t.angle)).toEqual(heldOut.map((k) => ts.tiltAngles[k]));
    expect(scored.label).toBe('FBP (cosine, thickness 8, bin 1), tilts + Reprojection (±66, ±72°, SIRT 3 it, thickness 8)');
  }, 300_000);

  it('checks every step before any work', () => {
    const ts = { nx: 32, ny: 16, nTilts: 3, tiltAngles: [-30, 0, 30], data: new Float32Array(32 * 16 * 3), pixelSize: 1 };
    expect(() => resolveRecipe(ts, { ...fbpRequest, refinement: { method: 'isonet', params: { cube: 10 } } })).toThrow('the cube side must be a multiple of 4');
    expect(() => resolveRecipe(ts, { ...fbpRequest, synthesis: { method: 'latentbp', params: {} } })).toThrow('no tilt angles to add');
  });
});
