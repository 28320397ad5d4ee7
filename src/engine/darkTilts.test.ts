import { expect, it } from 'vitest';
import { darkTiltsInData, describeDarkTilts } from './darkTilts.ts';

/** 2 × 1 pixels a tilt; tilt k's pixels both `means[k]`. */
function series(means: number[], tiltAngles: number[]) {
  return { nx: 2, ny: 1, nTilts: means.length, data: Float32Array.from(means.flatMap((m) => [m, m])), tiltAngles };
}

it('points out tilts whose mean, allowing for the 1/cos θ path, is below a quarter of the median', () => {
  // At 60° the path is twice as long: 50 there is as bright as 100 at 0°, not dark; 20 at 0° is.
  const angles = [-60, -30, 0, 30, 60];
  const hints = darkTiltsInData(series([50, 86.6, 20, 86.6, 10], angles));
  expect(hints.map((h) => h.number)).toEqual([3, 5]);
  expect(hints[0].percent).toBeCloseTo(20, 2);
  expect(hints[1].percent).toBeCloseTo(20, 2);
  expect(describeDarkTilts(hints)).toBe('tilts 3 (0.0°, 20%), 5 (60.0°, 20%) look dark: a mean below 25% of the median, allowing for the 1/cos θ path');
  expect(describeDarkTilts(hints.slice(0, 1))).toBe('tilt 3 (0.0°, 20%) looks dark: a mean below 25% of the median, allowing for the 1/cos θ path');
});

it('says nothing of signed or normalised data, where a mean says nothing of the dose', () => {
  expect(darkTiltsInData(series([-5, 100, 100, 100], [-30, -10, 10, 30]))).toEqual([]);
  expect(darkTiltsInData(series([0, 0, 0.1, 0], [-30, -10, 10, 30]))).toEqual([]);
  expect(darkTiltsInData(series([100, 90, 95, 110], [-30, -10, 10, 30]))).toEqual([]);
});
