/**
 * The engine context every runner takes: which path the engine computes on, WebGPU or the CPU, with what that
 * path needs (the GPU device, or the pool of CPU threads). Methods and helpers that exist only as GPU kernels
 * ask for the GPU with requireGpu, which refuses the CPU path with one message naming them (docs/cpu.md).
 */
import { callerPool, type CpuPool } from './cpu/pool.ts';
import type { GpuContext } from './gpu/device.ts';

/**
 * The GPU path may carry `cpu`, the pool for the work that runs on the CPU whatever the path (the phase flip, also
 * inside a reconstruction that corrects the CTF by depth), started by its owner at the first need.
 */
export type EngineContext = { path: 'gpu'; gpu: GpuContext; cpu?: () => CpuPool } | { path: 'cpu'; pool: CpuPool };

export type EnginePath = EngineContext['path'];

export function gpuEngine(gpu: GpuContext, cpu?: () => CpuPool): EngineContext {
  return { path: 'gpu', gpu, ...(cpu && { cpu }) };
}

/** The CPU pool for CPU work on either path: the engine's own on the CPU path; beside the GPU, its owner's pool, or else the calling thread. */
export function cpuPoolOf(engine: EngineContext): CpuPool {
  return engine.path === 'cpu' ? engine.pool : (engine.cpu?.() ?? callerPool());
}

export function cpuEngine(pool: CpuPool): EngineContext {
  return { path: 'cpu', pool };
}

/** Thrown when GPU-only work is asked of the CPU path. */
export class GpuOnlyError extends Error {
  constructor(what: string) {
    super(`${what} runs on WebGPU only, and the engine is on the CPU path (no WebGPU adapter, or the CPU was chosen)`);
    this.name = 'GpuOnlyError';
  }
}

/** The GPU of work that has no CPU path; `what` names that work in the error the CPU path gets. */
export function requireGpu(engine: EngineContext, what: string): GpuContext {
  if (engine.path === 'gpu') return engine.gpu;
  throw new GpuOnlyError(what);
}

/** One line naming the path, for logs, labels and the page. */
export function describeEngine(engine: EngineContext): string {
  if (engine.path === 'gpu') return `WebGPU on ${engine.gpu.description}${engine.gpu.isFallbackAdapter ? ' (software adapter)' : ''}`;
  return `CPU, ${engine.pool.threads} thread${engine.pool.threads === 1 ? '' : 's'}`;
}
