import { describe, expect, it } from 'vitest';
import { astigmaticTerm, ctf, ctfPositive, ctfSquaredAt, electronWavelength, firstFlippedFrequency, MICROSCOPE_300KV } from './ctf.ts';

describe('contrast transfer function', () => {
  it('has the textbook wavelengths, −Q at f = 0 and its first zero at 1/√(λ·Δz) without Cs and Q', () => {
    expect(electronWavelength(300)).toBeCloseTo(0.019687, 5);
    expect(electronWavelength(200)).toBeCloseTo(0.025079, 5);
    expect(ctf(0, 3)).toBeCloseTo(-0.07, 12);
    const ideal = { ...MICROSCOPE_300KV, cs: 0, amplitudeContrast: 0 };
    const lambdaDz = electronWavelength(300) * 3e4;
    expect(ctf(1 / Math.sqrt(lambdaDz), 3, ideal)).toBeCloseTo(0, 9);
    expect(ctf(1 / Math.sqrt(2 * lambdaDz), 3, ideal)).toBeCloseTo(-1, 9); // χ = π/2
    // A phase plate's π/2 added to χ: −cos χ, so −1 at f = 0 (all the contrast), 0 where χ = π/2.
    expect(ctf(0, 3, ideal, Math.PI / 2)).toBeCloseTo(-1, 12);
    expect(ctf(1 / Math.sqrt(2 * lambdaDz), 3, ideal, Math.PI / 2)).toBeCloseTo(0, 9);
  });

  it('says where it is positive without a sine, as the sign of the formula does', () => {
    const microscopes = [MICROSCOPE_300KV, { voltage: 200, cs: 2, amplitudeContrast: 0.1 }, { voltage: 300, cs: 0.01, amplitudeContrast: 0 }];
    for (const m of microscopes) {
      for (const [defocus, phaseShift] of [[0.5, 0], [1.5, 0], [3, 0], [6, 0], [0.5, 0.5 * Math.PI], [3, 0.3 * Math.PI], [3, 0.97 * Math.PI]]) {
        const positive = ctfPositive(defocus, m, phaseShift);
        // Every frequency to 0.5/Å (1 Å pixels), off the zeros themselves, where the sign is moot.
        for (let i = 0; i <= 5000; i++) {
          const f = (0.5 * i) / 5000;
          const value = ctf(f, defocus, m, phaseShift);
          if (Math.abs(value) > 1e-9) expect(positive(f * f)).toBe(value > 0);
        }
      }
    }
  });

  it('finds the first frequency a flip changes: 1/√(λ·Δz) for the ideal lens, where the sign turns otherwise', () => {
    const ideal = { ...MICROSCOPE_300KV, cs: 0, amplitudeContrast: 0 };
    expect(firstFlippedFrequency(3, ideal)).toBeCloseTo(1 / Math.sqrt(electronWavelength(300) * 3e4), 12);
    for (const m of [MICROSCOPE_300KV, { voltage: 200, cs: 2, amplitudeContrast: 0.1 }, { voltage: 300, cs: 0.01, amplitudeContrast: 0 }]) {
      for (const [defocus, shift] of [[0.5, 0], [3, 0], [1, Math.PI / 2], [6, 0.3]]) {
        const f0 = firstFlippedFrequency(defocus, m, shift);
        const positive = ctfPositive(defocus, m, shift);
        // Negative everywhere below it, positive just past it.
        for (let i = 0; i < 200; i++) expect(positive((f0 * f0 * i * i) / 40000)).toBe(false);
        expect(positive(f0 * f0 * 1.0001)).toBe(true);
      }
    }
    // A phase plate's shift past π − atan(Q/√(1 − Q²)): positive from f = 0.
    expect(firstFlippedFrequency(3, MICROSCOPE_300KV, 0.99 * Math.PI)).toBe(0);
  });
  it("gives CTF² and the astigmatic term as the CTF itself does (sin²(χ + α); defocus 1 along its angle)", () => {
    for (const [f, d, shift] of [[0.01, 2, 0], [0.07, 3.5, 0], [0.04, 1, 1.2]]) {
      expect(ctfSquaredAt(MICROSCOPE_300KV, shift)(d, f * f)).toBeCloseTo(ctf(f, d, MICROSCOPE_300KV, shift) ** 2, 12);
    }
    // cos2 0.1, sin2 0: +0.1 µm along x, −0.1 across; sin2 0.1: +0.1 along 45°; nothing at k = 0.
    expect([astigmaticTerm(1, 0, 0.1, 0), astigmaticTerm(0, 2, 0.1, 0), astigmaticTerm(1, 1, 0, 0.1), astigmaticTerm(0, 0, 0.1, 0.1)]).toEqual([0.1, -0.1, expect.closeTo(0.1, 15), 0]);
  });
});
