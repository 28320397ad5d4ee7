/**
 * The binning a stack is loaded at (docs/loading.md): the choices the page offers, and the one it suggests from the
 * stack's header size against the device's memory and the GPU's largest buffer.
 */

/** The binnings the page offers: averaging 1 × 1 (as stored) to 8 × 8 pixel blocks. */
export const LOAD_BINNINGS = [1, 2, 4, 8] as const;
export type LoadBinning = (typeof LOAD_BINNINGS)[number];
/** The user's choice: a binning, or 'auto' for the suggestion. */
export type LoadBinningChoice = LoadBinning | 'auto';

const GIB = 2 ** 30;
/** Without navigator.deviceMemory (Firefox, Safari): what one ArrayBuffer can hold in Chrome, about 2 GiB. */
const UNKNOWN_MEMORY_BUDGET = 2 * GIB;
/** The stack may take this share of the device's memory: the tomogram, its slices and the page need the rest. */
const MEMORY_SHARE = 1 / 4;

export interface DeviceLimits {
  /** navigator.deviceMemory, GiB (Chrome reports at most 8); undefined where the browser does not say. */
  deviceMemoryGiB?: number;
  /** The GPU's maxBufferSize (the worker's init()), bytes: the stack goes to the GPU in one buffer. */
  maxBufferSize?: number;
}

/** Bytes of the float32 stack at a binning (edge pixels that do not fill a block are dropped). */
export function binnedStackBytes(size: { nx: number; ny: number; nz: number }, bin: number): number {
  return 4 * Math.floor(size.nx / bin) * Math.floor(size.ny / bin) * size.nz;
}

/**
 * The smallest offered binning whose float32 stack fits comfortably: within a quarter of the device's memory (2 GiB
 * when the browser does not say) and within the GPU's largest buffer; 8 when none does.
 */
export function suggestBinning(size: { nx: number; ny: number; nz: number }, limits: DeviceLimits): LoadBinning {
  const memory = limits.deviceMemoryGiB ? limits.deviceMemoryGiB * GIB * MEMORY_SHARE : UNKNOWN_MEMORY_BUDGET;
  const budget = Math.min(memory, limits.maxBufferSize ?? Infinity);
  return LOAD_BINNINGS.find((bin) => binnedStackBytes(size, bin) <= budget) ?? 8;
}
