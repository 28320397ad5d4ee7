/**
 * A local-reconstruction model (CryoLithe layout) in onnxruntime-web, on the engine's own GPUDevice.
 *
 * Model contract (models/tiny/README.md): inputs `patches` [batch, nTilts, P, P] float32 (the layout
 * of methods/localnet/patches.ts) and `angles` [nTilts] float32 in degrees; one output [batch, nOut], nOut = 1
 * (a voxel) or 8 (bior3.1 sub-bands, reference/wavelet3d.ts). P and nOut are read from the model.
 *
 * Backends and the session: ../../onnx/session.ts. On 'webgpu' the session takes the patch buffer with
 * Tensor.fromGpuBuffer and leaves its output on the GPU, so neither patches nor outputs travel to the CPU; the
 * output is copied into our buffer. On 'wasm' the patches are read back once per batch and the outputs written
 * back: the one CPU round trip of the pipeline. Both run in Node too (Dawn), where gpu/node.ts gives ORT's
 * WebGPU backend the `navigator.gpu` and the shared-memory buffer writes it expects from a page.
 * WebGPU sin/cos are only specified to 2^-11 absolute (SwiftShader's is off by ~2e-4), so on the 'webgpu'
 * backend a model's angle encoding, and with it the output, can differ from a CPU evaluation by ~1e-4.
 *
 * Polarity: a model must not fill the wedge with structure of the wrong sign when the data's contrast is
 * inverted (dense matter dark, as in raw cryo-EM stacks), so every model is run as an odd function of its
 * patches, g(−x) = −g(x). Models made by models/localnet/train.py are odd by construction; `open` checks
 * that on random patches (odd: f(x) + f(−x) ≈ 0) and any other model (an older or a user's one) is run as
 * g(x) = (f(x) − f(−x))/2: two model calls per batch and, on the WebGPU backend, one round trip of the
 * batch through the CPU. An offset cannot matter either way: the stack's mean is subtracted before the model.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { GpuContext } from '../../gpu/device.ts';
import { readFloats } from '../../gpu/buffers.ts';
import { chooseBackend, openSession, outputValues, type ModelBackend, type SessionOptions } from '../../onnx/session.ts';
import { patchBytesPerPoint } from './patches.ts';

export { isNode, type ModelBackend } from '../../onnx/session.ts';

export interface LocalModelOptions extends SessionOptions {
  /** Run a model that is not odd as its odd part (default true); false to check a graph against its export, or as the run asks (`asTrained`). */
  oddPart?: boolean;
}

/**
 * Patch bytes per session call when the patches are on the CPU. onnxruntime-web's wasm heap holds 4 GiB at
 * most, and a model's activations are several times its patches: 4096 points of a two-scale model's 33 × 33
 * patches at 88 tilts (1.6 GB) ran out of it. 128 MiB keeps the CPU path's 4096 points of 11 × 11 patches at
 * up to 64 tilts in one call, as before, and sizes that path's batches (cpu.ts, cpuBatch).
 */
const MAX_CALL_PATCH_BYTES = 128 * 2 ** 20;

/** Relative size of f(x) + f(−x) below which a model counts as odd (float32 rounding, and the WebGPU sin/cos). */
const ODD_TOLERANCE = 1e-3;

/** Seeded patches in [−0.25, 0.25) (a normalised, filtered stack's range), from a small linear congruential generator. */
function probePatches(count: number): Float32Array {
  let state = 12345;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 33 - 0.25;
  });
}

/** The model's output for patches held on the CPU ([batch, nTilts, P, P] as `dims`). */
async function evaluateOnCpu(session: ort.InferenceSession, patches: Float32Array, dims: number[], angles: ort.Tensor): Promise<Float32Array> {
  const result = await session.run({ patches: new ort.Tensor('float32', patches, dims), angles });
  return outputValues(result[session.outputNames[0]]);
}

function dimension(meta: ort.InferenceSession.ValueMetadata | undefined, axis: number): number | null {
  if (!meta?.isTensor) return null;
  const d = meta.shape[axis];
  return typeof d === 'number' && d > 0 ? d : null;
}

export class LocalModel {
  private readonly outputName: string;

  private constructor(
    /** The engine's GPU; null on the CPU path, where only `evaluate` is used. */
    private readonly gpu: GpuContext | null,
    private readonly session: ort.InferenceSession,
    readonly backend: ModelBackend,
    /** Patch size P the model was built for. */
    readonly patch: number,
    /** Values per point: 1 (voxel variant) or 8 (wavelet variant). */
    readonly outputs: number,
    /** Whether the model is odd itself; if not, `run` makes it so (two calls per batch) unless told otherwise. */
    readonly odd: boolean,
    private readonly runOddPart: boolean,
  ) {
    this.outputName = session.outputNames[0];
  }

  static async open(gpu: GpuContext | null, modelBytes: Uint8Array, options: LocalModelOptions = {}): Promise<LocalModel> {
    const backend = chooseBackend(gpu, options.backend);
    const session = await openSession(gpu, modelBytes, backend, options.wasmUrl);
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
    const odd = await LocalModel.isOdd(session, patch, outputs);
    return new LocalModel(gpu, session, backend, patch, outputs, odd, !odd && (options.oddPart ?? true));
  }

  /** f(x) + f(−x) ≈ 0 on 4 points × 9 tilts of seeded random patches? */
  private static async isOdd(session: ort.InferenceSession, patch: number, outputs: number): Promise<boolean> {
    const dims = [4, 9, patch, patch];
    const x = probePatches(dims.reduce((a, b) => a * b, 1));
    const angles = new ort.Tensor('float32', Float32Array.from({ length: 9 }, (_, t) => -60 + 15 * t), [9]);
    // One call after the other: a session runs one call at a time.
    const plus = await evaluateOnCpu(session, x, dims, angles);
    const minus = await evaluateOnCpu(session, x.map((v) => -v), dims, angles);
    let scale = 0;
    let residual = 0;
    for (let i = 0; i < 4 * outputs; i++) {
      scale = Math.max(scale, Math.abs(plus[i]));
      residual = Math.max(residual, Math.abs(plus[i] + minus[i]));
    }
    return residual <= ODD_TOLERANCE * scale;
  }

  /**
   * Evaluate `batch` points whose patches are in `patches` ([batch, nTilts, P, P], STORAGE | COPY_SRC |
   * COPY_DST, their extraction already submitted), and copy the first `count` points' outputs
   * (count · outputs floats) into `target` from float `targetOffset` on.
   */
  async run(patches: GPUBuffer, batch: number, angles: Float32Array, target: GPUBuffer, targetOffset: number, count: number): Promise<void> {
    if (!this.gpu) throw new Error('LocalModel.run needs the GPU: on the CPU path call evaluate');
    const dims = [batch, angles.length, this.patch, this.patch];
    const floats = count * this.outputs;
    if (this.backend === 'webgpu' && !this.runOddPart) {
      const input = ort.Tensor.fromGpuBuffer(patches, { dataType: 'float32', dims });
      const result = await this.session.run({ patches: input, angles: new ort.Tensor('float32', angles, [angles.length]) });
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
    // wasm, or a model run as its odd part: one read-back of the batch's patches, one upload of its outputs.
    const out = await this.evaluate(await readFloats(this.gpu, patches, dims.reduce((a, b) => a * b, 1)), batch, angles);
    this.gpu.device.queue.writeBuffer(target, targetOffset * 4, out.buffer, out.byteOffset, floats * 4);
  }

  /**
   * The outputs (batch · outputs floats) of `batch` points whose patches are in CPU memory ([batch, nTilts, P, P]):
   * the CPU path's call, and the wasm backend's, in session calls of at most MAX_CALL_PATCH_BYTES of patches. A model
   * that is not odd runs as (f(x) − f(−x))/2, both signs in turn.
   */
  async evaluate(patches: Float32Array, batch: number, angles: Float32Array): Promise<Float32Array> {
    const anglesTensor = new ort.Tensor('float32', angles, [angles.length]);
    const pointFloats = angles.length * this.patch * this.patch;
    const perCall = this.pointsPerCall(angles.length);
    const out = new Float32Array(batch * this.outputs);
    for (let first = 0; first < batch; first += perCall) {
      const count = Math.min(perCall, batch - first);
      const part = patches.subarray(first * pointFloats, (first + count) * pointFloats);
      out.set(await this.evaluateCall(part, count, anglesTensor), first * this.outputs);
    }
    return out;
  }

  /** The most points whose patches at `nTilts` tilts fit in one session call on the CPU (MAX_CALL_PATCH_BYTES), at least 1. */
  pointsPerCall(nTilts: number): number {
    return Math.max(1, Math.floor(MAX_CALL_PATCH_BYTES / patchBytesPerPoint(nTilts, this.patch)));
  }

  /** One session call (two for a model run as its odd part) on `count` points. */
  private async evaluateCall(patches: Float32Array, count: number, angles: ort.Tensor): Promise<Float32Array> {
    const dims = [count, angles.dims[0], this.patch, this.patch];
    const plus = await evaluateOnCpu(this.session, patches, dims, angles);
    if (!this.runOddPart) return plus;
    const minus = await evaluateOnCpu(this.session, patches.map((v) => -v), dims, angles);
    return plus.map((v, i) => 0.5 * (v - minus[i]));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
