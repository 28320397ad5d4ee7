import { describe, expect, it } from 'vitest';
import {
  LUT_SIZE,
  TF_PRESETS,
  addPoint,
  buildLut,
  colormapColor,
  histogram,
  histogramHeights,
  movePoint,
  normalizePoints,
  opacityAt,
  presetById,
  removePoint,
  type TransferFunction,
} from './transferFunction.ts';

const ramp: TransferFunction = { colormap: 'grey', background: 'dark', invert: false, points: [{ x: 0, a: 0 }, { x: 0.5, a: 0 }, { x: 1, a: 1 }] };

describe('opacity curve', () => {
  it('is linear between control points and constant beyond the ends', () => {
    const points = [{ x: 0.2, a: 0.1 }, { x: 0.6, a: 0.9 }];
    expect(opacityAt(points, 0)).toBeCloseTo(0.1);
    expect(opacityAt(points, 0.4)).toBeCloseTo(0.5);
    expect(opacityAt(points, 1)).toBeCloseTo(0.9);
  });

  it('normalises: sorted, clamped, with end points at 0 and 1', () => {
    expect(normalizePoints([{ x: 0.7, a: 2 }, { x: 0.3, a: -1 }])).toEqual([
      { x: 0, a: 0 },
      { x: 0.3, a: 0 },
      { x: 0.7, a: 1 },
      { x: 1, a: 1 },
    ]);
    expect(normalizePoints([])).toEqual([{ x: 0, a: 0 }, { x: 1, a: 1 }]);
  });
});

describe('LUT', () => {
  it('is 256 × RGBA with the colour map and the opacity curve', () => {
    const lut = buildLut(ramp);
    expect(lut.length).toBe(LUT_SIZE * 4);
    expect([...lut.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...lut.subarray(255 * 4, 256 * 4)]).toEqual([255, 255, 255, 255]);
    // Half way up the opacity ramp (x = 0.75) and the grey map.
    const i = Math.round(0.75 * 255);
    expect(lut[4 * i]).toBeCloseTo(0.75 * 255, -1);
    expect(lut[4 * i + 3]).toBeCloseTo(0.5 * 255, -1);
    // Zero opacity below 0.5.
    expect(lut[4 * 100 + 3]).toBe(0);
  });

  it('inverted grey runs white to black', () => {
    const lut = buildLut({ ...ramp, colormap: 'grey-inverted' });
    expect(lut[0]).toBe(255);
    expect(lut[255 * 4]).toBe(0);
  });

  it('colour maps interpolate between stops and clamp', () => {
    expect(colormapColor('grey', 0.25)).toEqual([0.25, 0.25, 0.25]);
    expect(colormapColor('hot', -1)).toEqual(colormapColor('hot', 0));
    expect(colormapColor('viridis', 2)).toEqual(colormapColor('viridis', 1));
  });
});

describe('presets', () => {
  it('include a dark-on-light cryo-ET preset (inverted map on a light background)', () => {
    const cryo = TF_PRESETS.find((p) => p.id === 'cryo');
    expect(cryo?.tf.background).toBe('light');
    expect(cryo?.tf.colormap).toBe('grey-inverted');
    const raw = presetById('cryo-raw');
    expect(raw.invert).toBe(true);
  });

  it('are valid curves and are copied, not shared', () => {
    for (const preset of TF_PRESETS) {
      expect(normalizePoints(preset.tf.points)).toEqual(preset.tf.points);
      expect(buildLut(preset.tf).length).toBe(1024);
    }
    const a = presetById('grey');
    a.points[1].a = 0.9;
    expect(presetById('grey').points[1].a).toBe(0);
    expect(presetById('nope').colormap).toBe(TF_PRESETS[0].tf.colormap);
  });
});

describe('editing control points', () => {
  const points = [{ x: 0, a: 0 }, { x: 0.5, a: 0.2 }, { x: 1, a: 1 }];
  it('keeps end points at x = 0 and 1, inner points between neighbours', () => {
    expect(movePoint(points, 0, 0.4, 0.3)[0]).toEqual({ x: 0, a: 0.3 });
    expect(movePoint(points, 2, 0.1, 0.5)[2]).toEqual({ x: 1, a: 0.5 });
    const moved = movePoint(points, 1, 2, 0.5)[1];
    expect(moved.x).toBeLessThan(1);
    expect(moved.x).toBeGreaterThan(0.99);
    expect(points[1]).toEqual({ x: 0.5, a: 0.2 });
  });

  it('adds points in order and removes only inner points', () => {
    const { points: added, index } = addPoint(points, 0.75, 0.4);
    expect(index).toBe(2);
    expect(added.map((p) => p.x)).toEqual([0, 0.5, 0.75, 1]);
    expect(removePoint(added, 2).map((p) => p.x)).toEqual([0, 0.5, 1]);
    expect(removePoint(added, 0)).toHaveLength(4);
  });
});

describe('histogram', () => {
  it('bins over [lo, hi], clamps outliers into the end bins, skips NaN', () => {
    const counts = histogram([0, 0.1, 0.5, 0.99, 1, -5, 7, Number.NaN], 0, 1, 4);
    expect([...counts]).toEqual([3, 0, 1, 3]);
  });

  it('is empty for an empty window', () => {
    expect([...histogram([1, 2, 3], 1, 1, 3)]).toEqual([0, 0, 0]);
  });

  it('heights are log-scaled to 0…1', () => {
    const h = histogramHeights([0, 9, 99]);
    expect(h[0]).toBe(0);
    expect(h[2]).toBe(1);
    expect(h[1]).toBeCloseTo(Math.log(10) / Math.log(100));
  });
});
