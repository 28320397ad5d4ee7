/**
 * The one place the page talks to the engine worker. Everything crosses through comlink;
 * callbacks are wrapped with Comlink.proxy so the worker can call back into the page.
 */
import * as Comlink from 'comlink';
import type { EngineWorkerApi } from '../../workers/api.ts';
import type { Progress } from '../engine/types.ts';

export type EngineClient = Comlink.Remote<EngineWorkerApi>;

let client: EngineClient | null = null;
let workerError: string | null = null;
const workerErrorListeners = new Set<(message: string) => void>();

function reportWorkerError(message: string): void {
  workerError = message;
  for (const listener of workerErrorListeners) listener(message);
}

export function getEngine(): EngineClient {
  if (!client) {
    const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'wedgelab-engine',
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reportWorkerError(`The engine worker failed: ${event.message || 'it could not be loaded'}`);
    });
    worker.addEventListener('messageerror', () => reportWorkerError('The engine worker sent a message that could not be read'));
    client = Comlink.wrap<EngineWorkerApi>(worker);
  }
  return client;
}

/** Subscribe to fatal worker errors (script failed to load, uncaught exception). */
export function onWorkerError(listener: (message: string) => void): () => void {
  workerErrorListeners.add(listener);
  if (workerError) listener(workerError);
  return () => workerErrorListeners.delete(listener);
}

/** A callback the worker can call across the thread boundary (progress, partial results). */
export function workerCallback<T>(callback: (value: T) => void): ((value: T) => void) & Comlink.ProxyMarked {
  return Comlink.proxy(callback);
}

export const progressProxy = (callback: (progress: Progress) => void) => workerCallback(callback);

/** Comlink re-creates thrown errors in the page; pull a readable message out of anything. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

export function isCancellation(error: unknown): boolean {
  if (error instanceof Error && error.name === 'CancelledError') return true;
  return /cancel/i.test(errorMessage(error));
}
