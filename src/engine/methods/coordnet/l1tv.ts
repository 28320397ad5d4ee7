/**
 * Loss terms of the coordinate network, on one slab:
 *   l1Residual: p ← sign(p − b)/count (p holds A·x on entry); partials get Σ |p − b| per workgroup.
 *   tvGradient: g += tv/V·∂(Σ_p Σ_axis |x(p + e) − x(p)|)/∂x; partials get tv/V·Σ |differences|.
 * Volumes are [z][row][x], as everywhere (projector.ts).
 */
import { bindGroup, dispatchSize, encodeDispatch, FLAT_INDEX_WGSL, pipelineSet, storageBuffer, uniformBuffer, workgroupSumWgsl } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';

const GROUP = 256;

const WGSL = /* wgsl */ `
struct Params { n: u32, nx: u32, ny: u32, nz: u32, scale: f32, pad0: u32, pad1: u32, pad2: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;
${FLAT_INDEX_WGSL}
${workgroupSumWgsl(GROUP)}

// a = A·x on entry, b = measured tilts; scale = 1/count.
@compute @workgroup_size(${GROUP})
fn l1Residual(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  var r = 0.0;
  if (i < p.n) {
    r = a[i] - b[i];
    a[i] = sign(r) * p.scale;
  }
  sumToPartial(lid, abs(r), wid.y * nwg.x + wid.x);
}

// a = gradient (added to), b = the voxel grid; scale = tv/V.
@compute @workgroup_size(${GROUP})
fn tvGradient(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  var value = 0.0;
  if (i < p.n) {
    let x = i % p.nx;
    let y = (i / p.nx) % p.ny;
    let z = i / (p.nx * p.ny);
    let c = b[i];
    var g = 0.0;
    var strides = array<u32, 3>(1u, p.nx, p.nx * p.ny);
    var pos = array<u32, 3>(x, y, z);
    var size = array<u32, 3>(p.nx, p.ny, p.nz);
    for (var axis = 0u; axis < 3u; axis++) {
      if (pos[axis] + 1u < size[axis]) {
        let d = b[i + strides[axis]] - c;
        value += abs(d);
        g -= sign(d);
      }
      if (pos[axis] > 0u) { g += sign(c - b[i - strides[axis]]); }
    }
    a[i] += p.scale * g;
  }
  sumToPartial(lid, p.scale * value, wid.y * nwg.x + wid.x);
}
`;

const ENTRIES = ['l1Residual', 'tvGradient'] as const;
const BINDINGS = ['uniform', 'storage', 'read-only-storage', 'storage'] as const;
const cache = new WeakMap<GPUDevice, Record<(typeof ENTRIES)[number], GPUComputePipeline>>();

/** One of the two loss operations bound to its buffers; `partials` holds per-workgroup sums of its loss term. */
export class LossOp {
  readonly partials: GPUBuffer;
  readonly partialCount: number;
  private readonly params: GPUBuffer;
  private readonly group: GPUBindGroup;
  private readonly workgroups: [number, number];

  constructor(
    private readonly gpu: GpuContext,
    private readonly entry: (typeof ENTRIES)[number],
    grid: { nx: number; ny: number; nz: number },
    /** l1Residual: a = projection, b = tilts. tvGradient: a = gradient, b = voxel grid. */
    a: GPUBuffer,
    b: GPUBuffer,
    n: number,
    scale: number,
  ) {
    this.workgroups = dispatchSize(gpu, n, GROUP);
    this.partialCount = this.workgroups[0] * this.workgroups[1];
    this.partials = storageBuffer(gpu, this.partialCount * 4, `${entry}.partials`);
    const words = new ArrayBuffer(32);
    new Uint32Array(words).set([n, grid.nx, grid.ny, grid.nz]);
    new Float32Array(words)[4] = scale;
    this.params = uniformBuffer(gpu, words, `${entry}.params`);
    const p = pipelineSet(cache, gpu, WGSL, 'l1tv', ENTRIES, BINDINGS);
    this.group = bindGroup(gpu, p[entry], [this.params, a, b, this.partials], entry);
  }

  encode(encoder: GPUCommandEncoder): void {
    const p = pipelineSet(cache, this.gpu, WGSL, 'l1tv', ENTRIES, BINDINGS);
    encodeDispatch(encoder, p[this.entry], this.group, this.workgroups);
  }

  destroy(): void {
    this.partials.destroy();
    this.params.destroy();
  }
}
