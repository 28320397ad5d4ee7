/**
 * Whether a tomogram fits the memory it will be held in, checked before the work so that a run too large ends in
 * one message that says how to make it smaller, not in an allocation failure partway through (or, on the command
 * line, in the OOM killer's silent end). One rule for the command line (a share of the machine's memory) and the
 * page (a share of the memory the browser reports).
 */
import { binnedLength } from '../io/binning.ts';
import { formatBytes } from '../io/bytes.ts';
import { defaultThickness } from './methods/common.ts';

/** The memory a tomogram may take: a share of a whole, and the words that name the whole in a message. */
export interface MemoryBudget {
  memoryBytes: number;
  share: number;
  /** e.g. "this machine's 23.46 GiB of memory". */
  described: string;
}

/** The command line: the tomogram, in pieces, beside the tilt series and the method's buffers. */
export function machineBudget(memoryBytes: number): MemoryBudget {
  return { memoryBytes, share: 0.75, described: `this machine's ${formatBytes(memoryBytes)} of memory` };
}

/** The device's memory as a browser reports it, GiB (Chrome's navigator.deviceMemory, in the page or a worker); undefined where it does not. */
export function reportedDeviceMemoryGiB(): number | undefined {
  return (globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined)?.deviceMemory;
}

/** Taken for a browser that does not report its device's memory (navigator.deviceMemory: Firefox, Safari). */
const ASSUMED_DEVICE_GIB = 8;

/**
 * The page: a quarter of the memory the browser reports. Measured in Chrome on a 24 GB machine that reports 16 GiB:
 * one worker could hold 15.75 GiB of arrays in all, and with the tilt series and the method's buffers beside it an
 * FBP of 2048 × 2048 × 256 (4 GiB) ran while 2048 × 2048 × 512 (8 GiB) failed to allocate partway through.
 */
export function browserBudget(deviceMemoryGiB: number | undefined): MemoryBudget {
  const memoryBytes = (deviceMemoryGiB || ASSUMED_DEVICE_GIB) * 2 ** 30;
  const described = deviceMemoryGiB ? `the ${formatBytes(memoryBytes)} of memory this browser reports` : `the ${formatBytes(memoryBytes)} of memory assumed where the browser does not say`;
  return { memoryBytes, share: 0.25, described };
}

/**
 * Why an nx × ny × nz float32 tomogram (with its input beside it, for `copies` 2) does not fit `budget`, in words
 * without the remedy (each caller names its own fields or flags), or null when it fits.
 */
export function tomogramMemoryProblem(shape: { nx: number; ny: number; nz: number }, budget: MemoryBudget, copies = 1): string | null {
  const { nx, ny, nz } = shape;
  const bytes = copies * 4 * nx * ny * nz;
  if (bytes <= budget.share * budget.memoryBytes) return null;
  const size = `${nx} × ${ny} × ${nz}`;
  const what = copies === 1 ? `a ${size} tomogram is` : copies === 2 ? `a ${size} tomogram and its result are` : `${copies} volumes of ${size} are`;
  return `${what} ${formatBytes(bytes)} of float32, more than ${budget.share * 100} % of ${budget.described}`;
}

/** The tomogram a reconstruction of `series` makes: the series binned, `thickness` deep. */
function binnedTomogram(series: { nx: number; ny: number }, params: { binning: number; thickness: number }): { nx: number; ny: number; nz: number } {
  return { nx: binnedLength(series.nx, params.binning), ny: binnedLength(series.ny, params.binning), nz: params.thickness };
}

/**
 * The page's refusal of a reconstruction whose tomogram (the series binned, `thickness` deep) does not fit the
 * browser's budget, with the form's words for the remedy; null when it fits. The form shows it under the fields and
 * the worker refuses the run with it.
 */
export function pageTomogramProblem(series: { nx: number; ny: number }, params: { binning: number; thickness: number }, deviceMemoryGiB: number | undefined): string | null {
  const problem = tomogramMemoryProblem(binnedTomogram(series, params), browserBudget(deviceMemoryGiB));
  return problem && `${problem.charAt(0).toUpperCase()}${problem.slice(1)}: raise Binning (2 makes it a quarter) or lower Thickness`;
}

/** The form's largest Binning. */
const MAX_FORM_BINNING = 16;

/**
 * The form's defaults for a data set: the smallest Binning, a power of two as usual, whose default-thickness
 * tomogram (a quarter of the binned width) fits the page's budget, so that a first Run on a large series is not
 * refused (2048 × 2048 at bin 1 would be 2048 × 2048 × 512, 8 GiB); `why` says so when that is not 1.
 */
export function pageDefaultBinning(series: { nx: number; ny: number }, deviceMemoryGiB: number | undefined): { binning: number; thickness: number; why: string | null } {
  const budget = browserBudget(deviceMemoryGiB);
  const problemAt = (binning: number) => tomogramMemoryProblem(binnedTomogram(series, { binning, thickness: defaultThickness(series, binning) }), budget);
  const unbinned = problemAt(1);
  let binning = 1;
  while (binning < MAX_FORM_BINNING && problemAt(binning)) binning *= 2;
  return { binning, thickness: defaultThickness(series, binning), why: unbinned && `Binning ${binning} by default: at 1, ${unbinned}` };
}

/**
 * An allocation that failed partway through a page's job, which the check before a run did not foresee (the page's
 * other results, other tabs): said as memory, with what to do, in place of the browser's bare RangeError; any other
 * error as it is.
 */
export function outOfMemory(error: unknown): unknown {
  if (!(error instanceof RangeError && /allocation failed/i.test(error.message))) return error;
  return new Error(`out of memory (${error.message}): delete results you no longer need, or work binned or thinner (Binning, Thickness)`, { cause: error });
}
