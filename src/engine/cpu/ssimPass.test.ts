// SSIM on the CPU pool in bands of rows (ssimPass.ts) against the one-thread ssim3d (metrics/quality.ts, itself checked
// against scikit-image in metrics/python.test.ts): the same value for bands of a row up to the whole, on the caller's
// thread and on two worker threads, from tomograms in one array or in pieces; and a cancel between rounds.
import { afterAll, describe, expect, it } from 'vitest';
import { ssim3d } from '../metrics/quality.ts';
import { Rng } from '../sim/random.ts';
import { CancelledError, type Volume } from '../types.ts';
import { nodePool } from './nodePool.ts';
import { callerPool, type CpuPool } from './pool.ts';
import { ssimOfTomograms } from './ssimPass.ts';
import { inPieces } from '../piecedFixture.ts';

const threads = nodePool(2);
afterAll(() => threads.close());

function pair(nx: number, ny: number, nz: number): [Volume, Volume] {
  const rng = new Rng(4);
  const truth: Volume = { nx, ny, nz, pixelSize: 1, data: Float32Array.from({ length: nx * ny * nz }, (_, i) => Math.sin(i / 9) + 0.3 * rng.normal()) };
  return [{ ...truth, data: truth.data.map((v) => 3 * v - 2 + rng.normal()) }, truth];
}

describe.each<[string, () => CpuPool]>([
  ['the caller thread', callerPool],
  ['two worker threads', () => threads],
])('ssimOfTomograms on %s', (_, pool) => {
  const [nx, ny, nz] = [14, 31, 13];
  const [result, truth] = pair(nx, ny, nz);
  const want = ssim3d(result, truth);
  const rowBytes = 2 * 4 * nx * nz;

  it.each([
    ['bands of one row', 1 + 10],
    ['bands of 3 rows', 3 + 10],
    ['bands of 8 rows', 8 + 10],
    ['the whole', 100],
  ])('gives ssim3d with %s, in one array and in pieces', async (__, rowsPerBand) => {
    const roundBytes = rowsPerBand * rowBytes * pool().threads;
    expect(await ssimOfTomograms(result, truth, pool(), { roundBytes })).toBeCloseTo(want, 12);
    expect(await ssimOfTomograms(inPieces(result, 4), inPieces(truth, 7), pool(), { roundBytes })).toBeCloseTo(want, 12);
  });

  it('gives ssim3d at its default round size, and for the smallest volume it takes (one row counted)', async () => {
    expect(await ssimOfTomograms(result, truth, pool())).toBeCloseTo(want, 12);
    const [small, smallTruth] = pair(11, 11, 11);
    expect(await ssimOfTomograms(small, smallTruth, pool())).toBeCloseTo(ssim3d(small, smallTruth), 12);
  });

  it('stops between rounds with a cancel, and refuses what ssim3d refuses', async () => {
    const controller = new AbortController();
    const run = ssimOfTomograms(result, truth, pool(), { roundBytes: 11 * rowBytes, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await expect(ssimOfTomograms(pair(10, 12, 12)[0], pair(10, 12, 12)[1], pool())).rejects.toThrow(/≥ 11/);
  });
});
