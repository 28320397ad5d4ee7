/**
 * Dose weighting on the GPU: the filter of doseWeighting.ts (doseFilter) applied to every tilt with the 2-D FFTs of
 * gpu/kernels/fft3d.ts (`planes`: x and y only), a few tilts at a time. The CPU version takes seconds per 1024²
 * series and over a minute at 4096² (docs/benchmarks.md); this one keeps real-size series on the device that
 * reconstructs them (doseWeightOnDevice: not on a software adapter).
 */
import { bindGroup, dispatchSize, FLAT_INDEX_WGSL, pipelineSet, readFloats, storageBuffer, uniformBuffer, uploadBuffer } from './gpu/buffers.ts';
import type { GpuContext } from './gpu/device.ts';
import { Fft3dPlan, maxComplexElements, realPartPass, realToComplexPass } from './gpu/kernels/fft3d.ts';
import { encodePasses } from './gpu/kernels/stockham.ts';
import { withGpuScope, type GpuScope } from './gpu/scope.ts';
import { doseFilter, doseWeightTiltSeriesInSteps } from './doseWeighting.ts';
import { throwIfAborted, type TiltSeries } from './types.ts';

const GROUP = 64;

/** Bytes of complex spectrum transformed at once by default: one 4096² tilt; more tilts at a time when smaller. */
const CHUNK_BYTES = 128 * 1024 * 1024;

const DOSE_WGSL = /* wgsl */ `
// Tilts first … first + count / plane − 1 of the stack, as one spectrum of count complex values.
struct Params { plane: u32, count: u32, first: u32, pad: u32 };
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> spectrum: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> inverseCritical: array<f32>;  // 1 / (2·Ne(|k|)), per DFT index of a tilt, Å²/e
@group(0) @binding(3) var<storage, read> exposures: array<f32>;  // e/Å², per tilt of the whole stack
${FLAT_INDEX_WGSL}

@compute @workgroup_size(${GROUP})
fn weight(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (i >= P.count) { return; }
  spectrum[i] = spectrum[i] * exp(-exposures[P.first + i / P.plane] * inverseCritical[i % P.plane]);
}
`;

const cache = new WeakMap<GPUDevice, Record<'weight', GPUComputePipeline>>();

export interface DoseWeightingGpuOptions {
  /** Most bytes of complex spectrum per batch of tilts (CHUNK_BYTES; at least one tilt). Tests set it small. */
  chunkBytes?: number;
  /** Looked at before each batch. */
  signal?: AbortSignal;
}

/**
 * doseWeightTiltSeries on the GPU: a copy of the tilt series with every tilt multiplied, in Fourier space, by
 * exp(−N_k / (2·Ne(k))) for its exposure N_k. Throws naming what is missing when the series cannot be weighted.
 */
export async function doseWeightTiltSeriesGpu(gpu: GpuContext, ts: TiltSeries, options: DoseWeightingGpuOptions = {}): Promise<TiltSeries> {
  const { exposures, inverseCritical } = doseFilter(ts);
  const { nx, ny, nTilts } = ts;
  const plane = nx * ny;
  const budget = Math.min(options.chunkBytes ?? CHUNK_BYTES, maxComplexElements(gpu) * 8);
  const perChunk = Math.max(1, Math.min(nTilts, Math.floor(budget / (plane * 8))));
  const data = new Float32Array(ts.data.length);
  await withGpuScope(async (scope) => {
    const weigh = new ChunkWeigher(gpu, scope, nx, ny, perChunk, Float32Array.from(inverseCritical), Float32Array.from(exposures));
    for (let first = 0; first < nTilts; first += perChunk) {
      throwIfAborted(options.signal);
      const count = Math.min(perChunk, nTilts - first);
      data.set(await weigh.run(ts.data.subarray(first * plane, (first + count) * plane), first), first * plane);
    }
  });
  return { ...ts, data };
}

/**
 * The dose weighting FBP and SIRT run on WebGPU: the GPU version on a hardware adapter, the CPU version on a
 * software one (SwiftShader), where the GPU version is 4–7× slower (docs/benchmarks.md, "Dose weighting").
 * Both see `signal`: between batches of tilts on the GPU, between pairs of tilts on the CPU.
 */
export async function doseWeightOnDevice(gpu: GpuContext, ts: TiltSeries, signal?: AbortSignal): Promise<TiltSeries> {
  return gpu.isFallbackAdapter ? doseWeightTiltSeriesInSteps(ts, signal) : doseWeightTiltSeriesGpu(gpu, ts, { signal });
}

/** The buffers of one batch of tilts, reused batch after batch, and an FFT plan per batch size (full and last). */
class ChunkWeigher {
  private readonly real: GPUBuffer;
  private readonly spectrum: GPUBuffer;
  private readonly inverseCritical: GPUBuffer;
  private readonly exposures: GPUBuffer;
  private readonly plans = new Map<number, Fft3dPlan>();

  constructor(
    private readonly gpu: GpuContext,
    private readonly scope: GpuScope,
    private readonly nx: number,
    private readonly ny: number,
    tiltsPerBatch: number,
    inverseCritical: Float32Array,
    exposures: Float32Array,
  ) {
    const capacity = nx * ny * tiltsPerBatch;
    this.real = scope.own(storageBuffer(gpu, capacity * 4, 'doseWeighting.real'));
    this.spectrum = scope.own(storageBuffer(gpu, capacity * 8, 'doseWeighting.spectrum'));
    this.inverseCritical = scope.own(uploadBuffer(gpu, inverseCritical, 'doseWeighting.inverseCritical'));
    this.exposures = scope.own(uploadBuffer(gpu, exposures, 'doseWeighting.exposures'));
  }

  /** The weighted tilts of `tilts` (whole planes, the first of them tilt `first` of the stack). */
  async run(tilts: Float32Array, first: number): Promise<Float32Array> {
    const { gpu, scope } = this;
    const count = tilts.length;
    const plane = this.nx * this.ny;
    const plan = this.planFor(count / plane);
    gpu.device.queue.writeBuffer(this.real, 0, tilts.buffer, tilts.byteOffset, tilts.byteLength);
    const uniform = scope.own(uniformBuffer(gpu, new Uint32Array([plane, count, first, 0]).buffer, 'doseWeighting.params'));
    const pipeline = pipelineSet(cache, gpu, DOSE_WGSL, 'doseWeighting', ['weight'], ['uniform', 'storage', 'read-only-storage', 'read-only-storage']).weight;
    const weigh = {
      pipeline,
      group: bindGroup(gpu, pipeline, [uniform, this.spectrum, this.inverseCritical, this.exposures], 'doseWeighting'),
      workgroups: dispatchSize(gpu, count, GROUP),
    };
    const expand = realToComplexPass(gpu, this.real, this.spectrum, count);
    const realPart = realPartPass(gpu, this.spectrum, this.real, count);
    scope.own(expand.uniform);
    scope.own(realPart.uniform);
    const encoder = gpu.device.createCommandEncoder({ label: 'doseWeighting' });
    encodePasses(encoder, [expand.pass]);
    plan.encode(encoder, this.spectrum, false);
    encodePasses(encoder, [weigh]);
    plan.encode(encoder, this.spectrum, true);
    encodePasses(encoder, [realPart.pass]);
    gpu.device.queue.submit([encoder.finish()]);
    return readFloats(gpu, this.real, count);
  }

  private planFor(tilts: number): Fft3dPlan {
    let plan = this.plans.get(tilts);
    if (!plan) this.plans.set(tilts, (plan = this.scope.own(new Fft3dPlan(this.gpu, this.nx, this.ny, tilts, { planes: true }))));
    return plan;
  }
}
