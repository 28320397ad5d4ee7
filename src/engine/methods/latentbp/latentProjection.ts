/**
 * The latent back-projection network's projection steps (steps 2 and 4 of docs/synthesis.md) for one band, where
 * the latent tensors live between ORT's calls:
 * - on the GPU path, GPU buffers on the engine's device, projected by the engine's C-channel projector
 *   (gpu/kernels/projector.ts). With ORT on WebGPU the parts take those buffers (Tensor.fromGpuBuffer) and leave
 *   their outputs on the GPU, so nothing between the encoder's input and the decoder's output passes through the
 *   CPU; with ORT on wasm (a fallback adapter) each part's input is read back and its output uploaded;
 * - on the CPU path, arrays projected channel by channel by the engine's CPU projector on its pool of threads
 *   (cpu/projection.ts), ORT on wasm.
 * Layouts (ONNX's): latent tilts [K, C, rows, w], latent volume [C, D, rows, w]; weights 1/K back, 1/D forward.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { EngineContext } from '../../context.ts';
import { backProjectOnPool, channelRows, forwardProjectOnPool, placeChannelRows, rowGeometry } from '../../cpu/projection.ts';
import { sharedCopy, type CpuPool } from '../../cpu/pool.ts';
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import { assertDeviceAlive, type GpuContext } from '../../gpu/device.ts';
import { SlabProjector } from '../../gpu/kernels/projector.ts';
import { GpuScope } from '../../gpu/scope.ts';
import { tiltTrig } from '../../geometry.ts';
import type { ModelBackend } from '../../onnx/session.ts';
import type { Band } from './bands.ts';

/** An ONNX part's input made from latent tensors, and the release of what it holds once that part has run. */
export interface PartInput {
  tensor: ort.Tensor;
  release(): void;
}

/** One band's latent tensors (./bands.ts: encoded, volume and projected rows) and the steps on them. */
export interface LatentBand {
  /** The encoder's output for tilts [k0, k0 + n) of the band's encoded rows, [n, C, rows, w], into the band's latent tilts (disposed). */
  putTilts(k0: number, encoded: ort.Tensor): Promise<void>;
  /** The latent tilts back-projected at the measured angles into the band's volume rows: the refiner's input [1, C, D, rows, w]. */
  backProject(): Promise<PartInput>;
  /** The refiner's output (kept until `release`), to project from. */
  setRefined(refined: ort.Tensor): Promise<void>;
  /** The refined volume's projected rows at new angles [n0, n1): the decoder's input [n, C, rows, w]. */
  project(n0: number, n1: number): Promise<PartInput>;
  release(): void;
}

/** What every band shares: the latent sizes and the angles (degrees) measured and to add. */
export interface LatentRun {
  channels: number;
  w: number;
  depth: number;
  measured: readonly number[];
  added: readonly number[];
}

/** A band's latent tensors on the engine's path; `backend` is the one ORT runs on. */
export function latentBand(engine: EngineContext, backend: ModelBackend, run: LatentRun, band: Band, signal?: AbortSignal): LatentBand {
  return engine.path === 'gpu' ? new GpuLatentBand(engine.gpu, backend, run, band) : new CpuLatentBand(engine.pool, run, band, signal);
}

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

class GpuLatentBand implements LatentBand {
  private readonly scope = new GpuScope();
  private readonly tilts: GPUBuffer;
  private refined: GPUBuffer | null = null;

  constructor(
    private readonly gpu: GpuContext,
    private readonly backend: ModelBackend,
    private readonly run: LatentRun,
    private readonly band: Band,
  ) {
    assertDeviceAlive(gpu);
    this.tilts = this.scope.own(storageBuffer(gpu, this.floats(run.measured.length, band.encoded.ny) * 4, 'latentbp.tilts'));
  }

  /** Floats of n latent tilts (or D planes) of `rows` rows. */
  private floats(n: number, rows: number): number {
    return n * this.run.channels * rows * this.run.w;
  }

  async putTilts(k0: number, encoded: ort.Tensor): Promise<void> {
    const offset = this.floats(k0, this.band.encoded.ny) * 4;
    if (encoded.location === 'gpu-buffer') {
      const encoder = this.gpu.device.createCommandEncoder({ label: 'latentbp.putTilts' });
      encoder.copyBufferToBuffer(encoded.gpuBuffer as GPUBuffer, 0, this.tilts, offset, count(encoded.dims) * 4);
      this.gpu.device.queue.submit([encoder.finish()]);
    } else {
      const data = encoded.data as Float32Array;
      this.gpu.device.queue.writeBuffer(this.tilts, offset, data.buffer, data.byteOffset, data.byteLength);
    }
    encoded.dispose();
  }

  async backProject(): Promise<PartInput> {
    const { channels, w, depth, measured } = this.run;
    const { encoded, volume: rows } = this.band;
    const volume = this.scope.own(storageBuffer(this.gpu, this.floats(depth, rows.ny) * 4, 'latentbp.volume'));
    const trig = this.scope.own(uploadBuffer(this.gpu, tiltTrig(measured), 'latentbp.trig'));
    const shape = { nx: w, ny: rows.ny, nz: depth, nDet: w, channels, nTilts: measured.length, tiltRows: encoded.ny, tiltRow0: rows.y0 - encoded.y0 };
    this.submit(new SlabProjector(this.gpu, shape, trig, this.tilts, volume, 1 / measured.length), 'back');
    return this.input(volume, [1, channels, depth, rows.ny, w]);
  }

  async setRefined(refined: ort.Tensor): Promise<void> {
    if (refined.location === 'gpu-buffer') {
      this.scope.own({ destroy: () => refined.dispose() });
      this.refined = refined.gpuBuffer as GPUBuffer;
    } else this.refined = this.scope.own(uploadBuffer(this.gpu, refined.data as Float32Array, 'latentbp.refined'));
  }

  async project(n0: number, n1: number): Promise<PartInput> {
    const { channels, w, depth, added } = this.run;
    const { volume, projected } = this.band;
    if (!this.refined) throw new Error('latentbp: project before setRefined');
    const tilts = this.scope.own(storageBuffer(this.gpu, this.floats(n1 - n0, projected.ny) * 4, 'latentbp.projections'));
    const trig = this.scope.own(uploadBuffer(this.gpu, tiltTrig(added.slice(n0, n1)), 'latentbp.newTrig'));
    const shape = { nx: w, ny: projected.ny, nz: depth, nDet: w, channels, nTilts: n1 - n0, volumeRows: volume.ny, volumeRow0: projected.y0 - volume.y0 };
    this.submit(new SlabProjector(this.gpu, shape, trig, tilts, this.refined, 1 / depth), 'forward');
    return this.input(tilts, [n1 - n0, channels, projected.ny, w]);
  }

  /** Submit one pass of `projector` (kept, with its buffers, until the band's release). */
  private submit(projector: SlabProjector, direction: 'back' | 'forward'): void {
    this.scope.own(projector);
    const encoder = this.gpu.device.createCommandEncoder({ label: `latentbp.${direction}Project` });
    if (direction === 'back') projector.encodeBackProject(encoder);
    else projector.encodeForwardProject(encoder);
    this.gpu.device.queue.submit([encoder.finish()]);
  }

  /** A buffer (the band's own) as ORT's input: itself on WebGPU, read back for wasm; freed with the input. */
  private async input(buffer: GPUBuffer, dims: number[]): Promise<PartInput> {
    const release = () => buffer.destroy();
    if (this.backend === 'webgpu') return { tensor: ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims }), release };
    const tensor = new ort.Tensor('float32', await readFloats(this.gpu, buffer, count(dims)), dims);
    release();
    return { tensor, release: () => {} };
  }

  release(): void {
    this.scope.dispose();
  }
}

class CpuLatentBand implements LatentBand {
  private readonly tilts: Float32Array;
  private refined: Float32Array | null = null;

  constructor(
    private readonly pool: CpuPool,
    private readonly run: LatentRun,
    private readonly band: Band,
    private readonly signal?: AbortSignal,
  ) {
    this.tilts = new Float32Array(run.measured.length * run.channels * band.encoded.ny * run.w);
  }

  async putTilts(k0: number, encoded: ort.Tensor): Promise<void> {
    this.tilts.set(encoded.data as Float32Array, k0 * this.run.channels * this.band.encoded.ny * this.run.w);
    encoded.dispose();
  }

  /** Each channel's volume rows of every tilt back-projected on the pool, into its place in [C, D, rows, w]. */
  async backProject(): Promise<PartInput> {
    const { channels, w, depth, measured } = this.run;
    const { encoded, volume: rows } = this.band;
    const volume = new Float32Array(channels * depth * rows.ny * w);
    const g = rowGeometry(w, depth, measured);
    for (let c = 0; c < channels; c++) {
      const tilts = sharedCopy(channelRows(this.tilts, measured.length, channels, encoded.ny, w, c, rows.y0 - encoded.y0, rows.ny));
      volume.set(await backProjectOnPool(this.pool, tilts, rows.ny, g, 1 / measured.length, { signal: this.signal }, 'Back-projecting latent channels'), c * depth * rows.ny * w);
    }
    return { tensor: new ort.Tensor('float32', volume, [1, channels, depth, rows.ny, w]), release: () => {} };
  }

  async setRefined(refined: ort.Tensor): Promise<void> {
    this.refined = refined.data as Float32Array;
  }

  /** Each channel's projected rows of the refined volume projected on the pool, into their place in [n, C, rows, w]. */
  async project(n0: number, n1: number): Promise<PartInput> {
    const { channels, w, depth, added } = this.run;
    const { volume, projected } = this.band;
    if (!this.refined) throw new Error('latentbp: project before setRefined');
    const tilts = new Float32Array((n1 - n0) * channels * projected.ny * w);
    for (let c = 0; c < channels; c++) {
      const planes = this.refined.subarray(c * depth * volume.ny * w, (c + 1) * depth * volume.ny * w);
      const data = channelRows(planes, depth, 1, volume.ny, w, 0, projected.y0 - volume.y0, projected.ny);
      const projections = await forwardProjectOnPool(this.pool, { nx: w, ny: projected.ny, nz: depth, data, pixelSize: 1 }, added.slice(n0, n1), { signal: this.signal });
      placeChannelRows(tilts, projections.data, n1 - n0, channels, projected.ny, w, c, 0, 1 / depth);
    }
    return { tensor: new ort.Tensor('float32', tilts, [n1 - n0, channels, projected.ny, w]), release: () => {} };
  }

  release(): void {}
}
