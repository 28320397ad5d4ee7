/**
 * WebGPU in Node through Dawn (the `webgpu` npm package), for the CLI, bench and tests.
 * Never imported by browser code. Dawn finds Vulkan drivers through the dynamic loader,
 * which reads LD_LIBRARY_PATH only at process start: the CLI launcher (bin/wedgelab.js)
 * re-executes itself with chromium's SwiftShader when no GPU answers.
 */
import { create, globals } from 'webgpu';
import { openGpu, type GpuContext } from './device.ts';

let cached: Promise<GpuContext> | null = null;
/** Dawn lives as long as this object is referenced: dropping it tears the device down mid-run. */
let dawn: GPU | null = null;

export function openNodeGpu(): Promise<GpuContext> {
  if (!cached) {
    Object.assign(globalThis, globals);
    dawn = create([]) as GPU;
    cached = openGpu(dawn);
  }
  return cached;
}

/** Release Dawn so that Node can exit. */
export function closeNodeGpu(): void {
  dawn = null;
  cached = null;
}
