import { describe, expect, it } from 'vitest';
import { stackPolarity } from './polarity.ts';
import { Rng } from './sim/random.ts';
import type { TiltSeries } from './types.ts';

function series(nx: number, ny: number, nTilts: number, pixel: (x: number, y: number, t: number) => number): TiltSeries {
  const data = new Float32Array(nx * ny * nTilts);
  for (let t = 0; t < nTilts; t++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[x + nx * (y + ny * t)] = pixel(x, y, t);
  return { nx, ny, nTilts, data, tiltAngles: Array.from({ length: nTilts }, (_, t) => -30 + 15 * t), pixelSize: 0 };
}

/** The statistic written out directly: every pixel less the mean of its clipped (2r + 1)² window, centred per tilt, then the skewness. */
function skewnessByWindows(ts: TiltSeries): number {
  const { nx, ny, nTilts, data } = ts;
  const r = Math.max(2, Math.round(Math.min(nx, ny) / 16));
  const values: number[] = [];
  for (let t = 0; t < nTilts; t++) {
    const tilt: number[] = [];
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        let sum = 0;
        let n = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(ny - 1, y + r); yy++)
          for (let xx = Math.max(0, x - r); xx <= Math.min(nx - 1, x + r); xx++) {
            sum += data[xx + nx * (yy + ny * t)];
            n++;
          }
        tilt.push(data[x + nx * (y + ny * t)] - sum / n);
      }
    const mean = tilt.reduce((a, b) => a + b, 0) / tilt.length;
    values.push(...tilt.map((v) => v - mean));
  }
  const m2 = values.reduce((a, v) => a + v ** 2, 0) / values.length;
  const m3 = values.reduce((a, v) => a + v ** 3, 0) / values.length;
  return m3 / m2 ** 1.5;
}

describe('stackPolarity', () => {
  const rng = new Rng(4);
  const blobs = Array.from({ length: 12 }, () => [rng.uniform(4, 44), rng.uniform(4, 36)]);
  const noise = Float32Array.from({ length: 48 * 40 * 3 }, () => rng.normal());
  // Sparse dense blobs on a thickness gradient, with noise: what a tilt of dense-bright data looks like.
  const bright = series(48, 40, 3, (x, y, t) => 0.05 * x + blobs.reduce((s, [bx, by]) => s + 3 * Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / 4), 0) + 0.3 * noise[x + 48 * (y + 40 * t)]);

  it('agrees with the statistic computed window by window', () => {
    expect(stackPolarity(bright).skewness).toBeCloseTo(skewnessByWindows(bright), 6);
  });

  it('calls sparse dense blobs bright, their negative dark (the skewness exactly negated), and noise unclear', () => {
    const a = stackPolarity(bright);
    expect(a.polarity).toBe('dense-bright');
    const inverted = stackPolarity({ ...bright, data: bright.data.map((v) => -v + 7) });
    expect(inverted.polarity).toBe('dense-dark');
    expect(inverted.skewness).toBeCloseTo(-a.skewness, 5);
    expect(stackPolarity(series(48, 40, 3, (x, y, t) => noise[x + 48 * (y + 40 * t)])).polarity).toBe('unclear');
  });
});
