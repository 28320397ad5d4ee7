/**
 * 3-D complex FFT on the GPU for any nx × ny × nz: batched 1-D FFTs along x, then y, then z,
 * in place (from the caller's view) over a buffer of nx·ny·nz vec2<f32>, x fastest, DFT index
 * order. Forward is e^{−2πi k·x}, unscaled; the inverse is scaled by 1/(nx·ny·nz). With
 * Fft3dOptions.planes, x and y only: a stack of nz 2-D transforms (tilts).
 *
 * Lengths. Every axis whose length factors into 2, 3, 5, 7, 11 and 13 runs mixed-radix
 * Stockham stages (./stockham.ts: radix 8/4/2 butterflies, direct 3…13-point DFTs). That covers
 * the sizes tomograms come in (e.g. 928 = 2⁵·29 does not, but 300, 464, 720, 1000 do) with no
 * padding and log-many passes. Only lengths with a prime factor above 13 go through
 * Bluestein's chirp-z: chirp multiply, zero-padded FFT of length m ≥ 2n − 1, multiply by the
 * precomputed FFT of the chirp filter, inverse FFT, chirp multiply. m is the next 2·3·5-smooth
 * number (at most ~10 % padding instead of up to 2× for the next power of two), and the filter
 * spectrum is computed once on the CPU in float64. The inverse uses IDFT(x) = conj(DFT(conj x))/n,
 * so one filter serves both directions. Bluestein lines are processed in chunks whose padded
 * work buffers stay within the volume's own size (see Fft3dOptions), so memory stays ≈ 4× the
 * volume at worst.
 *
 * Strided axes. y and z use strided addressing, not transposes: the Stockham kernels make the
 * batch index (x, contiguous in memory) the fastest-varying invocation index, so every warp
 * reads and writes contiguous runs on all three axes, and the transposes' two extra passes over
 * the volume per axis are saved. The FFT is memory bound on real GPUs, so passes are what
 * count: a 256³ transform is 3 × 3 radix-8/8/4 passes.
 *
 * Limits. The volume must fit one storage binding (maxStorageBufferBindingSize, 1 GiB on
 * SwiftShader, often 2–4 GiB on real GPUs); larger volumes fail with an error naming both.
 */
import { fft as fftLine } from '../../fft/cpuFft.ts';
import type { Volume } from '../../types.ts';
import { fft3dTooLarge } from '../../bufferLimits.ts';
import { bindGroup, dispatchSize, FLAT_INDEX_WGSL, pipelineSet, readFloats, storageBuffer, uniformBuffer, uploadBuffer } from '../buffers.ts';
import { assertDeviceAlive, type GpuContext } from '../device.ts';
import {
  bindStep,
  encodePasses,
  nextSmoothLength,
  STEP_BINDINGS,
  STOCKHAM_GROUP,
  StockhamFft,
  stockhamRadices,
  type GpuPass,
  type KernelStep,
} from './stockham.ts';

const GROUP = STOCKHAM_GROUP;

export interface Fft3dOptions {
  /**
   * Most bytes each of the two Bluestein work buffers may take; lines are transformed in
   * chunks that fit. Default: the volume's size (but at least one padded line), capped by the
   * device's binding limit. Tests set it small to exercise the chunking.
   */
  bluesteinChunkBytes?: number;
  /**
   * Transform along x and y only: nz independent nx × ny planes (a stack of tilts), the inverse scaled by
   * 1/(nx·ny).
   */
  planes?: boolean;
}

/** The largest complex volume (elements) one buffer binding holds on this device. */
export function maxComplexElements(gpu: GpuContext): number {
  return Math.floor(Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize) / 8);
}

/** Throws a clear error when an nx × ny × nz complex volume does not fit one binding. */
export function assertFft3dFits(gpu: GpuContext, nx: number, ny: number, nz: number): void {
  for (const [name, n] of [['nx', nx], ['ny', ny], ['nz', nz]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`3-D FFT: ${name} must be a positive integer, got ${n}`);
  }
  const tooLarge = fft3dTooLarge(gpu.limits, nx, ny, nz);
  if (tooLarge) throw new Error(tooLarge);
}

// ---------------------------------------------------------------------------------------------
// Bluestein kernels: bindings [uniform, src, dst, table] like the Stockham stages.

const BLUESTEIN_WGSL = /* wgsl */ `
struct Params { n: u32, m: u32, stride: u32, width: u32, lineSize: u32, first: u32, count: u32, inverse: u32, scale: f32, pad0: u32, pad1: u32, pad2: u32 };
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> table: array<vec2<f32>>;  // chirp (n) or filter spectrum (m)
${FLAT_INDEX_WGSL}

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }

// Volume lines → padded chunk (m per line, width lines interleaved): x_j·c_j, zero for j ≥ n.
// The inverse conjugates its input (IDFT(x) = conj(DFT(conj x))/n).
@compute @workgroup_size(${GROUP})
fn chirpIn(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (t >= P.count) { return; }
  let i = t % P.width;
  let rest = t / P.width;
  let j = rest % P.m;
  var v = vec2<f32>(0.0, 0.0);
  if (j < P.n) {
    var x = src[P.first + (rest / P.m) * P.lineSize + j * P.stride + i];
    if (P.inverse == 1u) { x.y = -x.y; }
    v = cmul(x, table[j]);
  }
  dst[t] = v;
}

@compute @workgroup_size(${GROUP})
fn mulFilter(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (t >= P.count) { return; }
  dst[t] = cmul(src[t], table[(t / P.width) % P.m]);
}

// Padded chunk → volume lines: X_k = c_k · conv_k (the inverse FFT already scaled by 1/m).
@compute @workgroup_size(${GROUP})
fn chirpOut(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (t >= P.count) { return; }
  let i = t % P.width;
  let rest = t / P.width;
  let j = rest % P.n;
  let o = rest / P.n;
  var v = cmul(src[(o * P.m + j) * P.width + i], table[j]);
  if (P.inverse == 1u) { v.y = -v.y; }
  dst[P.first + o * P.lineSize + j * P.stride + i] = v * P.scale;
}
`;

const BLUESTEIN_ENTRIES = ['chirpIn', 'mulFilter', 'chirpOut'] as const;
type BluesteinEntry = (typeof BLUESTEIN_ENTRIES)[number];
const bluesteinCache = new WeakMap<GPUDevice, Record<BluesteinEntry, GPUComputePipeline>>();

/** A kernel of one invocation per element (elementKernel), with its own pipeline cache. */
interface ElementKernel {
  label: string;
  wgsl: string;
  /** Bindings it writes, after the count (0) and the source (1). */
  outputs: number;
  cache: WeakMap<GPUDevice, Record<'main', GPUComputePipeline>>;
}

/**
 * One invocation per element i < count (binding 0): `src`, an array of `srcType`, read at binding 1, each of `dst`
 * (WGSL declarations "name: array<…>") written at bindings 2, 3, …, `body` the work for element i.
 */
function elementKernel(label: string, srcType: string, dst: readonly string[], body: string): ElementKernel {
  const wgsl = /* wgsl */ `
@group(0) @binding(0) var<uniform> count: vec4<u32>;
@group(0) @binding(1) var<storage, read> src: array<${srcType}>;
${dst.map((declaration, k) => `@group(0) @binding(${k + 2}) var<storage, read_write> ${declaration};`).join('\n')}
${FLAT_INDEX_WGSL}
@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (i >= count.x) { return; }
  ${body}
}`;
  return { label, wgsl, outputs: dst.length, cache: new WeakMap() };
}

// Real ↔ complex conversions for real inputs and split outputs; the real part alone is what an inverse transform
// of a Hermitian spectrum (a filtered real volume) gives back.
const TO_COMPLEX = elementKernel('fft3d.realToComplex', 'f32', ['dst: array<vec2<f32>>'], 'dst[i] = vec2<f32>(src[i], 0.0);');
const SPLIT = elementKernel('fft3d.split', 'vec2<f32>', ['re: array<f32>', 'im: array<f32>'], 'let z = src[i];\n  re[i] = z.x;\n  im[i] = z.y;');
const REAL_PART = elementKernel('fft3d.realPart', 'vec2<f32>', ['dst: array<f32>'], 'dst[i] = src[i].x;');

function countUniform(gpu: GpuContext, count: number, label: string): GPUBuffer {
  return uniformBuffer(gpu, new Uint32Array([count, 0, 0, 0]).buffer, label);
}

/** `kernel` over i < count, reading `src` and writing each of `dst`; destroy `uniform` after submitting. */
function elementPass(gpu: GpuContext, kernel: ElementKernel, src: GPUBuffer, dst: GPUBuffer[], count: number): { pass: GpuPass; uniform: GPUBuffer } {
  const outputs = Array.from({ length: kernel.outputs }, () => 'storage' as const);
  const pipeline = pipelineSet(kernel.cache, gpu, kernel.wgsl, kernel.label, ['main'], ['uniform', 'read-only-storage', ...outputs]).main;
  const uniform = countUniform(gpu, count, `${kernel.label}.count`);
  const group = bindGroup(gpu, pipeline, [uniform, src, ...dst], kernel.label);
  return { pass: { pipeline, group, workgroups: dispatchSize(gpu, count, GROUP) }, uniform };
}

/** A pass writing (real[i], 0) into complex[i], i < count; destroy `uniform` after submitting. */
export function realToComplexPass(gpu: GpuContext, real: GPUBuffer, complex: GPUBuffer, count: number): { pass: GpuPass; uniform: GPUBuffer } {
  return elementPass(gpu, TO_COMPLEX, real, [complex], count);
}

/** A pass writing complex[i].x into real[i], i < count; destroy `uniform` after submitting. */
export function realPartPass(gpu: GpuContext, complex: GPUBuffer, real: GPUBuffer, count: number): { pass: GpuPass; uniform: GPUBuffer } {
  return elementPass(gpu, REAL_PART, complex, [real], count);
}

function splitComplexPass(gpu: GpuContext, complex: GPUBuffer, re: GPUBuffer, im: GPUBuffer, count: number): { pass: GpuPass; uniform: GPUBuffer } {
  return elementPass(gpu, SPLIT, complex, [re, im], count);
}

// ---------------------------------------------------------------------------------------------
// The plan.

/** One axis: `outer` groups of `stride` interleaved lines of length n. */
interface Axis {
  n: number;
  stride: number;
  outer: number;
}

interface BluesteinAxis extends Axis {
  m: number;
  fft: StockhamFft;
  chirp: GPUBuffer;
  filter: GPUBuffer;
  /** Chunk shape: up to `chunkOuter` groups × `chunkWidth` lines. */
  chunkWidth: number;
  chunkOuter: number;
}

/** Which buffer a step reads or writes: the caller's data, the plan's ping-pong partner, or a Bluestein work buffer. */
type Slot = 'data' | 'work' | 'padA' | 'padB';

interface ProgramStep {
  step: KernelStep;
  src: Slot;
  dst: Slot;
}

interface Program {
  steps: ProgramStep[];
  /** The result ended in the work buffer and is copied back into the data buffer. */
  copyBack: boolean;
}

/** Chirp c_j = e^{−iπ j²/n} (j² mod 2n keeps the argument exact) and the FFT of its padded conjugate, in float64. */
function bluesteinTables(n: number, m: number): { chirp: Float32Array; filter: Float32Array } {
  const chirp = new Float32Array(2 * n);
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const angle = (-Math.PI * ((j * j) % (2 * n))) / n;
    chirp[2 * j] = Math.cos(angle);
    chirp[2 * j + 1] = Math.sin(angle);
    // b_l = conj(c_l) for l ∈ (−n, n), wrapped around the circular buffer of length m.
    br[j] = Math.cos(angle);
    bi[j] = -Math.sin(angle);
    if (j > 0) {
      br[m - j] = br[j];
      bi[m - j] = bi[j];
    }
  }
  fftLine(br, bi);
  const filter = new Float32Array(2 * m);
  for (let k = 0; k < m; k++) {
    filter[2 * k] = br[k];
    filter[2 * k + 1] = bi[k];
  }
  return { chirp, filter };
}

/**
 * A reusable 3-D FFT of one size. `encode` transforms a complex buffer in place (through an
 * internal work buffer of the same size); bind groups are cached per data buffer.
 */
export class Fft3dPlan {
  readonly size: number;
  /** The points of one transform: the inverse's 1/scaleCount (nx·ny·nz, or nx·ny for `planes`). */
  private readonly scaleCount: number;
  private readonly axes: (Axis | BluesteinAxis)[] = [];
  private readonly stockham = new Map<number, StockhamFft>();
  private readonly owned: GPUBuffer[] = [];
  private readonly work: GPUBuffer | null = null;
  private readonly pads: [GPUBuffer, GPUBuffer] | null = null;
  private readonly programs: Partial<Record<'forward' | 'inverse', Program>> = {};
  private bound = new WeakMap<GPUBuffer, Partial<Record<'forward' | 'inverse', GpuPass[]>>>();
  private destroyed = false;

  constructor(
    private readonly gpu: GpuContext,
    readonly nx: number,
    readonly ny: number,
    readonly nz: number,
    options: Fft3dOptions = {},
  ) {
    assertFft3dFits(gpu, nx, ny, nz);
    this.size = nx * ny * nz;
    this.scaleCount = options.planes ? nx * ny : this.size;
    const limitElements = maxComplexElements(gpu);
    const budget = Math.min(limitElements, Math.floor((options.bluesteinChunkBytes ?? this.size * 8) / 8));
    let needsWork = false;
    let padElements = 0;
    const lines: Axis[] = [
      { n: nx, stride: 1, outer: ny * nz },
      { n: ny, stride: nx, outer: nz },
      ...(options.planes ? [] : [{ n: nz, stride: nx * ny, outer: 1 }]),
    ];
    for (const axis of lines) {
      if (axis.n === 1) continue;
      if (stockhamRadices(axis.n)) {
        needsWork = true;
        this.fftOf(axis.n);
        this.axes.push(axis);
        continue;
      }
      const m = nextSmoothLength(2 * axis.n - 1);
      const chunkBudget = Math.min(limitElements, Math.max(budget, m));
      if (m > limitElements) throw new Error(`3-D FFT: a padded Bluestein line of ${m} elements exceeds this GPU's binding limit`);
      const chunkWidth = Math.min(axis.stride, Math.floor(chunkBudget / m));
      const chunkOuter = Math.min(axis.outer, Math.floor(chunkBudget / (m * chunkWidth)));
      padElements = Math.max(padElements, m * chunkWidth * chunkOuter);
      const { chirp, filter } = bluesteinTables(axis.n, m);
      const chirpBuffer = this.own(uploadBuffer(gpu, chirp, `fft3d.chirp${axis.n}`));
      const filterBuffer = this.own(uploadBuffer(gpu, filter, `fft3d.filter${axis.n}`));
      this.axes.push({ ...axis, m, fft: this.fftOf(m), chirp: chirpBuffer, filter: filterBuffer, chunkWidth, chunkOuter });
    }
    if (needsWork) this.work = this.own(storageBuffer(gpu, this.size * 8, `fft3d.work ${nx}×${ny}×${nz}`));
    if (padElements > 0) {
      this.pads = [this.own(storageBuffer(gpu, padElements * 8, 'fft3d.bluesteinA')), this.own(storageBuffer(gpu, padElements * 8, 'fft3d.bluesteinB'))];
    }
  }

  /** Bytes of GPU memory the plan holds besides the data buffer. */
  get workBytes(): number {
    return (this.work?.size ?? 0) + (this.pads ? 2 * this.pads[0].size : 0);
  }

  /** Transform `buffer` (nx·ny·nz vec2<f32>, x fastest) in place. */
  encode(encoder: GPUCommandEncoder, buffer: GPUBuffer, inverse: boolean): void {
    if (this.destroyed) throw new Error('3-D FFT plan used after destroy()');
    assertDeviceAlive(this.gpu);
    if (buffer.size < this.size * 8) {
      throw new Error(`3-D FFT of ${this.nx}×${this.ny}×${this.nz} needs a buffer of ${this.size * 8} bytes, got ${buffer.size}`);
    }
    const direction = inverse ? 'inverse' : 'forward';
    const program = (this.programs[direction] ??= this.build(inverse));
    let cached = this.bound.get(buffer);
    if (!cached) this.bound.set(buffer, (cached = {}));
    const passes = (cached[direction] ??= program.steps.map((s) => bindStep(this.gpu, s.step, this.slot(s.src, buffer), this.slot(s.dst, buffer))));
    encodePasses(encoder, passes);
    if (program.copyBack) encoder.copyBufferToBuffer(this.work as GPUBuffer, 0, buffer, 0, this.size * 8);
  }

  destroy(): void {
    this.destroyed = true;
    for (const buffer of this.owned) buffer.destroy();
    for (const fft of this.stockham.values()) fft.destroy();
    this.bound = new WeakMap();
  }

  private own(buffer: GPUBuffer): GPUBuffer {
    this.owned.push(buffer);
    return buffer;
  }

  private fftOf(n: number): StockhamFft {
    let fft = this.stockham.get(n);
    if (!fft) this.stockham.set(n, (fft = new StockhamFft(this.gpu, n)));
    return fft;
  }

  private slot(slot: Slot, data: GPUBuffer): GPUBuffer {
    if (slot === 'data') return data;
    if (slot === 'work') return this.work as GPUBuffer;
    return (this.pads as [GPUBuffer, GPUBuffer])[slot === 'padA' ? 0 : 1];
  }

  /** words: [n, m, stride, width, lineSize, first, count, inverse], as in the WGSL Params. */
  private bluesteinStep(entry: BluesteinEntry, table: GPUBuffer, words: number[], scale: number): KernelStep {
    const count = words[6];
    const bytes = new ArrayBuffer(48);
    new Uint32Array(bytes).set(words);
    new Float32Array(bytes)[8] = scale;
    const uniform = this.own(uniformBuffer(this.gpu, bytes, `fft3d.${entry}`));
    const pipeline = pipelineSet(bluesteinCache, this.gpu, BLUESTEIN_WGSL, 'fft3d.bluestein', BLUESTEIN_ENTRIES, STEP_BINDINGS)[entry];
    return { pipeline, uniform, table, workgroups: dispatchSize(this.gpu, count, GROUP), label: `fft3d.${entry}` };
  }

  private build(inverse: boolean): Program {
    const steps: ProgramStep[] = [];
    const finalScale = inverse ? 1 / this.scaleCount : 1;
    let current: Slot = 'data';
    for (const [a, axis] of this.axes.entries()) {
      const scale = a === this.axes.length - 1 ? finalScale : 1;
      if (!('m' in axis)) {
        // Stockham stages ping-pong between the data and work buffers.
        for (const step of this.fftOf(axis.n).steps(axis, inverse, scale)) {
          const next: Slot = current === 'data' ? 'work' : 'data';
          steps.push({ step, src: current, dst: next });
          current = next;
        }
        continue;
      }
      const { n, m, stride, outer, chunkWidth, chunkOuter } = axis;
      const inner = new Map<string, { forward: KernelStep[]; inverse: KernelStep[] }>();
      for (let o0 = 0; o0 < outer; o0 += chunkOuter) {
        for (let i0 = 0; i0 < stride; i0 += chunkWidth) {
          const co = Math.min(chunkOuter, outer - o0);
          const cw = Math.min(chunkWidth, stride - i0);
          const key = `${co}×${cw}`;
          let ffts = inner.get(key);
          if (!ffts) {
            const layout = { stride: cw, outer: co };
            ffts = { forward: axis.fft.steps(layout, false), inverse: axis.fft.steps(layout, true, 1 / m) };
            inner.set(key, ffts);
          }
          const words = (count: number) => [n, m, stride, cw, n * stride, o0 * n * stride + i0, count, inverse ? 1 : 0];
          let pad: Slot = 'padA';
          const flip = (s: Slot): Slot => (s === 'padA' ? 'padB' : 'padA');
          steps.push({ step: this.bluesteinStep('chirpIn', axis.chirp, words(co * m * cw), 1), src: current, dst: pad });
          for (const step of ffts.forward) {
            steps.push({ step, src: pad, dst: flip(pad) });
            pad = flip(pad);
          }
          steps.push({ step: this.bluesteinStep('mulFilter', axis.filter, words(co * m * cw), 1), src: pad, dst: flip(pad) });
          pad = flip(pad);
          for (const step of ffts.inverse) {
            steps.push({ step, src: pad, dst: flip(pad) });
            pad = flip(pad);
          }
          steps.push({ step: this.bluesteinStep('chirpOut', axis.chirp, words(co * n * cw), scale), src: pad, dst: current });
        }
      }
    }
    return { steps, copyBack: current === 'work' };
  }
}

/** The full complex spectrum of a real volume (DFT index order, x fastest), computed on the GPU. */
export async function fft3dGpu(gpu: GpuContext, volume: Volume, options: Fft3dOptions = {}): Promise<{ re: Float32Array; im: Float32Array }> {
  const { nx, ny, nz, data } = volume;
  const n = nx * ny * nz;
  if (data.length !== n) throw new RangeError(`volume data has ${data.length} values, expected ${nx}×${ny}×${nz} = ${n}`);
  const plan = new Fft3dPlan(gpu, nx, ny, nz, options);
  const real = uploadBuffer(gpu, data, 'fft3d.real');
  const complex = storageBuffer(gpu, n * 8, 'fft3d.complex');
  const imag = storageBuffer(gpu, n * 4, 'fft3d.imag');
  try {
    const encoder = gpu.device.createCommandEncoder();
    const expand = realToComplexPass(gpu, real, complex, n);
    encodePasses(encoder, [expand.pass]);
    plan.encode(encoder, complex, false);
    const split = splitComplexPass(gpu, complex, real, imag, n);
    encodePasses(encoder, [split.pass]);
    gpu.device.queue.submit([encoder.finish()]);
    const [re, im] = await Promise.all([readFloats(gpu, real, n), readFloats(gpu, imag, n)]);
    expand.uniform.destroy();
    split.uniform.destroy();
    return { re, im };
  } finally {
    plan.destroy();
    real.destroy();
    complex.destroy();
    imag.destroy();
  }
}

