import { describe, expect, it } from 'vitest';
import { fft, ifft } from './fft/cpuFft.ts';
import { binFrequency, FILTER_NAMES, filterResponse, filterWindow, paddedLength } from './filters.ts';

function naiveDft(re: number[], im: number[]): [number[], number[]] {
  const n = re.length;
  const outRe = new Array<number>(n).fill(0);
  const outIm = new Array<number>(n).fill(0);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * j * k) / n;
      outRe[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      outIm[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
  return [outRe, outIm];
}

describe('CPU FFT', () => {
  for (const n of [1, 2, 8, 12, 37, 100]) {
    it(`matches a naive DFT and inverts, n = ${n}`, () => {
      const re = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + (i % 3));
      const im = Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
      const [er, ei] = naiveDft(re, im);
      const fr = Float64Array.from(re);
      const fi = Float64Array.from(im);
      fft(fr, fi);
      for (let k = 0; k < n; k++) {
        expect(fr[k]).toBeCloseTo(er[k], 9);
        expect(fi[k]).toBeCloseTo(ei[k], 9);
      }
      ifft(fr, fi);
      for (let k = 0; k < n; k++) expect(fr[k]).toBeCloseTo(re[k], 9);
    });
  }
});

describe('reconstruction filters', () => {
  it('pads to a power of two of at least 2·nx', () => {
    expect(paddedLength(100)).toBe(256);
    expect(paddedLength(128)).toBe(256);
    expect(paddedLength(129)).toBe(512);
  });

  it('gives the discrete Ram-Lak response ≈ |f|, exactly 1/2 at Nyquist', () => {
    const L = 512;
    const ramLak = filterResponse({ name: 'ram-lak' }, L);
    expect(ramLak[L / 2]).toBeCloseTo(0.5, 2);
    for (const j of [16, 64, 128, 200]) expect(ramLak[j]).toBeCloseTo(binFrequency(j, L), 2);
    expect(Math.abs(ramLak[0])).toBeLessThan(2e-3);
    for (let j = 1; j < L / 2; j++) expect(ramLak[j]).toBeCloseTo(ramLak[L - j], 6);
  });

  it('windows the Ram-Lak response, each window 1 at f = 0', () => {
    for (const name of FILTER_NAMES) expect(filterWindow({ name }, 0)).toBe(1);
    expect(filterWindow({ name: 'hann' }, 0.5)).toBeCloseTo(0, 12);
    expect(filterWindow({ name: 'hamming' }, 0.5)).toBeCloseTo(0.08, 12);
    expect(filterWindow({ name: 'cosine' }, 0.5)).toBeCloseTo(0, 12);
    expect(filterWindow({ name: 'shepp-logan' }, 0.5)).toBeCloseTo(2 / Math.PI, 12);
    expect(filterWindow({ name: 'radial', cutoff: 0.3, falloff: 0.05 }, 0.25)).toBe(1);
    expect(filterWindow({ name: 'radial', cutoff: 0.3, falloff: 0.05 }, 0.35)).toBeCloseTo(Math.exp(-0.5), 12);
    const L = 256;
    const hann = filterResponse({ name: 'hann' }, L);
    const ramLak = filterResponse({ name: 'ram-lak' }, L);
    expect(hann[32]).toBeCloseTo(ramLak[32] * filterWindow({ name: 'hann' }, 32 / L), 6);
  });
});
