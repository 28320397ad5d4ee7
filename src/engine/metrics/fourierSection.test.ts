import { describe, expect, it } from 'vitest';
import { fourierSection } from './fourierSection.ts';

describe('Fourier sections', () => {
  it('centres zero frequency and picks the right plane', () => {
    const [nx, ny, nz] = [4, 3, 5];
    const re = new Float64Array(nx * ny * nz);
    const im = new Float64Array(nx * ny * nz);
    re[0] = 9; // DC
    re[1 + nx * ny * 2] = 99; // kx = 1/4, ky = 0, kz = 2/5
    const section = fourierSection({ nx, ny, nz, re, im }, 'kx-kz');
    expect([section.width, section.height]).toEqual([4, 5]);
    expect(section.data[2 + 4 * 2]).toBeCloseTo(1, 6); // centre (2, 2): log10(1 + 9)
    expect(section.data[3 + 4 * 4]).toBeCloseTo(2, 6); // (2 + 1, 2 + 2)
    expect(fourierSection({ nx, ny, nz, re, im }, 'ky-kz').data[1 + 3 * 2]).toBeCloseTo(1, 6);
  });
});
