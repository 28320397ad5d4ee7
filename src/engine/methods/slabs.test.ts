// Slab planning keeps GPU memory bounded for tomograms far larger than one buffer.
import { describe, expect, it } from 'vitest';
import type { GpuContext } from '../gpu/device.ts';
import type { Progress } from '../types.ts';
import { allocateVolume, placeSlabTilts, placeSlabVolume, planSlabsForDevice, slabTilts, slabVolume, stageOptions, DEFAULT_MEMORY_BUDGET } from './slabs.ts';

/** The limits SwiftShader reports (1 GiB buffers), and the spec defaults a plain requestDevice() gives. */
const swiftshader = { limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 } } as unknown as GpuContext;
const defaults = { limits: { maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20 } } as unknown as GpuContext;

describe('slab planning', () => {
  it('splits a 1024 × 1024 × 300 FBP from 61 tilts into slabs within the budget', () => {
    const nx = 1024;
    const nTilts = 61;
    const L = 2048;
    const perRow = nTilts * nx * 4 + nTilts * L * 8 + 2 * nx * 300 * 4;
    for (const gpu of [swiftshader, defaults]) {
      const slabs = planSlabsForDevice(gpu, 1024, perRow, nTilts * L * 4);
      expect(slabs.length).toBeGreaterThan(1);
      expect(slabs.reduce((n, s) => n + s.ny, 0)).toBe(1024);
      for (const s of slabs) expect(s.ny * perRow).toBeLessThanOrEqual(DEFAULT_MEMORY_BUDGET);
    }
  });

  it('names the problem when one row does not fit', () => {
    expect(() => planSlabsForDevice(defaults, 10, 2 ** 30, 2 ** 29)).toThrow(/one row of this tomogram needs 1\.00 GiB/);
  });

  it('cuts and places slabs of tilts and volumes without loss', () => {
    const ts = { nx: 3, ny: 5, nTilts: 2, data: Float32Array.from({ length: 30 }, (_, i) => i), tiltAngles: [0, 1], pixelSize: 1 };
    const copy = { ...ts, data: new Float32Array(30) };
    const volume = { ...allocateVolume(3, 5, 2, 1), data: Float32Array.from({ length: 30 }, (_, i) => i) };
    const volumeCopy = allocateVolume(3, 5, 2, 1);
    for (const slab of [{ y0: 0, ny: 2 }, { y0: 2, ny: 3 }]) {
      placeSlabTilts(copy, slab, slabTilts(ts, slab));
      placeSlabVolume(volumeCopy, slab, slabVolume(volume, slab));
    }
    expect(copy.data).toEqual(ts.data);
    expect(volumeCopy.data).toEqual(volume.data);
  });
});

describe('stageOptions', () => {
  it('maps a step\'s progress into its share of the whole and names the step once', () => {
    const seen: Progress[] = [];
    const { onProgress } = stageOptions({ onProgress: (p) => seen.push(p) }, 0.5, 1, 'FBP');
    onProgress?.({ fraction: 0.5, message: 'FBP: rows 8–15 of 64' });
    onProgress?.({ fraction: 1, message: 'filtering the tilts' });
    expect(seen).toEqual([
      { fraction: 0.75, message: 'FBP: rows 8–15 of 64' },
      { fraction: 1, message: 'FBP: filtering the tilts' },
    ]);
  });
});
