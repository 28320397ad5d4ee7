// The CPU path's stack alignment (alignStack.ts, a section a thread) against the plain TypeScript reference
// (reference/alignment.ts, float64, one thread) on random stacks and random affine maps: kept sections out of order,
// an output size other than the raw one, samples outside the raw image; on the caller's thread and two threads.
import { afterAll, describe, expect, it } from 'vitest';
import type { Affine2D } from '../../io/alignmentFiles.ts';
import { alignStackCpu } from '../reference/alignment.ts';
import { Rng } from '../sim/random.ts';
import { CancelledError } from '../types.ts';
import { alignStackOnPool } from './alignStack.ts';
import { nodePool } from './nodePool.ts';
import { callerPool, type CpuPool } from './pool.ts';

const threads = nodePool(2);
afterAll(() => threads.close());

const rng = new Rng(17);
const raw = { nx: 37, ny: 29, nSections: 6, data: Float32Array.from({ length: 37 * 29 * 6 }, () => rng.normal()) };
/** A rotation of up to ±40°, a scale of 0.85–1.15 and a shift of up to ±6 pixels: some samples fall outside the raw image. */
function randomMap(): Affine2D {
  const [angle, scale] = [rng.uniform(-40, 40) * (Math.PI / 180), rng.uniform(0.85, 1.15)];
  const [c, s] = [scale * Math.cos(angle), scale * Math.sin(angle)];
  return { xx: c, xy: -s, yx: s, yy: c, x0: rng.uniform(-6, 6), y0: rng.uniform(-6, 6) };
}
const alignment = { keptSections: [4, 0, 2, 5, 1], transforms: Array.from({ length: 5 }, randomMap) };

describe.each<[string, () => CpuPool]>([
  ['the caller thread', callerPool],
  ['two worker threads', () => threads],
])('alignStackOnPool on %s', (_, pool) => {
  it('gives the reference resampling of every kept section, at the raw size and at another', async () => {
    for (const outputSize of [undefined, { nx: 31, ny: 34 }]) {
      const want = alignStackCpu(raw, alignment, 1, outputSize);
      const got = await alignStackOnPool(raw, alignment, pool(), { outputSize });
      expect([got.nx, got.ny, got.nSections]).toEqual([want.nx, want.ny, want.nSections]);
      const worst = got.data.reduce((m, v, i) => Math.max(m, Math.abs(v - want.data[i])), 0);
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('stops between rounds when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new CancelledError());
    await expect(alignStackOnPool(raw, alignment, pool(), { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
