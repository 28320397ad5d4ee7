import { describe, expect, it } from 'vitest';
import type { ResultSummary } from '../../../workers/api.ts';
import { rowsFilled, upsertResult } from './results.ts';

const summary = (id: string, patch: Partial<ResultSummary> = {}): ResultSummary => ({
  id,
  datasetId: 'd1',
  method: 'coordnet',
  label: id,
  params: null,
  invertAngles: false,
  nx: 8,
  ny: 64,
  nz: 4,
  pixelSize: 1,
  stats: { min: 0, max: 1, mean: 0.5, std: 0.1 },
  elapsedMs: 0,
  ...patch,
});

describe('result list helpers', () => {
  it('counts the rows that hold data', () => {
    expect(rowsFilled(summary('r1'))).toBe(64);
    expect(rowsFilled(summary('r1', { partial: { rowsDone: 16, state: 'running' } }))).toBe(16);
  });

  it('replaces a result in place or appends a new one', () => {
    const list = [summary('r1'), summary('r2', { partial: { rowsDone: 8, state: 'running' } }), summary('r3')];
    const refreshed = summary('r2', { partial: { rowsDone: 16, state: 'running' } });
    expect(upsertResult(list, refreshed).map((r) => [r.id, rowsFilled(r)])).toEqual([['r1', 64], ['r2', 16], ['r3', 64]]);
    expect(upsertResult(list, summary('r4')).map((r) => r.id)).toEqual(['r1', 'r2', 'r3', 'r4']);
  });
});
