import { describe, expect, it } from 'vitest';
import { addGaussianNoise, measureSnrDb, variance } from './noise.ts';
import { Rng } from './random.ts';

function signal(n: number): Float32Array {
  const r = new Rng(99);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 3 + Math.sin(i / 50) + 0.5 * r.uniform();
  return a;
}

describe('addGaussianNoise', () => {
  const clean = signal(1_000_000);

  it.each([-10, 0, 5, 20])('hits %s dB within 0.1 dB', (snr) => {
    const noisy = addGaussianNoise(clean, snr, 1);
    expect(Math.abs(measureSnrDb(clean, noisy) - snr)).toBeLessThan(0.1);
  });

  it('returns a new array, leaves the input alone, and is deterministic', () => {
    const small = clean.slice(0, 1000);
    const copy = small.slice();
    const a = addGaussianNoise(small, 5, 4);
    expect(a).not.toBe(small);
    expect(small).toEqual(copy);
    expect(addGaussianNoise(small, 5, 4)).toEqual(a);
    expect(addGaussianNoise(small, 5, 5)).not.toEqual(a);
  });

  it('adds nothing at +∞ dB and nothing to a constant signal', () => {
    const small = clean.slice(0, 100);
    expect(addGaussianNoise(small, Infinity, 1)).toEqual(small);
    expect(addGaussianNoise(new Float32Array(10).fill(2), 0, 1)).toEqual(new Float32Array(10).fill(2));
  });

  it('variance is the population variance', () => {
    expect(variance([1, 2, 3, 4])).toBeCloseTo(1.25, 12);
  });
});
