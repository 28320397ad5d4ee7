// Fourier sections (the Compare tab's): the projection-slice theorem's sections equal the 3-D DFT's central
// sections (metrics/fourier.ts), for a tomogram in one array and in pieces; zero frequency is centred.
import { describe, expect, it } from 'vitest';
import { relativeError } from '../checks/kernelChecks.ts';
import { Rng } from '../sim/random.ts';
import { dft3d } from './fourier.ts';
import { fourierSection, type FourierPlane } from './fourierSection.ts';
import { tomogramOf } from '../../io/piecedVolume.ts';
import { slabVolume } from '../methods/slabs.ts';

describe('Fourier sections', () => {
  it('centres zero frequency and picks the right plane', () => {
    const [nx, ny, nz] = [4, 3, 5];
    const data = new Float32Array(nx * ny * nz);
    // cos(2π(x/4 + 2z/5)): |F| = 60/2 at (kx, ky, kz) = ±(1, 0, 2), nothing else (mean 0).
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = Math.cos(2 * Math.PI * (x / 4 + (2 * z) / 5));
    const section = fourierSection({ nx, ny, nz, pixelSize: 1, data }, 'kx-kz');
    expect([section.width, section.height]).toEqual([4, 5]);
    expect(section.data[3 + 4 * 4]).toBeCloseTo(Math.log10(31), 5); // (2 + 1, 2 + 2): the centre is (2, 2)
    expect(section.data[1 + 4 * 0]).toBeCloseTo(Math.log10(31), 5); // (2 − 1, 2 − 2)
    expect(section.data[2 + 4 * 2]).toBeCloseTo(0, 5);
    expect([...fourierSection({ nx, ny, nz, pixelSize: 1, data }, 'ky-kz').data].filter((v) => v > 1e-5)).toEqual([]);
  });

  it("equals the 3-D DFT's central sections, whole and in pieces (odd sizes)", () => {
    const rng = new Rng(4);
    const [nx, ny, nz] = [11, 14, 9];
    const volume = { nx, ny, nz, pixelSize: 3, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal() + 0.3) };
    const { re, im } = dft3d(volume);
    const pieced = tomogramOf([0, 5, 10].map((y0) => ({ nx, ny: Math.min(5, ny - y0), nz, pixelSize: 3, data: slabVolume(volume, { y0, ny: Math.min(5, ny - y0) }) })));
    const planes: [FourierPlane, number, number, (u: number, v: number) => number][] = [
      ['kx-kz', nx, nz, (u, v) => u + nx * ny * v],
      ['kx-ky', nx, ny, (u, v) => u + nx * v],
      ['ky-kz', ny, nz, (u, v) => nx * (u + ny * v)],
    ];
    for (const [plane, nu, nv, index] of planes) {
      const expected = new Float32Array(nu * nv);
      for (let v = 0; v < nv; v++)
        for (let u = 0; u < nu; u++) expected[((u + Math.floor(nu / 2)) % nu) + nu * ((v + Math.floor(nv / 2)) % nv)] = Math.log10(1 + Math.hypot(re[index(u, v)], im[index(u, v)]));
      expect(relativeError(fourierSection(volume, plane).data, expected), plane).toBeLessThan(1e-6);
      expect(fourierSection(pieced, plane).data, plane).toEqual(fourierSection(volume, plane).data);
    }
  });
});
