import { describe, expect, it } from 'vitest';
import { fittedSample, partialLabel } from './partialResult.ts';

describe('partial results', () => {
  it('names the state and the fitted rows', () => {
    expect(partialLabel('Coordinate network (…)', { rowsDone: 16, state: 'cancelled' }, 128)).toBe('Coordinate network (…) — cancelled, rows 0–15 of 128 fitted');
    expect(partialLabel('CN', { rowsDone: 8, state: 'running' }, 64)).toBe('CN — in progress, rows 0–7 of 64 fitted');
  });

  it('keeps the voxels of the fitted rows only, in every z section, sampled beyond a limit', () => {
    // nx 2, ny 3, nz 2: value = 100·z + 10·y + x.
    const data = Float32Array.from({ length: 12 }, (_, i) => 100 * Math.floor(i / 6) + 10 * Math.floor((i % 6) / 2) + (i % 2));
    const volume = { nx: 2, ny: 3, nz: 2, data };
    expect([...fittedSample(volume, 2)]).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
    expect(fittedSample(volume, 3)).toBe(data);
    expect(fittedSample(volume, 0).length).toBe(0);
    expect([...fittedSample(volume, 2, 4)]).toEqual([0, 10, 100, 110]);
  });
});
