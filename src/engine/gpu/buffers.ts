/** Small helpers around GPU buffers: creation, upload, read-back, and dispatch sizing. */
import { formatBytes } from '../../io/bytes.ts';
import { assertDeviceAlive, type GpuContext } from './device.ts';

export function storageBuffer(gpu: GpuContext, byteLength: number, label: string): GPUBuffer {
  const size = Math.max(16, Math.ceil(byteLength / 16) * 16);
  if (size > gpu.limits.maxStorageBufferBindingSize) {
    throw new Error(
      `${label} needs ${formatBytes(size)} but this GPU binds at most ${formatBytes(gpu.limits.maxStorageBufferBindingSize)} per buffer`,
    );
  }
  // Usage flags are read at call time: in Node the WebGPU globals appear only once Dawn is loaded.
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  return gpu.device.createBuffer({ size, usage, label });
}

export function uploadBuffer(gpu: GpuContext, data: Float32Array | Uint32Array, label: string): GPUBuffer {
  const buffer = storageBuffer(gpu, data.byteLength, label);
  gpu.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

export function uniformBuffer(gpu: GpuContext, words: ArrayBuffer, label: string): GPUBuffer {
  const size = Math.max(16, Math.ceil(words.byteLength / 16) * 16);
  const buffer = gpu.device.createBuffer({ size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label });
  gpu.device.queue.writeBuffer(buffer, 0, words);
  return buffer;
}

/** Copy `floatCount` floats from a storage buffer back to the CPU. */
/**
 * A read-back that fails because the device went away says so: WebGPU itself only reports that the
 * buffer "was unmapped before mapping was resolved", and the device's lost promise may settle a
 * moment after the failed read.
 */
async function rethrowIfLost(gpu: GpuContext, error: unknown): Promise<never> {
  if (!gpu.lostReason) await Promise.race([gpu.device.lost, new Promise((resolve) => setTimeout(resolve, 100))]);
  await Promise.resolve(); // let the lost handler (device.ts) record the reason
  assertDeviceAlive(gpu);
  throw error;
}

export async function readFloats(gpu: GpuContext, source: GPUBuffer, floatCount: number, offsetFloats = 0): Promise<Float32Array> {
  assertDeviceAlive(gpu);
  const byteLength = floatCount * 4;
  const staging = gpu.device.createBuffer({ size: Math.max(16, byteLength), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = gpu.device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, offsetFloats * 4, staging, 0, byteLength);
  gpu.device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ).catch((error: unknown) => rethrowIfLost(gpu, error));
  const out = new Float32Array(staging.getMappedRange(0, byteLength).slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

/** Workgroup counts for `invocations` threads in groups of `groupSize`, split over x and y to respect the per-dimension limit. */
export function dispatchSize(gpu: GpuContext, invocations: number, groupSize: number): [number, number] {
  const groups = Math.ceil(invocations / groupSize);
  const maxPerDim = gpu.limits.maxComputeWorkgroupsPerDimension;
  const gx = Math.min(groups, maxPerDim);
  return [Math.max(1, gx), Math.max(1, Math.ceil(groups / gx))];
}

/** WGSL snippet: the flat invocation index for a dispatch made with dispatchSize(). Needs `nwg` builtin. */
export const FLAT_INDEX_WGSL = /* wgsl */ `
fn flatIndex(wid: vec3<u32>, nwg: vec3<u32>, lid: u32, groupSize: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * groupSize + lid;
}`;

/**
 * WGSL snippet: `sumToPartial(lid, value, group)` adds `value` over a workgroup of `groupSize`
 * invocations (a power of two) in workgroup memory and writes the sum to `partials[group]`. Every
 * invocation must call it (it holds barriers); the module declares the `partials` storage array.
 */
export function workgroupSumWgsl(groupSize: number): string {
  return /* wgsl */ `
var<workgroup> scratch: array<f32, ${groupSize}>;
fn sumToPartial(lid: u32, value: f32, group: u32) {
  scratch[lid] = value;
  workgroupBarrier();
  for (var stride = ${groupSize / 2}u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) { scratch[lid] += scratch[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) { partials[group] = scratch[0]; }
}`;
}

/** How a kernel sees each binding of its group 0, in binding order. */
export type BindingKind = 'uniform' | 'storage' | 'read-only-storage';

const layoutCache = new WeakMap<GPUDevice, Map<string, GPUPipelineLayout>>();

/**
 * An explicit pipeline layout: several entry points of one WGSL module then share one bind
 * group even when an entry point leaves some bindings unused ('auto' layouts would drop them).
 */
function pipelineLayout(gpu: GpuContext, kinds: readonly BindingKind[]): GPUPipelineLayout {
  let byKey = layoutCache.get(gpu.device);
  if (!byKey) layoutCache.set(gpu.device, (byKey = new Map()));
  const key = kinds.join(',');
  let layout = byKey.get(key);
  if (!layout) {
    const group = gpu.device.createBindGroupLayout({
      entries: kinds.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })),
    });
    layout = gpu.device.createPipelineLayout({ bindGroupLayouts: [group] });
    byKey.set(key, layout);
  }
  return layout;
}

/** Compile one entry point of a WGSL module against an explicit binding layout. */
export function computePipeline(
  gpu: GpuContext,
  code: string,
  label: string,
  entryPoint: string,
  kinds: readonly BindingKind[],
): GPUComputePipeline {
  const module = gpu.device.createShaderModule({ code, label });
  return gpu.device.createComputePipeline({ layout: pipelineLayout(gpu, kinds), compute: { module, entryPoint }, label });
}

/** Compile every named entry point of a module, once per device. */
export function pipelineSet<E extends string>(
  cache: WeakMap<GPUDevice, Record<E, GPUComputePipeline>>,
  gpu: GpuContext,
  code: string,
  label: string,
  entries: readonly E[],
  kinds: readonly BindingKind[],
): Record<E, GPUComputePipeline> {
  let set = cache.get(gpu.device);
  if (!set) {
    const module = gpu.device.createShaderModule({ code, label });
    const layout = pipelineLayout(gpu, kinds);
    set = Object.fromEntries(
      entries.map((e) => [e, gpu.device.createComputePipeline({ layout, compute: { module, entryPoint: e }, label: `${label}.${e}` })]),
    ) as Record<E, GPUComputePipeline>;
    cache.set(gpu.device, set);
  }
  return set;
}

export function bindGroup(gpu: GpuContext, pipeline: GPUComputePipeline, buffers: GPUBuffer[], label: string): GPUBindGroup {
  return gpu.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    label,
  });
}

/** Encode one compute pass. */
export function encodeDispatch(
  encoder: GPUCommandEncoder,
  pipeline: GPUComputePipeline,
  group: GPUBindGroup,
  workgroups: [number, number] | [number, number, number],
): void {
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2] ?? 1);
  pass.end();
}
