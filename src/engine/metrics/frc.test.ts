// The 2-D FRC against a plain direct DFT written here from the definition (docs/conventions.md#frc), and its
// analytic values: an image with itself, with its negative, with unrelated noise.
import { describe, expect, it } from 'vitest';
import { Rng } from '../sim/random.ts';
import { bandMean, frc } from './frc.ts';

function noise(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

/** Signed DFT frequency of index j of n, in cycles/pixel. */
const freq = (j: number, n: number) => (2 * j < n ? j : j - n) / n;

/**
 * The FRC by the definition: every DFT coefficient summed directly (no FFT), ring round(|k|·n_max).
 * The sizes used have no ring radius on a half-integer (checked), so plain rounding is the definition.
 */
function directFrc(a: Float32Array, b: Float32Array, nx: number, ny: number): { frc: number[]; counts: number[] } {
  const nMax = Math.max(nx, ny);
  const rings = Math.floor(nMax / 2) + 1;
  const [num, pa, pb, counts] = [0, 1, 2, 3].map(() => new Array<number>(rings).fill(0));
  for (let v = 0; v < ny; v++) {
    for (let u = 0; u < nx; u++) {
      const rho = Math.hypot(freq(u, nx), freq(v, ny)) * nMax;
      expect(Math.abs((rho % 1) - 0.5)).toBeGreaterThan(1e-6);
      const r = Math.round(rho);
      if (r >= rings) continue;
      let ar = 0;
      let ai = 0;
      let br = 0;
      let bi = 0;
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          const phase = -2 * Math.PI * ((u * x) / nx + (v * y) / ny);
          const [c, s] = [Math.cos(phase), Math.sin(phase)];
          ar += a[x + nx * y] * c;
          ai += a[x + nx * y] * s;
          br += b[x + nx * y] * c;
          bi += b[x + nx * y] * s;
        }
      }
      num[r] += ar * br + ai * bi;
      pa[r] += ar * ar + ai * ai;
      pb[r] += br * br + bi * bi;
      counts[r]++;
    }
  }
  return { frc: num.map((v, r) => (pa[r] * pb[r] > 0 ? v / Math.sqrt(pa[r] * pb[r]) : 0)), counts };
}

describe('Fourier ring correlation', () => {
  // Square (no ties: j² + m² is never (r + ½)²) and odd non-square (4·(121j² + 225m²) is even, 121·(2r + 1)² odd).
  it.each([
    [16, 16],
    [15, 11],
  ])('matches a direct DFT on random images, %i × %i', (nx, ny) => {
    const a = noise(nx * ny, 1);
    // b shares part of a, so the rings' correlations are neither 0 nor 1.
    const extra = noise(nx * ny, 2);
    const b = a.map((v, i) => 0.6 * v + extra[i]);
    const curve = frc(a, b, nx, ny);
    const reference = directFrc(a, b, nx, ny);
    expect(curve.counts).toEqual(reference.counts);
    curve.frequencies.forEach((f, r) => expect(f).toBe(r / Math.max(nx, ny)));
    curve.frc.forEach((v, r) => expect(v, `ring ${r}`).toBeCloseTo(reference.frc[r], 6));
  });

  it('is 1 with itself and −1 with its negative, at every ring', () => {
    const a = noise(40 * 24, 3);
    for (const v of frc(a, a, 40, 24).frc) expect(v).toBeCloseTo(1, 6);
    for (const v of frc(a, a.map((x) => -x), 40, 24).frc) expect(v).toBeCloseTo(-1, 6);
  });

  it('is near 0 with unrelated noise: within 3σ of each ring and of the band mean', () => {
    const [nx, ny] = [64, 48];
    const curve = frc(noise(nx * ny, 4), noise(nx * ny, 5), nx, ny);
    // A real image's DFT pixels come in conjugate pairs F(−k) = conj F(k), so a ring of n pixels holds n/2
    // independent ones and the FRC of unrelated images has σ ≈ 1/√(n/2) (van Heel's 3σ curve).
    curve.frc.forEach((v, r) => {
      if (r > 0) expect(Math.abs(v), `ring ${r} of ${curve.counts[r]} pixels`).toBeLessThan(3 / Math.sqrt(curve.counts[r] / 2));
    });
    const pixels = curve.counts.filter((_, r) => curve.frequencies[r] > 0 && curve.frequencies[r] <= 0.25).reduce((s, n) => s + n, 0);
    expect(Math.abs(bandMean(curve, curve.frc, 0.25))).toBeLessThan(3 / Math.sqrt(pixels / 2));
  });

  it('summarises a band by pixel count, leaving out ring 0', () => {
    const curve = { frequencies: [0, 0.125, 0.25, 0.375, 0.5], counts: [1, 8, 16, 24, 4] };
    expect(bandMean(curve, [-1, 0.5, 0.2, 9, 9], 0.25)).toBeCloseTo((8 * 0.5 + 16 * 0.2) / 24, 15);
    expect(bandMean(curve, [1, 1, 1, 1, 1], 0.01)).toBeNaN();
  });

  it('refuses images of the wrong size, naming both', () => {
    expect(() => frc(new Float32Array(6), new Float32Array(5), 3, 2)).toThrow('FRC needs two 3 × 2 images (6 pixels), got 6 and 5');
  });
});
