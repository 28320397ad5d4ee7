import { describe, expect, it } from 'vitest';
import { backProjectCpu } from '../reference/projector.ts';
import { Rng } from '../sim/random.ts';
import type { Volume } from '../types.ts';
import { dft3d, fft3d, frequency } from './fourier.ts';
import {
  fsc,
  inWedgeCone,
  isMeasured,
  measuredMask,
  measuredMaskXZ,
  resolutionAt,
  roundHalfEven,
  shellIndex,
  wedgeAngle,
  wedgeMask,
} from './fsc.ts';

function noiseVolume(nx: number, ny: number, nz: number, seed: number, sd = 1): Volume {
  const rng = new Rng(seed);
  return { nx, ny, nz, pixelSize: 0, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal(0, sd)) };
}

const deg = Math.PI / 180;
const range = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('shells', () => {
  it('run from 0 to Nyquist of the largest dimension, 1/n_max wide', () => {
    const curves = fsc(noiseVolume(20, 12, 8, 1), noiseVolume(20, 12, 8, 2));
    expect(curves.shells).toHaveLength(11);
    curves.shells.forEach((s, r) => expect(s).toBeCloseTo(r / 20, 15));
    expect(curves.counts[0]).toBe(1);
    // jy = 1 of 12: |k|·n_max = 20/12 = 1.67 → shell 2; jx = 1 of 20 → shell 1.
    expect(shellIndex(0, frequency(1, 12), 0, 20)).toBe(2);
    expect(shellIndex(frequency(1, 20), 0, 0, 20)).toBe(1);
  });

  it('count the voxels of each shell over the whole grid', () => {
    const curves = fsc(noiseVolume(64, 64, 64, 1), noiseVolume(64, 64, 64, 2));
    // Shell 1: 6 axial neighbours (|k|·n = 1) and 12 diagonal ones (√2 → 1); √3 rounds to 2.
    expect(curves.counts.slice(0, 2)).toEqual([1, 18]);
    // Every voxel inside the Nyquist sphere is counted once.
    let inside = 0;
    for (let z = 0; z < 64; z++)
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 64; x++) if (shellIndex(frequency(x, 64), frequency(y, 64), frequency(z, 64), 64) <= 32) inside++;
    expect(curves.counts.reduce((a, b) => a + b, 0)).toBe(inside);
  });

  it('round exact half-integers to even, like Python', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4999999, 2.5000001, 7].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3, 7]);
    // Rounding noise around a true tie does not decide it.
    expect([2.4999999999999996, 3.4999999999999996, 3.5000000000000004].map(roundHalfEven)).toEqual([2, 4, 4]);
    // 20 × 8: jy = 1 sits at |k|·n_max = 2.5 exactly.
    expect(shellIndex(0, frequency(1, 8), 0, 20)).toBe(2);
  });
});

describe('FSC', () => {
  it('is 1 at every shell for identical volumes, and ignores scale', () => {
    const a = noiseVolume(24, 20, 16, 3);
    for (const curves of [fsc(a, a), fsc(a, { ...a, data: a.data.map((v) => 1e4 * v) })]) {
      expect(curves.fsc).toHaveLength(13);
      for (const v of curves.fsc) expect(v).toBeCloseTo(1, 10);
    }
  });

  it('is near 0 for independent noise (64³)', () => {
    const curves = fsc(noiseVolume(64, 64, 64, 11), noiseVolume(64, 64, 64, 12));
    for (let r = 1; r < curves.fsc.length; r++) {
      // Hermitian pairs halve the independent samples: σ ≈ 1/sqrt(count/2).
      expect(Math.abs(curves.fsc[r])).toBeLessThan(4 / Math.sqrt(curves.counts[r] / 2));
      if (r >= 8) expect(Math.abs(curves.fsc[r])).toBeLessThan(0.1);
    }
    const tail = curves.fsc.slice(4);
    expect(Math.sqrt(tail.reduce((s, v) => s + v * v, 0) / tail.length)).toBeLessThan(0.05);
  });

  it('is 0 where a shell has no energy', () => {
    const zero = { nx: 8, ny: 8, nz: 8, pixelSize: 0, data: new Float32Array(512) };
    expect(fsc(zero, noiseVolume(8, 8, 8, 1)).fsc).toEqual([0, 0, 0, 0, 0]);
  });

  it('refuses volumes of different sizes, naming both', () => {
    expect(() => fsc(noiseVolume(8, 8, 8, 1), noiseVolume(8, 8, 9, 1))).toThrow(/8×8×8 and 8×8×9/);
  });

  it('splits into measured and missing: noise added only in the missing region shows only there', () => {
    // Odd sizes: every frequency has its mirror on the grid, so the masked noise stays real.
    const [nx, ny, nz] = [33, 15, 33];
    const angles = range(-60, 60, 3);
    const a = noiseVolume(nx, ny, nz, 21);
    const noise = dft3d(noiseVolume(nx, ny, nz, 22, 3));
    const mask = measuredMask(a, angles);
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]) noise.re[i] = noise.im[i] = 0;
    }
    fft3d(noise.re, noise.im, nx, ny, nz, true);
    const b = { ...a, data: a.data.map((v, i) => v + noise.re[i]) };
    const curves = fsc(a, b, angles);
    const { fscMeasured, fscMissing, fscWedge, fscWedgeMissing, countsMeasured, countsMissing, countsWedge, countsWedgeMissing } = curves;
    if (!fscMeasured || !fscMissing || !fscWedge || !fscWedgeMissing || !countsMeasured || !countsMissing || !countsWedge || !countsWedgeMissing) {
      throw new Error('directional curves missing');
    }
    for (let r = 0; r < curves.fsc.length; r++) {
      expect(countsMeasured[r] + countsMissing[r]).toBe(curves.counts[r]);
      expect(countsWedge[r] + countsWedgeMissing[r]).toBe(curves.counts[r]);
      expect(fscMeasured[r]).toBeCloseTo(1, 9);
      if (countsMissing[r] >= 50) {
        // Noise with 9× the power: FSC ≈ 1/sqrt(1 + 9) ≈ 0.32.
        expect(fscMissing[r]).toBeLessThan(0.6);
        expect(curves.fsc[r]).toBeGreaterThan(fscMissing[r]);
        expect(curves.fsc[r]).toBeLessThan(1);
      }
      if (r >= 4) expect(fscWedgeMissing[r]).toBeLessThan(fscWedge[r]);
    }
    const missingShells = fscMissing.filter((_, r) => r >= 4);
    expect(missingShells.reduce((s, v) => s + v, 0) / missingShells.length).toBeCloseTo(1 / Math.sqrt(10), 1);
    // Without angles there are no directional curves.
    expect(fsc(a, b).fscMissing).toBeUndefined();
  });
});

describe('measured region and wedge cone', () => {
  it('measures within half a voxel of the central plane of a tilt', () => {
    expect(isMeasured(0.3, 0, [0], 32)).toBe(true);
    expect(isMeasured(0.3, 0.4 / 32, [0], 32)).toBe(true);
    expect(isMeasured(0.3, 1 / 32, [0], 32)).toBe(false);
    expect(isMeasured(0, 0.3, [90], 32)).toBe(true);
    // Exact tie at half a voxel (cos 60° = 0.5): measured, whatever the rounding of cos.
    expect(isMeasured(0, 1 / 32, [60], 32)).toBe(true);
    expect(isMeasured(0, 1 / 32, [-60], 32)).toBe(true);
    expect(isMeasured(1 / 32, 0, [30], 32)).toBe(true);
    expect(isMeasured(0.3, 0, [90], 32)).toBe(false);
    // The plane of θ contains (cos θ, 0, sin θ), the detector's u direction.
    const t = 30 * deg;
    expect(isMeasured(0.3 * Math.cos(t), 0.3 * Math.sin(t), [30], 32)).toBe(true);
    expect(isMeasured(0.3 * Math.cos(t), -0.3 * Math.sin(t), [30], 32)).toBe(false);
    expect(isMeasured(0.3 * Math.cos(t), -0.3 * Math.sin(t), [-30], 32)).toBe(true);
  });

  it('3-D masks follow the pointwise rules and do not depend on ky', () => {
    const dims = { nx: 10, ny: 3, nz: 7 };
    const angles = [-45, -20, 0, 15, 50];
    const m = measuredMask(dims, angles);
    const w = wedgeMask(dims, angles);
    const xz = measuredMaskXZ(dims, angles);
    for (let z = 0; z < 7; z++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 10; x++) {
          const i = x + 10 * (y + 3 * z);
          expect(m[i]).toBe(isMeasured(frequency(x, 10), frequency(z, 7), angles, 10) ? 1 : 0);
          expect(m[i]).toBe(xz[x + 10 * z]);
          expect(w[i]).toBe(inWedgeCone(frequency(x, 10), frequency(z, 7), -45, 50) ? 1 : 0);
        }
  });

  it('folds the direction angle into (−90°, 90°]', () => {
    expect(wedgeAngle(1, 0)).toBe(0);
    expect(wedgeAngle(-1, 0)).toBe(0);
    expect(wedgeAngle(0, 1)).toBe(90);
    expect(wedgeAngle(0, -1)).toBe(90);
    expect(wedgeAngle(-Math.cos(50 * deg), Math.sin(50 * deg))).toBeCloseTo(-50, 12);
    expect(wedgeAngle(-Math.cos(70 * deg), -Math.sin(70 * deg))).toBeCloseTo(70, 12);
  });

  it('cone: missing outside [θmin, θmax]; the ky axis is measured', () => {
    expect(inWedgeCone(0, 0, -60, 60)).toBe(true);
    expect(inWedgeCone(0, 0.2, -60, 60)).toBe(false);
    expect(inWedgeCone(0, 0.2, -60, 90)).toBe(true);
    expect(inWedgeCone(Math.cos(70 * deg), Math.sin(70 * deg), -60, 60)).toBe(false);
    expect(inWedgeCone(-Math.cos(70 * deg), -Math.sin(70 * deg), -60, 60)).toBe(false);
    expect(inWedgeCone(-Math.cos(50 * deg), Math.sin(50 * deg), -60, 60)).toBe(true);
    expect(inWedgeCone(Math.cos(50 * deg), Math.sin(50 * deg), -60, 40)).toBe(false);
    expect(inWedgeCone(0.1, 0.1, -60, 45)).toBe(true);
  });

  it.each([35, -50])('matches the projection geometry: a back-projection from θ = %i° has its spectrum on the plane of θ, not −θ', (theta) => {
    const [nx, ny, nz] = [48, 6, 48];
    const rng = new Rng(7);
    const tilts = { nx, ny, nTilts: 1, data: Float32Array.from({ length: nx * ny }, () => rng.normal()), tiltAngles: [theta], pixelSize: 0 };
    const volume = backProjectCpu(tilts, nz);
    const spectrum = dft3d(volume);
    const plus = measuredMask(volume, [theta]);
    const minus = measuredMask(volume, [-theta]);
    let total = 0;
    let onPlus = 0;
    let onMinusOnly = 0;
    for (let i = 0; i < plus.length; i++) {
      const p = spectrum.re[i] ** 2 + spectrum.im[i] ** 2;
      total += p;
      if (plus[i]) onPlus += p;
      else if (minus[i]) onMinusOnly += p;
    }
    // Measured about 0.77 and 0.005: the rest leaks because the box truncates the smear.
    expect(onPlus / total).toBeGreaterThan(0.6);
    expect(onMinusOnly / total).toBeLessThan(0.02);
  });
});

describe('resolutionAt', () => {
  const curves = { shells: [0, 0.1, 0.2, 0.3, 0.4], fsc: [1, 0.9, 0.6, 0.3, 0.1] };

  it('interpolates linearly at the first crossing below the threshold', () => {
    expect(resolutionAt(curves, 0.5)).toBeCloseTo(0.2 + 0.1 / 3, 12);
    expect(resolutionAt(curves, 0.143)).toBeCloseTo(0.3 + (0.1 * (0.3 - 0.143)) / 0.2, 12);
    expect(resolutionAt(curves, 0.6)).toBeCloseTo(0.2 + 0.1 * 0, 12);
    // 0.6 < 0.6000001: the crossing is between shells 1 and 2, just before 0.2.
    expect(resolutionAt(curves, 0.6000001)).toBeCloseTo(0.1 + (0.1 * (0.9 - 0.6000001)) / 0.3, 12);
  });

  it('takes the first crossing, null when the curve never drops below', () => {
    expect(resolutionAt({ shells: [0, 0.1, 0.2, 0.3], fsc: [1, 0.4, 0.8, 0.2] }, 0.5)).toBeCloseTo((0.1 * 0.5) / 0.6, 12);
    expect(resolutionAt(curves, 0.05)).toBeNull();
    expect(resolutionAt({ shells: [0, 0.1, 0.2], fsc: [1, NaN, 0.2] }, 0.5)).toBe(0.2);
  });

  it('ignores the DC shell, whose FSC is only the sign of the means', () => {
    const negativeDc = { shells: [0, 0.1, 0.2, 0.3], fsc: [-1, 0.9, 0.6, 0.1] };
    expect(resolutionAt(negativeDc, 0.5)).toBeCloseTo(0.2 + 0.1 / 5, 12);
    expect(resolutionAt({ ...negativeDc, fsc: [-1, 0.4, 0.3, 0.1] }, 0.5)).toBeCloseTo((0.1 * 0.5) / 0.6, 12);
    // A threshold above 1 is crossed at once: the first shell after DC.
    expect(resolutionAt(curves, 1.5)).toBe(0.1);
  });
});
