import { describe, expect, it } from 'vitest';
import { Rng } from '../sim/random.ts';
import { oddEvenSplit, projectionScores } from './crossValidation.ts';

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
