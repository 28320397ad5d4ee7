import { describe, expect, it } from 'vitest';
import { checkTiltAngles, checkValues, tiltAngleWarnings } from './tiltSeriesChecks.ts';

describe('tilt series checks', () => {
  const ts = { nx: 4, ny: 2, nTilts: 5, data: Float32Array.from({ length: 40 }, (_, i) => i), tiltAngles: [-60, -30, 0, 30, 60], pixelSize: 1 };

  it('names non-finite and overflowing pixels by place', () => {
    const bad = { ...ts, data: ts.data.slice() };
    bad.data[27] = NaN;
    expect(() => checkValues(bad)).toThrow(/non-finite value \(NaN\) in projection 4 at x 3, y 0/);
    bad.data[27] = -3e38;
    expect(() => checkValues(bad)).toThrow('the tilt series holds -3.00e+38 in projection 4 at x 3, y 0: values beyond ±1e+30 overflow');
    expect(() => checkValues(ts)).not.toThrow();
  });

  it('refuses impossible and degenerate geometry', () => {
    expect(() => checkTiltAngles([0, 90, 10])).toThrow(/tilt angle 2 is 90°/);
    expect(() => checkTiltAngles([])).toThrow(/no tilt angles/);
    expect(() => checkTiltAngles([-10, 10])).toThrow('the tilt series has 2 tilts: a tomogram needs at least 3');
    expect(() => checkTiltAngles([5, 5, 5, 5])).toThrow('all 4 tilts are at 5°: a tomogram needs tilts at different angles');
    expect(() => checkTiltAngles([-3, 0, 3])).not.toThrow();
  });

  it('warns of repeated angles and of angles that look like radians', () => {
    expect(tiltAngleWarnings([0, 3, -3, 0, 6])).toEqual(['tilts 1 and 4 are both at 0°: repeated angles weigh that direction twice']);
    expect(tiltAngleWarnings([-1.05, -0.52, 0, 0.52, 1.05])).toEqual(['the tilt angles span only ±1.050°: if they are radians, convert them to degrees (WedgeLab reads degrees)']);
    expect(tiltAngleWarnings([-60, -30, 0, 30, 60])).toEqual([]);
  });
});
