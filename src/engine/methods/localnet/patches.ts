/**
 * CryoLithe-style patch extraction on the GPU, straight into the model's input layout.
 *
 * For a batch of points of a regular grid (voxels, or the bior3.1 half grid), writes the P × P
 * patch of every tilt around the point's projection (u, v) = (x·cos θ + z·sin θ, y):
 *   patches[point][tilt][row][col], float32 = the model input [batch, nTilts, P, P],
 * row along the tilt axis (v), column along u, offsets j − ⌊P/2⌋ detector pixels, bilinear, zeros
 * outside the detector. Grid, source rows and layout are defined in ../../reference/patches.ts,
 * the CPU reference this kernel is checked against (kernelChecks.ts).
 *
 * One thread per patch row (P floats): its columns share the bilinear weights and the index
 * arithmetic, and read 2·(P + 1) pixels instead of 4·P; neighbouring threads write the next rows, so a
 * workgroup's writes stay contiguous. The output buffer is made with STORAGE | COPY_SRC | COPY_DST,
 * which is what onnxruntime-web's Tensor.fromGpuBuffer needs, so patches never leave the GPU.
 * Points past `count` (a short last batch) get zeros: the model always runs on full batches.
 */
import { patchFloatsPerPoint, type PatchGrid, type PatchSource } from './grid.ts';
import { bindGroup, dispatchSize, encodeDispatch, FLAT_INDEX_WGSL, pipelineSet, storageBuffer, uniformBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';

const GROUP = 64;

const WGSL = /* wgsl */ `
struct Params {
  gx: u32, gy: u32, start: u32, count: u32,
  batch: u32, nTilts: u32, size: u32, nDet: u32,
  nRows: u32, rowLo: i32, rowHi: i32, half: i32,
  origin: vec3<f32>, uCentre: f32,
  step: vec3<f32>, vCentre: f32,
};
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> trig: array<vec2<f32>>;   // (cos θ, sin θ) per tilt
@group(0) @binding(2) var<storage, read> tilts: array<f32>;        // [tilt][row][pixel], rows held only
@group(0) @binding(3) var<storage, read_write> patches: array<f32>; // [point][tilt][row][col]
${FLAT_INDEX_WGSL}

// One tilt pixel, zero off the detector (and off the rows held, which the halo makes the same).
fn pixel(k: u32, row: i32, col: i32) -> f32 {
  let inside = row >= p.rowLo && row < p.rowHi && col >= 0 && col < i32(p.nDet);
  let r = u32(clamp(row, 0, i32(p.nRows) - 1));
  let c = u32(clamp(col, 0, i32(p.nDet) - 1));
  return select(0.0, tilts[(k * p.nRows + r) * p.nDet + c], inside);
}

@compute @workgroup_size(${GROUP})
fn extract(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${GROUP}u); // one patch row: [point][tilt][row]
  let perPoint = p.nTilts * p.size;
  if (idx >= p.batch * perPoint) { return; }
  let point = idx / perPoint;
  let out = idx * p.size;
  if (point >= p.count) {
    for (var c = 0u; c < p.size; c++) { patches[out + c] = 0.0; }
    return;
  }
  let r = i32(idx % p.size);
  let k = (idx / p.size) % p.nTilts;
  let f = p.start + point;
  let i = vec3<u32>(f % p.gx, (f / p.gx) % p.gy, f / (p.gx * p.gy));
  let xyz = p.origin + p.step * vec3<f32>(i);
  let cs = trig[k];
  let tu = xyz.x * cs.x + xyz.z * cs.y - f32(p.half) + p.uCentre;
  let tv = xyz.y + f32(r - p.half) + p.vCentre;
  // Columns are whole pixels apart: one pair of bilinear weights serves the row, and each column
  // reuses the previous column's right-hand pixels.
  let u0 = floor(tu);
  let v0 = floor(tv);
  let wu = tu - u0;
  let wv = tv - v0;
  let iu = i32(u0);
  let iv = i32(v0);
  var top = pixel(k, iv, iu);
  var bottom = pixel(k, iv + 1, iu);
  for (var c = 0; c < i32(p.size); c++) {
    let topRight = pixel(k, iv, iu + c + 1);
    let bottomRight = pixel(k, iv + 1, iu + c + 1);
    patches[out + u32(c)] = (1.0 - wv) * ((1.0 - wu) * top + wu * topRight) + wv * ((1.0 - wu) * bottom + wu * bottomRight);
    top = topRight;
    bottom = bottomRight;
  }
}
`;

const ENTRIES = ['extract'] as const;
const BINDINGS = ['uniform', 'read-only-storage', 'read-only-storage', 'storage'] as const;
const pipelineCache = new WeakMap<GPUDevice, Record<(typeof ENTRIES)[number], GPUComputePipeline>>();

/** Bytes of one point's patches (patchFloatsPerPoint floats). */
export function patchBytesPerPoint(nTilts: number, patch: number): number {
  return patchFloatsPerPoint(nTilts, patch) * 4;
}

/**
 * Extraction bound to one slab's source rows and grid, writing batches of `batch` points into its
 * own `patches` buffer ([batch, nTilts, P, P], ready for Tensor.fromGpuBuffer).
 */
export class PatchExtractor {
  readonly patches: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly words = new ArrayBuffer(80);
  private readonly group: GPUBindGroup;
  private readonly pipeline: GPUComputePipeline;
  private readonly nTilts: number;

  constructor(
    private readonly gpu: GpuContext,
    source: Omit<PatchSource, 'data'>,
    grid: PatchGrid,
    readonly patch: number,
    readonly batch: number,
    trig: GPUBuffer,
    tilts: GPUBuffer,
  ) {
    this.nTilts = source.nTilts;
    this.patches = storageBuffer(gpu, batch * patchBytesPerPoint(source.nTilts, patch), 'patches.out');
    const u = new Uint32Array(this.words);
    const i = new Int32Array(this.words);
    const f = new Float32Array(this.words);
    u.set([grid.gx, grid.gy, 0, 0, batch, source.nTilts, patch, source.nDet, source.nRows]);
    i.set([Math.max(0, -source.rowOffset), Math.min(source.nRows, source.nyDet - source.rowOffset), Math.floor(patch / 2)], 9);
    f.set([...grid.origin, (source.nDet - 1) / 2, ...grid.step, (source.nyDet - 1) / 2 - source.rowOffset], 12);
    this.params = uniformBuffer(gpu, this.words, 'patches.params');
    this.pipeline = pipelineSet(pipelineCache, gpu, WGSL, 'patches', ENTRIES, BINDINGS).extract;
    this.group = bindGroup(gpu, this.pipeline, [this.params, trig, tilts, this.patches], 'patches');
  }

  /**
   * Patches of the points [start, start + count) into `patches`. The parameters are written through
   * the queue, so submit the encoder before encoding the next batch (each batch is its own submit).
   */
  encode(encoder: GPUCommandEncoder, start: number, count: number): void {
    new Uint32Array(this.words).set([start, Math.min(count, this.batch)], 2);
    this.gpu.device.queue.writeBuffer(this.params, 0, this.words);
    encodeDispatch(encoder, this.pipeline, this.group, dispatchSize(this.gpu, this.batch * this.nTilts * this.patch, GROUP));
  }

  destroy(): void {
    this.patches.destroy();
    this.params.destroy();
  }
}
