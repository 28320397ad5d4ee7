/**
 * The latent back-projection network's three ONNX parts in onnxruntime-web (contract: models/synth/train.py):
 * - encoder: `tilts` [N, 1, H, W] → [N, C, H/4, W/4];
 * - refiner: `volume` [1, C, D, h, w] → the same shape;
 * - decoder: `latent` [N, C, h, w] → [N, 1, 4h, 4w].
 * First version: all three on onnxruntime's wasm backend, whatever the GPU. Between them the engine's projector
 * runs on the GPU one channel at a time (./run.ts), so every tensor passes through the CPU anyway; keeping the
 * latent tensors on the GPU (ORT's WebGPU backend, a C-channel projector kernel) is the next step.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { ModelLibrary } from '../../onnx/library.ts';
import { openSession } from '../../onnx/session.ts';
import { SYNTH_PARTS, synthModelPart, type SynthPart } from './models.ts';

/** Spatial downsampling of the encoder (and upsampling of the decoder). */
export const LATENT_FACTOR = 4;

export class LatentbpNetwork {
  readonly backend = 'wasm';

  private constructor(private readonly sessions: Record<SynthPart, ort.InferenceSession>) {}

  static async open(models: ModelLibrary, model: string): Promise<LatentbpNetwork> {
    const sessions: Partial<Record<SynthPart, ort.InferenceSession>> = {};
    try {
      for (const part of SYNTH_PARTS) {
        const bytes = await models.load(synthModelPart(model, part));
        sessions[part] = await openSession(null, bytes, 'wasm', models.wasmUrl).catch((error: Error) => {
          throw new Error(`${part}.onnx: ${error.message}`, { cause: error });
        });
      }
    } catch (error) {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
      throw error;
    }
    return new LatentbpNetwork(sessions as Record<SynthPart, ort.InferenceSession>);
  }

  /** Normalised tilts [N, H, W] → latent tilts [N, C, H/4, W/4], with C. */
  async encode(tilts: Float32Array, n: number, height: number, width: number): Promise<{ latent: Float32Array; channels: number }> {
    const out = await this.call('encoder', tilts, [n, 1, height, width]);
    return { latent: out.data as Float32Array, channels: out.dims[1] };
  }

  /** Latent volume [C, D, h, w] → refined, same shape. */
  async refine(volume: Float32Array, dims: [number, number, number, number]): Promise<Float32Array> {
    return (await this.call('refiner', volume, [1, ...dims])).data as Float32Array;
  }

  /** Latent projections [N, C, h, w] → tilts [N, 4h, 4w]. */
  async decode(latent: Float32Array, dims: [number, number, number, number]): Promise<Float32Array> {
    return (await this.call('decoder', latent, dims)).data as Float32Array;
  }

  private async call(part: SynthPart, data: Float32Array, dims: number[]): Promise<ort.Tensor> {
    const session = this.sessions[part];
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
    return result[session.outputNames[0]];
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}
