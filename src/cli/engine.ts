/** The engine of a command: the GPU (Dawn, or SwiftShader after a restart) for now; see docs/cpu.md. */
import { gpuEngine, type EngineContext } from '../engine/context.ts';
import type { FlagValues } from '../engine/methods/flags.ts';
import { openCliGpu } from './gpu.ts';

export async function openCliEngine(_values: FlagValues): Promise<EngineContext> {
  return gpuEngine(await openCliGpu());
}
