import { describe, expect, it } from 'vitest';
import type { Volume } from './types.ts';
import { downsampleVolume, percentiles, pyramidFactor, volumeSlice, volumeStats } from './volume.ts';
import { wholeVolume } from '../io/piecedVolume.ts';

const volume: Volume = { nx: 4, ny: 3, nz: 2, data: Float32Array.from({ length: 24 }, (_, i) => i), pixelSize: 2 };

describe('volume views', () => {
  it('cuts XY, XZ and YZ slices with rows along y or z', () => {
    expect(Array.from(volumeSlice(volume, 'xy', 1).data)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    const xz = volumeSlice(volume, 'xz', 2);
    expect([xz.width, xz.height, ...xz.data]).toEqual([4, 2, 8, 9, 10, 11, 20, 21, 22, 23]);
    const yz = volumeSlice(volume, 'yz', 1);
    expect([yz.width, yz.height, ...yz.data]).toEqual([3, 2, 1, 5, 9, 13, 17, 21]);
    expect(() => volumeSlice(volume, 'xy', 2)).toThrow(/outside 0–1/);
  });

  it('gives statistics and percentiles', () => {
    expect(volumeStats(volume.data)).toMatchObject({ min: 0, max: 23, mean: 11.5 });
    expect(percentiles(volume.data, [0, 50, 100])).toEqual([0, 12, 23]);
  });

  it('builds the display pyramid by block averages', () => {
    expect(pyramidFactor({ nx: 512, ny: 512, nz: 256 }, 256 ** 3)).toBe(2);
    expect(pyramidFactor(volume, 1000)).toBe(1);
    const half = wholeVolume(downsampleVolume(volume, 2), 'the half');
    expect([half.nx, half.ny, half.nz, half.pixelSize]).toEqual([2, 2, 1, 4]);
    // Block (0,0,0): x 0–1, y 0–1, z 0–1 → values 0,1,4,5,12,13,16,17.
    expect(half.data[0]).toBeCloseTo(8.5, 6);
    // Partial block at y = 2: x 0–1, z 0–1 → 8, 9, 20, 21.
    expect(half.data[2]).toBeCloseTo(14.5, 6);
  });
});
