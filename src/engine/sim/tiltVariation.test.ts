import { describe, expect, it } from 'vitest';
import { gaussianSmoothCpu } from '../reference/gaussian.ts';
import { addGaussianNoise, measureSnrDb, variance } from './noise.ts';
import { Rng } from './random.ts';
import { blurTilts, drawTiltVariation } from './tiltVariation.ts';

describe('per-tilt variation of simulated tilts', () => {
  it('blurs each tilt by its own σ, as the reference 3-D smoothing does a one-voxel-deep volume', () => {
    const [nx, ny] = [23, 17];
    const rng = new Rng(3);
    const data = Float32Array.from({ length: 3 * nx * ny }, () => rng.normal());
    const sigmas = [0, 0.8, 2];
    const out = blurTilts(data, nx, ny, sigmas);
    const plane = nx * ny;
    expect(out.subarray(0, plane)).toEqual(data.subarray(0, plane));
    for (const t of [1, 2]) {
      const expected = gaussianSmoothCpu({ nx, ny, nz: 1, data: data.slice(t * plane, (t + 1) * plane), pixelSize: 0 }, sigmas[t]).data;
      const got = out.subarray(t * plane, (t + 1) * plane);
      for (let i = 0; i < plane; i++) expect(got[i]).toBeCloseTo(expected[i], 5);
    }
    expect(() => blurTilts(data, nx, ny, [1, 1])).toThrow(/2 σ for 3 tilts/);
  });

  it('scales the noise per tilt and keeps the series SNR', () => {
    const plane = 20000;
    const rng = new Rng(5);
    const clean = Float32Array.from({ length: 2 * plane }, () => rng.normal());
    const noisy = addGaussianNoise(clean, 0, 11, [1, 3]);
    const noiseVar = (t: number) => variance(Array.from({ length: plane }, (_, i) => noisy[t * plane + i] - clean[t * plane + i]));
    expect(Math.sqrt(noiseVar(1) / noiseVar(0))).toBeCloseTo(3, 1);
    expect(Math.abs(measureSnrDb(clean, noisy))).toBeLessThan(0.15); // a variance estimate over 40 000 samples: ±1 %
    // Without scales the stream and the result are as before.
    expect(addGaussianNoise(clean, 0, 11, [1, 1])).toEqual(addGaussianNoise(clean, 0, 11));
  });

  it('draws blur and noise that grow towards high tilt on average, deterministically', () => {
    const angles = [-60, -30, 0, 30, 60];
    const a = drawTiltVariation(new Rng(9), angles);
    expect(drawTiltVariation(new Rng(9), angles)).toEqual(a);
    expect(a.blurSigma).toHaveLength(5);
    expect(a.noiseScale).toHaveLength(5);
    for (const s of a.blurSigma) expect(s).toBeGreaterThanOrEqual(0);
    for (const s of a.noiseScale) expect(s).toBeGreaterThan(0);
    let higher = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const v = drawTiltVariation(new Rng(seed), angles);
      higher += v.blurSigma[0] + v.blurSigma[4] > v.blurSigma[1] + v.blurSigma[3] ? 1 : 0;
    }
    expect(higher).toBeGreaterThan(30);
  });
});
