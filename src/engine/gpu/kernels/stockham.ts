/**
 * Batched 1-D complex FFTs over storage buffers, shared by the row filter and the 3-D FFT.
 *
 * Stockham autosort, mixed radix: one dispatch per stage, out of place (ping-pong between two
 * buffers), self-sorting (no bit reversal), so any length that fits in memory works whatever
 * the workgroup-storage limit. A length n = ∏ p_i is split into radix-8, 4 and 2 stages (hand
 * written butterflies) and radix-3, 5, 7, 11 and 13 stages (a direct p-point DFT from the
 * roots table, O(p) per point). Lengths with a larger prime factor are not handled here: the
 * 3-D FFT runs Bluestein's chirp-z on top of these stages for them.
 *
 * Lines are strided: element j of line (o, i) sits at o·n·stride + j·stride + i, i < stride.
 * Consecutive invocations take consecutive i, so for stride > 1 (the y and z axes of a volume)
 * every load and store of a warp is one contiguous run of memory: the batch index, not the
 * transform index, is the fast one. That makes transposes unnecessary (each would cost two
 * extra full passes over the volume). For stride 1 (x) consecutive invocations take
 * consecutive butterflies j, whose loads are contiguous too.
 *
 * Twiddles come from one table of the n-th roots of unity, computed in float64 on the CPU and
 * rounded once to f32, so errors do not grow with the stage count.
 */
import { bindGroup, dispatchSize, FLAT_INDEX_WGSL, pipelineSet, uniformBuffer, uploadBuffer } from '../buffers.ts';
import type { GpuContext } from '../device.ts';

export const STOCKHAM_GROUP = 64;

/** Radices with their own stage kernel, in the order stages use them. */
const RADICES = [8, 4, 2, 3, 5, 7, 11, 13] as const;

/** The radices of n's stages (product n; [] for n = 1), or null when n has a prime factor above 13. */
export function stockhamRadices(n: number): number[] | null {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`);
  const radices: number[] = [];
  let rest = n;
  for (const p of RADICES) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  return rest === 1 ? radices : null;
}

/** Smallest m ≥ n whose prime factors are 2, 3 and 5 only. */
export function nextSmoothLength(n: number): number {
  for (let m = Math.max(1, n); ; m++) {
    let r = m;
    for (const p of [2, 3, 5]) while (r % p === 0) r /= p;
    if (r === 1) return m;
  }
}

/** e^{−2πi t/n}, t < n, as interleaved (cos, sin), computed in float64. */
export function rootsOfUnity(n: number): Float32Array {
  const table = new Float32Array(2 * n);
  for (let t = 0; t < n; t++) {
    table[2 * t] = Math.cos((-2 * Math.PI * t) / n);
    table[2 * t + 1] = Math.sin((-2 * Math.PI * t) / n);
  }
  return table;
}

/** A dispatch with its bind group, ready to encode. */
export interface GpuPass {
  pipeline: GPUComputePipeline;
  group: GPUBindGroup;
  workgroups: [number, number];
}

/** Encode passes in order in one compute pass: WebGPU orders dispatches and makes each one's writes visible to the next. */
export function encodePasses(encoder: GPUCommandEncoder, passes: readonly GpuPass[]): void {
  if (passes.length === 0) return;
  const pass = encoder.beginComputePass();
  for (const p of passes) {
    pass.setPipeline(p.pipeline);
    pass.setBindGroup(0, p.group);
    pass.dispatchWorkgroups(p.workgroups[0], p.workgroups[1]);
  }
  pass.end();
}

/**
 * One dispatch of a kernel whose bindings are [uniform, src (read-only storage), dst (storage),
 * table (read-only storage)], before its two data buffers are chosen: the same steps serve any
 * buffer pair. src and dst must be different buffers.
 */
export interface KernelStep {
  pipeline: GPUComputePipeline;
  uniform: GPUBuffer;
  table: GPUBuffer;
  workgroups: [number, number];
  label: string;
}

/** The binding layout of every KernelStep kernel. */
export const STEP_BINDINGS = ['uniform', 'read-only-storage', 'storage', 'read-only-storage'] as const;

export function bindStep(gpu: GpuContext, step: KernelStep, src: GPUBuffer, dst: GPUBuffer): GpuPass {
  if (src === dst) throw new Error(`${step.label}: source and destination must be different buffers`);
  return { pipeline: step.pipeline, group: bindGroup(gpu, step.pipeline, [step.uniform, src, dst, step.table], step.label), workgroups: step.workgroups };
}

/**
 * Bind steps alternately a → b, b → a, …; the result is in `result` (a after an even number of
 * steps, b after an odd one).
 */
export function bindPingPong(gpu: GpuContext, steps: readonly KernelStep[], a: GPUBuffer, b: GPUBuffer): { passes: GpuPass[]; result: GPUBuffer; other: GPUBuffer } {
  let [src, dst] = [a, b];
  const passes = steps.map((step) => {
    const pass = bindStep(gpu, step, src, dst);
    [src, dst] = [dst, src];
    return pass;
  });
  return { passes, result: src, other: dst };
}

const COMMON_WGSL = /* wgsl */ `
struct Params { stride: u32, m: u32, lineSize: u32, ns: u32, twStep: u32, inverse: u32, count: u32, scale: f32 };
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> roots: array<vec2<f32>>;  // e^{-2πi t/n}, t < n
${FLAT_INDEX_WGSL}

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
// e^{∓2πi t/n}: conjugated for the inverse transform.
fn root(t: u32) -> vec2<f32> { let w = roots[t]; return select(w, vec2<f32>(w.x, -w.y), P.inverse == 1u); }
// z · e^{∓iπ/2}: −i·z forward, +i·z inverse.
fn rot4(z: vec2<f32>) -> vec2<f32> { return select(vec2<f32>(z.y, -z.x), vec2<f32>(-z.y, z.x), P.inverse == 1u); }
// z · e^{∓iπ/4}.
fn rot8(z: vec2<f32>) -> vec2<f32> { return (z + rot4(z)) * 0.70710678118654752; }
`;

/** y = DFT_R(x) in registers, WGSL statements declaring `y`. */
function butterfly(R: number): string {
  const dft4 = (a: string, b: string, c: string, d: string, out: string) => /* wgsl */ `
  let ${out}s0 = ${a} + ${c};
  let ${out}d0 = ${a} - ${c};
  let ${out}s1 = ${b} + ${d};
  let ${out}d1 = rot4(${b} - ${d});
  let ${out}0 = ${out}s0 + ${out}s1;
  let ${out}1 = ${out}d0 + ${out}d1;
  let ${out}2 = ${out}s0 - ${out}s1;
  let ${out}3 = ${out}d0 - ${out}d1;`;
  if (R === 2) return 'var y = array<vec2<f32>, 2>(x[0] + x[1], x[0] - x[1]);';
  if (R === 4) return `${dft4('x[0]', 'x[1]', 'x[2]', 'x[3]', 'e')}\n  var y = array<vec2<f32>, 4>(e0, e1, e2, e3);`;
  if (R === 8) {
    // Two radix-4 DFTs (even and odd inputs) merged with the twiddles e^{∓2πi q/8}.
    return `${dft4('x[0]', 'x[2]', 'x[4]', 'x[6]', 'e')}${dft4('x[1]', 'x[3]', 'x[5]', 'x[7]', 'o')}
  let t1 = rot8(o1);
  let t2 = rot4(o2);
  let t3 = rot4(rot8(o3));
  var y = array<vec2<f32>, 8>(e0 + o0, e1 + t1, e2 + t2, e3 + t3, e0 - o0, e1 - t1, e2 - t2, e3 - t3);`;
  }
  return /* wgsl */ `var y: array<vec2<f32>, ${R}>;
  for (var q = 0u; q < ${R}u; q++) {
    var acc = x[0];
    for (var r = 1u; r < ${R}u; r++) { acc += cmul(x[r], root(((r * q) % ${R}u) * P.m)); }
    y[q] = acc;
  }`;
}

/** One radix-R stage: sub-transforms of length ns become length ns·R. */
function stageWgsl(R: number): string {
  return /* wgsl */ `${COMMON_WGSL}
@compute @workgroup_size(${STOCKHAM_GROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${STOCKHAM_GROUP}u);
  if (idx >= P.count) { return; }
  let inner = idx % P.stride;
  let rest = idx / P.stride;
  let j = rest % P.m;                     // butterfly within the line, m = n / R of them
  let base = (rest / P.m) * P.lineSize + inner;
  let k = j % P.ns;
  let tw = k * P.twStep;                  // twiddle e^{-2πi r·k/(ns·R)} = roots[r·tw]
  var x: array<vec2<f32>, ${R}>;
  x[0] = src[base + j * P.stride];
  for (var r = 1u; r < ${R}u; r++) { x[r] = cmul(src[base + (j + r * P.m) * P.stride], root(r * tw)); }
  ${butterfly(R)}
  let d = (j - k) * ${R}u + k;
  for (var q = 0u; q < ${R}u; q++) { dst[base + (d + q * P.ns) * P.stride] = y[q] * P.scale; }
}`;
}

const pipelineCaches = new Map<number, WeakMap<GPUDevice, Record<'main', GPUComputePipeline>>>();

function stagePipeline(gpu: GpuContext, R: number): GPUComputePipeline {
  let cache = pipelineCaches.get(R);
  if (!cache) pipelineCaches.set(R, (cache = new WeakMap()));
  return pipelineSet(cache, gpu, stageWgsl(R), `fftStage${R}`, ['main'], STEP_BINDINGS).main;
}

/** How lines of one transform sit in a buffer: `outer` groups of `stride` interleaved lines. */
export interface LineLayout {
  stride: number;
  outer: number;
}

/** The stages of a length-n FFT, for any line layout; owns its roots table and uniforms. */
export class StockhamFft {
  readonly radices: readonly number[];
  private readonly roots: GPUBuffer;
  private readonly uniforms: GPUBuffer[] = [];

  constructor(private readonly gpu: GpuContext, readonly n: number) {
    const radices = stockhamRadices(n);
    if (!radices) throw new Error(`Stockham FFT: length ${n} has a prime factor above 13 (use Bluestein)`);
    this.radices = radices;
    this.roots = uploadBuffer(gpu, rootsOfUnity(n), `fft${n}.roots`);
  }

  /**
   * The stage steps of a forward or inverse (unscaled) transform of every line in `layout`;
   * `scale` multiplies the output of the last stage. Bind them with bindPingPong.
   */
  steps(layout: LineLayout, inverse: boolean, scale = 1): KernelStep[] {
    const { n, gpu } = this;
    const lines = layout.stride * layout.outer;
    let ns = 1;
    return this.radices.map((R, s) => {
      const words = new ArrayBuffer(32);
      const m = n / R;
      new Uint32Array(words).set([layout.stride, m, n * layout.stride, ns, n / (ns * R), inverse ? 1 : 0, lines * m]);
      new Float32Array(words)[7] = s === this.radices.length - 1 ? scale : 1;
      const uniform = uniformBuffer(gpu, words, `fft${n}.stage${s}`);
      this.uniforms.push(uniform);
      ns *= R;
      return { pipeline: stagePipeline(gpu, R), uniform, table: this.roots, workgroups: dispatchSize(gpu, lines * m, STOCKHAM_GROUP), label: `fft${n}.radix${R}` };
    });
  }

  destroy(): void {
    this.roots.destroy();
    for (const u of this.uniforms) u.destroy();
    this.uniforms.length = 0;
  }
}
