/** Preparing a tilt series for reconstruction: binning, mean subtraction, one scale for the stack. (Checks on angles and values: io/tiltSeriesChecks.ts.) */
import { binImageInto, binnedLength } from '../../io/binning.ts';
import type { TiltSeries } from '../types.ts';

/** Average b × b pixel blocks; the remainder at the right/bottom edge is dropped. Pixel size grows by b. (io/binning.ts, as the stack reader bins at load.) */
export function binTiltSeries(ts: TiltSeries, b: number): TiltSeries {
  if (b === 1) return ts;
  const nx = binnedLength(ts.nx, b);
  const ny = binnedLength(ts.ny, b);
  const data = new Float32Array(nx * ny * ts.nTilts);
  const plane = ts.nx * ts.ny;
  for (let k = 0; k < ts.nTilts; k++) binImageInto(ts.data.subarray(k * plane, (k + 1) * plane), ts.nx, ts.ny, b, data, k * nx * ny);
  return { ...ts, nx, ny, data, pixelSize: ts.pixelSize * b };
}

/** Each projection's mean, in stack order (float64 sums). */
export function tiltMeans(ts: Pick<TiltSeries, 'nx' | 'ny' | 'nTilts' | 'data'>): number[] {
  const plane = ts.nx * ts.ny;
  return Array.from({ length: ts.nTilts }, (_, k) => {
    let sum = 0;
    for (let i = k * plane; i < (k + 1) * plane; i++) sum += ts.data[i];
    return sum / plane;
  });
}

/** A copy with each projection's mean subtracted (see CommonParams.subtractMean). */
export function subtractTiltMeans(ts: TiltSeries): TiltSeries {
  const plane = ts.nx * ts.ny;
  const data = new Float32Array(ts.data.length);
  tiltMeans(ts).forEach((mean, k) => {
    for (let i = k * plane; i < (k + 1) * plane; i++) data[i] = ts.data[i] - mean;
  });
  return { ...ts, data };
}

/**
 * A copy with one constant subtracted from every pixel (the series itself when it is 0): the local network's
 * FBP hand-over centres the stack by its mean, as the model's input is, so that an offset cannot reach it.
 */
export function subtractConstant(ts: TiltSeries, c: number): TiltSeries {
  return c === 0 ? ts : { ...ts, data: ts.data.map((v) => v - c) };
}

/**
 * One mean and standard deviation over the whole stack (float64 sums), as CryoLithe normalises its input
 * before filtering: one global scale, so relative intensities between tilts and rows are kept.
 */
export function stackMeanStd(ts: Pick<TiltSeries, 'data'>): { mean: number; std: number } {
  return meanStd([ts.data]);
}

/**
 * The same over values held in several runs, summed in their order: a tomogram's in file order (fileOrderRuns,
 * io/piecedVolume.ts), which the U-Net refinement normalises by, adds up exactly as its one array would.
 */
export function meanStd(runs: readonly Float32Array[]): { mean: number; std: number } {
  let sum = 0;
  let n = 0;
  // Indexed loops: a typed array's iterator is about ten times slower here, and every loaded stack passes through.
  for (const run of runs) {
    n += run.length;
    for (let i = 0; i < run.length; i++) sum += run[i];
  }
  const mean = sum / n;
  // Two passes: stacks with a large offset (int16 near −32 700) would lose the variance in Σv² − n·mean².
  let sumSq = 0;
  for (const run of runs) {
    for (let i = 0; i < run.length; i++) sumSq += (run[i] - mean) * (run[i] - mean);
  }
  const std = Math.sqrt(sumSq / n);
  return { mean, std: std > 0 ? std : 1 };
}

/**
 * A stack mean this many standard deviations from 0 is an offset, not projected mass: EMPIAR-10009's unsigned
 * bytes are at 3, an int16 stack near −32 700 at thousands, the simulators' objects in a vacuum box under 1.
 */
const OFFSET_IN_STDS = 2;

/**
 * Why each tilt's mean should be subtracted before reconstructing, or undefined: `subtractMean` is off and the
 * stack's mean lies more than OFFSET_IN_STDS standard deviations from 0. No volume in a finite slab projects to
 * the same constant at every angle, and FBP's ramp filter on zero-padded rows turns it into a bowl across the
 * tomogram (SIRT into streaks), which swamps the contrast that matters.
 */
export function offsetWarning(ts: Pick<TiltSeries, 'data'>, params: { subtractMean: boolean }): string | undefined {
  if (params.subtractMean) return undefined;
  const { mean, std } = stackMeanStd(ts);
  if (Math.abs(mean) <= OFFSET_IN_STDS * std) return undefined;
  const sd = Math.abs(mean) / std;
  const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
  return `the stack's mean (${round(mean)}) is ${round(sd)} standard deviations from 0, an offset that FBP and SIRT turn into a bowl and streaks across the tomogram, and each tilt's mean is not subtracted`;
}

/**
 * offsetWarning's reason as said beside a method: for one whose own result does not depend on the offset (the
 * registry's offsetFree) the warning is for its trust score's FBP, which takes the same `subtractMean`, and says so.
 */
export function offsetReasonFor(reason: string, offsetFree: boolean): string {
  return offsetFree ? `${reason} (this method removes the stack's mean itself, but the FBP its trust score is compared with does not)` : reason;
}
