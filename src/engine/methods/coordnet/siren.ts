/**
 * The coordinate network (SIREN) on the GPU: batched forward over a voxel grid, backward
 * (∂L/∂θ given ∂L/∂voxel), and Adam. See ../../reference/siren.ts for the maths, the CPU
 * reference, and the parameter layout: layers 3→W, L × (W→W), W→1, each `out` rows of `in + 1`
 * floats (weights, then bias).
 *
 * The voxels ([z][row][x] of one slab, coordinates in [0, 1] per axis) are processed in chunks
 * of C voxels. Per chunk every sine layer keeps its pre-activation u = ω0·(W·h + b) and its
 * output h = sin(u) (one buffer: u in the first C·W floats, h in the next), so that no sine or
 * cosine is evaluated more than once per element. All three products are one tiled matrix
 * product C[m][n] = Σ_k A(m, k)·B(k, n) with different loaders and epilogues:
 *   forward:  u_l[n][o]      = ω0·(Σ_i h_{l−1}[n][i]·W_l[o][i] + b_l[o])
 *   delta:    δ_{l−1}[n][i]  = (Σ_o δ_l[n][o]·W_l[o][i])·ω0·cos(u_{l−1}[n][i])
 *   gradient: ∂W_l[o][i]     = Σ_n δ_l[n][o]·h_{l−1}[n][i]   (i = in: the bias, h = 1)
 * A workgroup of 8 × 8 threads computes a 32 × 32 tile of C, 4 × 4 per thread in registers,
 * staging 16-deep slices of A and B in workgroup memory (64-thread groups also ran 4× faster
 * than 256-thread ones on SwiftShader, where barriers are costly). The gradient's sum over voxels is split over S
 * workgroup layers (split-K) so that even a 256 × 257 weight matrix keeps a large GPU busy; the
 * S partial sums are then added into the gradient (no float atomics in WGSL).
 */
import { ADAM, layerDims, layerOffsets, paramCount, gridSteps, type SirenGrid, type SirenShape } from './network.ts';
import { bindGroup, dispatchSize, encodeDispatch, FLAT_INDEX_WGSL, pipelineSet, storageBuffer, uniformBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';

/** Tile edge of C per workgroup, depth of a staged slice, and threads per tile edge. */
const TILE = 32;
const DEPTH = 16;
const THREADS = 8;
/** Workgroups the gradient's split-K aims for, enough to fill a large GPU. */
const TARGET_WORKGROUPS = 512;
const REDUCE_GROUP = 256;

/**
 * One product with loaders `<name>A(m, k)`, `<name>B(k, n)` (called inside the matrices only)
 * and `<name>Store(m, n, c, z)`. With `split`, workgroup layer z sums k over
 * [z·kPerSplit, min(K, (z + 1)·kPerSplit)); otherwise over all of K. Each thread owns a 4 × 4
 * block of C; 16-deep slices of A and B are staged in workgroup memory. (Reading the operands
 * directly instead, without barriers, measured twice slower on SwiftShader.)
 */
function gemmEntry(name: string, dims: { m: string; n: string; k: string }, split: boolean): string {
  const range = /* wgsl */ `
  let m0 = wid.y * ${TILE}u;
  let n0 = wid.x * ${TILE}u;
  let kBegin = ${split ? 'wid.z * p.kPerSplit' : '0u'};
  let kEnd = ${split ? `min(${dims.k}, kBegin + p.kPerSplit)` : dims.k};
  var acc0 = vec4(0.0);
  var acc1 = vec4(0.0);
  var acc2 = vec4(0.0);
  var acc3 = vec4(0.0);`;
  const loop = /* wgsl */ `
  for (var k0 = kBegin; k0 < kEnd; k0 += ${DEPTH}u) {
    for (var r = 0u; r < ${(TILE * DEPTH) / (THREADS * THREADS)}u; r++) {
      let e = li + r * ${THREADS * THREADS}u;
      let kk = e / ${TILE}u;
      let t = e % ${TILE}u;
      let k = k0 + kk;
      var a = 0.0;
      var b = 0.0;
      if (k < kEnd) {
        if (m0 + t < ${dims.m}) { a = ${name}A(m0 + t, k); }
        if (n0 + t < ${dims.n}) { b = ${name}B(k, n0 + t); }
      }
      sa[kk][t] = a;
      sb[kk][t] = b;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${DEPTH}u; kk++) {
      let bv = vec4(sb[kk][lid.x * 4u], sb[kk][lid.x * 4u + 1u], sb[kk][lid.x * 4u + 2u], sb[kk][lid.x * 4u + 3u]);
      let r = lid.y * 4u;
      acc0 += sa[kk][r] * bv;
      acc1 += sa[kk][r + 1u] * bv;
      acc2 += sa[kk][r + 2u] * bv;
      acc3 += sa[kk][r + 3u] * bv;
    }
    workgroupBarrier();
  }`;
  return /* wgsl */ `
@compute @workgroup_size(${THREADS}, ${THREADS})
fn ${name}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {${range}${loop}
  let acc = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      let m = m0 + lid.y * 4u + i;
      let n = n0 + lid.x * 4u + j;
      if (m < ${dims.m} && n < ${dims.n}) { ${name}Store(m, n, acc[i][j], wid.z); }
    }
  }
}
`;
}

const LAYER_WGSL = /* wgsl */ `
struct Params {
  inDim: u32, outDim: u32, n: u32, offset: u32,
  first: u32, last: u32, chunkStart: u32, nx: u32,
  ny: u32, hOffset: u32, kPerSplit: u32, partialStride: u32,
  omega0: f32, sx: f32, sy: f32, sz: f32,
};
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
@group(0) @binding(2) var<storage, read> actIn: array<f32>;       // layer l − 1: u then h, [n][in] each
@group(0) @binding(3) var<storage, read_write> actOut: array<f32>; // layer l: u then h; the voxel grid for the last layer
@group(0) @binding(4) var<storage, read> dIn: array<f32>;         // δ_l, [n][out]; ∂L/∂voxel for the last layer
@group(0) @binding(5) var<storage, read_write> dOut: array<f32>;   // δ_{l−1}, [n][in]
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;
@group(0) @binding(7) var<storage, read_write> partial: array<f32>; // split-K partial gradients, [split][out][in + 1]

var<workgroup> sa: array<array<f32, ${TILE}>, ${DEPTH}>;
var<workgroup> sb: array<array<f32, ${TILE}>, ${DEPTH}>;

// h_{l−1}[n][i] (i < in): the voxel coordinates for the first layer.
fn input(n: u32, i: u32) -> f32 {
  if (p.first == 1u) {
    let g = p.chunkStart + n;
    if (i == 0u) { return f32(g % p.nx) * p.sx; }
    if (i == 1u) { return f32((g / p.nx) % p.ny) * p.sy; }
    return f32(g / (p.nx * p.ny)) * p.sz;
  }
  return actIn[p.hOffset + n * p.inDim + i];
}

fn weight(o: u32, i: u32) -> f32 { return theta[p.offset + o * (p.inDim + 1u) + i]; }

fn delta(n: u32, o: u32) -> f32 {
  if (p.last == 1u) { return dIn[p.chunkStart + n]; }
  return dIn[n * p.outDim + o];
}

fn forwardA(m: u32, k: u32) -> f32 { return input(m, k); }
fn forwardB(k: u32, n: u32) -> f32 { return weight(n, k); }
fn forwardStore(m: u32, o: u32, c: f32, z: u32) {
  let a = c + weight(o, p.inDim);
  if (p.last == 1u) { actOut[p.chunkStart + m] = a; return; }
  let u = p.omega0 * a;
  actOut[m * p.outDim + o] = u;
  actOut[p.hOffset + m * p.outDim + o] = sin(u);
}

fn backDeltaA(m: u32, k: u32) -> f32 { return delta(m, k); }
fn backDeltaB(k: u32, n: u32) -> f32 { return weight(k, n); }
fn backDeltaStore(m: u32, i: u32, c: f32, z: u32) {
  let j = m * p.inDim + i;
  dOut[j] = c * p.omega0 * cos(actIn[j]);
}

fn backGradA(m: u32, k: u32) -> f32 { return delta(k, m); }
fn backGradB(k: u32, n: u32) -> f32 {
  if (n == p.inDim) { return 1.0; }
  return input(k, n);
}
fn backGradStore(o: u32, i: u32, c: f32, z: u32) { partial[z * p.partialStride + o * (p.inDim + 1u) + i] = c; }

${gemmEntry('forward', { m: 'p.n', n: 'p.outDim', k: 'p.inDim' }, false)}
${gemmEntry('backDelta', { m: 'p.n', n: 'p.inDim', k: 'p.outDim' }, false)}
${gemmEntry('backGrad', { m: 'p.outDim', n: 'p.inDim + 1u', k: 'p.n' }, true)}
${FLAT_INDEX_WGSL}

// grad_l += Σ_s partial[s]: one thread per weight of the layer.
@compute @workgroup_size(${REDUCE_GROUP})
fn reduceGrad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = flatIndex(wid, nwg, lid, ${REDUCE_GROUP}u);
  let count = p.outDim * (p.inDim + 1u);
  if (j >= count) { return; }
  var s = 0.0;
  let splits = (p.n + p.kPerSplit - 1u) / p.kPerSplit;
  for (var z = 0u; z < splits; z++) { s += partial[z * p.partialStride + j]; }
  grad[p.offset + j] += s;
}
`;

const ADAM_GROUP = 256;
const ADAM_WGSL = /* wgsl */ `
struct Params { n: u32, lr: f32, c1: f32, c2: f32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> theta: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> grad: array<f32>;
${FLAT_INDEX_WGSL}

// θ ← θ − lr·m̂/(√v̂ + ε), with m̂ = c1·m and v̂ = c2·v the bias-corrected moments.
@compute @workgroup_size(${ADAM_GROUP})
fn adam(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${ADAM_GROUP}u);
  if (i >= p.n) { return; }
  let g = grad[i];
  let mi = ${ADAM.beta1} * m[i] + ${1 - ADAM.beta1} * g;
  let vi = ${ADAM.beta2} * v[i] + ${(1 - ADAM.beta2).toPrecision(8)} * g * g;
  m[i] = mi;
  v[i] = vi;
  theta[i] -= p.lr * mi * p.c1 / (sqrt(vi * p.c2) + ${ADAM.epsilon});
}
`;

const LAYER_ENTRIES = ['forward', 'backDelta', 'backGrad', 'reduceGrad'] as const;
const LAYER_BINDINGS = ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'read-only-storage', 'storage', 'storage', 'storage'] as const;
const layerCache = new WeakMap<GPUDevice, Record<(typeof LAYER_ENTRIES)[number], GPUComputePipeline>>();
const ADAM_ENTRIES = ['adam'] as const;
const ADAM_BINDINGS = ['uniform', 'storage', 'storage', 'storage', 'read-only-storage'] as const;
const adamCache = new WeakMap<GPUDevice, Record<'adam', GPUComputePipeline>>();

/** Floats per voxel of a chunk: u and h of every sine layer, and two deltas. */
function floatsPerVoxel(shape: SirenShape): number {
  return (2 * (shape.layers + 1) + 2) * shape.width;
}

/** Largest chunk of voxels whose activations fit in `budgetBytes` (a multiple of the tile). */
export function sirenChunkVoxels(gpu: GpuContext, shape: SirenShape, voxels: number, budgetBytes: number): number {
  const byBinding = Math.floor(gpu.limits.maxStorageBufferBindingSize / (2 * shape.width * 4));
  const byDispatch = gpu.limits.maxComputeWorkgroupsPerDimension * TILE;
  const chunk = Math.min(Math.floor(budgetBytes / (floatsPerVoxel(shape) * 4)), byBinding, byDispatch, Math.ceil(voxels / TILE) * TILE);
  if (chunk < TILE) throw new Error(`the coordinate network of width ${shape.width} needs more GPU memory than allowed per slab`);
  return Math.floor(chunk / TILE) * TILE;
}

/** Split-K layers for a gradient of out × (in + 1) over n voxels: enough workgroups, at least a slice each. */
function gradientSplits(nIn: number, nOut: number, n: number): number {
  const tiles = Math.ceil(nOut / TILE) * Math.ceil((nIn + 1) / TILE);
  return Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / tiles), Math.ceil(n / (4 * DEPTH))));
}

interface LayerPass {
  group: GPUBindGroup;
  dims: [number, number];
  n: number;
  splits: number;
}

/**
 * One network bound to a slab's voxel grid: `volume` receives f_θ at every voxel, `gVolume`
 * holds ∂L/∂voxel for the backward pass. Owns θ, its gradient and Adam's moments.
 */
export class SirenNetwork {
  readonly theta: GPUBuffer;
  readonly grad: GPUBuffer;
  readonly count: number;
  private readonly m: GPUBuffer;
  private readonly v: GPUBuffer;
  private readonly adamParams: GPUBuffer;
  private readonly adamGroup: GPUBindGroup;
  private readonly resources: { destroy(): void }[] = [];
  /** Bound passes per chunk per layer. */
  private readonly chunks: LayerPass[][] = [];

  constructor(
    private readonly gpu: GpuContext,
    readonly shape: SirenShape,
    grid: SirenGrid,
    volume: GPUBuffer,
    gVolume: GPUBuffer,
    chunkVoxels: number,
  ) {
    const keep = <R extends { destroy(): void }>(r: R): R => (this.resources.push(r), r);
    this.count = paramCount(shape);
    this.theta = keep(storageBuffer(gpu, this.count * 4, 'siren.theta'));
    this.grad = keep(storageBuffer(gpu, this.count * 4, 'siren.grad'));
    this.m = keep(storageBuffer(gpu, this.count * 4, 'siren.m'));
    this.v = keep(storageBuffer(gpu, this.count * 4, 'siren.v'));
    const dims = layerDims(shape);
    const offsets = layerOffsets(shape);
    const voxels = grid.nx * grid.ny * grid.nz;
    const C = Math.min(chunkVoxels, Math.ceil(voxels / TILE) * TILE);
    const W = shape.width;
    const activations = dims.slice(0, -1).map((_, l) => keep(storageBuffer(gpu, 2 * C * W * 4, `siren.uh${l}`)));
    const deltas = [0, 1].map((j) => keep(storageBuffer(gpu, C * W * 4, `siren.delta${j}`)));
    const splitsMax = Math.max(...dims.map(([nIn, nOut]) => gradientSplits(nIn, nOut, C)));
    const stride = Math.max(...dims.map(([nIn, nOut]) => nOut * (nIn + 1)));
    const partial = keep(storageBuffer(gpu, splitsMax * stride * 4, 'siren.partialGrad'));
    const dummyIn = keep(storageBuffer(gpu, 16, 'siren.none'));
    const dummyOut = keep(storageBuffer(gpu, 16, 'siren.none.out'));
    const pipelines = pipelineSet(layerCache, gpu, LAYER_WGSL, 'siren', LAYER_ENTRIES, LAYER_BINDINGS);
    const [sx, sy, sz] = gridSteps(grid);
    const L = dims.length;
    for (let start = 0; start < voxels; start += C) {
      const n = Math.min(C, voxels - start);
      this.chunks.push(
        dims.map(([nIn, nOut], l) => {
          const splits = gradientSplits(nIn, nOut, n);
          const kPerSplit = Math.ceil(n / splits / DEPTH) * DEPTH;
          const words = new ArrayBuffer(64);
          new Uint32Array(words).set([nIn, nOut, n, offsets[l], l === 0 ? 1 : 0, l === L - 1 ? 1 : 0, start, grid.nx, grid.ny, C * W, kPerSplit, stride]);
          new Float32Array(words).set([shape.omega0, sx, sy, sz], 12);
          const params = keep(uniformBuffer(gpu, words, `siren.params${l}`));
          // δ_l lives in deltas[l % 2], δ_{l−1} in the other one: never the same buffer twice.
          const dIn = l === L - 1 ? gVolume : deltas[l % 2];
          const dOut = l === 0 ? dummyOut : deltas[(l + 1) % 2];
          const actIn = l === 0 ? dummyIn : activations[l - 1];
          const actOut = l === L - 1 ? volume : activations[l];
          const group = bindGroup(gpu, pipelines.forward, [params, this.theta, actIn, actOut, dIn, dOut, this.grad, partial], `siren.layer${l}`);
          return { group, dims: [nIn, nOut], n, splits: Math.ceil(n / kPerSplit) };
        }),
      );
    }
    const adamPipelines = pipelineSet(adamCache, gpu, ADAM_WGSL, 'siren.adam', ADAM_ENTRIES, ADAM_BINDINGS);
    this.adamParams = keep(uniformBuffer(gpu, new ArrayBuffer(16), 'siren.adam.params'));
    this.adamGroup = bindGroup(gpu, adamPipelines.adam, [this.adamParams, this.theta, this.m, this.v, this.grad], 'siren.adam');
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Set θ and restart Adam (moments zero, step count 0). */
  load(theta: Float32Array): void {
    this.gpu.device.queue.writeBuffer(this.theta, 0, theta.buffer, theta.byteOffset, theta.byteLength);
    const encoder = this.gpu.device.createCommandEncoder({ label: 'siren.reset' });
    encoder.clearBuffer(this.m);
    encoder.clearBuffer(this.v);
    this.gpu.device.queue.submit([encoder.finish()]);
  }

  private pass(encoder: GPUCommandEncoder, entry: (typeof LAYER_ENTRIES)[number], chunk: number, l: number): void {
    const pipelines = pipelineSet(layerCache, this.gpu, LAYER_WGSL, 'siren', LAYER_ENTRIES, LAYER_BINDINGS);
    const { group, dims, n, splits } = this.chunks[chunk][l];
    const [nIn, nOut] = dims;
    const tiles = (rows: number, cols: number): [number, number] => [Math.ceil(cols / TILE), Math.ceil(rows / TILE)];
    if (entry === 'forward') encodeDispatch(encoder, pipelines.forward, group, tiles(n, nOut));
    else if (entry === 'backDelta') encodeDispatch(encoder, pipelines.backDelta, group, tiles(n, nIn));
    else if (entry === 'backGrad') encodeDispatch(encoder, pipelines.backGrad, group, [...tiles(nOut, nIn + 1), splits]);
    else encodeDispatch(encoder, pipelines.reduceGrad, group, dispatchSize(this.gpu, nOut * (nIn + 1), REDUCE_GROUP));
  }

  /** Every layer forward for one chunk: activations kept, its voxels written. */
  private encodeForwardChunk(encoder: GPUCommandEncoder, chunk: number): void {
    for (let l = 0; l < this.chunks[chunk].length; l++) this.pass(encoder, 'forward', chunk, l);
  }

  /** volume ← f_θ(grid) */
  encodeForward(encoder: GPUCommandEncoder): void {
    for (let c = 0; c < this.chunks.length; c++) this.encodeForwardChunk(encoder, c);
  }

  /**
   * grad ← ∂L/∂θ from gVolume. Needs the activations of the forward pass: with one chunk they
   * are still there after encodeForward; with several, each chunk's forward pass is redone.
   */
  encodeBackward(encoder: GPUCommandEncoder): void {
    encoder.clearBuffer(this.grad);
    for (let c = 0; c < this.chunks.length; c++) {
      if (this.chunks.length > 1) this.encodeForwardChunk(encoder, c);
      for (let l = this.chunks[c].length - 1; l >= 0; l--) {
        this.pass(encoder, 'backGrad', c, l);
        this.pass(encoder, 'reduceGrad', c, l);
        if (l > 0) this.pass(encoder, 'backDelta', c, l);
      }
    }
  }

  /** Adam step number t ≥ 1 at learning rate lr; writes its uniform now, so submit before the next call. */
  encodeAdam(encoder: GPUCommandEncoder, lr: number, t: number): void {
    const words = new ArrayBuffer(16);
    new Uint32Array(words)[0] = this.count;
    new Float32Array(words).set([lr, 1 / (1 - ADAM.beta1 ** t), 1 / (1 - ADAM.beta2 ** t)], 1);
    this.gpu.device.queue.writeBuffer(this.adamParams, 0, words);
    const pipelines = pipelineSet(adamCache, this.gpu, ADAM_WGSL, 'siren.adam', ADAM_ENTRIES, ADAM_BINDINGS);
    encodeDispatch(encoder, pipelines.adam, this.adamGroup, dispatchSize(this.gpu, this.count, ADAM_GROUP));
  }

  destroy(): void {
    for (const r of this.resources) r.destroy();
  }
}
