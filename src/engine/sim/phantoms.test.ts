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
    it(`${name}: non-empty, finite, ≥ 0, zero on the 2-voxel border`, () => {
      for (const [nx, ny, nz] of sizes) {
        const v = makePhantom(name, nx, ny, nz, 5, 8);
        expect([v.nx, v.ny, v.nz, v.pixelSize, v.data.length]).toEqual([nx, ny, nz, 8, nx * ny * nz]);
        let nonZero = 0;
        let bad = 0;
        for (const x of v.data) {
          if (!(Number.isFinite(x) && x >= 0)) bad++;
          if (x > 0) nonZero++;
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
