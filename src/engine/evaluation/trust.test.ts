// The trust score on Dawn, on a small simulated series: it must not reward blur or a contrast inversion, the
// two ways a learned result can look good to a pixel-wise score while being wrong, and FBP against itself is
// "same". The scored side is any reconstructor, here FBP altered after the fact.
import { gpuEngine } from '../context.ts';
import { describe, expect, it } from 'vitest';
import { openNodeGpu } from '../gpu/node.ts';
import type { CommonParams } from '../methods/common.ts';
import { gaussianSmooth } from '../methods/gaussian/run.ts';
import { forwardProjectGpu } from '../methods/projection.ts';
import { reconstruct } from '../methods/runners.ts';
import { projectionScores } from '../metrics/crossValidation.ts';
import { TRUST_TOLERANCE_FLOOR } from '../metrics/trust.ts';
import { simulateTiltSeries } from '../sim/simulate.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { predictHeldOut } from './crossValidation.ts';
import type { Reconstructor } from './recipe.ts';
import { heldOutTilts } from './tiltSubsets.ts';
import { scoreAgainstFbp, trustScore } from './trust.ts';
import { wholeVolume } from '../../io/piecedVolume.ts';

const common: CommonParams = { thickness: 16, binning: 1, invertAngles: false, subtractMean: false };

async function setUp() {
  const gpu = await openNodeGpu();
  const { tiltSeries } = await simulateTiltSeries(
    { phantom: 'mixed', size: [64, 48, 16], tiltAngles: tiltRange(-60, 60, 3), snrDb: 0, seed: 7, pixelSize: 10 },
    (volume, angles) => forwardProjectGpu(gpu, volume, angles),
  );
  const fbp = async (ts: TiltSeries): Promise<Volume> => wholeVolume((await reconstruct(gpuEngine(gpu), ts, { method: 'fbp', params: common })).volume, 'FBP');
  return { gpu, ts: tiltSeries, fbp, heldOut: heldOutTilts(tiltSeries.tiltAngles, 'every:4') };
}

const negated = (v: Volume): Volume => ({ ...v, data: v.data.map((x) => -x) });

describe('trust score against FBP', () => {
  it('does not reward a blurred or a contrast-inverted FBP, and finds FBP the same as itself', async () => {
    const { gpu, ts, fbp, heldOut } = await setUp();
    expect(heldOut).toHaveLength(10);
    const score = (reconstructor: Reconstructor) => scoreAgainstFbp(gpuEngine(gpu), ts, reconstructor, common, heldOut);

    const itself = await score(fbp);
    expect(itself.verdict).toBe('same');
    expect(Math.abs(itself.difference)).toBeLessThan(1e-6);
    expect(itself.tolerance).toBe(TRUST_TOLERANCE_FLOOR);
    // FBP does predict the held-out tilts: its band mean is well above chance.
    expect(itself.summaryFbp).toBeGreaterThan(0.5);

    // σ 1 voxel: a wash-out the held-out NMSE rewards (below); σ 2: a heavy one. Measured here: band means FBP
    // 0.700, σ 1 0.697 (same), σ 2 0.582 (worse), inverted −0.700 (worse); NMSE FBP 0.742, σ 1 0.695.
    const blurred = async (remaining: TiltSeries, sigma: number) => gaussianSmooth(await fbp(remaining), sigma);
    const mild = await score((remaining) => blurred(remaining, 1));
    const heavy = await score((remaining) => blurred(remaining, 2));
    const inverted = await score(async (remaining) => negated(await fbp(remaining)));
    for (const altered of [mild, heavy, inverted]) {
      expect(altered.verdict).not.toBe('better');
      expect(altered.summaryMethod).toBeLessThanOrEqual(altered.summaryFbp + altered.tolerance);
    }
    expect(heavy.verdict).toBe('worse');
    expect(inverted.verdict).toBe('worse');
    // An inversion flips the sign of every ring's correlation.
    expect(inverted.summaryMethod).toBeCloseTo(-inverted.summaryFbp, 6);

    // What the trust score guards against: the held-out NMSE ranks the mildly blurred FBP above FBP.
    const nmse = async (reconstructor: Reconstructor) => {
      const { tilts } = await predictHeldOut(gpuEngine(gpu), ts, heldOut, reconstructor, common);
      return tilts.reduce((s, t) => s + projectionScores(t.predicted, t.measured).nmse, 0) / tilts.length;
    };
    const [nmseBlurred, nmseFbp] = [await nmse((remaining) => blurred(remaining, 1)), await nmse(fbp)];
    expect(nmseBlurred).toBeLessThan(nmseFbp);
  });

  it('scores a registered method by its request, with both labels and the held-out tilts', async () => {
    const { gpu, ts, heldOut } = await setUp();
    const fractions: number[] = [];
    const report = await trustScore(gpuEngine(gpu), ts, { method: 'sirt', params: { ...common, iterations: 3 } }, heldOut, { onProgress: (p) => fractions.push(p.fraction) });
    expect(report.label).toBe('SIRT (3 it, λ 1, thickness 16, bin 1)');
    expect(report.fbpLabel).toBe('FBP (ram-lak, thickness 16, bin 1)');
    expect(report.heldOut.map((t) => t.index)).toEqual(heldOut);
    expect(report.heldOut.map((t) => t.angle)).toEqual(heldOut.map((k) => ts.tiltAngles[k]));
    expect(report.frequencies).toHaveLength(33);
    expect(report.frcMethod).toHaveLength(33);
    expect(['better', 'same', 'worse']).toContain(report.verdict);
    expect(Math.max(...fractions)).toBeLessThanOrEqual(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
  });
});
