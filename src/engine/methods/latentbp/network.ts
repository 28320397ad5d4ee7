/**
 * The latent back-projection network's three ONNX parts in onnxruntime-web (contract: models/synth/train.py):
 * - encoder: `tilts` [N, 1, H, W] → [N, C, H/4, W/4];
 * - refiner: `volume` [1, C, D, h, w] → the same shape;
 * - decoder: `latent` [N, C, h, w] → [N, 1, 4h, 4w].
 * The latent tensors live in GPU buffers on the engine's device, where the engine's C-channel projector
 * (gpu/kernels/projector.ts) reads and writes them between the parts. Backends (../../onnx/session.ts, chooseBackend):
 * - 'webgpu' (a real adapter): the parts take those buffers (Tensor.fromGpuBuffer) and leave their outputs on the
 *   GPU, so nothing between the encoder's input and the decoder's output passes through the CPU;
 * - 'wasm' (a fallback adapter such as SwiftShader, where ORT's WebGPU kernels are 30–100× slower): each part
 *   reads its input back from the GPU and uploads its output, the same interface.
 * `evaluate` runs one part on CPU arrays, for checking a user's model (../userModels.ts) where there may be no GPU.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { readFloats, uploadBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import type { ModelLibrary } from '../../onnx/library.ts';
import { chooseBackend, openSession, outputValues, type ModelBackend, type SessionOptions } from '../../onnx/session.ts';
import { SYNTH_PARTS, synthModelPart, type SynthPart } from './models.ts';

/** Spatial downsampling of the encoder (and upsampling of the decoder). */
export const LATENT_FACTOR = 4;

/** A part's output in a GPU buffer: ORT's own (freed with the tensor) or one uploaded from the wasm backend. */
export interface LatentBuffer {
  buffer: GPUBuffer;
  destroy(): void;
}

function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export class LatentbpNetwork {
  private constructor(
    /** The engine's GPU; null where only `evaluate` is used (a model's check without a GPU). */
    private readonly gpu: GpuContext | null,
    private readonly sessions: Record<SynthPart, ort.InferenceSession>,
    readonly backend: ModelBackend,
  ) {}

  static async open(gpu: GpuContext | null, models: ModelLibrary, model: string, requested: SessionOptions['backend'] = 'auto'): Promise<LatentbpNetwork> {
    const backend = chooseBackend(gpu, requested);
    const sessions: Partial<Record<SynthPart, ort.InferenceSession>> = {};
    try {
      for (const part of SYNTH_PARTS) {
        const bytes = await models.load(synthModelPart(model, part));
        sessions[part] = await openSession(gpu, bytes, backend, models.wasmUrl).catch((error: Error) => {
          throw new Error(`${part}.onnx: ${error.message}`, { cause: error });
        });
      }
    } catch (error) {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
      throw error;
    }
    return new LatentbpNetwork(gpu, sessions as Record<SynthPart, ort.InferenceSession>, backend);
  }

  /** Normalised tilts [N, H, W] on the CPU → latent tilts [N, C, H/4, W/4] on the GPU, with C. */
  async encode(tilts: Float32Array, n: number, height: number, width: number): Promise<{ latent: LatentBuffer; channels: number }> {
    const output = await this.run('encoder', new ort.Tensor('float32', tilts, [n, 1, height, width]));
    return { latent: await this.onGpu(output), channels: output.dims[1] };
  }

  /** Latent volume [C, D, h, w] in `volume` (its back-projection submitted) → refined, the same shape. */
  async refine(volume: GPUBuffer, dims: [number, number, number, number]): Promise<LatentBuffer> {
    return this.onGpu(await this.call('refiner', volume, [1, ...dims]));
  }

  /** Latent projections [N, C, h, w] in `latent` (their projection submitted) → tilts [N, 4h, 4w] on the CPU. */
  async decode(latent: GPUBuffer, dims: [number, number, number, number]): Promise<Float32Array> {
    return outputValues(await this.call('decoder', latent, dims));
  }

  /** One part on a CPU array of shape `dims`: its output's values and shape. */
  async evaluate(part: SynthPart, data: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const output = await this.run(part, new ort.Tensor('float32', data, dims));
    return { dims: output.dims, data: await outputValues(output) };
  }

  private async call(part: SynthPart, input: GPUBuffer, dims: number[]): Promise<ort.Tensor> {
    const tensor =
      this.backend === 'webgpu'
        ? ort.Tensor.fromGpuBuffer(input, { dataType: 'float32', dims })
        : new ort.Tensor('float32', await readFloats(this.engineGpu(), input, count(dims)), dims);
    return this.run(part, tensor);
  }

  private async run(part: SynthPart, input: ort.Tensor): Promise<ort.Tensor> {
    const session = this.sessions[part];
    const result = await session.run({ [session.inputNames[0]]: input });
    return result[session.outputNames[0]];
  }

  /** An output as a GPU buffer: ORT's own on WebGPU, uploaded from the wasm backend's CPU array. */
  private async onGpu(output: ort.Tensor): Promise<LatentBuffer> {
    if (output.location === 'gpu-buffer') return { buffer: output.gpuBuffer as GPUBuffer, destroy: () => output.dispose() };
    const buffer = uploadBuffer(this.engineGpu(), await outputValues(output), 'latentbp.latent');
    return { buffer, destroy: () => buffer.destroy() };
  }

  private engineGpu(): GpuContext {
    if (!this.gpu) throw new Error('the latent back-projection network keeps its latent tensors on the GPU: open it with the engine\'s GPU');
    return this.gpu;
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}
