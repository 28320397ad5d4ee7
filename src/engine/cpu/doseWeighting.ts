/**
 * Dose weighting on the CPU path's pool (docs/cpu.md): the filter of ../doseWeighting.ts, the tilts split over the
 * pool's threads, a few at a time so that a cancel is seen between rounds (a 4096² stack of 41 tilts takes over a
 * minute on one thread).
 */
import { doseFilter } from '../doseWeighting.ts';
import { throwIfAborted, type TiltSeries } from '../types.ts';
import { sharedCopy, sharedDoubles, type CpuPool } from './pool.ts';

/** Tilts each thread weights per round, between two looks at the cancel signal. */
const TILTS_PER_THREAD = 2;

/** doseWeightTiltSeries on `pool`; the weighted tilts are in shared memory (sharedFloats). */
export async function doseWeightOnPool(pool: CpuPool, ts: TiltSeries, signal?: AbortSignal): Promise<TiltSeries> {
  const { exposures, inverseCritical } = doseFilter(ts);
  const data = sharedCopy(ts.data);
  const shared = sharedDoubles(inverseCritical.length);
  shared.set(inverseCritical);
  const perTilt = Float64Array.from(exposures);
  const step = TILTS_PER_THREAD * pool.threads;
  for (let y0 = 0; y0 < ts.nTilts; y0 += step) {
    throwIfAborted(signal);
    await pool.run({ kernel: 'doseWeight', y0, rows: Math.min(step, ts.nTilts - y0), data, nx: ts.nx, ny: ts.ny, exposures: perTilt, inverseCritical: shared });
  }
  return { ...ts, data };
}
