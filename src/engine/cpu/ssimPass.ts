/**
 * SSIM of a result against its truth (metrics/quality.ts ssim3d: the same map, the same crop) on the CPU pool. The
 * rows it counts are cut into bands; each band's rows, with SSIM_RADIUS more either side for the window, are copied
 * from both tomograms (either held in pieces) into shared memory a round of bands at a time, one band a thread, and
 * each thread sums its band's map (quality.ts ssimSums, which counts only the band's own rows); the sums add up here.
 */
import type { Tomogram } from '../../io/piecedVolume.ts';
import { slabVolume, type RunOptions } from '../methods/slabs.ts';
import { checkSsimSizes, fitToTruth, SSIM_RADIUS, type FitToTruth } from '../metrics/quality.ts';
import { roundProgress, sharedDoubles, sharedFloats, type CpuPool } from './pool.ts';

/** Bytes of the two tomograms' band copies a round aims to hold at most (a band is never thinner than MIN_BAND rows). */
const ROUND_BYTES = 256 * 2 ** 20;
/** Counted rows per band at least: the window's 2·SSIM_RADIUS extra rows then cost at most half again. */
const MIN_BAND = 4 * SSIM_RADIUS;

/**
 * ssim3d(result, truth) on `pool`: the same value up to the order of the sums. `fitted`: the result's fit and the
 * truth's range, when the caller has them; `roundBytes`: the copies' size per round (tests make it small); progress
 * per round, a cancel seen between rounds.
 */
export async function ssimOfTomograms(
  result: Tomogram,
  truth: Tomogram,
  pool: CpuPool,
  options: RunOptions & { roundBytes?: number } = {},
  fitted: FitToTruth = fitToTruth(result, truth),
): Promise<number> {
  checkSsimSizes(truth, result);
  const { dataRange, fit } = fitted;
  const { nx, ny, nz } = truth;
  const r = SSIM_RADIUS;
  const roundRows = Math.floor((options.roundBytes ?? ROUND_BYTES) / (2 * 4 * nx * nz));
  // As many rows a band as a round's copies allow, but every thread a band when the rows are few.
  const fair = Math.ceil((ny - 2 * r) / pool.threads);
  const core = Math.max(options.roundBytes === undefined ? MIN_BAND : 1, Math.min(fair, Math.floor(roundRows / pool.threads) - 2 * r));
  // The rows whose window lies inside the volume, in bands of `core`.
  const bands: [number, number][] = [];
  for (let first = r; first < ny - r; first += core) bands.push([first, Math.min(ny - r, first + core)]);
  const step = roundProgress(bands.length, 'SSIM', options);
  let sum = 0;
  let count = 0;
  for (let b0 = 0; b0 < bands.length; b0 += pool.threads) {
    const round = bands.slice(b0, b0 + pool.threads);
    // Each band's rows with r more either side: inside the volume, since the counted rows keep r from its borders.
    const total = round.reduce((n, [first, end]) => n + (end - first + 2 * r) * nx * nz, 0);
    const [truthRows, resultRows] = [sharedFloats(total), sharedFloats(total)];
    const table = new Int32Array(4 * round.length);
    let offset = 0;
    for (const [i, [first, end]] of round.entries()) {
      const held = { y0: first - r, ny: end - first + 2 * r };
      const length = held.ny * nx * nz;
      slabVolume(truth, held, truthRows.subarray(offset, offset + length));
      slabVolume(result, held, resultRows.subarray(offset, offset + length));
      table.set([offset, held.ny, r, r + end - first], 4 * i);
      offset += length;
    }
    const sums = sharedDoubles(2 * round.length);
    await pool.run({ kernel: 'ssimBands', y0: b0, rows: round.length, nx, nz, bands: table, truth: truthRows, result: resultRows, dataRange, fit, sums });
    for (let i = 0; i < round.length; i++) [sum, count] = [sum + sums[2 * i], count + sums[2 * i + 1]];
    await step(round.length, 'bands of rows');
  }
  return sum / count;
}
