import { describe, expect, it } from 'vitest';
import { appendTilts, checkEachTilt, heldOutTilts, isEachTilt, parseTiltNumbers, remainingIndices, subsetTilts, withoutTilts } from './tiltSubsets.ts';

// Dose-symmetric order: stack order is not angle order.
const angles = [0, 3, -3, -6, 6, 9, -9, -12, 12];

describe('tilt subsets', () => {
  it('holds out the tilt nearest an angle, a ± pair, a list, or every K-th', () => {
    expect(heldOutTilts(angles, '0')).toEqual([0]);
    expect(heldOutTilts(angles, '±6')).toEqual([4, 3]);
    expect(heldOutTilts(angles, '+-9')).toEqual([5, 6]);
    expect(heldOutTilts(angles, '3,-12')).toEqual([1, 7]);
    // Angle order −12 −9 −6 −3 0 3 6 9 12; every 3rd from rank 1: −9, 0, 9.
    expect(heldOutTilts(angles, 'every:3').sort()).toEqual([0, 5, 6].sort());
    expect(() => heldOutTilts(angles, 'every:1')).toThrow(/K ≥ 2/);
    expect(() => heldOutTilts([0, 10], '0')).toThrow(/too few/);
    expect(() => heldOutTilts(angles, 'zero')).toThrow(/use an angle/);
    // "each" is cross-validation's own (one reconstruction per tilt): a single held-out set cannot be it.
    expect([isEachTilt(' Each '), isEachTilt('every:2')]).toEqual([true, false]);
    expect(() => heldOutTilts(angles, 'each')).toThrow(/every tilt in turn is cross-validation's alone/);
    expect(() => checkEachTilt(4)).not.toThrow();
    expect(() => checkEachTilt(3)).toThrow('held-out tilts "each" leave 2 of 3 tilts at a time: too few to reconstruct');
  });

  it('extracts subsets', () => {
    expect(remainingIndices(5, [1, 3])).toEqual([0, 2, 4]);
    const ts = { nx: 2, ny: 1, nTilts: 3, data: Float32Array.from([1, 2, 3, 4, 5, 6]), tiltAngles: [-10, 0, 10], pixelSize: 1 };
    const sub = subsetTilts(ts, [2, 0]);
    expect(Array.from(sub.data)).toEqual([5, 6, 1, 2]);
    expect(sub.tiltAngles).toEqual([10, -10]);
    expect(sub.nTilts).toBe(2);
  });

  it('keeps each selected tilt\'s doses, and drops doses that the appended tilts lack', () => {
    const ts = { nx: 1, ny: 1, nTilts: 3, data: Float32Array.from([1, 2, 3]), tiltAngles: [0, 3, -3], pixelSize: 2, accumulatedDose: [0, 3, 6], exposureDose: [3, 3, 3.5] };
    const held = subsetTilts(ts, [2, 0]);
    expect(held.accumulatedDose).toEqual([6, 0]);
    expect(held.exposureDose).toEqual([3.5, 3]);
    expect('accumulatedDose' in subsetTilts({ ...ts, accumulatedDose: undefined, exposureDose: undefined }, [1])).toBe(false);
    const synthesised = { nx: 1, ny: 1, nTilts: 1, data: Float32Array.from([9]), tiltAngles: [60], pixelSize: 2 };
    const joined = appendTilts(ts, synthesised);
    expect(joined.tiltAngles).toEqual([0, 3, -3, 60]);
    expect(joined.accumulatedDose).toBeUndefined();
    expect(joined.exposureDose).toBeUndefined();
    expect(appendTilts(ts, { ...synthesised, accumulatedDose: [9.5], exposureDose: [1] }).accumulatedDose).toEqual([0, 3, 6, 9.5]);
    // A CTF's per-tilt values likewise: defocus, astigmatism.
    const ctf = { ...ts, defocus: [3, 3.1, 3.2], astigmatism: { cos2: [0.1, 0.2, 0.3], sin2: [-0.1, -0.2, -0.3] } };
    expect(subsetTilts(ctf, [2, 0]).astigmatism).toEqual({ cos2: [0.3, 0.1], sin2: [-0.3, -0.1] });
    expect(appendTilts(ctf, synthesised).astigmatism).toBeUndefined();
    expect(appendTilts(ctf, { ...synthesised, defocus: [3], astigmatism: { cos2: [0], sin2: [0.5] } }).astigmatism).toEqual({ cos2: [0.1, 0.2, 0.3, 0], sin2: [-0.1, -0.2, -0.3, 0.5] });
    // A side with a defocus but none of the rest has none: zeros; the column whose defocus is given, likewise.
    const moved = { ...ctf, defocusColumn: [4, -2, 0] };
    expect(subsetTilts(moved, [1]).defocusColumn).toEqual([-2]);
    const joined3 = appendTilts(moved, { ...synthesised, defocus: [3] });
    expect([joined3.astigmatism, joined3.defocusColumn]).toEqual([{ cos2: [0.1, 0.2, 0.3, 0], sin2: [-0.1, -0.2, -0.3, 0] }, [4, -2, 0, 0]]);
  });

  it('reads tilt numbers as IMOD writes them, from 1, with ranges', () => {
    expect(parseTiltNumbers('41,1-3', '--exclude-tilts')).toEqual([1, 2, 3, 41]);
    expect(parseTiltNumbers(' 5 - 6 , 5 ', 'x')).toEqual([5, 6]);
    // Spaces separate too, as in tilt's EXCLUDELIST2 entries.
    expect(parseTiltNumbers('1 2  40-41', 'x')).toEqual([1, 2, 40, 41]);
    // A range past any series' tilts (1-100000) is a slip, refused before it fills memory.
    for (const bad of ['', '0', '3-1', '1,,2', 'a', '-2', '1.5', '1-100000']) {
      expect(() => parseTiltNumbers(bad, '--exclude-tilts')).toThrow(`--exclude-tilts "${bad}": give tilt numbers from 1, as 1-3,41`);
    }
  });

  it('leaves out tilts by number, with their angles and doses, and says which', () => {
    const ts = { nx: 1, ny: 1, nTilts: 5, data: Float32Array.from([1, 2, 3, 4, 5]), tiltAngles: [0, 3, -3, -6, 6], pixelSize: 2, accumulatedDose: [0, 3, 6, 9, 12], exposureDose: [3, 3, 3, 3, 3.5] };
    const { tiltSeries, leftOut, label } = withoutTilts(ts, [5, 2, 5], '--exclude-tilts');
    expect(Array.from(tiltSeries.data)).toEqual([1, 3, 4]);
    expect(tiltSeries.tiltAngles).toEqual([0, -3, -6]);
    expect(tiltSeries.accumulatedDose).toEqual([0, 6, 9]);
    expect(tiltSeries.nTilts).toBe(3);
    expect(leftOut).toBe('2 (3.0°), 5 (6.0°)');
    expect(label).toBe('without tilts 2, 5');
    expect(withoutTilts(ts, [1], 'x').label).toBe('without tilt 1');
    expect(() => withoutTilts(ts, [1.5, 0], 'x')).toThrow('x: 0, 1.5 is not a tilt number (they count from 1)');
    expect(() => withoutTilts(ts, [6], '--exclude-tilts')).toThrow("--exclude-tilts: tilt 6 is past the series' 5 tilts");
    expect(() => withoutTilts(ts, [1, 2, 3], 'x')).toThrow('x: leaving out 3 of 5 tilts leaves 2, and a tomogram needs at least 3');
  });
});
