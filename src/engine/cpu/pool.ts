/**
 * The pool of CPU threads the engine's CPU path runs its kernels on (docs/cpu.md). A task works on a range of
 * rows along the tilt axis (slabs along y, as on the GPU); the pool cuts [0, rows) into one contiguous part per
 * thread. The arrays a task writes must live in SharedArrayBuffers (sharedFloats) when the pool has threads of
 * its own; Node (worker_threads) and the page (module workers) each wrap their workers in PoolThread.
 */
import { runTask, type CpuTask } from './tasks.ts';
import { throwIfAborted, type Progress } from '../types.ts';

export interface CpuPool {
  /** Threads the work is split over (1: the calling thread alone). */
  readonly threads: number;
  /** Run `task` over its rows [0, task.rows), split over the threads; resolves when every part is done. */
  run(task: CpuTask): Promise<void>;
  /** End the threads; the pool is unusable after. */
  close(): void;
}

/** Float32 storage that pool threads can write into: shared memory when the platform allows it. */
export function sharedFloats(length: number): Float32Array {
  if (typeof SharedArrayBuffer === 'undefined') return new Float32Array(length);
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** Float64 storage that pool threads can write into (sharedFloats). */
export function sharedDoubles(length: number): Float64Array {
  if (typeof SharedArrayBuffer === 'undefined') return new Float64Array(length);
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

/** A copy of `bytes` in shared memory (sharedFloats): a mask every thread reads, passed without a copy per task. */
export function sharedBytes(bytes: Uint8Array): Uint8Array {
  if (typeof SharedArrayBuffer === 'undefined') return bytes;
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/** A copy of `data` in shared memory (sharedFloats). */
export function sharedCopy(data: Float32Array): Float32Array {
  const out = sharedFloats(data.length);
  out.set(data);
  return out;
}

/** The pool of one thread, the caller's own: tests, and pages without cross-origin isolation. */
export function callerPool(): CpuPool {
  return {
    threads: 1,
    run: async (task) => runTask(task, 0, task.rows),
    close: () => {},
  };
}

/** The message a pool thread receives: a task and the part of its rows to do. */
export interface PartMessage {
  task: CpuTask;
  r0: number;
  r1: number;
}

/** What a pool thread answers for each part: null when done, else the error's message. */
export type PartReply = string | null;

/** A worker as the pool sees it, whatever the platform. */
export interface PoolThread {
  post(message: PartMessage): void;
  /** Called with each reply, in order. */
  onReply(handler: (reply: PartReply) => void): void;
  terminate(): void;
}

/** Contiguous parts of [0, rows), at most `parts` of them, none empty. */
export function splitRows(rows: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, rows));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) out.push([Math.floor((rows * i) / n), Math.floor((rows * (i + 1)) / n)]);
  return out.filter(([r0, r1]) => r1 > r0);
}

/** A pool over platform threads; one task at a time (runs are queued). */
export function threadPool(threads: PoolThread[]): CpuPool {
  const waiting: ((reply: PartReply) => void)[][] = threads.map(() => []);
  threads.forEach((thread, i) => thread.onReply((reply) => waiting[i].shift()?.(reply)));
  let queue: Promise<unknown> = Promise.resolve();
  const runNow = async (task: CpuTask): Promise<void> => {
    const parts = splitRows(task.rows, threads.length);
    const replies = parts.map(
      ([r0, r1], i) =>
        new Promise<PartReply>((resolve) => {
          waiting[i].push(resolve);
          threads[i].post({ task, r0, r1 });
        }),
    );
    const failed = (await Promise.all(replies)).find((reply) => reply !== null);
    if (failed) throw new Error(`CPU thread failed: ${failed}`);
  };
  return {
    threads: threads.length,
    run(task) {
      const next = queue.then(() => runNow(task));
      queue = next.catch(() => {});
      return next;
    },
    close: () => threads.forEach((thread) => thread.terminate()),
  };
}

/** The body of every pool thread: run the part, say how it went. */
export function runPart({ task, r0, r1 }: PartMessage): PartReply {
  try {
    runTask(task, r0, r1);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Progress over rounds of pool work, counted in any unit (lines, bands) out of `total`: `step(done, stage)` after a
 * round tells "`what`: `stage`" at the fraction done, then lets the event loop turn once, so that a cancel sent
 * meanwhile is seen (thrown here). A cancel sent before the first round is seen at once.
 */
export function roundProgress(total: number, what: string, options: { signal?: AbortSignal; onProgress?: (p: Progress) => void }): (done: number, stage: string) => Promise<void> {
  let done = 0;
  throwIfAborted(options.signal);
  return async (count, stage) => {
    done += count;
    options.onProgress?.({ fraction: Math.min(1, done / total), message: `${what}: ${stage}` });
    await new Promise((resolve) => setTimeout(resolve, 0));
    throwIfAborted(options.signal);
  };
}
