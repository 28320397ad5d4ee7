/**
 * A refinement U-Net (models/refine/train.py) in onnxruntime-web. Contract: input `cube` float32
 * [batch, 1, nz, ny, nx] (sides multiples of 4, the tomogram normalised by its mean and std), one output of
 * the same shape. The session comes from ../../onnx/session.ts: WebGPU on a real adapter, wasm otherwise.
 * Cubes are cut and blended on the CPU (./cubes.ts), so they go to the session as CPU tensors.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { GpuContext } from '../../gpu/device.ts';
import { chooseBackend, openSession, outputValues, type ModelBackend, type SessionOptions } from '../../onnx/session.ts';
import type { Triple } from './cubes.ts';

export class RefineModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly backend: ModelBackend,
  ) {}

  static async open(gpu: GpuContext | null, modelBytes: Uint8Array, options: SessionOptions = {}): Promise<RefineModel> {
    const backend = chooseBackend(gpu, options.backend);
    const session = await openSession(gpu, modelBytes, backend, options.wasmUrl);
    if (session.inputNames.length !== 1 || session.inputNames[0] !== 'cube' || session.outputNames.length !== 1) {
      const names = session.inputNames.join(', ');
      await session.release();
      throw new Error(`a refinement model takes one input "cube" [batch, 1, nz, ny, nx] and has one output; this one has inputs ${names}`);
    }
    return new RefineModel(session, backend);
  }

  /** The model's output for `batch` cubes of `size` (x, y, z) held in `cubes` ([cube][z][y][x]). */
  async run(cubes: Float32Array, batch: number, size: Triple): Promise<Float32Array> {
    const [cx, cy, cz] = size;
    const result = await this.session.run({ cube: new ort.Tensor('float32', cubes, [batch, 1, cz, cy, cx]) });
    return outputValues(result[this.session.outputNames[0]]);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
