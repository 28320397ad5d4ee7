import { describe, expect, it } from 'vitest';
import { fft as cpuFft, ifft as cpuIfft } from '../fft/cpuFft.ts';
import { Rng } from '../sim/random.ts';
import { dft3d, dft3dPair, fft3d, frequency, LineFft, mirrorIndex } from './fourier.ts';

function randomArray(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('frequency grid', () => {
  it('matches numpy.fft.fftfreq, in [−0.5, 0.5)', () => {
    expect(Array.from({ length: 8 }, (_, j) => frequency(j, 8))).toEqual([0, 0.125, 0.25, 0.375, -0.5, -0.375, -0.25, -0.125]);
    expect(Array.from({ length: 5 }, (_, j) => frequency(j, 5))).toEqual([0, 0.2, 0.4, -0.4, -0.2]);
    expect(frequency(0, 1)).toBe(0);
  });

  it('mirrors j to (n − j) mod n', () => {
    expect([0, 1, 4, 7].map((j) => mirrorIndex(j, 8))).toEqual([0, 7, 4, 1]);
  });
});

describe('LineFft', () => {
  it.each([1, 2, 3, 5, 7, 8, 12, 17, 64, 100, 127])('agrees with cpuFft, forward and inverse, n = %i', (n) => {
    const rng = new Rng(n);
    const re = randomArray(rng, n);
    const im = randomArray(rng, n);
    const plan = new LineFft(n);
    const [r1, i1, r2, i2] = [re.slice(), im.slice(), re.slice(), im.slice()];
    plan.forward(r1, i1);
    cpuFft(r2, i2);
    expect(maxDiff(r1, r2)).toBeLessThan(1e-10 * n);
    expect(maxDiff(i1, i2)).toBeLessThan(1e-10 * n);
    plan.inverse(r1, i1);
    cpuIfft(r2, i2);
    expect(maxDiff(r1, re)).toBeLessThan(1e-12 * n);
    expect(maxDiff(i1, im)).toBeLessThan(1e-12 * n);
    // A plan is reusable.
    const [r3, i3] = [re.slice(), im.slice()];
    plan.forward(r3, i3);
    plan.inverse(r3, i3);
    expect(maxDiff(r3, re)).toBeLessThan(1e-12 * n);
  });
});

describe('3-D DFT', () => {
  function naiveDft3d(data: Float32Array, nx: number, ny: number, nz: number) {
    const re = new Float64Array(nx * ny * nz);
    const im = new Float64Array(nx * ny * nz);
    for (let kz = 0; kz < nz; kz++)
      for (let ky = 0; ky < ny; ky++)
        for (let kx = 0; kx < nx; kx++) {
          let sr = 0;
          let si = 0;
          for (let z = 0; z < nz; z++)
            for (let y = 0; y < ny; y++)
              for (let x = 0; x < nx; x++) {
                const ang = -2 * Math.PI * ((kx * x) / nx + (ky * y) / ny + (kz * z) / nz);
                const v = data[x + nx * (y + ny * z)];
                sr += v * Math.cos(ang);
                si += v * Math.sin(ang);
              }
          re[kx + nx * (ky + ny * kz)] = sr;
          im[kx + nx * (ky + ny * kz)] = si;
        }
    return { re, im };
  }

  it.each([
    [5, 4, 3],
    [4, 6, 5],
    [1, 7, 2],
    [19, 3, 4],
  ])('matches the naive DFT with x fastest, %i × %i × %i', (nx, ny, nz) => {
    const rng = new Rng(nx * 100 + ny * 10 + nz);
    const data = Float32Array.from({ length: nx * ny * nz }, () => rng.normal());
    const got = dft3d({ nx, ny, nz, data });
    const want = naiveDft3d(data, nx, ny, nz);
    expect(maxDiff(got.re, want.re)).toBeLessThan(1e-9);
    expect(maxDiff(got.im, want.im)).toBeLessThan(1e-9);
  });

  it('inverts', () => {
    const [nx, ny, nz] = [12, 10, 9];
    const rng = new Rng(5);
    const re = randomArray(rng, nx * ny * nz);
    const im = randomArray(rng, nx * ny * nz);
    const [r, i] = [re.slice(), im.slice()];
    fft3d(r, i, nx, ny, nz);
    fft3d(r, i, nx, ny, nz, true);
    expect(maxDiff(r, re)).toBeLessThan(1e-12);
    expect(maxDiff(i, im)).toBeLessThan(1e-12);
  });

  it('transforms two real volumes with one complex FFT', () => {
    const [nx, ny, nz] = [9, 8, 7];
    const rng = new Rng(9);
    const a = { nx, ny, nz, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal()) };
    const b = { nx, ny, nz, data: Float32Array.from({ length: nx * ny * nz }, () => 100 * rng.normal() + 3) };
    const fa = dft3d(a);
    const fb = dft3d(b);
    let err = 0;
    dft3dPair(a, b, (i, ar, ai, br, bi) => {
      err = Math.max(err, Math.abs(ar - fa.re[i]), Math.abs(ai - fa.im[i]), Math.abs(br - fb.re[i]) / 100, Math.abs(bi - fb.im[i]) / 100);
    }, 1, 0.01);
    expect(err).toBeLessThan(1e-10);
  });
});
