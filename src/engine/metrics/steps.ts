/**
 * A long single-threaded score (the PSNR's wedge sides, wedgePsnr.ts) written as a generator that yields the fraction
 * done after each plane, so that one body serves both callers: a plain function runs it to its end at once (drain),
 * and truthScores runs it with progress and a turn of the event loop now and then, where a cancel arrives (stepped).
 */
import { throwIfAborted, type Progress } from '../types.ts';

/** A score computed in steps: yields the fraction done (0–1), returns the score. */
export type Steps<T> = Generator<number, T>;

/** Run the steps to their end at once. */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** How often (ms) stepped() reports and lets the event loop turn. */
const TURN_MS = 50;

/**
 * Run the steps, telling `onProgress` "`what`" with the fraction done and checking `signal` at most every TURN_MS,
 * after a turn of the event loop (where a cancel sent meanwhile is seen).
 */
export async function stepped<T>(steps: Steps<T>, what: string, options: { signal?: AbortSignal; onProgress?: (progress: Progress) => void }): Promise<T> {
  let last = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - last < TURN_MS) continue;
    options.onProgress?.({ fraction: next.value, message: what });
    await new Promise((resolve) => setTimeout(resolve, 0));
    throwIfAborted(options.signal);
    last = performance.now();
  }
}
