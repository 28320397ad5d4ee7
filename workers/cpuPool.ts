/**
 * The page's CPU pool (docs/cpu.md): module workers spawned by the engine worker, one per core up to 16, over
 * SharedArrayBuffer, which the page's cross-origin isolation provides (vite.config.ts). Without it the engine
 * worker's own thread does the work.
 */
import { callerPool, threadPool, type CpuPool, type PoolThread } from '../src/engine/cpu/pool.ts';

const MAX_THREADS = 16;

function pageThread(): PoolThread {
  let worker: Worker | null = null;
  let handler: Parameters<PoolThread['onReply']>[0] = () => {};
  const started = (): Worker => {
    if (worker) return worker;
    worker = new Worker(new URL('./cpuThread.ts', import.meta.url), { type: 'module', name: 'wedgelab-cpu' });
    worker.onmessage = (event: MessageEvent<string | null>) => handler(event.data);
    worker.onerror = (event) => handler(event.message || 'a CPU thread failed to start');
    return worker;
  };
  return {
    post: (message) => started().postMessage(message),
    onReply: (h) => void (handler = h),
    terminate: () => worker?.terminate(),
  };
}

export function pagePool(): CpuPool {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') return callerPool();
  const threads = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, MAX_THREADS));
  return threadPool(Array.from({ length: threads }, pageThread));
}
