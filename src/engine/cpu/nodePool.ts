/**
 * The CPU pool in Node (CLI, bench, tests): one worker_threads thread per core by default. The threads load
 * TypeScript through tsx, as bin/wedgelab.js does. Each thread keeps Node alive only while it has work, so a
 * pool nobody closed does not hold the process open.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { threadPool, type CpuPool, type PartReply, type PoolThread } from './pool.ts';

/** tsx's ESM API (the `import` condition of its `./esm/api` export), found from its package.json. */
const TSX_API = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;

/** A thread's module: tsx's loader, registered in the thread itself (Node 20 does not pass --import hooks on), then the entry. */
const BOOT = `import { register } from ${JSON.stringify(TSX_API)};
register();
await import(${JSON.stringify(new URL('./nodeThread.ts', import.meta.url).href)});`;

/**
 * A thread started at its first part: a booting worker holds Node open even when unref'd, so a command that
 * fails before any CPU work would hang.
 */
function nodeThread(): PoolThread {
  let worker: Worker | null = null;
  let handler: (reply: PartReply) => void = () => {};
  let busy = 0;
  const settle = (reply: PartReply) => {
    if (--busy === 0) worker?.unref();
    handler(reply);
  };
  const started = (): Worker => {
    if (worker) return worker;
    worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(BOOT)}`));
    worker.on('message', settle);
    worker.on('error', (error) => settle(error.message));
    return worker;
  };
  return {
    post(message) {
      const thread = started();
      if (busy++ === 0) thread.ref();
      thread.postMessage(message);
    },
    onReply(h) {
      handler = h;
    },
    terminate: () => void worker?.terminate(),
  };
}

/** A pool of `threads` worker threads (default: the machine's cores). */
export function nodePool(threads = availableParallelism()): CpuPool {
  return threadPool(Array.from({ length: Math.max(1, threads) }, nodeThread));
}
