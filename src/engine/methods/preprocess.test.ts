import { describe, expect, it } from 'vitest';
import { binTiltSeries, offsetWarning, stackMeanStd, subtractTiltMeans } from './preprocess.ts';
import { validateCommon } from './common.ts';
import { FBP } from './fbp/base.ts';
import { methodLabel } from './registry.ts';
import { SIRT } from './sirt/base.ts';

const ts = { nx: 5, ny: 4, nTilts: 2, data: Float32Array.from({ length: 40 }, (_, i) => i), tiltAngles: [-30, 30], pixelSize: 2 };

describe('preparing a tilt series', () => {
  it('bins by averaging blocks and drops the remainder', () => {
    const binned = binTiltSeries(ts, 2);
    expect([binned.nx, binned.ny, binned.pixelSize]).toEqual([2, 2, 4]);
    // Projection 0, block (0,0): pixels 0, 1, 5, 6.
    expect(binned.data[0]).toBeCloseTo((0 + 1 + 5 + 6) / 4, 6);
    // Projection 1, block (1,1): rows 2–3, columns 2–3 of the second section.
    expect(binned.data[7]).toBeCloseTo((32 + 33 + 37 + 38) / 4, 6);
  });

  it('subtracts the mean of each tilt', () => {
    const centred = subtractTiltMeans(ts);
    expect(centred.data[0]).toBeCloseTo(0 - 9.5, 5);
    expect(centred.data[20]).toBeCloseTo(20 - 29.5, 5);
    expect(ts.data[0]).toBe(0);
  });

  it('takes one mean and std over the whole stack, exact with a large offset, 1 for a constant stack', () => {
    // 0 … 39: mean 19.5, population variance (40² − 1)/12.
    expect(stackMeanStd(ts).mean).toBeCloseTo(19.5, 10);
    expect(stackMeanStd(ts).std).toBeCloseTo(Math.sqrt((40 * 40 - 1) / 12), 10);
    const offset = { ...ts, data: ts.data.map((v) => v - 32700) };
    expect(stackMeanStd(offset).std).toBeCloseTo(Math.sqrt((40 * 40 - 1) / 12), 10);
    expect(stackMeanStd({ ...ts, data: new Float32Array(40).fill(7) })).toEqual({ mean: 7, std: 1 });
  });

  it('warns of an offset over 2 standard deviations unless the tilt means are subtracted', () => {
    // 0 … 39: mean 19.5, std 11.54 (1.7 standard deviations): no warning; 100 more: 10.3, and the bytes-style warning.
    expect(offsetWarning(ts, { subtractMean: false })).toBeUndefined();
    const offset = { data: ts.data.map((v) => v + 100) };
    expect(offsetWarning(offset, { subtractMean: false })).toBe(
      "the stack's mean (120) is 10.4 standard deviations from 0, an offset that FBP and SIRT turn into a bowl and streaks across the tomogram, and each tilt's mean is not subtracted",
    );
    expect(offsetWarning(offset, { subtractMean: true })).toBeUndefined();
    expect(offsetWarning({ data: ts.data.map((v) => v - 32700) }, { subtractMean: false })).toMatch(/^the stack's mean \(-32681\) is 2831 standard/);
  });

  it('fills defaults and describes parameters in one line', () => {
    const fbp = FBP.defaults({ nx: 512 }, { binning: 2 });
    expect(fbp).toMatchObject({ thickness: 64, binning: 2, invertAngles: false, subtractMean: false, filter: { name: 'ram-lak' } });
    expect(methodLabel('fbp', { ...fbp, filter: { name: 'radial', cutoff: 0.3, falloff: 0.05 } })).toBe('FBP (radial 0.3/0.05, thickness 64, bin 2)');
    expect(methodLabel('sirt', SIRT.defaults({ nx: 100 }, { positivity: true }))).toBe('SIRT (20 it, λ 1, positivity, thickness 25, bin 1)');
    expect(() => validateCommon(ts, { ...fbp, binning: 8 })).toThrow(/binning 8 leaves no image/);
    expect(() => validateCommon(ts, { ...fbp, binning: 1, thickness: 0 })).toThrow(/thickness/);
  });
});
