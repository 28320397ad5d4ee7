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
/** Whether GPUQueue.writeBuffer is wrapped already (serveOnnxRuntime; once per process). */
let sharedWritesServed = false;

export function openNodeGpu(): Promise<GpuContext> {
  if (!cached) {
    Object.assign(globalThis, globals);
    dawn = create([]) as GPU;
    serveOnnxRuntime(dawn);
    cached = openGpu(dawn);
  }
  return cached;
}

/**
 * What onnxruntime-web's WebGPU backend (methods/localnet/model.ts) needs from Dawn in Node, as a page would give it:
 * - `navigator.gpu`, which it checks and asks for an adapter once, at its first WebGPU session (Node 20
 *   has no navigator); it is the current Dawn instance;
 * - `queue.writeBuffer` from its wasm memory. That memory is a SharedArrayBuffer (the threaded build), and
 *   Dawn's bindings reject shared views ("Invalid argument"), so such a view is copied first.
 */
function serveOnnxRuntime(gpu: GPU): void {
  Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis as { navigator?: object }).navigator, gpu }, configurable: true, writable: true });
  if (sharedWritesServed) return;
  sharedWritesServed = true;
  const queue = (globals as unknown as { GPUQueue: { prototype: GPUQueue } }).GPUQueue.prototype;
  const writeBuffer = queue.writeBuffer;
  queue.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, offset: number, data: GPUAllowSharedBufferSource, dataOffset?: number, size?: number) {
    if (!ArrayBuffer.isView(data) || !(data.buffer instanceof SharedArrayBuffer)) return writeBuffer.call(this, buffer, offset, data, dataOffset, size);
    // dataOffset and size count elements of a typed array, bytes of a DataView (WebGPU's writeBuffer).
    const element = 'BYTES_PER_ELEMENT' in data ? (data.BYTES_PER_ELEMENT as number) : 1;
    const start = data.byteOffset + (dataOffset ?? 0) * element;
    const bytes = size === undefined ? data.byteLength - (dataOffset ?? 0) * element : size * element;
    return writeBuffer.call(this, buffer, offset, new Uint8Array(data.buffer, start, bytes).slice());
  };
}

/** Release Dawn so that Node can exit. */
export function closeNodeGpu(): void {
  dawn = null;
  cached = null;
}
