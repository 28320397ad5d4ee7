import { describe, expect, it } from 'vitest';
import { buildLut, inferno, standardise, windowToRgba } from './colormap.ts';
import { byFamily, gridColumns, mapVoxel, toggleSelection } from './linking.ts';

describe('linked comparison', () => {
  it('maps a voxel between volumes of different sizes by relative position', () => {
    const a = { nx: 128, ny: 128, nz: 32 };
    const b = { nx: 64, ny: 64, nz: 16 };
    expect(mapVoxel({ x: 10, y: 20, z: 5 }, a, a)).toEqual({ x: 10, y: 20, z: 5 });
    expect(mapVoxel({ x: 64, y: 0, z: 31 }, a, b)).toEqual({ x: 32, y: 0, z: 15 });
    expect(mapVoxel({ x: 63, y: 63, z: 15 }, b, a)).toEqual({ x: 127, y: 127, z: 31 });
  });

  it('keeps the selection to one tilt series and at most six results', () => {
    const results = [
      ...Array.from({ length: 8 }, (_, i) => ({ id: `r${i}`, datasetId: 'd1' })),
      { id: 'x', datasetId: 'd2' },
    ];
    let sel: string[] = [];
    for (let i = 0; i < 7; i++) sel = toggleSelection(sel, `r${i}`, results);
    expect(sel).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(toggleSelection(sel, 'r3', results)).toEqual(['r1', 'r2', 'r4', 'r5', 'r6']);
    expect(toggleSelection(sel, 'x', results)).toEqual(['x']);
    expect(toggleSelection(sel, 'missing', results)).toEqual(sel);
  });

  it('keeps a series and those made from it (one family) in one selection', () => {
    const datasets = [
      { id: 'd1', familyId: 'd1' },
      { id: 'd2', familyId: 'd1' }, // d1 without some tilts
      { id: 'd3', familyId: 'd3' },
    ];
    const results = byFamily([{ id: 'a', datasetId: 'd1' }, { id: 'b', datasetId: 'd2' }, { id: 'c', datasetId: 'd3' }], datasets);
    expect(results).toEqual([{ id: 'a', datasetId: 'd1' }, { id: 'b', datasetId: 'd1' }, { id: 'c', datasetId: 'd3' }]);
    expect(toggleSelection(['a'], 'b', results)).toEqual(['a', 'b']);
    expect(toggleSelection(['a', 'b'], 'c', results)).toEqual(['c']);
  });

  it('lays out 1–6 panels', () => {
    expect([1, 2, 3, 4, 5, 6].map(gridColumns)).toEqual([1, 2, 3, 2, 3, 3]);
  });
});

describe('image mapping', () => {
  it('windows values to grey with v up (row 0 drawn last)', () => {
    const rgba = windowToRgba([0, 1, 2, 3], 2, 2, 0, 3);
    // Top image row is data row 1 (values 2, 3).
    expect(Array.from(rgba.subarray(0, 4))).toEqual([170, 170, 170, 255]);
    expect(Array.from(rgba.subarray(4, 8))).toEqual([255, 255, 255, 255]);
    expect(Array.from(rgba.subarray(8, 12))).toEqual([0, 0, 0, 255]);
    expect(windowToRgba([5, -5], 2, 1, 0, 1)[0]).toBe(255);
    expect(windowToRgba([5, -5], 2, 1, 0, 1)[4]).toBe(0);
  });

  it('has an inferno colour scale from black to pale yellow', () => {
    expect(inferno(0)).toEqual([0, 0, 4]);
    expect(inferno(1)).toEqual([252, 255, 164]);
    expect(inferno(2)).toEqual(inferno(1));
    const lut = buildLut();
    expect(lut.length).toBe(768);
    expect(Array.from(lut.subarray(765))).toEqual([252, 255, 164]);
  });

  it('standardises to mean 0, std 1', () => {
    const z = standardise([1, 2, 3, 4]);
    const mean = z.reduce((s, v) => s + v, 0) / 4;
    const sd = Math.sqrt(z.reduce((s, v) => s + v * v, 0) / 4);
    expect(mean).toBeCloseTo(0);
    expect(sd).toBeCloseTo(1);
    expect(Array.from(standardise([2, 2]))).toEqual([0, 0]);
  });
});
