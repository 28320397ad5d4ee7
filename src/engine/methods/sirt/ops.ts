/**
 * Element-wise steps of SIRT, x ← x + λ·C·Aᵀ·R·(b − A·x) (R: row weights, ./weights.ts; C: inverse column
 * sums), plus the residual norm. All buffers hold one slab.
 */
import { bindGroup, dispatchSize, encodeDispatch, FLAT_INDEX_WGSL, pipelineSet, storageBuffer, uniformBuffer, workgroupSumWgsl } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';

const GROUP = 256;

const WGSL = /* wgsl */ `
struct Params { n: u32, positivity: u32, relaxation: f32, pad: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
${FLAT_INDEX_WGSL}
${workgroupSumWgsl(GROUP)}

// a ← 1/a where a > ε, else 0 (rays or voxels the geometry never touches).
@compute @workgroup_size(${GROUP})
fn reciprocal(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (i >= p.n) { return; }
  a[i] = select(0.0, 1.0 / a[i], a[i] > 1e-6);
}

// a holds A·x on entry: a ← R·(b − A·x), with R = c; partials get Σ (b − A·x)² per workgroup over the rays that
// meet the tomogram (R > 0): the others cannot be fitted, so they are not counted.
@compute @workgroup_size(${GROUP})
fn residual(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  var r = 0.0;
  if (i < p.n) {
    if (c[i] > 0.0) { r = b[i] - a[i]; }
    a[i] = r * c[i];
  }
  sumToPartial(lid, r * r, wid.y * nwg.x + wid.x);
}

// x = a, gradient = b, C = c: x ← x + λ·C·g, clamped at 0 with positivity.
@compute @workgroup_size(${GROUP})
fn update(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (i >= p.n) { return; }
  var x = a[i] + p.relaxation * c[i] * b[i];
  if (p.positivity == 1u) { x = max(x, 0.0); }
  a[i] = x;
}
`;

const ENTRIES = ['reciprocal', 'residual', 'update'] as const;
type Entry = (typeof ENTRIES)[number];
const BINDINGS = ['uniform', 'storage', 'storage', 'storage', 'storage'] as const;
const pipelineCache = new WeakMap<GPUDevice, Record<Entry, GPUComputePipeline>>();

/** One element-wise operation over n floats, bound to its buffers (a, b, c as the WGSL names them). */
export class ElementwiseOp {
  private readonly group: GPUBindGroup;
  private readonly params: GPUBuffer;
  private readonly placeholders: GPUBuffer[] = [];
  /** Per-workgroup partial sums (the residual entry point writes them). */
  readonly partials: GPUBuffer;
  readonly workgroups: [number, number];

  constructor(
    private readonly gpu: GpuContext,
    private readonly entry: Entry,
    n: number,
    buffers: { a: GPUBuffer; b?: GPUBuffer; c?: GPUBuffer },
    options: { relaxation?: number; positivity?: boolean } = {},
  ) {
    const words = new ArrayBuffer(16);
    new Uint32Array(words).set([n, options.positivity ? 1 : 0]);
    new Float32Array(words)[2] = options.relaxation ?? 1;
    this.params = uniformBuffer(gpu, words, `sirt.${entry}.params`);
    this.workgroups = dispatchSize(gpu, n, GROUP);
    this.partials = storageBuffer(gpu, this.workgroups[0] * this.workgroups[1] * 4, `sirt.${entry}.partials`);
    const p = pipelineSet(pipelineCache, gpu, WGSL, 'sirt', ENTRIES, BINDINGS);
    // Writable bindings must not alias: unused slots get their own tiny placeholder buffers.
    const placeholder = (name: string): GPUBuffer => {
      const buffer = storageBuffer(gpu, 16, `sirt.${entry}.${name}`);
      this.placeholders.push(buffer);
      return buffer;
    };
    const b = buffers.b ?? placeholder('b');
    const c = buffers.c ?? placeholder('c');
    this.group = bindGroup(gpu, p[entry], [this.params, buffers.a, b, c, this.partials], `sirt.${entry}`);
  }

  get partialCount(): number {
    return this.workgroups[0] * this.workgroups[1];
  }

  encode(encoder: GPUCommandEncoder): void {
    const p = pipelineSet(pipelineCache, this.gpu, WGSL, 'sirt', ENTRIES, BINDINGS);
    encodeDispatch(encoder, p[this.entry], this.group, this.workgroups);
  }

  destroy(): void {
    this.params.destroy();
    this.partials.destroy();
    for (const buffer of this.placeholders) buffer.destroy();
  }
}
