/** Types shared by the engine and the layers above it: the data (from io), progress and cancellation. */

import type { Volume } from '../io/types.ts';

export type { TiltSeries, Volume } from '../io/types.ts';

/** Progress of a long computation: fraction in [0, 1] and a short human message. */
export interface Progress {
  fraction: number;
  message: string;
  /** Optional per-iteration figures, e.g. SIRT's relative reprojection residual. */
  residuals?: number[];
  /** Optional training loss per optimisation step, e.g. the coordinate network's. */
  loss?: number[];
  /** Optional live XZ section of the slab being fitted (nx × nz, x fastest), in the data's units. */
  preview?: SlabPreview;
}

/** The XZ section at tomogram row `row` while a method still works on its slab. */
export interface SlabPreview {
  row: number;
  nx: number;
  nz: number;
  data: Float32Array;
}

export type ProgressCallback = (progress: Progress) => void;

/** Raised when a run is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled by the user');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * `work`'s result, or a CancelledError as soon as `signal` aborts. For waits on GPU work, which cannot itself be
 * stopped: on a software adapter one submission can take a minute, and Cancel should answer in a moment. The work
 * already queued still runs to its end on the device (a later run queues behind it).
 */
export function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function volumeIndex(vol: Pick<Volume, 'nx' | 'ny'>, x: number, y: number, z: number): number {
  return x + vol.nx * (y + vol.ny * z);
}
