import { describe, expect, it } from 'vitest';
import { Rng } from '../sim/random.ts';
import type { Volume } from '../types.ts';
import { psnr } from './quality.ts';
import { wedgePsnr } from './wedgePsnr.ts';

function volume(nx: number, ny: number, nz: number, value: (x: number, y: number, z: number) => number): Volume {
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = value(x, y, z);
  return { nx, ny, nz, pixelSize: 0, data };
}

/** A plain reference: the fit by normal equations, an O(N²) DFT, and the cone decided from (kx, kz) with atan. */
function referenceWedgePsnr(result: Volume, truth: Volume, thetaMin: number, thetaMax: number): [number, number] {
  const { nx, ny, nz } = truth;
  const n = nx * ny * nz;
  const x = Array.from(result.data);
  const g = Array.from(truth.data);
  const [sx, sg, sxx, sxg] = [x, g, x.map((v) => v * v), x.map((v, i) => v * g[i])].map((a) => a.reduce((s, v) => s + v, 0));
  const alpha = (n * sxg - sx * sg) / (n * sxx - sx * sx);
  const beta = (sg - alpha * sx) / n;
  const r = x.map((v, i) => alpha * v + beta - g[i]);
  const signed = (j: number, m: number) => (j <= (m - 1) / 2 ? j / m : (j - m) / m);
  const se = [0, 0];
  for (let kz = 0; kz < nz; kz++) {
    for (let ky = 0; ky < ny; ky++) {
      for (let kx = 0; kx < nx; kx++) {
        let re = 0;
        let im = 0;
        for (let i = 0; i < n; i++) {
          const [px, py, pz] = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
          const phase = -2 * Math.PI * ((kx * px) / nx + (ky * py) / ny + (kz * pz) / nz);
          re += r[i] * Math.cos(phase);
          im += r[i] * Math.sin(phase);
        }
        const [fx, fz] = [signed(kx, nx), signed(kz, nz)];
        // Direction of (fx, fz) folded into (−90°, 90°]; the kz = kx = 0 line is on the measured side.
        let phi = fx === 0 ? (fz === 0 ? 0 : 90) : (Math.atan(fz / fx) * 180) / Math.PI;
        if (phi === -90) phi = 90;
        se[phi >= thetaMin && phi <= thetaMax ? 0 : 1] += re * re + im * im;
      }
    }
  }
  const range = Math.max(...g) - Math.min(...g);
  return se.map((s) => 10 * Math.log10((range * range) / (s / (n * n)))) as [number, number];
}

describe('wedgePsnr', () => {
  const rng = new Rng(7);
  const truth = volume(6, 4, 5, () => rng.normal(0, 1));
  const noisy = volume(6, 4, 5, (x, y, z) => 0.5 * truth.data[x + 6 * (y + 4 * z)] + 0.3 + rng.normal(0, 0.7));

  it('matches a plain O(N²) DFT of the fitted residual, for a symmetric and a lopsided range', () => {
    for (const [lo, hi] of [[-60, 60], [-30, 50]]) {
      const { psnrWedge, psnrWedgeMissing } = wedgePsnr(noisy, truth, [lo, 0, hi]);
      const [wedge, missing] = referenceWedgePsnr(noisy, truth, lo, hi);
      expect(psnrWedge).toBeCloseTo(wedge, 9);
      expect(psnrWedgeMissing).toBeCloseTo(missing, 9);
    }
  });

  it('splits the mean square error of the whole PSNR in two parts that add up to it', () => {
    const { psnrWedge, psnrWedgeMissing } = wedgePsnr(noisy, truth, [-45, 45]);
    const mse = (p: number) => 10 ** (-p / 10);
    expect(mse(psnrWedge) + mse(psnrWedgeMissing)).toBeCloseTo(mse(psnr(noisy, truth)), 12);
  });

  // The wave is small beside the truth, so that the fit leaves the truth nearly unscaled (α ≈ 1/(1 + 0.00125)).
  it('puts an error along z (the missing side of ±60°) on the missing side', () => {
    const big = volume(16, 8, 16, () => rng.normal(0, 1));
    const wave = volume(16, 8, 16, (x, y, z) => big.data[x + 16 * (y + 8 * z)] + 0.05 * Math.cos((2 * Math.PI * 3 * z) / 16));
    const { psnrWedge, psnrWedgeMissing } = wedgePsnr(wave, big, [-60, 60]);
    expect(psnrWedgeMissing).toBeLessThan(psnrWedge - 20);
    expect(psnrWedgeMissing).toBeCloseTo(psnr(wave, big), 1);
  });
});
