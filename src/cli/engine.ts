/**
 * The engine of a command, by `--engine auto|gpu|cpu` (default auto; docs/cpu.md#choice): gpu opens WebGPU
 * (Dawn, or SwiftShader after a restart), cpu a pool of worker threads, one per core. auto takes a real GPU, and
 * the CPU when there is none or only the software adapter, unless a method named needs WebGPU.
 */
import { cpuEngine, gpuEngine, type EngineContext } from '../engine/context.ts';
import { cliPool } from './pool.ts';
import { chooseEnginePath, ENGINE_CHOICES, type AdapterFacts } from '../engine/enginePath.ts';
import { openNodeGpu } from '../engine/gpu/node.ts';
import { choiceFlag, type FlagValues } from '../engine/methods/flags.ts';
import type { ModelChoice } from '../engine/methods/modelChoice.ts';
import { methodDefinition, type MethodName, type MethodRequest } from '../engine/methods/registry.ts';
import { hasGpuDeviceNode, openCliGpu } from './gpu.ts';
import { checkModelPaths } from './models.ts';

/** A real GPU's adapter, looked for only where a GPU device exists (else Dawn finds nothing, or SwiftShader). */
async function realAdapter(): Promise<AdapterFacts> {
  if (!hasGpuDeviceNode()) return { found: false, software: false };
  const gpu = await openNodeGpu().catch(() => null);
  return { found: gpu !== null, software: gpu?.isFallbackAdapter ?? false };
}

/**
 * The engine for `values.engine`, to run `requests` (and `alsoMethods`), then the model files those requests name,
 * checked (checkModelPaths: each named model as the page lists it). In this order: without a GPU the process may
 * restart on the software adapter, and so checks the model files (and reads and warns after) once, not twice.
 */
export async function openCliEngine(
  values: FlagValues,
  requests: readonly (MethodRequest | undefined)[],
  alsoMethods: readonly MethodName[] = [],
): Promise<{ engine: EngineContext; models: Map<string, ModelChoice> }> {
  const methods = [...requests.flatMap((r) => (r ? [r.method] : [])), ...alsoMethods];
  const engine = await openEngine(values, methods);
  return { engine, models: await checkModelPaths(requests) };
}

async function openEngine(values: FlagValues, methods: readonly MethodName[]): Promise<EngineContext> {
  const choice = choiceFlag(values, 'engine', ENGINE_CHOICES) ?? 'auto';
  const needsGpu = methods.some((name) => !methodDefinition(name).cpu);
  const onCpu = choice === 'cpu' || (choice === 'auto' && !needsGpu && chooseEnginePath(choice, await realAdapter()) === 'cpu');
  return onCpu ? cpuEngine(cliPool()) : gpuEngine(await openCliGpu(), cliPool);
}
