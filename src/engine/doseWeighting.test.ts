// Dose weighting against the published exposure filter (Grant & Grigorieff 2015, eLife 4:e06980):
// Ne(k) = 0.245·k^−1.665 + 2.81 e/Å² at 300 kV, 0.8 times that at 200 kV, filter exp(−N / (2·Ne)).
import { describe, expect, it } from 'vitest';
import { criticalExposure, doseWeightingUnavailable, doseWeightTiltSeries, doseWeightTiltSeriesInSteps, tiltExposures } from './doseWeighting.ts';
import { CancelledError, type TiltSeries } from './types.ts';

describe('critical exposure', () => {
  it('matches the published formula at a few frequencies, worked by hand', () => {
    // k = 0.1/Å: 0.1^−1.665 = 10^1.665 = 46.2381, so Ne = 0.245·46.2381 + 2.81 = 14.1383.
    expect(criticalExposure(0.1)).toBeCloseTo(14.1383, 3);
    // k = 0.25/Å (4 Å): 4^1.665 = 10^(1.665·0.60206) = 10^1.002430 = 10.0561; Ne = 0.245·10.0561 + 2.81 = 5.2737.
    expect(criticalExposure(0.25)).toBeCloseTo(5.2737, 3);
    // k = 0.05/Å (20 Å): 20^1.665 = 10^(1.665·1.30103) = 10^2.166215 = 146.6681; Ne = 35.9237 + 2.81 = 38.7337.
    expect(criticalExposure(0.05)).toBeCloseTo(38.7337, 3);
    // 200 kV: 0.8 × the 300 kV value.
    expect(criticalExposure(0.1, 200)).toBeCloseTo(0.8 * 14.1383, 3);
    expect(criticalExposure(0)).toBe(Infinity);
  });

  it('weights each tilt at the middle of its own exposure', () => {
    expect(tiltExposures({ accumulatedDose: [0, 3, 6], exposureDose: [3, 3, 4] })).toEqual([1.5, 4.5, 8]);
    expect(tiltExposures({ accumulatedDose: [0, 3] })).toEqual([0, 3]);
    expect(tiltExposures({})).toBeNull();
  });

  it('says why a series cannot be weighted', () => {
    const ts = { nTilts: 2, accumulatedDose: [0, 3], pixelSize: 2 };
    expect(doseWeightingUnavailable(ts)).toBeNull();
    expect(doseWeightingUnavailable({ ...ts, voltage: 200 })).toBeNull();
    expect(doseWeightingUnavailable({ ...ts, accumulatedDose: undefined })).toBe('the tilt series has no doses');
    expect(doseWeightingUnavailable({ ...ts, pixelSize: 0 })).toBe('the pixel size is unknown');
    expect(doseWeightingUnavailable({ ...ts, nTilts: 3 })).toBe('the tilt series has 3 tilts but doses for 2');
    expect(doseWeightingUnavailable({ ...ts, exposureDose: [3] })).toBe('the tilt series has 2 tilts but doses for 1');
    expect(doseWeightingUnavailable({ ...ts, voltage: 120 })).toMatch(/300 and 200 kV only, not for 120 kV/);
  });
});

/** cos(2π(cx·x/nx + cy·y/ny)): one pure spatial frequency, cx and cy whole cycles across the tilt. */
function wave(nx: number, ny: number, cx: number, cy: number): Float32Array {
  const out = new Float32Array(nx * ny);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) out[x + nx * y] = Math.cos(2 * Math.PI * ((cx * x) / nx + (cy * y) / ny));
  return out;
}

describe('doseWeightTiltSeries', () => {
  // Even and odd sizes (radix-2 and Bluestein transforms); three tilts: one pair and one tilt alone.
  it.each([
    [16, 12],
    [15, 9],
  ])('leaves a tilt with dose 0 unchanged and damps a pure frequency by exactly the filter, %i × %i', (nx, ny) => {
    const pixelSize = 2; // Å
    const plane = nx * ny;
    const random = Float32Array.from({ length: plane }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const data = new Float32Array(3 * plane);
    data.set(random, 0);
    data.set(wave(nx, ny, 3, 2), plane);
    data.set(wave(nx, ny, 5, -1), 2 * plane);
    // Exposures weighted: 0, 10 + 4/2 = 12 and 30 + 0 = 30 e/Å².
    const ts: TiltSeries = { nx, ny, nTilts: 3, data, tiltAngles: [0, 3, -3], pixelSize, accumulatedDose: [0, 10, 30], exposureDose: [0, 4, 0] };
    const weighted = doseWeightTiltSeries(ts);
    // The published filter, written out here: k in 1/Å from cycles per pixel over the pixel size.
    const filter = (cx: number, cy: number, dose: number) => {
      const k = Math.hypot(cx / nx, cy / ny) / pixelSize;
      return Math.exp(-dose / (2 * (0.245 * Math.pow(k, -1.665) + 2.81)));
    };
    const tilt = (j: number) => weighted.data.subarray(j * plane, (j + 1) * plane);
    const expectClose = (actual: Float32Array, expected: Float32Array, scale: number) => {
      let worst = 0;
      expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(actual[i] - v * scale))));
      expect(worst).toBeLessThan(1e-5);
    };
    expectClose(tilt(0), random, 1);
    const h1 = filter(3, 2, 12);
    const h2 = filter(5, -1, 30);
    expect(h1).toBeLessThan(0.99);
    expect(h2).toBeLessThan(h1);
    expectClose(tilt(1), wave(nx, ny, 3, 2), h1);
    expectClose(tilt(2), wave(nx, ny, 5, -1), h2);
    // The input is left alone.
    expect(ts.data.subarray(plane, 2 * plane)).toEqual(wave(nx, ny, 3, 2));
  });

  it('gives the same tilts two at a time, and stops at a cancel sent while it runs', async () => {
    const nx = 12, ny = 10, nTilts = 5;
    const data = Float32Array.from({ length: nx * ny * nTilts }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const ts: TiltSeries = { nx, ny, nTilts, data, tiltAngles: [0, 3, -3, 6, -6], pixelSize: 3, accumulatedDose: [0, 3, 6, 9, 12] };
    expect((await doseWeightTiltSeriesInSteps(ts)).data).toEqual(doseWeightTiltSeries(ts).data);
    // The abort is a task queued after the first pair's, as a worker's cancel message would be.
    const controller = new AbortController();
    const running = doseWeightTiltSeriesInSteps(ts, controller.signal);
    setTimeout(() => controller.abort(), 0);
    await expect(running).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses a series without doses, naming why', () => {
    const ts: TiltSeries = { nx: 4, ny: 4, nTilts: 1, data: new Float32Array(16), tiltAngles: [0], pixelSize: 1 };
    expect(() => doseWeightTiltSeries(ts)).toThrow('dose weighting: the tilt series has no doses');
  });
});
