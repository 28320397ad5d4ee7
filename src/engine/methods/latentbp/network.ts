/**
 * The latent back-projection network's three ONNX parts in onnxruntime-web (contract: models/synth/train.py):
 * - encoder: `tilts` [N, 1, H, W] → [N, C, H/4, W/4];
 * - refiner: `volume` [1, C, D, h, w] → the same shape;
 * - decoder: `latent` [N, C, h, w] → [N, 1, 4h, 4w].
 * This class only runs the parts on ORT tensors; where the latent tensors live between them (GPU buffers on the
 * engine's device, or CPU arrays) and how they become ORT's inputs is ./latentProjection.ts. Backends
 * (../../onnx/session.ts, chooseBackend): 'webgpu' on a real adapter, sharing the engine's device, outputs left on
 * the GPU; 'wasm' on a fallback adapter (SwiftShader, where ORT's WebGPU kernels are 30–100× slower) and on the
 * CPU path (no GPU).
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { GpuContext } from '../../gpu/device.ts';
import type { ModelLibrary } from '../../onnx/library.ts';
import { chooseBackend, openSession, outputValues, type ModelBackend, type SessionOptions } from '../../onnx/session.ts';
import { SYNTH_PARTS, synthModelPart, type SynthPart } from './models.ts';

/** Spatial downsampling of the encoder (and upsampling of the decoder). */
export const LATENT_FACTOR = 4;

export class LatentbpNetwork {
  private constructor(
    private readonly sessions: Record<SynthPart, ort.InferenceSession>,
    readonly backend: ModelBackend,
  ) {}

  /** The model's parts on the backend `requested` means on `gpu` (null: no GPU, wasm). */
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
    return new LatentbpNetwork(sessions as Record<SynthPart, ort.InferenceSession>, backend);
  }

  /** Latent channels C, from the encoder's output on one 8 × 8 tilt (a user's model need not declare it). */
  async channels(): Promise<number> {
    return (await this.evaluate('encoder', new Float32Array(64), [1, 1, 8, 8])).dims[1];
  }

  /** One part on an ORT tensor; its output, on the GPU or the CPU as the backend leaves it. */
  async run(part: SynthPart, input: ort.Tensor): Promise<ort.Tensor> {
    const session = this.sessions[part];
    const result = await session.run({ [session.inputNames[0]]: input });
    return result[session.outputNames[0]];
  }

  /** One part on a CPU array of shape `dims`: its output's values and shape. */
  async evaluate(part: SynthPart, data: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const output = await this.run(part, new ort.Tensor('float32', data, dims));
    return { dims: output.dims, data: await outputValues(output) };
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}
