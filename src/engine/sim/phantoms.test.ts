import { describe, expect, it } from 'vitest';
import type { Volume } from '../types.ts';
import { makePhantom, PHANTOM_NAMES } from './phantoms.ts';

/** Largest |value| within `m` voxels of any face. */
function borderMax(v: Volume, m: number): number {
  let max = 0;
  for (let z = 0; z < v.nz; z++)
    for (let y = 0; y < v.ny; y++)
      for (let x = 0; x < v.nx; x++) {
        const inner = x >= m && x < v.nx - m && y >= m && y < v.ny - m && z >= m && z < v.nz - m;
        if (!inner) max = Math.max(max, Math.abs(v.data[x + v.nx * (y + v.ny * z)]));
      }
  return max;
}

describe('makePhantom', () => {
  // Odd and even sizes, a thin slab, and the smallest accepted volume.
  const sizes: [number, number, number][] = [
    [64, 48, 24],
    [33, 40, 17],
    [8, 8, 8],
  ];

  for (const name of PHANTOM_NAMES) {
    // 'varied' has objects less dense than their surroundings, so it may go below 0.
    const floor = name === 'varied' ? -Infinity : 0;
    it(`${name}: non-empty, finite, ${name === 'varied' ? '' : '≥ 0, '}zero on the 2-voxel border`, () => {
      for (const [nx, ny, nz] of sizes) {
        const v = makePhantom(name, nx, ny, nz, 5, 8);
        expect([v.nx, v.ny, v.nz, v.pixelSize, v.data.length]).toEqual([nx, ny, nz, 8, nx * ny * nz]);
        let nonZero = 0;
        let bad = 0;
        for (const x of v.data) {
          if (!(Number.isFinite(x) && x >= floor)) bad++;
          if (x !== 0) nonZero++;
        }
        expect(bad).toBe(0);
        expect(nonZero, `${nx}×${ny}×${nz}`).toBeGreaterThan(0);
        expect(borderMax(v, 2)).toBe(0);
      }
    });

    it(`${name}: same seed → identical, other seed → different`, () => {
      const a = makePhantom(name, 48, 40, 20, 1);
      expect(makePhantom(name, 48, 40, 20, 1).data).toEqual(a.data);
      expect(makePhantom(name, 48, 40, 20, 2).data).not.toEqual(a.data);
    });
  }

  it('fills a decent fraction of a realistic volume (objects scale with size)', () => {
    for (const name of PHANTOM_NAMES) {
      const v = makePhantom(name, 128, 128, 32, 3);
      // The lamella's ice (≤ 0.3) fills most of the slab: count the objects in it.
      const floor = name === 'lamella' ? 0.35 : 0;
      const frac = v.data.reduce((n, x) => n + (x > floor ? 1 : 0), 0) / v.data.length;
      expect(frac, name).toBeGreaterThan(0.02);
      expect(frac, name).toBeLessThan(0.5);
    }
  });

  it('lamella: ice of varying thickness fills most of the slab', () => {
    const v = makePhantom('lamella', 96, 80, 32, 4);
    const iceDepth: number[] = [];
    for (const [x, y] of [[10, 10], [85, 10], [10, 69], [85, 69], [48, 40]]) {
      let depth = 0;
      for (let z = 0; z < v.nz; z++) depth += v.data[x + v.nx * (y + v.ny * z)] > 0 ? 1 : 0;
      iceDepth.push(depth);
    }
    expect(Math.min(...iceDepth)).toBeGreaterThan(0.6 * (v.nz - 4));
    expect(Math.max(...iceDepth) - Math.min(...iceDepth)).toBeGreaterThan(0);
    expect(v.data.reduce((m, x) => Math.max(m, x), 0)).toBeLessThan(10);
  });

  it('varied: both signs across seeds, with and without an ice slab', () => {
    const volumes = [1, 2, 3, 4, 5, 6].map((seed) => makePhantom('varied', 64, 64, 32, seed));
    const negative = volumes.filter((v) => v.data.some((x) => x < -0.1)).length;
    // An ice slab fills whole columns: the share of columns with density at mid-depth tells slab from none.
    const midDepthFilled = (v: Volume) => {
      let n = 0;
      for (let y = 2; y < v.ny - 2; y++) for (let x = 2; x < v.nx - 2; x++) n += v.data[x + v.nx * (y + v.ny * (v.nz >> 1))] !== 0 ? 1 : 0;
      return n / ((v.nx - 4) * (v.ny - 4));
    };
    const slabs = volumes.filter((v) => midDepthFilled(v) > 0.9).length;
    expect(negative).toBeGreaterThan(0);
    expect(slabs).toBeGreaterThan(0);
    expect(slabs).toBeLessThan(volumes.length);
  });

  it('cell contains dense gold beads', () => {
    const v = makePhantom('cell', 128, 128, 32, 1);
    expect(v.data.reduce((m, x) => Math.max(m, x), 0)).toBeGreaterThan(4);
  });

  it('rejects sizes below the minimum and unknown names', () => {
    expect(() => makePhantom('spheres', 7, 32, 32, 1)).toThrow(/nx/);
    expect(() => makePhantom('spheres', 32, 32, 4.5, 1)).toThrow(/nz/);
    expect(() => makePhantom('nope' as never, 32, 32, 32, 1)).toThrow(/Unknown phantom/);
  });
});
