// Scores against a ground truth with the result and the truth held in pieces (of different row counts) against the
// same pair in one array: a page's result in pieces is scored as one array would be. The one-array scores are each
// checked against independent references in their own tests (quality, wedgePsnr, fsc, python).
import { describe, expect, it } from 'vitest';
import { isPieced } from '../../io/piecedVolume.ts';
import { callerPool } from '../cpu/pool.ts';
import { Rng } from '../sim/random.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import { CancelledError, type Progress, type Volume } from '../types.ts';
import { psnr } from './quality.ts';
import { truthScores } from './truthScores.ts';
import { inPieces } from '../piecedFixture.ts';

describe('truthScores', () => {
  it('scores a pair held in pieces as the same pair in one array', async () => {
    const [nx, ny, nz] = [16, 13, 12];
    const rng = new Rng(11);
    const smooth = Float32Array.from({ length: nx * ny * nz }, (_, i) => Math.sin(i / 7) + Math.cos(i / 50));
    const truth: Volume = { nx, ny, nz, pixelSize: 3, data: smooth.map((v) => v + 0.2 * rng.normal()) };
    const result: Volume = { ...truth, data: smooth.map((v) => 2 * v - 1 + 0.5 * rng.normal()) };
    const angles = tiltRange(-60, 60, 10);
    const whole = await truthScores(result, truth, angles, callerPool());
    const [resultPieces, truthPieces] = [inPieces(result, 4), inPieces(truth, 5)];
    expect(isPieced(resultPieces) && isPieced(truthPieces)).toBe(true);
    const pieced = await truthScores(resultPieces, truthPieces, angles, callerPool());
    expect(pieced.curves.counts).toEqual(whole.curves.counts);
    expect(pieced.curves.countsWedge).toEqual(whole.curves.countsWedge);
    for (const key of ['fsc', 'fscMeasured', 'fscMissing', 'fscWedge', 'fscWedgeMissing'] as const) {
      const [got, want] = [pieced.curves[key]!, whole.curves[key]!];
      expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]))), key).toBeLessThan(1e-6);
    }
    for (const key of ['psnr', 'psnrWedge', 'psnrWedgeMissing', 'ssim'] as const) expect(pieced[key], key).toBeCloseTo(whole[key]!, 10);
    expect(pieced.psnr).toBeCloseTo(psnr(result, truth), 10);
    // The two sides' mean square errors make up the whole PSNR's.
    const mse = (db: number) => 10 ** (-db / 10);
    expect(mse(pieced.psnrWedge!) + mse(pieced.psnrWedgeMissing!)).toBeCloseTo(mse(pieced.psnr), 12);
    expect([pieced.res0143, pieced.res05]).toEqual([whole.res0143, whole.res05]);
  });
});

describe('truthScores progress and cancel', () => {
  const [nx, ny, nz] = [24, 20, 16];
  const rng = new Rng(2);
  const truth: Volume = { nx, ny, nz, pixelSize: 1, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal()) };
  const result: Volume = { ...truth, data: truth.data.map((v) => v + rng.normal()) };

  it('tells its FSC within the first fifth of the bar, in order', async () => {
    const seen: Progress[] = [];
    await truthScores(result, truth, [-60, 0, 60], callerPool(), { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen.filter((p) => p.message.startsWith('FSC'))) expect(p.fraction).toBeLessThanOrEqual(0.2);
    expect(seen.map((p) => p.fraction)).toEqual([...seen.map((p) => p.fraction)].sort((a, b) => a - b));
  });

  it('stops with a cancel', async () => {
    const controller = new AbortController();
    const scoring = truthScores(result, truth, [-60, 0, 60], callerPool(), { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(scoring).rejects.toBeInstanceOf(CancelledError);
  });
});
