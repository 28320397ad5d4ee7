/**
 * Which way the data's contrast runs: dense matter bright (the simulator's and the shipped models'
 * training convention, density ∝ line integral) or dark (raw cryo-EM contrast: protein absorbs and
 * scatters, so it is darker than the ice in the tilts; tomograms of raw stacks keep that sign).
 *
 * The statistic is the skewness of the tilts after a high-pass (each pixel less the mean of its
 * (2r + 1)² neighbourhood, r ≈ 1/16 of the tilt's side): compact dense objects — particles, membranes,
 * gold — are a sparse tail on the dense side of an otherwise symmetric (ice, noise) distribution, while
 * the high-pass removes the ice's thickness gradients that would skew it either way. The skewness is odd
 * (the skewness of −x is minus that of x), so flipping the data's sign flips the verdict; below 0.1 in
 * magnitude (noise dilutes the tail) the verdict is 'unclear'.
 */
import { boxMeanColumns, boxMeanLine } from './boxMean.ts';
import type { TiltSeries } from './types.ts';

export type Polarity = 'dense-bright' | 'dense-dark' | 'unclear';

/** "dense dark": a polarity in words. */
export function polarityText(polarity: Polarity): string {
  return polarity.replace('-', ' ');
}

/** |skewness| below this calls the polarity unclear. */
export const POLARITY_THRESHOLD = 0.1;

/**
 * The high-passed tilt's moments (2nd, 3rd) about its own mean, summed into `moments`. The box means go into
 * `rows` and `local`, tilt-sized float32 scratch (their sums run in float64, a column's in `sums`) the caller
 * allocates once for the whole stack: every loaded series is read so, and a fresh pair per tilt piles up garbage
 * the size of the stack.
 */
function addTiltMoments(src: Float32Array, nx: number, ny: number, r: number, moments: Float64Array, scratch: { rows: Float32Array; local: Float32Array; sums: Float64Array }): void {
  const { rows, local, sums } = scratch;
  for (let y = 0; y < ny; y++) boxMeanLine(src, rows, y * nx, nx, 1, r, 'clip');
  boxMeanColumns(rows, local, nx, ny, r, sums, 'clip');
  let mean = 0;
  for (let i = 0; i < src.length; i++) mean += src[i] - local[i];
  mean /= src.length;
  // Local sums, continued from and returned to `moments`: the same additions in the same order.
  let [m2, m3] = [moments[0], moments[1]];
  for (let i = 0; i < src.length; i++) {
    const d = src[i] - local[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  [moments[0], moments[1]] = [m2, m3];
}

/** The stack's high-pass skewness and what it says of the contrast. */
export function stackPolarity(ts: Pick<TiltSeries, 'nx' | 'ny' | 'nTilts' | 'data'>): { skewness: number; polarity: Polarity } {
  const { nx, ny, nTilts, data } = ts;
  const plane = nx * ny;
  const r = Math.max(2, Math.round(Math.min(nx, ny) / 16));
  const moments = new Float64Array(2);
  const scratch = { rows: new Float32Array(plane), local: new Float32Array(plane), sums: new Float64Array(nx) };
  for (let t = 0; t < nTilts; t++) addTiltMoments(data.subarray(t * plane, (t + 1) * plane), nx, ny, r, moments, scratch);
  const n = nTilts * plane;
  const variance = moments[0] / n;
  const skewness = variance > 0 ? moments[1] / n / variance ** 1.5 : 0;
  const polarity = skewness > POLARITY_THRESHOLD ? 'dense-bright' : skewness < -POLARITY_THRESHOLD ? 'dense-dark' : 'unclear';
  return { skewness, polarity };
}
