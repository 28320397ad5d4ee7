import { describe, expect, it } from 'vitest';
import { lengthText, scaleBar } from './scaleBar.ts';

describe('scale bars', () => {
  it('picks the longest 1-2-5 length that fits, and its width on screen', () => {
    // 4 Å pixels drawn 2 CSS px wide: 5 CSS px per nm, at most 96 px → 19.2 nm → a 10 nm bar of 50 px.
    expect(scaleBar(4, 2, 96)).toEqual({ nm: 10, css: 50, label: '10 nm' });
    // 10 Å pixels at 1 px: 1 px per nm → 50 nm fits in 96 px, 100 nm does not.
    expect(scaleBar(10, 1, 96)).toEqual({ nm: 50, css: 50, label: '50 nm' });
    // Exactly fitting lengths are kept: 20 nm in 80 px at 4 px/nm.
    expect(scaleBar(2.5, 1, 80)).toMatchObject({ nm: 20, css: 80 });
  });

  it('labels in Å below 1 nm and in µm from 1 µm, and draws nothing without a pixel size', () => {
    expect(scaleBar(1, 40, 96)?.label).toBe('2 Å');
    expect(scaleBar(200, 0.5, 96)?.label).toBe('2 µm'); // 3.84 µm fit
    expect(lengthText(0.5)).toBe('5 Å');
    expect(lengthText(1500)).toBe('1.5 µm');
    expect(scaleBar(0, 2)).toBeNull();
    expect(scaleBar(4, 0)).toBeNull();
  });
});
