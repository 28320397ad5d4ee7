/**
 * A local-reconstruction model (CryoLithe layout) in onnxruntime-web, on the engine's own GPUDevice.
 *
 * Model contract (models/tiny/README.md): inputs `patches` [batch, nTilts, P, P] float32 (the layout
 * of methods/localnet/patches.ts) and `angles` [nTilts] float32 in degrees; one output [batch, nOut], nOut = 1
 * (a voxel) or 8 (bior3.1 sub-bands, reference/wavelet3d.ts). P and nOut are read from the model.
 *
 * Backends (onnxruntime-web 1.30; docs/localnet.md):
 * - 'webgpu': onnxruntime-web's native WebGPU build (`onnxruntime-web/webgpu`; the default import is the
 *   older JSEP backend, which ignores a device passed to it). The session shares our GPUDevice, takes the
 *   patch buffer with Tensor.fromGpuBuffer and leaves its output on the GPU (preferredOutputLocation
 *   'gpu-buffer'), so neither patches nor outputs travel to the CPU; the output is copied into our buffer.
 * - 'wasm': onnxruntime's CPU backend. Chosen by 'auto' on a fallback adapter (SwiftShader), where ORT's
 *   WebGPU kernels are 30–100× slower than its wasm ones. The patches are then read back once per batch
 *   and the outputs written back: the one CPU round trip of the pipeline.
 * Both run in Node too (Dawn), where gpu/node.ts gives ORT's WebGPU backend the `navigator.gpu` and the
 * shared-memory buffer writes it expects from a page.
 * WebGPU sin/cos are only specified to 2^-11 absolute (SwiftShader's is off by ~2e-4), so on the 'webgpu'
 * backend a model's angle encoding, and with it the output, can differ from a CPU evaluation by ~1e-4.
 *
 * The .wasm (ort-wasm-simd-threaded.asyncify.wasm) never comes from a CDN: in Node (tests, CLI) ORT finds
 * it next to its own module in node_modules; in the browser, pass `wasmUrl` from ./wasmUrl.browser.ts,
 * a Vite `?url` import that bundles the file (Vite's dependency pre-bundling would otherwise move ORT's
 * module away from its .wasm).
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { GpuContext } from '../../gpu/device.ts';
import { readFloats } from '../../gpu/buffers.ts';

export type ModelBackend = 'webgpu' | 'wasm';

export interface LocalModelOptions {
  /** 'auto' (default): WebGPU on a real adapter, wasm on a fallback adapter. */
  backend?: 'auto' | ModelBackend;
  /** URL of ort-wasm-simd-threaded.asyncify.wasm; needed in the browser (see ./wasmUrl.browser.ts). */
  wasmUrl?: string;
}

export function isNode(): boolean {
  return typeof process !== 'undefined' && Boolean(process.versions?.node);
}

function dimension(meta: ort.InferenceSession.ValueMetadata | undefined, axis: number): number | null {
  if (!meta?.isTensor) return null;
  const d = meta.shape[axis];
  return typeof d === 'number' && d > 0 ? d : null;
}

export class LocalModel {
  private readonly outputName: string;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly session: ort.InferenceSession,
    readonly backend: ModelBackend,
    /** Patch size P the model was built for. */
    readonly patch: number,
    /** Values per point: 1 (voxel variant) or 8 (wavelet variant). */
    readonly outputs: number,
  ) {
    this.outputName = session.outputNames[0];
  }

  static async open(gpu: GpuContext, modelBytes: Uint8Array, options: LocalModelOptions = {}): Promise<LocalModel> {
    const requested = options.backend ?? 'auto';
    const backend: ModelBackend = requested === 'auto' ? (gpu.isFallbackAdapter ? 'wasm' : 'webgpu') : requested;
    if (options.wasmUrl) ort.env.wasm.wasmPaths = { wasm: options.wasmUrl };
    // Node would start worker threads for wasm; one thread keeps tests and the CLI simple and exit cleanly.
    if (isNode()) ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(modelBytes, {
      executionProviders: backend === 'webgpu' ? [{ name: 'webgpu', device: gpu.device }] : ['wasm'],
      ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
      graphOptimizationLevel: 'all',
    });
    const names = session.inputNames;
    if (!names.includes('patches') || !names.includes('angles') || session.outputNames.length !== 1) {
      await session.release();
      throw new Error(`a local reconstruction model takes inputs "patches" and "angles" and has one output; this one has inputs ${names.join(', ')}`);
    }
    const patch = dimension(
      session.inputMetadata.find((m) => m.name === 'patches'),
      3,
    );
    const outputs = dimension(session.outputMetadata[0], 1);
    if (!patch || (outputs !== 1 && outputs !== 8)) {
      await session.release();
      throw new Error(`the model's patches must be [batch, nTilts, P, P] with a fixed P and its output [batch, 1] or [batch, 8] (got P ${patch}, ${outputs} outputs)`);
    }
    return new LocalModel(gpu, session, backend, patch, outputs);
  }

  /**
   * Evaluate `batch` points whose patches are in `patches` ([batch, nTilts, P, P], STORAGE | COPY_SRC |
   * COPY_DST, their extraction already submitted), and copy the first `count` points' outputs
   * (count · outputs floats) into `target` from float `targetOffset` on.
   */
  async run(patches: GPUBuffer, batch: number, angles: Float32Array, target: GPUBuffer, targetOffset: number, count: number): Promise<void> {
    const dims = [batch, angles.length, this.patch, this.patch];
    const anglesTensor = new ort.Tensor('float32', angles, [angles.length]);
    const floats = count * this.outputs;
    if (this.backend === 'webgpu') {
      const input = ort.Tensor.fromGpuBuffer(patches, { dataType: 'float32', dims });
      const result = await this.session.run({ patches: input, angles: anglesTensor });
      const output = result[this.outputName];
      try {
        const encoder = this.gpu.device.createCommandEncoder({ label: 'localModel.output' });
        encoder.copyBufferToBuffer(output.gpuBuffer as GPUBuffer, 0, target, targetOffset * 4, floats * 4);
        this.gpu.device.queue.submit([encoder.finish()]);
      } finally {
        output.dispose();
      }
      return;
    }
    // wasm: one read-back of the batch's patches, one upload of its outputs.
    const data = await readFloats(this.gpu, patches, batch * angles.length * this.patch * this.patch);
    const result = await this.session.run({ patches: new ort.Tensor('float32', data, dims), angles: anglesTensor });
    const out = result[this.outputName].data as Float32Array;
    this.gpu.device.queue.writeBuffer(target, targetOffset * 4, out.buffer, out.byteOffset, floats * 4);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
