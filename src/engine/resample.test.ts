import { describe, expect, it } from 'vitest';
import { resampleTomogram, type AxisMap } from './resample.ts';
import { allocateTomogram, rowReader } from '../io/piecedVolume.ts';
import type { Volume } from './types.ts';

/** An nx × ny × nz volume of f(x, y, z) at its voxels. */
function sampled(nx: number, ny: number, nz: number, f: (x: number, y: number, z: number) => number): Volume {
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = f(x, y, z);
  return { nx, ny, nz, data, pixelSize: 10 };
}

const at = (v: Volume, x: number, y: number, z: number) => v.data[x + v.nx * (y + v.ny * z)];
/** Where output i of `map` lies in an input of n (AxisMap's definition, written out). */
const inputAt = (i: number, n: number, { length, step, shift = 0 }: AxisMap) => (i - Math.floor(length / 2)) * step + Math.floor(n / 2) + shift;

describe('resampleTomogram', () => {
  it('with step 1 and a whole shift moves the volume value for value, the edge voxel repeated', () => {
    const volume = sampled(9, 7, 5, (x, y, z) => x + 10 * y + 100 * z);
    const out = resampleTomogram(volume, [{ length: 9, step: 1, shift: 2 }, { length: 6, step: 1 }, { length: 5, step: 1, shift: -1 }]) as Volume;
    expect([out.nx, out.ny, out.nz, out.pixelSize]).toEqual([9, 6, 5, 10]);
    for (let z = 0; z < 5; z++)
      for (let y = 0; y < 6; y++)
        // y: 6 of 7 about the centres ⌊7 / 2⌋ = ⌊6 / 2⌋ = 3, so row y is row y.
        for (let x = 0; x < 9; x++) expect(at(out, x, y, z)).toBe(at(volume, Math.min(8, x + 2), y, Math.max(0, z - 1)));
  });

  it('gives a smooth function at the new voxels, finer or coarser, shifted by a fraction', () => {
    const f = (x: number, y: number, z: number) => Math.cos(2 * Math.PI * 0.07 * x + 0.3) + 0.5 * Math.sin(2 * Math.PI * 0.05 * y - 1) * Math.cos(2 * Math.PI * 0.04 * z);
    const volume = sampled(48, 40, 36, f);
    for (const step of [0.73, 1.37, 2.6]) {
      const maps: [AxisMap, AxisMap, AxisMap] = [
        { length: Math.round(48 / step), step, shift: 0.4 },
        { length: Math.round(40 / step), step, shift: -0.25 },
        { length: Math.round(36 / step), step },
      ];
      const out = resampleTomogram(volume, maps) as Volume;
      expect(out.pixelSize).toBeCloseTo(10 * step, 10);
      // Away from the edges (where the edge voxel is repeated): within 2 % of the function's range.
      const margin = Math.ceil(4 / step) + 1;
      let worst = 0;
      for (let z = margin; z < out.nz - margin; z++)
        for (let y = margin; y < out.ny - margin; y++)
          for (let x = margin; x < out.nx - margin; x++) {
            const expected = f(inputAt(x, 48, maps[0]), inputAt(y, 40, maps[1]), inputAt(z, 36, maps[2]));
            worst = Math.max(worst, Math.abs(at(out, x, y, z) - expected));
          }
      expect(worst).toBeLessThan(0.03);
    }
  });

  it('keeps a constant, and low-passes what a coarser grid cannot hold (no aliasing)', () => {
    const constant = resampleTomogram(sampled(20, 12, 10, () => 3.5), [{ length: 13, step: 1.5 }, { length: 9, step: 1.3 }, { length: 25, step: 0.4 }]) as Volume;
    for (const v of constant.data) expect(v).toBeCloseTo(3.5, 5);
    // 0.4 cycles per voxel, made coarser by 2 (Nyquist 0.25 of the old voxels): nearly gone, not folded to 0.2.
    const fine = sampled(64, 4, 4, (x) => Math.cos(2 * Math.PI * 0.4 * x));
    const coarse = resampleTomogram(fine, [{ length: 32, step: 2 }, { length: 4, step: 1 }, { length: 4, step: 1 }]) as Volume;
    let largest = 0;
    for (let x = 4; x < 28; x++) largest = Math.max(largest, Math.abs(at(coarse, x, 1, 1)));
    expect(largest).toBeLessThan(0.1);
  });

  it('gives the same values in pieces as in one array', () => {
    const whole = sampled(30, 26, 14, (x, y, z) => Math.sin(x * 0.7) + Math.cos(y * 0.3 + z));
    const maps: [AxisMap, AxisMap, AxisMap] = [{ length: 22, step: 1.3, shift: 0.2 }, { length: 20, step: 1.3 }, { length: 11, step: 1.3 }];
    const pieced = allocateTomogram(30, 26, 14, 10, 30 * 14 * 4 * 5);
    const [read, write] = [rowReader(whole), rowReader(pieced)];
    for (let z = 0; z < 14; z++) for (let y = 0; y < 26; y++) write(y, z).set(read(y, z));
    const out = resampleTomogram(pieced, maps, 22 * 11 * 4 * 3);
    expect('pieces' in out).toBe(true);
    const [inPieces, inOne] = [rowReader(out), rowReader(resampleTomogram(whole, maps))];
    for (let z = 0; z < 11; z++) for (let y = 0; y < 20; y++) expect(inPieces(y, z)).toEqual(inOne(y, z));
  });
});
