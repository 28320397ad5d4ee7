/**
 * Whether a tomogram fits the memory it will be held in, checked before the work so that a run too large ends in
 * one message that says how to make it smaller, not in an allocation failure partway through (or, on the command
 * line, in the OOM killer's silent end). One rule for the command line (a share of the machine's memory) and the
 * page (a share of the memory the browser reports).
 */
import { binnedLength } from '../io/binning.ts';

/** The memory a tomogram may take: a share of a whole, and the words that name the whole in a message. */
export interface MemoryBudget {
  memoryBytes: number;
  share: number;
  /** e.g. "this machine's 23.5 GiB of memory". */
  described: string;
}

const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);

/** The command line: the tomogram, in pieces, beside the tilt series and the method's buffers. */
export function machineBudget(memoryBytes: number): MemoryBudget {
  return { memoryBytes, share: 0.75, described: `this machine's ${gib(memoryBytes)} GiB of memory` };
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
  const described = deviceMemoryGiB ? `the ${gib(memoryBytes)} GiB of memory this browser reports` : `the ${gib(memoryBytes)} GiB of memory assumed where the browser does not say`;
  return { memoryBytes, share: 0.25, described };
}

/**
 * Why an nx × ny × nz float32 tomogram (with its input beside it, for `copies` 2) does not fit `budget`, in words
 * without the remedy (each caller names its own fields or flags), or null when it fits.
 */
export function tomogramMemoryProblem(shape: { nx: number; ny: number; nz: number }, budget: MemoryBudget, copies: 1 | 2 = 1): string | null {
  const { nx, ny, nz } = shape;
  const bytes = copies * 4 * nx * ny * nz;
  if (bytes <= budget.share * budget.memoryBytes) return null;
  const what = copies === 1 ? `a ${nx} × ${ny} × ${nz} tomogram is` : `a ${nx} × ${ny} × ${nz} tomogram and its result are`;
  return `${what} ${gib(bytes)} GiB of float32, more than ${budget.share * 100} % of ${budget.described}`;
}

/**
 * The page's refusal of a reconstruction whose tomogram (the series binned, `thickness` deep) does not fit the
 * browser's budget, with the form's words for the remedy; null when it fits. The form shows it under the fields and
 * the worker refuses the run with it.
 */
export function pageTomogramProblem(series: { nx: number; ny: number }, params: { binning: number; thickness: number }, deviceMemoryGiB: number | undefined): string | null {
  const shape = { nx: binnedLength(series.nx, params.binning), ny: binnedLength(series.ny, params.binning), nz: params.thickness };
  const problem = tomogramMemoryProblem(shape, browserBudget(deviceMemoryGiB));
  return problem && `${problem.charAt(0).toUpperCase()}${problem.slice(1)}: raise Binning (2 makes it a quarter) or lower Thickness`;
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
