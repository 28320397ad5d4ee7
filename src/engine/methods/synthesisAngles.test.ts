import { describe, expect, it } from 'vitest';
import { angleListText } from './reproject/base.ts';
import { extendAngles, fillGapAngles, medianStep } from './synthesisAngles.ts';

/** −60…+60° at 3°, in dose-symmetric order (0, 3, −3, 6, −6, …): order must not matter. */
const doseSymmetric = [0, ...Array.from({ length: 20 }, (_, i) => [3 * (i + 1), -3 * (i + 1)]).flat()];

describe('extendAngles', () => {
  it('continues a −60…+60° series at 3° to ±69°, each side outwards in turn', () => {
    const added = extendAngles(doseSymmetric, 69);
    expect(added).toEqual([63, -63, 66, -66, 69, -69]);
    expect(angleListText(added)).toBe('±63, ±66, ±69');
  });

  it('stops at the last step within the limit, and each side at its own end for an asymmetric series', () => {
    // −54…+60 at 3°: the negative side starts at −57; ±64 admits 63 but not 66.
    const series = Array.from({ length: 39 }, (_, i) => -54 + 3 * i);
    expect(extendAngles(series, 64)).toEqual([63, -57, -60, -63]);
  });

  it('uses the median step, so one withheld tilt does not change it, and keeps a fractional step exact', () => {
    const withheld = doseSymmetric.filter((a) => a !== 30);
    expect(extendAngles(withheld, 66)).toEqual([63, -63, 66, -66]);
    const fine = Array.from({ length: 11 }, (_, i) => 1.7 * (i - 5)); // −8.5…8.5 at 1.7°
    expect(extendAngles(fine, 11)).toEqual([10.2, -10.2]);
  });

  it('refuses a limit outside (0, 90) and a series that already reaches it', () => {
    expect(() => extendAngles(doseSymmetric, 90)).toThrow('strictly between 0° and 90°');
    expect(() => extendAngles(doseSymmetric, 61)).toThrow('the series already reaches ±61° (-60…60° at a 3° step)');
    expect(() => extendAngles([10], 70)).toThrow('at least two distinct tilt angles');
  });
});

describe('fillGapAngles', () => {
  it('puts the middle angle into gaps of two steps (withheld 0° and ±15°)', () => {
    const withheld = doseSymmetric.filter((a) => a !== 0 && a !== 15 && a !== -15);
    expect(medianStep(withheld)).toBe(3);
    expect(fillGapAngles(withheld)).toEqual([-15, 0, 15]);
  });

  it('cuts a wide gap into whole steps and leaves gaps up to 1.5 steps alone', () => {
    // 2° steps with a 10° gap (−10 → 0), a 3° gap (4 → 7, exactly 1.5 steps: kept) and a 7° gap (7 → 14: 3.5 → 4 parts).
    const series = [-16, -14, -12, -10, 0, 2, 4, 7, 14, 16, 18, 20, 22, 24];
    expect(medianStep(series)).toBe(2);
    expect(fillGapAngles(series)).toEqual([-8, -6, -4, -2, 8.75, 10.5, 12.25]);
  });

  it('says so when there is no gap', () => {
    expect(() => fillGapAngles(doseSymmetric)).toThrow("no gap wider than 1.5 × the series' 3° step");
  });
});
