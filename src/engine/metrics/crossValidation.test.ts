import { describe, expect, it } from 'vitest';
import { Rng } from '../sim/random.ts';
import { oddEvenSplit, projectionScores, tiltAgreement } from './crossValidation.ts';

describe('projectionScores', () => {
  const rng = new Rng(1);
  const p = Float32Array.from({ length: 500 }, () => rng.normal(3, 2));

  it('ignores scale and offset: an affine image scores NMSE 0 and correlation 1', () => {
    expect(projectionScores(p, p)).toEqual({ nmse: 0, corr: expect.closeTo(1, 12) });
    const s = projectionScores(p.map((v) => 5 * v + 2), p);
    expect(s.nmse).toBeLessThan(1e-12);
    expect(s.corr).toBeCloseTo(1, 12);
  });

  it('scores an inverted image NMSE 4, correlation −1', () => {
    const s = projectionScores(p.map((v) => -v), p);
    expect(s.nmse).toBeCloseTo(4, 10);
    expect(s.corr).toBeCloseTo(-1, 10);
  });

  it('standardises with the population std: NMSE = 2·(1 − corr)', () => {
    const q = p.map((v) => v + rng.normal(0, 3));
    const s = projectionScores(q, p);
    expect(s.corr).toBeGreaterThan(0.2);
    expect(s.corr).toBeLessThan(0.9);
    expect(s.nmse).toBeCloseTo(2 * (1 - s.corr), 10);
    // Pearson correlation, computed directly.
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0) / a.length;
    const [mq, mp] = [mean(q), mean(p)];
    let sqp = 0;
    let sqq = 0;
    let spp = 0;
    for (let i = 0; i < p.length; i++) {
      sqp += (q[i] - mq) * (p[i] - mp);
      sqq += (q[i] - mq) ** 2;
      spp += (p[i] - mp) ** 2;
    }
    expect(s.corr).toBeCloseTo(sqp / Math.sqrt(sqq * spp), 10);
  });

  it('returns NaN for constant images and refuses mismatched sizes', () => {
    const flat = new Float32Array(500).fill(2);
    expect(projectionScores(p, flat)).toEqual({ nmse: NaN, corr: NaN });
    const s = projectionScores(flat, p);
    expect(s.nmse).toBeCloseTo(1, 12);
    expect(s.corr).toBeNaN();
    expect(() => projectionScores(p, p.subarray(1))).toThrow(/500 predicted values against 499/);
  });
});

describe('oddEvenSplit', () => {
  it('splits by position in the stack, not by angle', () => {
    // Dose-symmetric order.
    expect(oddEvenSplit([0, 3, -3, -6, 6, 9])).toEqual({ even: [0, 2, 4], odd: [1, 3, 5] });
    expect(oddEvenSplit([10])).toEqual({ even: [0], odd: [] });
    expect(oddEvenSplit([])).toEqual({ even: [], odd: [] });
  });
});

describe('tiltAgreement', () => {
  // 31 tilts at −60 … 60° by 4°, their scores falling smoothly towards the high tilts, as held-out predictions do.
  const angles = Array.from({ length: 31 }, (_, k) => -60 + 4 * k);
  const smooth = angles.map((a) => 0.8 - 0.00005 * a * a);

  it('flags a tilt well below its neighbours, not the smooth fall towards high tilts', () => {
    const scores = smooth.map((v, k) => (k === 9 ? v - 0.3 : v));
    const agreement = tiltAgreement(angles.map((angle, k) => ({ angle, score: scores[k] })));
    expect(agreement.flagged.map((f, k) => (f ? k : -1)).filter((k) => k >= 0)).toEqual([9]);
    // Tilt 9's neighbours 6 … 12 but itself: their median, by hand.
    const near = [6, 7, 8, 10, 11, 12].map((k) => scores[k]).sort((a, b) => a - b);
    expect(agreement.expected[9]).toBeCloseTo((near[2] + near[3]) / 2, 12);
    // At the ends, only the neighbours there are: the first tilt's are 1 … 3.
    expect(agreement.expected[0]).toBeCloseTo(scores[2], 12);
    expect(agreement.threshold).toBe(0.1);
  });

  it('flags nothing for a shortfall under a tenth, whatever the spread, and orders by angle, not by stack', () => {
    const scores = smooth.map((v, k) => (k === 9 ? v - 0.08 : v));
    expect(tiltAgreement(angles.map((angle, k) => ({ angle, score: scores[k] }))).flagged.some(Boolean)).toBe(false);
    // A dose-symmetric stack order: the same verdicts, in the stack's order.
    const order = angles.map((_, k) => k).sort((a, b) => Math.abs(angles[a]) - Math.abs(angles[b]));
    const dipped = smooth.map((v, k) => (k === 20 ? v - 0.4 : v));
    const shuffled = tiltAgreement(order.map((k) => ({ angle: angles[k], score: dipped[k] })));
    expect(order.filter((_, j) => shuffled.flagged[j])).toEqual([20]);
  });
});
