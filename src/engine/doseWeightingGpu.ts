/**
 * Dose weighting on the GPU: the filter of doseWeighting.ts (doseFilter) applied to every tilt through
 * gpu/kernels/fourierFilter.ts with 2-D FFT plans (fft3d.ts `planes`: x and y only), a few tilts at a time. The
 * CPU version takes seconds per 1024² series and over a minute at 4096² (docs/benchmarks.md); this one keeps
 * real-size series on the device that reconstructs them (doseWeightOnDevice: not on a software adapter).
 */
import { bindGroup, dispatchSize, FLAT_INDEX_WGSL, pipelineSet, uniformBuffer, uploadBuffer } from './gpu/buffers.ts';
import type { GpuContext } from './gpu/device.ts';
import { Fft3dPlan, maxComplexElements } from './gpu/kernels/fft3d.ts';
import { FourierFilterGpu } from './gpu/kernels/fourierFilter.ts';
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

/**
 * The buffers, bind group and uniform of one batch of tilts, reused batch after batch (only the uniform's batch
 * fields change), and an FFT plan per batch size (full and last).
 */
class ChunkWeigher {
  private readonly filter: FourierFilterGpu;
  private readonly params: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly group: GPUBindGroup;
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
    this.filter = new FourierFilterGpu(gpu, scope, nx * ny * tiltsPerBatch, 'doseWeighting');
    this.params = scope.own(uniformBuffer(gpu, new ArrayBuffer(16), 'doseWeighting.params'));
    this.pipeline = pipelineSet(cache, gpu, DOSE_WGSL, 'doseWeighting', ['weight'], ['uniform', 'storage', 'read-only-storage', 'read-only-storage']).weight;
    const buffers = [
      this.params,
      this.filter.spectrum,
      scope.own(uploadBuffer(gpu, inverseCritical, 'doseWeighting.inverseCritical')),
      scope.own(uploadBuffer(gpu, exposures, 'doseWeighting.exposures')),
    ];
    this.group = bindGroup(gpu, this.pipeline, buffers, 'doseWeighting');
  }

  /** The weighted tilts of `tilts` (whole planes, the first of them tilt `first` of the stack). */
  async run(tilts: Float32Array, first: number): Promise<Float32Array> {
    const { gpu } = this;
    const count = tilts.length;
    const plane = this.nx * this.ny;
    gpu.device.queue.writeBuffer(this.params, 0, new Uint32Array([plane, count, first, 0]));
    const weigh = { pipeline: this.pipeline, group: this.group, workgroups: dispatchSize(gpu, count, GROUP) };
    return this.filter.apply(tilts, this.planFor(count / plane), weigh);
  }

  private planFor(tilts: number): Fft3dPlan {
    let plan = this.plans.get(tilts);
    if (!plan) this.plans.set(tilts, (plan = this.scope.own(new Fft3dPlan(this.gpu, this.nx, this.ny, tilts, { planes: true }))));
    return plan;
  }
}
