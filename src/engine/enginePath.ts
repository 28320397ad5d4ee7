/**
 * Which path the engine takes (docs/cpu.md#choice): page-safe, read by the worker and the CLI. A real GPU runs
 * WebGPU; no adapter, or only a software one (SwiftShader), runs the CPU path, which is faster there for every
 * method that has one (docs/benchmarks.md). Methods without a CPU path take whatever adapter there is.
 */
import type { EnginePath } from './context.ts';

export const ENGINE_CHOICES = ['auto', 'gpu', 'cpu'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** What the machine offers: a WebGPU adapter at all, and whether it is a software one. */
export interface AdapterFacts {
  found: boolean;
  software: boolean;
}

/** The path for `choice`; under 'auto', `needsGpu` (a method without a CPU path) takes any adapter found. */
export function chooseEnginePath(choice: EngineChoice, adapter: AdapterFacts, needsGpu = false): EnginePath {
  if (choice !== 'auto') return choice;
  if (!adapter.found) return 'cpu';
  return adapter.software && !needsGpu ? 'cpu' : 'gpu';
}

/** One line for the page and the CLI's help: what WebGPU adds, and how to turn it on. */
export const WEBGPU_HINT =
  'WebGPU adds the GPU-only methods (coordinate network, reprojection tilt synthesis) and runs everything faster on a real GPU: ' +
  'in Chrome on Linux start it with --enable-unsafe-webgpu --enable-features=Vulkan (or turn on chrome://flags/#enable-unsafe-webgpu); ' +
  'on Windows and macOS it is on by default in Chrome 113 and later (check chrome://gpu, and that hardware acceleration is on in Settings → System).';
