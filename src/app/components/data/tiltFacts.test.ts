import { describe, expect, it } from 'vitest';
import { ctf, MICROSCOPE_300KV } from '../../../engine/ctf.ts';
import { tiltFacts } from './tiltImage.ts';

describe("the tilt preview's facts", () => {
  it("gives a tilt's defocus with where its CTF's first zero lies, and the dose before it, each where known", () => {
    const dataset = { defocus: [3, 2], accumulatedDose: [0, 3.25], phaseFlipMicroscope: MICROSCOPE_300KV };
    const text = tiltFacts(dataset, 1)!;
    const [, zero] = /^2\.00 µm under focus \(first CTF zero (\d+\.\d) Å\) · 3\.3 e\/Å² before it$/.exec(text) ?? [];
    // The CTF changes sign there: negative just below the zero's frequency, positive just above (to the rounding).
    const f = 1 / Number(zero);
    expect(ctf(f * 0.99, 2)).toBeLessThan(0);
    expect(ctf(f * 1.01, 2)).toBeGreaterThan(0);
    expect(tiltFacts({ accumulatedDose: [7] }, 0)).toBe('7.0 e/Å² before it');
    expect(tiltFacts({ defocus: [3] }, 0)).toBe('3.00 µm under focus');
    expect(tiltFacts({}, 0)).toBeNull();
    // Astigmatism: the axes' difference and the first's angle (0.05 µm half-difference along 2·(−60°)).
    const astigmatism = { cos2: [0.05 * Math.cos((-120 * Math.PI) / 180)], sin2: [0.05 * Math.sin((-120 * Math.PI) / 180)] };
    expect(tiltFacts({ defocus: [3], astigmatism }, 0)).toBe('3.00 µm under focus, astigmatism 0.10 µm at -60°');
  });
});
