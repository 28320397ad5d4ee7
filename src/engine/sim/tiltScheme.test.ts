import { describe, expect, it } from 'vitest';
import { doseSymmetric, parseAngleSpec, tiltRange } from './tiltScheme.ts';

describe('tiltRange', () => {
  it('includes max when on the grid', () => {
    const a = tiltRange(-60, 60, 2);
    expect(a).toHaveLength(61);
    expect(a[0]).toBe(-60);
    expect(a[60]).toBe(60);
    expect(a[30]).toBe(0);
    expect(tiltRange(-60, 60, 3)).toHaveLength(41);
    expect(tiltRange(-59, 60, 2).at(-1)).toBe(59); // 60 is off the grid
    expect(tiltRange(5, 5, 1)).toEqual([5]);
  });

  it('is robust to float error', () => {
    const a = tiltRange(-0.6, 0.6, 0.1);
    expect(a).toHaveLength(13);
    expect(a.at(-1)).toBe(0.6);
    expect(a).toContain(0.3);
    expect(Object.is(a[6], -0)).toBe(false);
    expect(tiltRange(-60, 60, 0.3)).toHaveLength(401);
  });

  it('rejects bad ranges', () => {
    expect(() => tiltRange(0, 10, 0)).toThrow(/step/);
    expect(() => tiltRange(0, 10, -1)).toThrow(/step/);
    expect(() => tiltRange(10, 0, 1)).toThrow(/greater/);
    expect(() => tiltRange(0, NaN, 1)).toThrow(/finite/);
  });
});

describe('doseSymmetric', () => {
  it('follows the Hagen order', () => {
    expect(doseSymmetric(-12, 12, 3, 2)).toEqual([0, 3, 6, -3, -6, 9, 12, -9, -12]);
    expect(doseSymmetric(-6, 9, 3, 1)).toEqual([0, 3, -3, 6, -6, 9]);
    expect(doseSymmetric(-60, 60, 3, 2).slice(0, 5)).toEqual([0, 3, 6, -3, -6]);
  });

  it('is a permutation of tiltRange starting at 0, also for asymmetric ranges', () => {
    for (const [min, max, step, g] of [
      [-60, 60, 2, 2],
      [-60, 60, 3, 3],
      [-42, 65, 3, 2],
      [-51, 30, 1.5, 4],
    ]) {
      const order = doseSymmetric(min, max, step, g);
      expect(order[0]).toBe(0);
      expect([...order].sort((a, b) => a - b)).toEqual(tiltRange(min, max, step));
    }
  });

  it('starts at the grid angle nearest 0 when 0 is not on the grid', () => {
    expect(doseSymmetric(-59, 59, 2)[0]).toBe(1);
    expect(doseSymmetric(10, 20, 5)).toEqual([10, 15, 20]);
  });
});

describe('parseAngleSpec', () => {
  it('parses MIN,MAX,STEP', () => {
    expect(parseAngleSpec('-60,60,2')).toHaveLength(61);
    expect(parseAngleSpec(' -45 , 45 , 1.5 ')).toEqual(tiltRange(-45, 45, 1.5));
  });

  it('throws clear errors', () => {
    expect(() => parseAngleSpec('-60,60')).toThrow(/MIN,MAX,STEP/);
    expect(() => parseAngleSpec('-60,,2')).toThrow(/MIN,MAX,STEP/);
    expect(() => parseAngleSpec('a,60,2')).toThrow(/not a number/);
    expect(() => parseAngleSpec('-60,60,0')).toThrow(/step/);
    expect(() => parseAngleSpec('60,-60,2')).toThrow(/greater/);
  });
});
