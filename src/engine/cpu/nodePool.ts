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

function nodeThread(): PoolThread {
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(BOOT)}`));
  worker.unref();
  let busy = 0;
  return {
    post(message) {
      if (busy++ === 0) worker.ref();
      worker.postMessage(message);
    },
    onReply(handler) {
      const settle = (reply: PartReply) => {
        if (--busy === 0) worker.unref();
        handler(reply);
      };
      worker.on('message', settle);
      worker.on('error', (error) => settle(error.message));
    },
    terminate: () => void worker.terminate(),
  };
}

/** A pool of `threads` worker threads (default: the machine's cores). */
export function nodePool(threads = availableParallelism()): CpuPool {
  return threadPool(Array.from({ length: Math.max(1, threads) }, nodeThread));
}
