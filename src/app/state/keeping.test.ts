import { describe, expect, it } from 'vitest';
import type { DatasetSummary, ResultSummary } from '../../../workers/api.ts';
import { bytesToKeep } from './keeping.ts';

const dataset = (id: string, nx: number, ny: number, nTilts: number) => ({ id, nx, ny, nTilts }) as DatasetSummary;
const result = (id: string, datasetId: string, method: string, nx: number, ny: number, nz: number) => ({ id, datasetId, method, nx, ny, nz }) as ResultSummary;

describe('bytesToKeep', () => {
  const listed = {
    datasets: [dataset('demo', 128, 128, 41), dataset('file', 2048, 2048, 61)],
    results: [result('truth', 'demo', 'ground-truth', 128, 128, 32), result('fbp', 'demo', 'fbp', 128, 128, 32), result('big', 'file', 'fbp', 256, 256, 64)],
  };

  it('counts a result with its tilt series (and a simulation’s ground truth) until that is kept, in float32 bytes', () => {
    expect(bytesToKeep('fbp', listed, new Set())).toBe(4 * 128 * 128 * (32 + 41 + 32));
    expect(bytesToKeep('fbp', listed, new Set(['demo']))).toBe(4 * 128 * 128 * 32);
    // A small result of a large series writes the series first: 1 GiB of tilts, more than the tomogram.
    expect(bytesToKeep('big', listed, new Set())).toBe(4 * (256 * 256 * 64 + 2048 * 2048 * 61));
  });

  it('counts a data set alone, nothing once kept, and null for an id not listed', () => {
    expect(bytesToKeep('file', listed, new Set())).toBe(4 * 2048 * 2048 * 61);
    expect(bytesToKeep('file', listed, new Set(['file']))).toBe(0);
    expect(bytesToKeep('gone', listed, new Set())).toBeNull();
  });
});
