/** What the page says about the engine's path (docs/cpu.md). */
import type { GpuState } from './store.ts';

/** Why a method without a CPU path cannot run now, or null when it can (the engine takes WebGPU for it). */
export function gpuOnlyReason(gpu: GpuState): string | null {
  if (gpu.status !== 'ready') return null;
  const { info } = gpu;
  if (info.engine === 'gpu' || (info.engineChoice === 'auto' && info.hasAdapter)) return null;
  return info.hasAdapter ? 'needs WebGPU: choose auto or WebGPU as the engine' : 'needs WebGPU, which this browser does not provide';
}
