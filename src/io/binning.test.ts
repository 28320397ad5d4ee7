import { describe, expect, it } from 'vitest';
import { binImageInto, binnedLength, binningToFit } from './binning.ts';

describe('binningToFit', () => {
  it('is the smallest binning that brings both axes to maxSide or under', () => {
    for (const [nx, ny, maxSide] of [[128, 128, 512], [512, 512, 512], [513, 200, 512], [4096, 4096, 512], [600, 1400, 512], [3838, 3710, 512], [7, 5, 1]]) {
      const b = binningToFit(nx, ny, maxSide);
      expect(Math.max(binnedLength(nx, b), binnedLength(ny, b))).toBeLessThanOrEqual(maxSide);
      if (b > 1) expect(Math.max(binnedLength(nx, b - 1), binnedLength(ny, b - 1))).toBeGreaterThan(maxSide);
    }
    expect(binningToFit(128, 96, 512)).toBe(1);
    expect(binningToFit(4096, 4096, 512)).toBe(8);
    expect(binningToFit(600, 1400, 512)).toBe(3);
  });
});

describe('binImageInto', () => {
  it('averages b × b blocks and drops the edge pixels that fill no block', () => {
    // 5 × 3 image, x fastest: value = 10 y + x.
    const image = Float32Array.from({ length: 15 }, (_, i) => 10 * Math.floor(i / 5) + (i % 5));
    const out = new Float32Array(2);
    binImageInto(image, 5, 3, 2, out, 0);
    // Blocks: rows 0–1 × columns 0–1 and 2–3; column 4 and row 2 are dropped.
    expect(Array.from(out)).toEqual([(0 + 1 + 10 + 11) / 4, (2 + 3 + 12 + 13) / 4]);
  });
});
