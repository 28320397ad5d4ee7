import { describe, expect, it } from 'vitest';
import { forwardProjectCpu } from '../reference/projector.ts';
import { ctf } from '../ctf.ts';
import { applyCtf, drawDefocus, filterVolumeByCtf } from './ctf.ts';
import { Rng } from './random.ts';
import { simulateTiltSeries } from './simulate.ts';
import { tiltRange } from './tiltScheme.ts';

describe('contrast transfer function of simulated tilts', () => {
  it('filters every tilt by −CTF at its own defocus: a cosine keeps its shape, a constant keeps Q of itself', () => {
    const [nx, ny, pixel] = [24, 10, 8];
    const k = 5; // cycles along x over the tilt
    const wave = Float32Array.from({ length: 2 * nx * ny }, (_, i) => Math.cos((2 * Math.PI * k * (i % nx)) / nx));
    const out = applyCtf(wave, nx, ny, pixel, [2, 4]);
    for (const [t, defocus] of [[0, 2], [1, 4]]) {
      const gain = -ctf(k / (nx * pixel), defocus);
      for (let i = 0; i < nx * ny; i++) expect(out[t * nx * ny + i]).toBeCloseTo(gain * wave[t * nx * ny + i], 5);
    }
    expect(Array.from(applyCtf(new Float32Array(nx * ny).fill(2), nx, ny, pixel, [3]))).toEqual(Array.from({ length: nx * ny }, () => expect.closeTo(0.14, 6)));
    expect(() => applyCtf(wave, nx, ny, pixel, [3])).toThrow(/1 defocus values for 2 tilts/);
    expect(() => applyCtf(wave, nx, ny, 0, [3, 3])).toThrow(/pixel size must be > 0/);
  });

  it('enters a simulation before the noise and leaves its ground truth alone', async () => {
    const options = { phantom: 'cell' as const, size: [32, 24, 12] as [number, number, number], tiltAngles: tiltRange(-30, 30, 15), seed: 2, pixelSize: 8 };
    const plain = await simulateTiltSeries({ ...options, snrDb: undefined });
    const defocusUm = [2, 2.5, 3, 3.5, 4];
    const filtered = await simulateTiltSeries({ ...options, snrDb: 0, defocusUm });
    expect(filtered.groundTruth.data).toEqual(plain.groundTruth.data);
    const expected = applyCtf(forwardProjectCpu(plain.groundTruth, options.tiltAngles).data, 32, 24, 8, defocusUm);
    expect(filtered.noiseFree.data).toEqual(expected);
  });

  it('filters a volume in 3-D so that its projections are the tilts through the CTF (projection-slice theorem)', () => {
    // A smooth blob in the middle of the slab, so that the filter's tails stay inside the box.
    const [nx, ny, nz, pixelSize] = [48, 40, 24, 16];
    const data = new Float32Array(nx * ny * nz);
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      data[x + nx * (y + ny * z)] = Math.exp(-(((x - 23) / 5) ** 2 + ((y - 21) / 4) ** 2 + ((z - 12) / 3) ** 2) / 2);
    }
    const phantom = { nx, ny, nz, pixelSize, data };
    const filtered = filterVolumeByCtf(phantom, 3);
    expect(filtered.data).toHaveLength(data.length);
    // 0.05 % at 0° (the padded z's cropped tails), 1.7 % at 35° (the projector's interpolation); unfiltered: ≈ 100 %.
    for (const [angles, tolerance] of [[[0], 0.002], [[35], 0.03]] as const) {
      const tilts = applyCtf(forwardProjectCpu(phantom, angles).data, nx, ny, pixelSize, [3]);
      const projected = forwardProjectCpu(filtered, angles).data;
      const error = Math.hypot(...projected.map((v, i) => v - tilts[i])) / Math.hypot(...tilts);
      expect(error).toBeLessThan(tolerance);
    }
    expect(() => filterVolumeByCtf({ ...phantom, pixelSize: 0 }, 3)).toThrow(/pixel size must be > 0/);
  });

  it('draws one defocus of 1.5–5 µm per series, each tilt near it, deterministically', () => {
    const a = drawDefocus(new Rng(7), 41);
    expect(drawDefocus(new Rng(7), 41)).toEqual(a);
    expect(a).toHaveLength(41);
    const mean = a.reduce((s, d) => s + d, 0) / a.length;
    expect(mean).toBeGreaterThan(1.4);
    expect(mean).toBeLessThan(5.1);
    for (const d of a) expect(Math.abs(d - mean)).toBeLessThan(0.6);
  });
});
