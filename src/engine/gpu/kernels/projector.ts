/**
 * The projector pair on the GPU, for one slab of rows along the tilt axis (see ../../geometry.ts).
 *
 * Layouts (x fastest), with C channels (1 for every reconstruction; C latent channels for the latent
 * back-projection network, methods/latentbp): a slab's tilts are [tilt][channel][row][detector pixel]
 * (ONNX's [N, C, h, w]); its volume is [channel][z][row][x] (ONNX's [C, D, h, w]). Each channel is projected
 * on its own with the same geometry. A slab may be a window of rows inside larger buffers (`tiltRows`,
 * `tiltRow0`, `volumeRows`, `volumeRow0`), so that a kernel reads or writes rows of a whole tensor in place.
 * Back-projection gathers per voxel; forward projection gathers per detector pixel over the voxels whose hat
 * weight reaches it, using the same float expressions for u and the weights, so the pair is transposed to
 * float precision (⟨Ax, y⟩ = ⟨x, Aᵀy⟩).
 */
import { bindGroup, dispatchSize, encodeDispatch, FLAT_INDEX_WGSL, pipelineSet, uniformBuffer } from '../buffers.ts';
import type { GpuContext } from '../device.ts';

const GROUP = 64;
/** Voxels along z per back-projection thread. */
const ZB = 4;

const WGSL = /* wgsl */ `
struct Params {
  nx: u32, ny: u32, nz: u32, nTilts: u32, nDet: u32, weight: f32, channels: u32,
  tiltRows: u32, tiltRow0: u32, volumeRows: u32, volumeRow0: u32, zCentre: f32,
};
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> trig: array<vec2<f32>>;   // (cos θ, sin θ) per tilt
@group(0) @binding(2) var<storage, read_write> tilts: array<f32>;  // [tilt][channel][tiltRows][pixel]
@group(0) @binding(3) var<storage, read_write> volume: array<f32>; // [channel][z][volumeRows][x]
${FLAT_INDEX_WGSL}

// Fractional detector index of voxel column (x, z) at a tilt: u = x·cos θ + z·sin θ, centred.
fn detectorT(x: u32, zs: f32, c: f32) -> f32 {
  let xc = f32(x) - f32(p.nx - 1u) * 0.5;
  return xc * c + zs + f32(p.nDet - 1u) * 0.5;
}

// Section z's centred height in the tomogram: a volume's middle section lies zCentre voxels above the tomogram's.
fn zSin(z: u32, s: f32) -> f32 {
  return (f32(z) - (f32(p.nz - 1u) * 0.5 - p.zCentre)) * s;
}

// Index of slab row y of (tilt or z, channel) in the tilts / volume buffer.
fn tiltRow(k: u32, c: u32, y: u32) -> u32 {
  return (k * p.channels + c) * p.tiltRows + p.tiltRow0 + y;
}

fn volumeRow(z: u32, c: u32, y: u32) -> u32 {
  return (c * p.nz + z) * p.volumeRows + p.volumeRow0 + y;
}

// One thread per (x, row, channel) and ZB consecutive z: the tilt loop and x·cos θ are shared by ZB voxels.
@compute @workgroup_size(${GROUP})
fn backProject(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${GROUP}u);
  let zBlocks = (p.nz + ${ZB - 1}u) / ${ZB}u;
  if (idx >= p.nx * p.ny * zBlocks * p.channels) { return; }
  let x = idx % p.nx;
  let y = (idx / p.nx) % p.ny;
  let z0 = ((idx / (p.nx * p.ny)) % zBlocks) * ${ZB}u;
  let c = idx / (p.nx * p.ny * zBlocks);
  let last = i32(p.nDet) - 1;
  var sum: array<f32, ${ZB}>;
  for (var k = 0u; k < p.nTilts; k++) {
    let cs = trig[k];
    let base = i32(tiltRow(k, c, y) * p.nDet);
    for (var j = 0u; j < ${ZB}u; j++) {
      let t = detectorT(x, zSin(z0 + j, cs.y), cs.x);
      let t0 = floor(t);
      let w1 = t - t0;
      let i = i32(t0);
      // Zero outside the row, without branches: clamp the read, drop its weight.
      let w0 = select(0.0, 1.0 - w1, i >= 0 && i <= last);
      let wb = select(0.0, w1, i + 1 >= 0 && i + 1 <= last);
      sum[j] += w0 * tilts[base + clamp(i, 0, last)] + wb * tilts[base + clamp(i + 1, 0, last)];
    }
  }
  for (var j = 0u; j < ${ZB}u; j++) {
    if (z0 + j < p.nz) { volume[x + p.nx * volumeRow(z0 + j, c, y)] = p.weight * sum[j]; }
  }
}

@compute @workgroup_size(${GROUP})
fn forwardProject(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (idx >= p.nDet * p.ny * p.channels * p.nTilts) { return; }
  let i = i32(idx % p.nDet);
  let y = (idx / p.nDet) % p.ny;
  let c = (idx / (p.nDet * p.ny)) % p.channels;
  let k = idx / (p.nDet * p.ny * p.channels);
  let cs = trig[k];
  let halfX = f32(p.nx - 1u) * 0.5;
  let fi = f32(i);
  let ui = fi - f32(p.nDet - 1u) * 0.5;
  var acc = 0.0;
  for (var z = 0u; z < p.nz; z++) {
    let zs = zSin(z, cs.y);
    // Only voxel columns with |u(x) − u_i| < 1 reach pixel i; columns at the boundary of
    // this range have weight ≈ 0, so rounding there changes nothing. The weights decide.
    let a = (ui - zs - 1.0) / cs.x + halfX;
    let b = (ui - zs + 1.0) / cs.x + halfX;
    let x0 = max(i32(ceil(min(a, b))), 0);
    let x1 = min(i32(floor(max(a, b))), i32(p.nx) - 1);
    let row = volumeRow(z, c, y) * p.nx;
    for (var x = x0; x <= x1; x++) {
      // The back-projector's interpolation weight of pixel i, 1 − |t − i|, without branches.
      let t = detectorT(u32(x), zs, cs.x);
      acc += max(0.0, 1.0 - abs(t - fi)) * volume[row + u32(x)];
    }
  }
  tilts[u32(i) + p.nDet * tiltRow(k, c, y)] = p.weight * acc;
}
`;

const ENTRIES = ['backProject', 'forwardProject'] as const;
const BINDINGS = ['uniform', 'read-only-storage', 'storage', 'storage'] as const;
const pipelineCache = new WeakMap<GPUDevice, Record<(typeof ENTRIES)[number], GPUComputePipeline>>();

export interface SlabShape {
  nx: number;
  /** Rows in this slab (along the tilt axis). */
  ny: number;
  nz: number;
  nTilts: number;
  /** Detector width; equals nx for reconstructions. */
  nDet: number;
  /** Channels C, each projected on its own (default 1). */
  channels?: number;
  /** Rows per (tilt, channel) in the tilts buffer (default ny) and the buffer row of the slab's row 0 (default 0). */
  tiltRows?: number;
  tiltRow0?: number;
  /** Rows per (channel, z) in the volume buffer (default ny) and the buffer row of the slab's row 0 (default 0). */
  volumeRows?: number;
  volumeRow0?: number;
  /**
   * Voxels the volume's middle section lies above the tomogram's (default 0, a whole tomogram): a depth slab's
   * height, for a slab of sections reconstructed on its own (methods/fbp/ctfByDepth.ts).
   */
  zCentre?: number;
}

/**
 * Projector bound to one slab's buffers: `trig` (cos, sin per tilt), `tilts` and `volume`.
 * `weight` scales what either direction writes (π/N for FBP's back-projection, 1 for the plain pair).
 */
export class SlabProjector {
  private readonly params: GPUBuffer;
  private readonly group: GPUBindGroup;

  constructor(
    private readonly gpu: GpuContext,
    private readonly shape: SlabShape,
    trig: GPUBuffer,
    tilts: GPUBuffer,
    volume: GPUBuffer,
    weight = 1,
  ) {
    const { nx, ny, nz, nTilts, nDet, channels = 1, tiltRows = ny, tiltRow0 = 0, volumeRows = ny, volumeRow0 = 0, zCentre = 0 } = shape;
    const words = new ArrayBuffer(48);
    new Uint32Array(words).set([nx, ny, nz, nTilts, nDet, 0, channels, tiltRows, tiltRow0, volumeRows, volumeRow0]);
    new Float32Array(words)[5] = weight;
    new Float32Array(words)[11] = zCentre;
    this.params = uniformBuffer(gpu, words, 'projector.params');
    const p = pipelineSet(pipelineCache, gpu, WGSL, 'projector', ENTRIES, BINDINGS);
    this.group = bindGroup(gpu, p.backProject, [this.params, trig, tilts, volume], 'projector');
  }

  /** volume ← weight · Aᵀ tilts */
  encodeBackProject(encoder: GPUCommandEncoder): void {
    const { nx, ny, nz, channels = 1 } = this.shape;
    const p = pipelineSet(pipelineCache, this.gpu, WGSL, 'projector', ENTRIES, BINDINGS);
    encodeDispatch(encoder, p.backProject, this.group, dispatchSize(this.gpu, nx * ny * Math.ceil(nz / ZB) * channels, GROUP));
  }

  /** tilts ← A volume */
  encodeForwardProject(encoder: GPUCommandEncoder): void {
    const { nDet, ny, nTilts, channels = 1 } = this.shape;
    const p = pipelineSet(pipelineCache, this.gpu, WGSL, 'projector', ENTRIES, BINDINGS);
    encodeDispatch(encoder, p.forwardProject, this.group, dispatchSize(this.gpu, nDet * ny * nTilts * channels, GROUP));
  }

  destroy(): void {
    this.params.destroy();
  }
}
