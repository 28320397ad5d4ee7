// The bior3.1 reference against PyWavelets' own numbers, and perfect reconstruction on random volumes.
import { describe, expect, it } from 'vitest';
import { relativeError } from '../checks/kernelChecks.ts';
import { Rng } from '../sim/random.ts';
import fixture from './wavelet3d.fixture.json';
import { halfLength } from '../methods/localnet/grid.ts';
import { dwt3Cpu, idwt3Cpu, type WaveletMode } from './wavelet3d.ts';

const volume = { nx: fixture.nx, ny: fixture.ny, nz: fixture.nz, pixelSize: 1, data: Float32Array.from(fixture.volume) };

describe('bior3.1 3-D wavelet reference (CPU)', () => {
  for (const mode of ['zero', 'symmetric'] as WaveletMode[]) {
    it(`forward matches pywt.dwtn (${mode}) on a 5 × 4 × 3 volume`, () => {
      const c = dwt3Cpu(volume, mode);
      expect([c.mz, c.my, c.mx]).toEqual(fixture.shape);
      expect(relativeError(c.data, fixture[mode])).toBeLessThan(1e-6);
    });
  }

  it('inverse matches pywt.idwtn on random coefficients', () => {
    const [mz, my, mx] = fixture.shape;
    const actual = idwt3Cpu({ mx, my, mz, data: Float32Array.from(fixture.randomCoefficients) }, fixture.nx, fixture.ny, fixture.nz);
    expect(relativeError(actual.data, fixture.inverse)).toBeLessThan(1e-6);
  });

  it('forward → inverse reconstructs random volumes perfectly (both modes, odd and even sizes)', () => {
    const rng = new Rng(3);
    for (const [nx, ny, nz] of [
      [6, 7, 5],
      [9, 4, 8],
    ]) {
      const v = { nx, ny, nz, pixelSize: 1, data: Float32Array.from({ length: nx * ny * nz }, () => rng.uniform(-1, 1)) };
      for (const mode of ['zero', 'symmetric'] as WaveletMode[]) {
        const c = dwt3Cpu(v, mode);
        expect([c.mx, c.my, c.mz]).toEqual([halfLength(nx), halfLength(ny), halfLength(nz)]);
        expect(relativeError(idwt3Cpu(c, nx, ny, nz).data, v.data)).toBeLessThan(1e-6);
      }
    }
  });
});
