/**
 * A refinement U-Net (models/refine/train.py) in onnxruntime-web. Contract: input `cube` float32
 * [batch, 1, nz, ny, nx] (sides multiples of 4, the tomogram normalised by its mean and std), one output of
 * the same shape. The session comes from ../../onnx/session.ts: WebGPU on a real adapter, wasm otherwise.
 * On the CPU path cubes go to the session as CPU tensors (`run`); on the GPU path they are cut into a GPU buffer
 * (./kernels.ts) and `runOnGpu` feeds that buffer to a WebGPU session as it is.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { GpuContext } from '../../gpu/device.ts';
import { readFloats } from '../../gpu/buffers.ts';
import { readOnnxGraph } from '../../onnx/graph.ts';
import { chooseBackend, openSession, outputValues, type ModelBackend, type SessionOptions } from '../../onnx/session.ts';
import type { Triple } from './cubes.ts';
import { modelFootprint, type ModelFootprint } from './footprint.ts';

export class RefineModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly backend: ModelBackend,
    /** What its activations take per voxel of a cube, from its graph: what the GPU path fits its batches to. */
    readonly footprint: ModelFootprint,
  ) {}

  static async open(gpu: GpuContext | null, modelBytes: Uint8Array, options: SessionOptions = {}): Promise<RefineModel> {
    const footprint = modelFootprint(readOnnxGraph(modelBytes));
    const backend = chooseBackend(gpu, options.backend);
    const session = await openSession(gpu, modelBytes, backend, options.wasmUrl);
    if (session.inputNames.length !== 1 || session.inputNames[0] !== 'cube' || session.outputNames.length !== 1) {
      const names = session.inputNames.join(', ');
      await session.release();
      throw new Error(`a refinement model takes one input "cube" [batch, 1, nz, ny, nx] and has one output; this one has inputs ${names}`);
    }
    return new RefineModel(session, backend, footprint);
  }

  /** The model's output for `batch` cubes of `size` (x, y, z) held in `cubes` ([cube][z][y][x]). */
  async run(cubes: Float32Array, batch: number, size: Triple): Promise<Float32Array> {
    const [cx, cy, cz] = size;
    const result = await this.session.run({ cube: new ort.Tensor('float32', cubes, [batch, 1, cz, cy, cx]) });
    return outputValues(result[this.session.outputNames[0]]);
  }

  /**
   * The GPU path: the first `count` of `batch` cubes of `size` in `cubes` ([batch, 1, cz, cy, cx], STORAGE |
   * COPY_SRC | COPY_DST, their cutting submitted) through the model, their outputs into `target` (same layout).
   * On 'webgpu' the session reads `cubes` itself (Tensor.fromGpuBuffer, always the whole batch: one shape, one
   * set of compiled kernels) and its output, left on the GPU, is copied into `target` (ORT returns a new buffer
   * per call; a copy keeps the blend kernel's bindings fixed), so no cube passes through the CPU. On 'wasm' the
   * `count` cubes are read back and their outputs written: one round trip per batch.
   */
  async runOnGpu(gpu: GpuContext, cubes: GPUBuffer, batch: number, count: number, size: Triple, target: GPUBuffer): Promise<void> {
    const [cx, cy, cz] = size;
    const cubeVoxels = cx * cy * cz;
    if (this.backend === 'wasm') {
      const out = await this.run(await readFloats(gpu, cubes, count * cubeVoxels), count, size);
      gpu.device.queue.writeBuffer(target, 0, out.buffer, out.byteOffset, out.byteLength);
      return;
    }
    const input = ort.Tensor.fromGpuBuffer(cubes, { dataType: 'float32', dims: [batch, 1, cz, cy, cx] });
    const output = (await this.session.run({ cube: input }))[this.session.outputNames[0]];
    try {
      const encoder = gpu.device.createCommandEncoder({ label: 'refineModel.output' });
      encoder.copyBufferToBuffer(output.gpuBuffer as GPUBuffer, 0, target, 0, count * cubeVoxels * 4);
      gpu.device.queue.submit([encoder.finish()]);
    } finally {
      output.dispose();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
