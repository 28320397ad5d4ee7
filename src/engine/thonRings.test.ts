import { describe, expect, it } from 'vitest';
import { ctf, MICROSCOPE_300KV } from './ctf.ts';
import { frequency } from './metrics/fourier.ts';
import { thonRings, tileSize, tiltPowerSpectrum } from './thonRings.ts';
import { filterTilts } from './tiltFourierFilter.ts';

/** Uniform noise in ±0.5, deterministic (a Lehmer generator). */
function noise(length: number): Float32Array {
  let seed = 1;
  return Float32Array.from({ length }, () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  });
}

/** n² white noise through the CTF at `defocus` µm with astigmatism components c, s (µm): an amorphous specimen's tilt. */
function ctfNoise(n: number, pixelSize: number, defocus: number, c: number, s: number): Float32Array {
  return filterTilts(noise(n * n), n, n, 1, (_, gain) => {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const [kx, ky] = [frequency(x, n), frequency(y, n)];
        const k2 = kx * kx + ky * ky;
        gain[x + n * y] = ctf(Math.sqrt(k2) / pixelSize, defocus + (k2 > 0 ? (c * (kx * kx - ky * ky) + s * 2 * kx * ky) / k2 : 0));
      }
    }
  });
}

function pearson(a: number[], b: number[]): number {
  const [ma, mb] = [a, b].map((v) => v.reduce((s, x) => s + x, 0) / v.length);
  const ab = a.reduce((s, x, i) => s + (x - ma) * (b[i] - mb), 0);
  return ab / Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, x) => s + (x - mb) ** 2, 0));
}

describe("a tilt's Thon rings against its CTF estimate", () => {
  it('averages windowed tiles: a pure wave puts its power at its frequency, DC at the centre', () => {
    expect([tileSize(4096, 1024), tileSize(200, 300), tileSize(64, 64)]).toEqual([256, 128, 64]);
    const n = 64;
    // 8 cycles along x over a 64-pixel tile: power at (32 ± 8, 32).
    const wave = Float32Array.from({ length: 2 * n * n }, (_, i) => Math.cos((2 * Math.PI * 8 * (i % (2 * n))) / n));
    const power = tiltPowerSpectrum(wave, 2 * n, n, n);
    const peak = power.indexOf(Math.max(...power));
    expect([peak % n, Math.floor(peak / n)].map((v) => Math.abs(v - 32))).toEqual([8, 0]);
  });

  it('scores the estimate that made the rings above a wrong defocus, the mean alone or the axes swapped', () => {
    // 512² at 4 Å, 3 µm, axes 0.28 µm apart along 22.5°. Measured: 0.80; swapped −0.51; mean alone 0.09; 2.7 µm −0.47.
    const [c, s] = [0.1, 0.1];
    const tilt = ctfNoise(512, 4, 3, c, s);
    const at = (defocus: number, cc: number, ss: number) => thonRings({ tilt, nx: 512, ny: 512, pixelSize: 4, defocus, cos2: cc, sin2: ss, phaseShift: 0, microscope: MICROSCOPE_300KV })!;
    const rings = at(3, c, s);
    expect(rings.size).toBe(256);
    expect(rings.score).toBeGreaterThan(0.7);
    expect(rings.swappedScore).toBeLessThan(-0.3);
    expect(at(3, 0, 0).score).toBeLessThan(0.2);
    expect(at(3, 0, 0).swappedScore).toBeUndefined();
    expect(at(2.7, c, s).score).toBeLessThan(0);
    // The scan around a wrong estimate finds the defocus that made the rings (2.7 µm: ±30 % reaches 3 µm).
    expect(at(2.7, c, s).best.defocus).toBeCloseTo(3, 1);
    expect(rings.best.defocus).toBeCloseTo(3, 2);
    expect(rings.best.score).toBeGreaterThanOrEqual(rings.score);
    // The band: from 0.8 × the first zero along the axis further from focus to 0.9 × Nyquist.
    expect(rings.band[1]).toBeCloseTo(0.9 / 8, 12);
    // Averaged along the (elliptical) rings, the two profiles follow each other: one point per 1/(256·4 Å) in the band.
    const { frequencies, spectrum, model } = rings.profile;
    expect(frequencies[0]).toBeGreaterThanOrEqual(rings.band[0]);
    expect(frequencies.at(-1)).toBeLessThanOrEqual(rings.band[1]);
    expect(frequencies[1] - frequencies[0]).toBeCloseTo(1 / 1024, 12);
    expect(pearson(spectrum, model)).toBeGreaterThan(0.8);
    expect(pearson(at(3, -c, -s).profile.spectrum, at(3, -c, -s).profile.model)).toBeLessThan(0.5);
    // No rings before Nyquist at 30 Å: none to compare.
    expect(thonRings({ tilt, nx: 512, ny: 512, pixelSize: 30, defocus: 3, cos2: 0, sin2: 0, phaseShift: 0, microscope: MICROSCOPE_300KV })).toBeNull();
  });
});
