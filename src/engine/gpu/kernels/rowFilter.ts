/**
 * Filtering of tilt rows along x on the GPU: zero-pad each row to L (a power of two ≥ 2·nx),
 * FFT, multiply by the real filter response, inverse FFT, crop to nx.
 *
 * Two real rows are packed into one complex row (row 2r in the real part, row 2r+1 in the
 * imaginary part): the response is real and even, so both survive the round trip unmixed,
 * and the work halves. The FFT is the shared Stockham one (./stockham.ts: self-sorting, out of
 * place, one dispatch per stage) over storage buffers, so any L that fits in memory works,
 * whatever the workgroup-storage limit.
 */
import { bindGroup, dispatchSize, FLAT_INDEX_WGSL, pipelineSet, storageBuffer, uniformBuffer, uploadBuffer } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { bindPingPong, encodePasses, StockhamFft, type GpuPass } from './stockham.ts';

const GROUP = 64;

const WGSL = /* wgsl */ `
struct Params { nRows: u32, nx: u32, L: u32, nPairs: u32, ns: u32, inverse: u32, scale: f32, pad: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> rows: array<f32>;
@group(0) @binding(2) var<storage, read_write> src: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> dst: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read> table: array<f32>;   // response (L)
${FLAT_INDEX_WGSL}

// rows → src: zero-padded complex pairs.
@compute @workgroup_size(${GROUP})
fn pack(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (idx >= p.nPairs * p.L) { return; }
  let r = idx / p.L;
  let j = idx % p.L;
  var v = vec2<f32>(0.0, 0.0);
  if (j < p.nx) {
    v.x = rows[2u * r * p.nx + j];
    if (2u * r + 1u < p.nRows) { v.y = rows[(2u * r + 1u) * p.nx + j]; }
  }
  dst[idx] = v;
}

@compute @workgroup_size(${GROUP})
fn applyResponse(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (idx >= p.nPairs * p.L) { return; }
  dst[idx] = src[idx] * table[idx % p.L];
}

// src → rows: crop, scale by 1/L, unpack the two real rows.
@compute @workgroup_size(${GROUP})
fn unpack(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (idx >= p.nPairs * p.nx) { return; }
  let r = idx / p.nx;
  let j = idx % p.nx;
  let v = src[r * p.L + j] * p.scale;
  rows[2u * r * p.nx + j] = v.x;
  if (2u * r + 1u < p.nRows) { rows[(2u * r + 1u) * p.nx + j] = v.y; }
}
`;

const ENTRIES = ['pack', 'applyResponse', 'unpack'] as const;
type Entry = (typeof ENTRIES)[number];
const BINDINGS = ['uniform', 'storage', 'storage', 'storage', 'read-only-storage'] as const;
const pipelineCache = new WeakMap<GPUDevice, Record<Entry, GPUComputePipeline>>();

function pipelines(gpu: GpuContext): Record<Entry, GPUComputePipeline> {
  return pipelineSet(pipelineCache, gpu, WGSL, 'rowFilter', ENTRIES, BINDINGS);
}

/** Bytes of GPU work memory needed to filter nRows rows padded to L. */
export function rowFilterWorkBytes(nRows: number, L: number): number {
  return 2 * Math.ceil(nRows / 2) * L * 8;
}

/**
 * A filtering plan for a fixed row count, width and response. `encode` filters a buffer of
 * nRows × nx floats in place.
 */
export class RowFilterPlan {
  private readonly buffers: GPUBuffer[] = [];
  private readonly passes: GpuPass[] = [];
  private readonly fft: StockhamFft;

  constructor(gpu: GpuContext, rows: GPUBuffer, nRows: number, nx: number, response: Float32Array) {
    const L = response.length;
    if (L < nx || (L & (L - 1)) !== 0) throw new Error(`filter length ${L} must be a power of two ≥ nx = ${nx}`);
    const nPairs = Math.ceil(nRows / 2);
    const work = [storageBuffer(gpu, nPairs * L * 8, 'rowFilter.workA'), storageBuffer(gpu, nPairs * L * 8, 'rowFilter.workB')];
    const table = uploadBuffer(gpu, response, 'rowFilter.table');
    this.buffers.push(...work, table);
    const params = (ns: number, inverse: number, scale = 1): GPUBuffer => {
      const words = new ArrayBuffer(32);
      new Uint32Array(words).set([nRows, nx, L, nPairs, ns, inverse]);
      new Float32Array(words)[6] = scale;
      const buffer = uniformBuffer(gpu, words, 'rowFilter.params');
      this.buffers.push(buffer);
      return buffer;
    };
    const p = pipelines(gpu);
    let current = 0; // index of the work buffer holding the data
    const add = (entry: Entry, uniforms: GPUBuffer, invocations: number): void => {
      const group = bindGroup(gpu, p[entry], [uniforms, rows, work[current], work[1 - current], table], `rowFilter.${entry}`);
      this.passes.push({ pipeline: p[entry], group, workgroups: dispatchSize(gpu, invocations, GROUP) });
    };
    const fft = (this.fft = new StockhamFft(gpu, L));
    const base = params(1, 0);
    // pack writes into work[1 - current]; every later pass reads `current` and writes the other.
    add('pack', base, nPairs * L);
    current = 1 - current;
    for (const inverse of [0, 1]) {
      const stages = bindPingPong(gpu, fft.steps({ stride: 1, outer: nPairs }, inverse === 1), work[current], work[1 - current]);
      this.passes.push(...stages.passes);
      if (stages.result !== work[current]) current = 1 - current;
      if (inverse === 0) {
        add('applyResponse', base, nPairs * L);
        current = 1 - current;
      }
    }
    add('unpack', params(1, 1, 1 / L), nPairs * nx);
  }

  encode(encoder: GPUCommandEncoder): void {
    encodePasses(encoder, this.passes);
  }

  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
    this.fft.destroy();
  }
}
