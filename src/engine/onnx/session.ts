/**
 * Opening an onnxruntime-web session on the engine's GPU, the one place every model (local network, U-Net
 * refinement) does it. Backends (onnxruntime-web 1.30; docs/localnet.md):
 * - 'webgpu': onnxruntime-web's native WebGPU build (`onnxruntime-web/webgpu`), sharing our GPUDevice, outputs
 *   left on the GPU (preferredOutputLocation 'gpu-buffer');
 * - 'wasm': its CPU backend, chosen by 'auto' on a fallback adapter (SwiftShader), where ORT's WebGPU kernels
 *   are 30–100× slower than its wasm ones.
 * The .wasm never comes from a CDN: in Node ORT finds it in node_modules; in the browser pass `wasmUrl`
 * (./wasmUrl.browser.ts).
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { GpuContext } from '../gpu/device.ts';

export type ModelBackend = 'webgpu' | 'wasm';

export interface SessionOptions {
  /** 'auto' (default): WebGPU on a real adapter, wasm on a fallback adapter. */
  backend?: 'auto' | ModelBackend;
  /** URL of ort-wasm-simd-threaded.asyncify.wasm; needed in the browser (see ./wasmUrl.browser.ts). */
  wasmUrl?: string;
}

export function isNode(): boolean {
  return typeof process !== 'undefined' && Boolean(process.versions?.node);
}

/** The backend a request means on this GPU (null: no GPU, the wasm backend). */
export function chooseBackend(gpu: GpuContext | null, requested: SessionOptions['backend'] = 'auto'): ModelBackend {
  if (requested !== 'auto') return requested;
  return gpu && !gpu.isFallbackAdapter ? 'webgpu' : 'wasm';
}

/** A session on `backend` (the webgpu backend needs `gpu`). */
export async function openSession(gpu: GpuContext | null, modelBytes: Uint8Array, backend: ModelBackend, wasmUrl?: string): Promise<ort.InferenceSession> {
  if (wasmUrl) ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  // Node would start worker threads for wasm; one thread keeps tests and the CLI simple and exit cleanly.
  if (isNode()) ort.env.wasm.numThreads = 1;
  if (backend === 'webgpu' && !gpu) throw new Error("onnxruntime-web's WebGPU backend needs the engine's GPU");
  try {
    return await ort.InferenceSession.create(modelBytes, {
      executionProviders: backend === 'webgpu' ? [{ name: 'webgpu', device: gpu!.device }] : ['wasm'],
      ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
      graphOptimizationLevel: 'all',
      // Errors only: on WebGPU ORT warns on every session that it keeps shape ops on the CPU, which it does by
      // design; that line told users nothing and crowded the CLI's progress (levels: 2 warning, 3 error).
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw new Error(sessionErrorMessage(error), { cause: error });
  }
}

/**
 * ORT's reason in a user's words: its text is "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to
 * load model because protobuf parsing failed." for a file cut short or not ONNX at all; the callers put the file's
 * name in front.
 */
function sessionErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reason = text.replace(/^.*ERROR_MESSAGE:\s*/s, '').trim();
  if (/protobuf parsing failed/i.test(reason)) return 'not an ONNX model: its bytes do not parse (a file cut short, or another kind of file)';
  return `onnxruntime-web cannot open the model: ${reason}`;
}

/** The values of an output tensor, wherever it lives (a 'gpu-buffer' output is read back and released). */
export async function outputValues(tensor: ort.Tensor): Promise<Float32Array> {
  return (tensor.location === 'cpu' ? tensor.data : await tensor.getData(true)) as Float32Array;
}
