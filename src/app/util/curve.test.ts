import { describe, expect, it } from 'vitest';
import { decimate, plotRange } from './curve.ts';

describe('plot geometry', () => {
  it('keeps short curves whole and the envelope of long ones', () => {
    expect(decimate([3, 2, 1], 4)).toEqual([
      { i: 0, v: 3 },
      { i: 1, v: 2 },
      { i: 2, v: 1 },
    ]);
    const values = Array.from({ length: 1000 }, (_, i) => (i === 501 ? 50 : 10 - i / 100));
    const points = decimate(values, 10);
    expect(points.length).toBeLessThanOrEqual(20);
    expect(points.map((p) => p.i)).toEqual([...points.map((p) => p.i)].sort((a, b) => a - b));
    expect(points).toContainEqual({ i: 501, v: 50 });
    expect(points[0]).toEqual({ i: 0, v: 10 });
    expect(points.at(-1)).toEqual({ i: 999, v: values[999] });
  });

  it('spans the values with margins, linearly from 0 or in decades', () => {
    expect(plotRange([1, 2, 3], false)).toEqual([0.9, 3.105]);
    expect(plotRange([0.01, 1], true).map((v) => +v.toFixed(3))).toEqual([-2.1, 0.105]);
    expect(plotRange([0, -1, 0.1, 0.1], true).map((v) => +v.toFixed(3))).toEqual([-1.5, -0.5]);
    expect(plotRange([], false)).toEqual([0, 1]);
  });
});
