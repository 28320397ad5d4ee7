// Cross-validation and the trust score on a series with doses: a dose-weighted reconstruction is scored against
// held-out tilts weighted by their own doses (after binning, as the reconstruction's tilts), an unweighted one
// against the raw tilts, and the trust score's FBP weights its tilts exactly when the scored method did (CPU path,
// one thread: no GPU needed).
import { describe, expect, it } from 'vitest';
import { cpuEngine } from '../context.ts';
import { callerPool } from '../cpu/pool.ts';
import { doseWeightTiltSeries } from '../doseWeighting.ts';
import { Rng } from '../sim/random.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import type { TiltSeries } from '../types.ts';
import { crossValidate } from './crossValidation.ts';
import { binTiltSeries } from '../methods/preprocess.ts';
import { subsetTilts } from './tiltSubsets.ts';
import { trustScore } from './trust.ts';

/** 7 tilts of 24 × 4 random pixels, 4 Å, 3 e/Å² each in a dose-symmetric order. */
function dosedSeries(): TiltSeries {
  const rng = new Rng(11);
  const tiltAngles = tiltRange(-45, 45, 15);
  const order = [6, 4, 2, 0, 1, 3, 5];
  return {
    nx: 24,
    ny: 4,
    nTilts: 7,
    data: Float32Array.from({ length: 24 * 4 * 7 }, () => rng.uniform(0, 1)),
    tiltAngles,
    pixelSize: 4,
    exposureDose: order.map(() => 3),
    accumulatedDose: order.map((k) => 3 * k),
  };
}

describe('held-out tilts and dose weighting', () => {
  const engine = cpuEngine(callerPool());
  const heldOut = [1, 5];

  it('compares a dose-weighted reconstruction with dose-weighted held-out tilts, an unweighted one with the raw tilts', async () => {
    const ts = dosedSeries();
    const plane = ts.nx * ts.ny;
    for (const doseWeighting of [true, false]) {
      const report = await crossValidate(engine, ts, { method: 'fbp', params: { thickness: 8, doseWeighting } }, heldOut);
      const held = subsetTilts(ts, heldOut);
      const expected = doseWeighting ? doseWeightTiltSeries(held) : held;
      report.scores.forEach((score, j) => expect(Array.from(score.measured)).toEqual(Array.from(expected.data.subarray(j * plane, (j + 1) * plane))));
      expect(report.label.includes('dose-weighted')).toBe(doseWeighting);
    }
  });

  it('bins the held-out tilts before weighting them, as the reconstruction’s own tilts were', async () => {
    const ts = dosedSeries();
    const report = await crossValidate(engine, ts, { method: 'fbp', params: { thickness: 8, binning: 2 } }, heldOut);
    const expected = doseWeightTiltSeries(binTiltSeries(subsetTilts(ts, heldOut), 2));
    const plane = expected.nx * expected.ny;
    report.scores.forEach((score, j) => expect(Array.from(score.measured)).toEqual(Array.from(expected.data.subarray(j * plane, (j + 1) * plane))));
    // Weighting first would differ: the filter is cut at the full-size grid's frequencies.
    const other = binTiltSeries(doseWeightTiltSeries(subsetTilts(ts, heldOut)), 2);
    expect(Math.max(...expected.data.map((v, i) => Math.abs(v - other.data[i])))).toBeGreaterThan(1e-4);
  });

  it('weights the trust score’s FBP exactly when the scored method weighted its tilts', async () => {
    const ts = dosedSeries();
    for (const doseWeighting of [true, false]) {
      const report = await trustScore(engine, ts, { method: 'sirt', params: { thickness: 8, iterations: 2, doseWeighting } }, heldOut);
      expect(report.fbpLabel.includes('dose-weighted')).toBe(doseWeighting);
    }
  });
});
