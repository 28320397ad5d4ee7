// Every tilt held out in turn (crossValidateEachTilt) on a simulated series with two tilts spoilt as real ones are:
// one misaligned by 3 pixels, one blurred (drift during the exposure) with its shot noise unblurred. Both are named,
// no other; each tilt's prediction is the one a cross-validation holding it out alone makes (CPU path, one thread):
// for FBP by linearity (the whole series' FBP less the tilt's own term), to float precision, with binning, dose
// weighting, tilt means subtracted and negated angles too, and on the GPU path (Dawn); for any other method, one
// reconstruction per tilt, exactly.
import { describe, expect, it } from 'vitest';
import { relativeError } from '../checks/kernelChecks.ts';
import { cpuEngine, gpuEngine } from '../context.ts';
import { openNodeGpu } from '../gpu/node.ts';
import { callerPool } from '../cpu/pool.ts';
import { Rng } from '../sim/random.ts';
import { simulateTiltSeries } from '../sim/simulate.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import { crossValidate, crossValidateAsAsked } from './crossValidation.ts';

/** `image` (nx × ny) blurred by a 5 × 5 box, plus its own fine detail shuffled: what the blur took, as noise again. */
function blurredWithFreshNoise(image: Float32Array, nx: number, ny: number, rng: Rng): Float32Array {
  const at = (x: number, y: number) => image[Math.min(nx - 1, Math.max(0, x)) + nx * Math.min(ny - 1, Math.max(0, y))];
  const blurred = image.map((_, i) => {
    let sum = 0;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) sum += at((i % nx) + dx, Math.floor(i / nx) + dy);
    return sum / 25;
  });
  const detail = Array.from(image, (v, i) => v - blurred[i]);
  for (let i = detail.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform(0, i + 1));
    [detail[i], detail[j]] = [detail[j], detail[i]];
  }
  return blurred.map((v, i) => v + detail[i]);
}

describe('crossValidateEachTilt', () => {
  const engine = cpuEngine(callerPool());
  const recipe = { method: 'fbp' as const, params: { thickness: 16 } };

  it('names a misaligned tilt and a blurred one, and no other', async () => {
    const { tiltSeries } = await simulateTiltSeries({ phantom: 'cell', size: [64, 64, 16], tiltAngles: tiltRange(-60, 60, 4), snrDb: 5, seed: 31, pixelSize: 10 });
    const { nx, ny } = tiltSeries;
    const plane = nx * ny;
    const tilt = (k: number) => tiltSeries.data.subarray(k * plane, (k + 1) * plane);
    // Tilt 7 moved 3 pixels across the tilt axis; tilt 20 blurred.
    const moved = tilt(7).slice();
    tilt(7).set(moved.map((_, i) => moved[(i % nx) - 3 < 0 ? i : i - 3]));
    tilt(20).set(blurredWithFreshNoise(tilt(20).slice(), nx, ny, new Rng(5)));
    const report = await crossValidateAsAsked(engine, tiltSeries, recipe, 'each');
    expect(report.label).toBe('FBP (ram-lak, thickness 16, bin 1), each of the 31 tilts held out in turn');
    expect(report.scores.map((s) => s.index)).toEqual(Array.from({ length: 31 }, (_, k) => k));
    const agreement = report.agreement!;
    expect(agreement.flagged.map((f, k) => (f ? k : -1)).filter((k) => k >= 0)).toEqual([7, 20]);
    for (const k of [7, 20]) expect(agreement.expected[k] - agreement.score[k]).toBeGreaterThan(0.2);
    // The prediction of tilt 12 is cross-validation's, holding it out alone (by linearity: to float precision).
    const alone = await crossValidate(engine, tiltSeries, recipe, [12]);
    expect(relativeError(report.scores[12].predicted, alone.scores[0].predicted)).toBeLessThan(1e-5);
    expect(report.scores[12].nmse).toBeCloseTo(alone.scores[0].nmse, 6);
  });

  it("predicts every tilt as FBP without it does, binned, dose weighted, means subtracted and angles negated", async () => {
    const { tiltSeries } = await simulateTiltSeries({ phantom: 'cell', size: [48, 8, 12], tiltAngles: tiltRange(-60, 60, 15), snrDb: 5, seed: 33, pixelSize: 4 });
    // Doses in a dose-symmetric order and an offset per tilt (what subtractMean takes off).
    const dosed = { ...tiltSeries, data: tiltSeries.data.map((v, i) => v + 0.3 * Math.floor(i / (48 * 8))), accumulatedDose: tiltSeries.tiltAngles.map((a) => 2 * Math.abs(a) / 15), exposureDose: tiltSeries.tiltAngles.map(() => 2) };
    const params = { thickness: 6, binning: 2, doseWeighting: true, subtractMean: true, invertAngles: true, filter: { name: 'cosine' as const } };
    const report = await crossValidateAsAsked(engine, dosed, { method: 'fbp', params }, 'each');
    expect(report.label).toBe('FBP (cosine, thickness 6, bin 2, angles inverted, mean subtracted, dose-weighted), each of the 9 tilts held out in turn');
    for (const k of [0, 4, 8]) {
      const alone = await crossValidate(engine, dosed, { method: 'fbp', params }, [k]);
      expect(report.scores[k].measured).toEqual(alone.scores[0].measured);
      expect(relativeError(report.scores[k].predicted, alone.scores[0].predicted)).toBeLessThan(1e-5);
    }
  });

  it('predicts by linearity on the GPU path (Dawn) too', async () => {
    const gpu = await openNodeGpu();
    const { tiltSeries } = await simulateTiltSeries({ phantom: 'cell', size: [48, 8, 12], tiltAngles: tiltRange(-60, 60, 15), snrDb: 5, seed: 35, pixelSize: 4 });
    const fbp = { method: 'fbp' as const, params: { thickness: 12, filter: { name: 'cosine' as const } } };
    const report = await crossValidateAsAsked(gpuEngine(gpu), tiltSeries, fbp, 'each');
    for (const k of [0, 5]) {
      const alone = await crossValidate(gpuEngine(gpu), tiltSeries, fbp, [k]);
      expect(relativeError(report.scores[k].predicted, alone.scores[0].predicted)).toBeLessThan(1e-5);
    }
  });

  it('reconstructs once per tilt for a method that is not linear in its tilts (SIRT): each prediction exactly the single hold-out\'s', async () => {
    const { tiltSeries } = await simulateTiltSeries({ phantom: 'cell', size: [32, 8, 8], tiltAngles: tiltRange(-60, 60, 20), snrDb: 5, seed: 34, pixelSize: 10 });
    const sirt = { method: 'sirt' as const, params: { thickness: 8, iterations: 5 } };
    const report = await crossValidateAsAsked(engine, tiltSeries, sirt, 'each');
    const alone = await crossValidate(engine, tiltSeries, sirt, [3]);
    expect(report.scores[3].predicted).toEqual(alone.scores[0].predicted);
  });

  it('takes reconstructions and refinements in pieces: the predictions of one array', async () => {
    const { tiltSeries } = await simulateTiltSeries({ phantom: 'cell', size: [32, 12, 8], tiltAngles: tiltRange(-60, 60, 20), snrDb: 5, seed: 36, pixelSize: 10 });
    const recipe = { method: 'sirt' as const, params: { thickness: 8, iterations: 3 }, refinement: { method: 'gaussian' as const, params: { sigma: 1 } } };
    const whole = await crossValidate(engine, tiltSeries, recipe, [2, 5]);
    // Pieces of 5 rows (32 × 8 float32 voxels a row) of the 12.
    const pieced = await crossValidate(engine, tiltSeries, recipe, [2, 5], { pieceBytes: 5 * 32 * 8 * 4 });
    expect(pieced.label).toBe(whole.label);
    expect(whole.label).toMatch(/^Gaussian smoothing .* ← SIRT/);
    expect(pieced.scores.map((s) => s.predicted)).toEqual(whole.scores.map((s) => s.predicted));
  });

  it("reports progress as each reconstruction's share of the whole", async () => {
    const { tiltSeries } = await simulateTiltSeries({ phantom: 'cell', size: [32, 8, 8], tiltAngles: tiltRange(-60, 60, 20), snrDb: 5, seed: 32, pixelSize: 10 });
    const fractions: number[] = [];
    await crossValidateAsAsked(engine, tiltSeries, { method: 'fbp', params: { thickness: 8 } }, 'each', { onProgress: (p) => fractions.push(p.fraction) });
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]))).toBe(true);
    expect(fractions.at(-1)).toBeGreaterThan(6 / 7);
  });
});
