// SessionKeeper on an in-memory folder: what a page keeps, what the next page is offered and gets back.
import { describe, expect, it } from 'vitest';
import type { TiltSeries } from '../src/engine/types.ts';
import { memoryFolder } from '../src/io/memoryFolder.ts';
import { isPieced, tomogramOf, wholeVolume, type Tomogram } from '../src/io/piecedVolume.ts';
import type { DatasetSummary, ResultSummary } from './api.ts';
import { SessionKeeper, type SessionHost } from './session.ts';

/** A worker's maps, registering restored entries under new ids as the worker does. */
function host(prefix: string): SessionHost & { datasets: Map<string, { summary: DatasetSummary; tiltSeries: TiltSeries }>; results: Map<string, { summary: ResultSummary; volume: Tomogram }> } {
  const datasets = new Map<string, { summary: DatasetSummary; tiltSeries: TiltSeries }>();
  const results = new Map<string, { summary: ResultSummary; volume: Tomogram }>();
  let n = 0;
  return {
    datasets,
    results,
    restoreDataset: (summary, tiltSeries) => {
      const restored = { ...summary, id: `${prefix}d${++n}` };
      datasets.set(restored.id, { summary: restored, tiltSeries });
      return restored;
    },
    restoreResult: (summary, volume) => {
      const restored = { ...summary, id: `${prefix}r${++n}` };
      results.set(restored.id, { summary: restored, volume });
      return restored;
    },
  };
}

const tiltSeries: TiltSeries = { nx: 2, ny: 1, nTilts: 3, data: Float32Array.from([1, 2, 3, 4, 5, 6]), tiltAngles: [-30, 0, 30], pixelSize: 2, voltage: 300 };
const dataset = { id: 'd1', name: 'Simulated demo', method: 'x' } as unknown as DatasetSummary;
const result = (id: string, method: string, fields: Partial<ResultSummary> = {}) => ({
  summary: { id, datasetId: 'd1', method, label: `${method} ${id}`, ...fields } as unknown as ResultSummary,
  volume: { nx: 2, ny: 1, nz: 1, pixelSize: 2, data: Float32Array.from([Number(id.slice(1)), -1]) },
});

describe('SessionKeeper', () => {
  it('keeps a result with its series and ground truth once, and the next page restores them under new ids', async () => {
    const folder = memoryFolder();
    const first = host('a');
    first.datasets.set('d1', { summary: dataset, tiltSeries });
    for (const r of [result('r1', 'ground-truth'), result('r2', 'fbp'), result('r3', 'gaussian', { sourceId: 'r2' }), result('r4', 'coordnet', { partial: { rowsDone: 1, state: 'cancelled' } })]) first.results.set(r.summary.id, r);
    const page = new SessionKeeper(first, async () => folder, async () => ({}));
    // Two results arriving together: their series is saved once.
    await Promise.all([page.keep('r2'), page.keep('r3'), page.keep('r4')]);
    expect(folder.files.size).toBe(2 * 4); // series, ground truth, FBP, refinement; the partial run is not kept
    expect(await page.list()).toEqual([]); // this page's own entries are not offered to it

    const second = host('b');
    const next = new SessionKeeper(second, async () => folder, async () => ({}));
    const offered = await next.list();
    expect(offered.map((item) => [item.kind, item.name, item.bytes])).toEqual([
      ['dataset', 'Simulated demo', 24],
      ['result', 'ground-truth r1', 8],
      ['result', 'fbp r2', 8],
      ['result', 'gaussian r3', 8],
    ]);
    const { datasets, results } = await next.restore();
    expect(datasets.map((d) => d.id)).toEqual(['bd1']);
    expect(second.datasets.get('bd1')?.tiltSeries).toEqual(tiltSeries);
    expect(results.map((r) => [r.label, r.datasetId])).toEqual([['ground-truth r1', 'bd1'], ['fbp r2', 'bd1'], ['gaussian r3', 'bd1']]);
    const fbp = results[1];
    expect(results[2].sourceId).toBe(fbp.id);
    expect(Array.from(wholeVolume(second.results.get(fbp.id)!.volume, 'the result').data)).toEqual([2, -1]);
    expect(await next.list()).toEqual([]);

    // A deleted result is forgotten; clear removes the rest.
    await next.forget(fbp.id);
    expect((await new SessionKeeper(host('c'), async () => folder, async () => ({})).list()).map((item) => item.name)).toEqual(['Simulated demo', 'ground-truth r1', 'gaussian r3']);
    await next.clear();
    expect(folder.files.size).toBe(0);
  });

  it('a trust score computed after its result was kept comes back with it, its refinement still pointing at its source', async () => {
    const folder = memoryFolder();
    const first = host('a');
    first.datasets.set('d1', { summary: dataset, tiltSeries });
    const made = [result('r2', 'localnet'), result('r3', 'gaussian', { sourceId: 'r2' }), result('r4', 'localnet')];
    for (const r of made) first.results.set(r.summary.id, r);
    const page = new SessionKeeper(first, async () => folder, async () => ({}));
    await Promise.all([page.keep('r2'), page.keep('r3')]);
    const trust = { verdict: 'better', difference: 0.03, heldOutSpec: 'every:4' } as unknown as ResultSummary['trust'];
    for (const r of made.slice(1)) {
      first.results.set(r.summary.id, { ...r, summary: { ...r.summary, trust } });
      await page.keepTrust(r.summary.id); // r4 was never kept: nothing to change
    }
    await page.keepTrust('r9'); // no such result
    expect(folder.files.size).toBe(2 * 3);

    const { results } = await new SessionKeeper(host('b'), async () => folder, async () => ({})).restore();
    expect(results.map((r) => [r.label, r.trust])).toEqual([['localnet r2', undefined], ['gaussian r3', trust]]);
    expect(results[1].sourceId).toBe(results[0].id);
  });

  it('a result held in pieces is kept in one file and comes back in the same pieces, every value in place', async () => {
    const folder = memoryFolder();
    const first = host('a');
    first.datasets.set('d1', { summary: dataset, tiltSeries });
    // 3 × 5 × 2 in pieces of 2, 2 and 1 rows (each nx × rows × nz, x fastest).
    const rows = [2, 2, 1];
    const pieces = rows.map((ny, k) => ({ nx: 3, ny, nz: 2, pixelSize: 2, data: Float32Array.from({ length: 3 * ny * 2 }, (_, i) => 100 * k + i) }));
    const volume = tomogramOf(pieces);
    first.results.set('r5', { summary: result('r5', 'fbp').summary, volume });
    await new SessionKeeper(first, async () => folder, async () => ({})).keep('r5');
    expect(folder.files.size).toBe(2 * 2);

    const second = host('b');
    const next = new SessionKeeper(second, async () => folder, async () => ({}));
    expect((await next.list()).find((item) => item.kind === 'result')?.bytes).toBe(4 * 3 * 5 * 2);
    const { results } = await next.restore();
    const restored = second.results.get(results[0].id)?.volume;
    expect(restored && isPieced(restored) && restored.pieces.map((p) => [p.ny, Array.from(p.data)])).toEqual(pieces.map((p) => [p.ny, Array.from(p.data)]));
    expect(restored && [restored.nx, restored.ny, restored.nz, restored.pixelSize]).toEqual([3, 5, 2, 2]);
  });

  it('a full quota rejects naming what was not kept, and leaves nothing half kept', async () => {
    const folder = memoryFolder(30);
    const page = host('a');
    page.datasets.set('d1', { summary: dataset, tiltSeries });
    page.results.set('r2', result('r2', 'fbp'));
    const keeper = new SessionKeeper(page, async () => folder, async () => ({}));
    // The series goes first, and is what the quota stops.
    await expect(keeper.keep('r2')).rejects.toThrow(/^Simulated demo is not kept for after a reload: the browser's storage quota is full/);
    expect(folder.files.size).toBe(0);
    expect(await keeper.list()).toEqual([]);
  });

  it('a browser without private storage is one message saying nothing is kept', async () => {
    const keeper = new SessionKeeper(host('a'), () => Promise.reject(new DOMException('Security error', 'SecurityError')), async () => ({}));
    await expect(keeper.list()).rejects.toThrow('nothing is kept for after a reload: this browser gives the page no private storage (Security error)');
  });

  it('data sets made from one another stay one family after a restore, named by the new ids', async () => {
    const folder = memoryFolder();
    const first = host('a');
    const member = (id: string, familyId: string) => ({ summary: { ...dataset, id, name: id, familyId }, tiltSeries });
    // d1 loaded; d2 made from it (tilts left out); d4 made from d3, which is not kept.
    for (const [id, family] of [['d1', 'd1'], ['d2', 'd1'], ['d3', 'd3'], ['d4', 'd3']]) first.datasets.set(id, member(id, family));
    for (const [id, datasetId] of [['r1', 'd1'], ['r2', 'd2'], ['r4', 'd4']]) first.results.set(id, { ...result(id, 'fbp'), summary: { ...result(id, 'fbp').summary, datasetId } });
    const page = new SessionKeeper(first, async () => folder, async () => ({}));
    for (const id of ['r1', 'r2', 'r4']) await page.keep(id);
    const { datasets } = await new SessionKeeper(host('b'), async () => folder, async () => ({})).restore();
    const byName = Object.fromEntries(datasets.map((d) => [d.name, [d.id, d.familyId]]));
    expect(byName.d2[1]).toBe(byName.d1[0]);
    expect(byName.d1[1]).toBe(byName.d1[0]);
    // Its first data set was not kept: on its own, not in a family named by an id that now means another one.
    expect(byName.d4[1]).toBe(byName.d4[0]);
  });

  it('a ground truth imported after its series was kept makes the restored series scorable', async () => {
    const folder = memoryFolder();
    const first = host('a');
    first.datasets.set('d1', { summary: { ...dataset, hasGroundTruth: false }, tiltSeries });
    first.results.set('r2', result('r2', 'fbp'));
    const page = new SessionKeeper(first, async () => folder, async () => ({}));
    await page.keep('r2');
    first.results.set('r3', result('r3', 'ground-truth'));
    await page.keep('r3');
    const { datasets } = await new SessionKeeper(host('b'), async () => folder, async () => ({})).restore();
    expect(datasets.map((d) => d.hasGroundTruth)).toEqual([true]);
  });
});
