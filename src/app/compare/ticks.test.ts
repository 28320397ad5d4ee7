import { describe, expect, it } from 'vitest';
import { formatTicks, niceStep, niceTicks, tickDecimals } from './ticks.ts';

describe('axis ticks', () => {
  it('chooses 1/2/2.5/5 × 10^k steps', () => {
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(0.0625, 5)).toBeCloseTo(0.02);
    expect(niceStep(100, 4)).toBe(25);
    expect(niceStep(7, 7)).toBe(1);
    expect(niceStep(0, 5)).toBe(1);
  });

  it('lists the multiples of the step inside the range, without floating-point dust', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.1, 1.02, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(-60, 60, 4)).toEqual([-50, 0, 50]);
    expect(niceTicks(1, 0, 5)).toEqual(niceTicks(0, 1, 5));
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(niceTicks(NaN, 1)).toEqual([]);
    for (const t of niceTicks(0, 0.0625, 5)) expect(String(t).length).toBeLessThan(8);
  });

  it('formats ticks with common decimals and a true minus sign', () => {
    expect(tickDecimals(0.025)).toBe(3);
    expect(tickDecimals(5)).toBe(0);
    expect(tickDecimals(0.1)).toBe(1);
    expect(formatTicks([-0.2, 0, 0.2, 0.4])).toEqual(['−0.2', '0.0', '0.2', '0.4']);
    expect(formatTicks([0, 0.025, 0.05])).toEqual(['0.000', '0.025', '0.050']);
    expect(formatTicks([-50, 0, 50])).toEqual(['−50', '0', '50']);
  });
});
