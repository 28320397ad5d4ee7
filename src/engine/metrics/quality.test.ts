import { describe, expect, it } from 'vitest';
import { Rng } from '../sim/random.ts';
import type { Volume } from '../types.ts';
import { slabVolume } from '../methods/slabs.ts';
import { isPieced, tomogramOf } from '../../io/piecedVolume.ts';
import { affineFit, differenceOf, gaussianKernel, psnr, reflectIndex, ssim3d, SSIM_RADIUS, structuralSimilarity3d } from './quality.ts';
import { inPieces } from '../piecedFixture.ts';

function noiseVolume(nx: number, ny: number, nz: number, seed: number): Volume {
  const rng = new Rng(seed);
  return { nx, ny, nz, pixelSize: 0, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal()) };
}

describe('differenceOf', () => {
  it('subtracts B as it is, or B brought to A by its least-squares scale and offset, either held in pieces', () => {
    const [nx, ny, nz] = [5, 4, 2];
    const b = Float32Array.from({ length: nx * ny * nz }, (_, i) => Math.cos(i));
    const bump = Float32Array.from({ length: b.length }, (_, i) => (i === 7 ? 1 : 0));
    // A: B at another scale and offset, plus one voxel of structure B lacks.
    const a = b.map((v, i) => 3 * v + 10 + bump[i]);
    const [va, vb] = [a, b].map((data) => ({ nx, ny, nz, pixelSize: 1, data }));
    const plain = differenceOf(va, vb, false).volume as Volume;
    expect(Array.from(plain.data)).toEqual(Array.from(a.map((v, i) => v - b[i])));
    const { volume, fit } = differenceOf(va, vb, true);
    const data = (volume as Volume).data;
    // The fit is pulled a little by the bump; what is left is the bump, less than a tenth elsewhere.
    expect(fit!.alpha).toBeCloseTo(3, 1);
    expect(data[7]).toBeGreaterThan(0.9);
    expect(Math.max(...Array.from(data).filter((_, i) => i !== 7).map(Math.abs))).toBeLessThan(0.1);
    expect(fit).toEqual(affineFit(b, a));
    // A in pieces of 1 and 3 rows, B in 2 and 2: the same voxels, held in A's pieces, and the same fit.
    const pieced = (volume: Volume, rows: number[]) => {
      let y0 = 0;
      return tomogramOf(rows.map((n) => ({ nx, ny: n, nz, pixelSize: 1, data: slabVolume(volume, { y0: (y0 += n) - n, ny: n }) })));
    };
    const inPieces = differenceOf(pieced(va, [1, 3]), pieced(vb, [2, 2]), true);
    expect(inPieces.fit).toEqual(fit);
    expect(isPieced(inPieces.volume) && inPieces.volume.pieces.map((p) => p.ny)).toEqual([1, 3]);
    expect(Array.from(slabVolume(inPieces.volume, { y0: 0, ny }))).toEqual(Array.from(data));
  });
});

describe('affine fit', () => {
  it('recovers α and β exactly for an affine relation', () => {
    const x = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const g = x.map((v) => 2.5 * v - 7);
    const fit = affineFit(x, g);
    expect(fit.alpha).toBeCloseTo(2.5, 12);
    expect(fit.beta).toBeCloseTo(-7, 12);
    expect(Math.max(...x.map((v, i) => Math.abs(fit.alpha * v + fit.beta - g[i])))).toBeLessThan(1e-12);
  });

  it('falls back to the mean of g for a constant x', () => {
    expect(affineFit([3, 3, 3], [1, 2, 6])).toEqual({ alpha: 0, beta: 3 });
  });
});

describe('PSNR', () => {
  it('is +Infinity for a perfect fit, and huge when the result is an affine map of the truth', () => {
    const g = noiseVolume(12, 12, 12, 1);
    expect(psnr(g, g)).toBe(Infinity);
    const scaled = { ...g, data: g.data.map((v) => 2 * v + 3) };
    // Only float32 rounding of 2x + 3 is left.
    expect(psnr(scaled, g)).toBeGreaterThan(120);
    const constant = { ...g, data: new Float32Array(g.data.length).fill(5) };
    expect(psnr(g, constant)).toBe(Infinity);
  });

  it('follows 10·log10(L² / MSE) after the fit', () => {
    // g = 0, 1, 0, 1 …, x = g with every fourth value off by 1: the fit then has a known residual.
    const g = Float64Array.from({ length: 400 }, (_, i) => i % 2);
    const x = g.map((v, i) => v + (i % 4 === 0 ? 1 : 0));
    const fit = affineFit(x, g);
    const mse = x.reduce((s, v, i) => s + (fit.alpha * v + fit.beta - g[i]) ** 2, 0) / g.length;
    expect(psnr(x, g)).toBeCloseTo(10 * Math.log10(1 / mse), 10);
    expect(psnr(x, g)).toBeLessThan(20);
  });
});

describe('SSIM', () => {
  it('uses scipy’s 11-tap Gaussian and reflect borders', () => {
    expect(SSIM_RADIUS).toBe(5);
    const w = gaussianKernel(1.5, 5);
    expect(w).toHaveLength(11);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(w[5] / w[4]).toBeCloseTo(Math.exp(0.5 / 2.25), 14);
    // d c b a | a b c d | d c b a
    expect([-4, -3, -2, -1, 0, 3, 4, 5, 6, 7, 8].map((i) => reflectIndex(i, 4))).toEqual([3, 2, 1, 0, 0, 3, 3, 2, 1, 0, 0]);
    expect(reflectIndex(-3, 1)).toBe(0);
  });

  it('is 1 for identical volumes and for affine images of the truth', () => {
    const g = noiseVolume(16, 14, 12, 3);
    expect(ssim3d(g, g)).toBeCloseTo(1, 12);
    expect(ssim3d({ ...g, data: g.data.map((v) => -0.5 * v + 10) }, g)).toBeCloseTo(1, 6);
  });

  it('drops for noise and is symmetric without the fit', () => {
    const g = noiseVolume(16, 14, 12, 3);
    const x = noiseVolume(16, 14, 12, 4);
    expect(Math.abs(ssim3d(x, g))).toBeLessThan(0.1);
    const noisy = { ...g, data: g.data.map((v, i) => v + 0.5 * x.data[i]) };
    const s = ssim3d(noisy, g);
    expect(s).toBeGreaterThan(0.5);
    expect(s).toBeLessThan(0.95);
    expect(structuralSimilarity3d(g, noisy, 4)).toBeCloseTo(structuralSimilarity3d(noisy, g, 4), 12);
  });

  it('gives the answer of a naive whole-volume filter, also read from pieces', () => {
    const [nx, ny, nz] = [16, 13, 23];
    const a = noiseVolume(nx, ny, nz, 5);
    const b = { ...a, data: a.data.map((v, i) => v + Math.sin(i)) };
    const want = naiveSsim(a.data, b.data, nx, ny, nz, 6);
    expect(structuralSimilarity3d(a, b, 6)).toBeCloseTo(want, 12);
    // Read from pieces of 2, 3 and 5 rows (the last pieces shorter): the same sums.
    for (const rows of [2, 3, 5]) expect(structuralSimilarity3d(inPieces(a, rows), inPieces(b, rows), 6)).toBeCloseTo(want, 12);
  });

  it('needs every dimension ≥ 11', () => {
    const g = noiseVolume(16, 14, 10, 3);
    expect(() => ssim3d(g, g)).toThrow(/≥ 11/);
    expect(() => ssim3d(noiseVolume(16, 14, 12, 1), noiseVolume(16, 14, 13, 1))).toThrow(/16×14×12 and 16×14×13/);
  });
});

/** Straightforward SSIM: filter whole volumes axis by axis (reflect), crop 5, average. */
function naiveSsim(a: Float32Array, b: Float32Array, nx: number, ny: number, nz: number, L: number): number {
  const w = gaussianKernel(1.5, 5);
  const filter = (src: Float64Array) => {
    let cur = src;
    for (const axis of [0, 1, 2]) {
      const out = new Float64Array(cur.length);
      const n = [nx, ny, nz][axis];
      const stride = [1, nx, nx * ny][axis];
      for (let z = 0; z < nz; z++)
        for (let y = 0; y < ny; y++)
          for (let x = 0; x < nx; x++) {
            const c = [x, y, z][axis];
            const i = x + nx * (y + ny * z);
            let s = 0;
            for (let t = -5; t <= 5; t++) s += w[t + 5] * cur[i + (reflectIndex(c + t, n) - c) * stride];
            out[i] = s;
          }
      cur = out;
    }
    return cur;
  };
  const A = Float64Array.from(a);
  const B = Float64Array.from(b);
  const [ux, uy, uxx, uyy, uxy] = [A, B, A.map((v) => v * v), B.map((v) => v * v), A.map((v, i) => v * B[i])].map(filter);
  const C1 = (0.01 * L) ** 2;
  const C2 = (0.03 * L) ** 2;
  let sum = 0;
  let count = 0;
  for (let z = 5; z < nz - 5; z++)
    for (let y = 5; y < ny - 5; y++)
      for (let x = 5; x < nx - 5; x++) {
        const i = x + nx * (y + ny * z);
        const vx = uxx[i] - ux[i] ** 2;
        const vy = uyy[i] - uy[i] ** 2;
        const vxy = uxy[i] - ux[i] * uy[i];
        sum += ((2 * ux[i] * uy[i] + C1) * (2 * vxy + C2)) / ((ux[i] ** 2 + uy[i] ** 2 + C1) * (vx + vy + C2));
        count++;
      }
  return sum / count;
}
