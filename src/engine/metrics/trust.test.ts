// The trust score's arithmetic on the CPU: the mean curve and band summaries, the tolerance, the verdict.
import { describe, expect, it } from 'vitest';
import { Rng } from '../sim/random.ts';
import { bandMean, frc } from './frc.ts';
import { compareWithFbp, TRUST_BAND, TRUST_TOLERANCE_FLOOR, trustTolerance, trustVerdict, verdictText } from './trust.ts';

const [nx, ny] = [32, 24];

function noise(rng: Rng, sd: number): Float32Array {
  return Float32Array.from({ length: nx * ny }, () => rng.normal(0, sd));
}

describe('trust score arithmetic', () => {
  it('averages the FRC curves over the held-out tilts and summarises the band by pixel count', () => {
    const rng = new Rng(3);
    const pairs = [-30, 0, 30].map((angle, index) => {
      const signal = noise(rng, 1);
      const measured = signal.map((v) => v + rng.normal(0, 1));
      return { index, angle, measured, predictedMethod: signal, predictedFbp: signal.map((v) => v + rng.normal(0, 2)) };
    });
    const scores = compareWithFbp(pairs, nx, ny);
    const curves = pairs.map((p) => frc(p.predictedMethod, p.measured, nx, ny));
    scores.frcMethod.forEach((v, r) => expect(v).toBeCloseTo(curves.reduce((s, c) => s + c.frc[r], 0) / 3, 12));
    expect(scores.summaryMethod).toBeCloseTo(bandMean(curves[0], scores.frcMethod, TRUST_BAND), 12);
    // The band mean is linear: the mean curve's is the mean of the tilts'.
    expect(scores.summaryMethod).toBeCloseTo(scores.heldOut.reduce((s, t) => s + t.summaryMethod, 0) / 3, 12);
    expect(scores.heldOut.map((t) => [t.index, t.angle])).toEqual([[0, -30], [1, 0], [2, 30]]);
    // The noise-free prediction beats the noisier one.
    expect(scores.difference).toBeCloseTo(scores.summaryMethod - scores.summaryFbp, 15);
    expect(scores.verdict).toBe('better');
  });

  it('tolerates twice the standard error of the per-tilt differences, at least the floor', () => {
    expect(trustTolerance([0.3])).toBe(TRUST_TOLERANCE_FLOOR);
    expect(trustTolerance([0.1, 0.1, 0.1])).toBe(TRUST_TOLERANCE_FLOOR);
    // Sample sd of (0, 0.2, 0.4, 0.6) is 0.2582; over √4 and doubled: 0.2582.
    expect(trustTolerance([0, 0.2, 0.4, 0.6])).toBeCloseTo(2 * (Math.sqrt(0.2 / 3) / 2), 12);
  });

  it('calls a difference within the tolerance the same, and says so in words', () => {
    expect(trustVerdict(0.02, 0.01)).toBe('better');
    expect(trustVerdict(0.01, 0.01)).toBe('same');
    expect(trustVerdict(-0.01, 0.01)).toBe('same');
    expect(trustVerdict(-0.02, 0.01)).toBe('worse');
    expect(verdictText('better')).toBe('better than FBP on your data');
    expect(verdictText('same')).toBe('same as FBP on your data');
    expect(verdictText('worse')).toBe('worse than FBP on your data');
  });
});
