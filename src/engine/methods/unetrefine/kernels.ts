/**
 * The U-Net refinement's cube cutting and blending on the GPU: the WGSL twins of cubes.ts's cutCube and
 * CubeBlender, which are their CPU reference (kernelChecks.ts holds them to it). They work on one slab
 * (cubes.ts planRefineSlabs): `input` holds the slab's input rows of the tomogram as [z][row][x] (methods/slabs.ts),
 * `sum` and `weight` its output rows.
 * - cut: one thread per voxel of a cube writes (value − mean)/std into `cubes` ([cube][z][y][x], the model's
 *   input [batch, 1, cz, cy, cx]; STORAGE | COPY_SRC | COPY_DST, what Tensor.fromGpuBuffer needs), 0 outside
 *   the tomogram. Slots past the batch's cubes are cleared, so the model always sees whole batches.
 * - blend: one thread per voxel of a cube adds w·output and w into `sum` and `weight` at the voxels of the slab's
 *   output rows, w the product of the three raised-cosine tapers. Cubes of a batch overlap, and WGSL has no float
 *   atomics, so each cube is its own dispatch (dispatches are ordered); inside one, every thread owns its voxel.
 * - finish: sum / weight · std + mean, in place in `sum`.
 * Each cube slot of a batch has its own parameter buffer and bind group, written once per batch.
 */
import { bindGroup, dispatchSize, encodeDispatch, FLAT_INDEX_WGSL, pipelineSet, storageBuffer, uniformBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import type { Volume } from '../../types.ts';
import { taper, type RefineSlab, type Triple } from './cubes.ts';

const GROUP = 64;

const WGSL = /* wgsl */ `
struct Params {
  nx: u32, ny: u32, nz: u32, slot: u32,
  cx: u32, cy: u32, cz: u32, inY0: u32,
  x0: u32, y0: u32, z0: u32, inNy: u32,
  outY0: u32, outNy: u32, mean: f32, sd: f32, // the tomogram's mean and std (std is a reserved word in WGSL)
};
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;        // [z][input row][x]
@group(0) @binding(2) var<storage, read_write> cubes: array<f32>;   // [slot][z][y][x], the model's input
@group(0) @binding(3) var<storage, read> outputs: array<f32>;      // [slot][z][y][x], the model's output
@group(0) @binding(4) var<storage, read> tapers: array<f32>;       // x (cx), then y (cy), then z (cz)
@group(0) @binding(5) var<storage, read_write> sum: array<f32>;     // [z][output row][x]
@group(0) @binding(6) var<storage, read_write> weight: array<f32>;  // [z][output row][x]
${FLAT_INDEX_WGSL}

@compute @workgroup_size(${GROUP})
fn cut(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  let voxels = p.cx * p.cy * p.cz;
  if (i >= voxels) { return; }
  let x = p.x0 + i % p.cx;
  let y = p.y0 + (i / p.cx) % p.cy;
  let z = p.z0 + i / (p.cx * p.cy);
  var value = 0.0;
  if (x < p.nx && y < p.ny && z < p.nz) {
    value = (input[(z * p.inNy + y - p.inY0) * p.nx + x] - p.mean) / p.sd;
  }
  cubes[p.slot * voxels + i] = value;
}

@compute @workgroup_size(${GROUP})
fn blend(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  let voxels = p.cx * p.cy * p.cz;
  if (i >= voxels) { return; }
  let lx = i % p.cx;
  let ly = (i / p.cx) % p.cy;
  let lz = i / (p.cx * p.cy);
  let x = p.x0 + lx;
  let y = p.y0 + ly;
  let z = p.z0 + lz;
  if (x >= p.nx || z >= p.nz || y < p.outY0 || y >= p.outY0 + p.outNy) { return; }
  let w = tapers[p.cx + p.cy + lz] * tapers[p.cx + ly] * tapers[lx];
  let t = (z * p.outNy + y - p.outY0) * p.nx + x;
  sum[t] += w * outputs[p.slot * voxels + i];
  weight[t] += w;
}

@compute @workgroup_size(${GROUP})
fn finish(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (t >= p.nx * p.outNy * p.nz) { return; }
  sum[t] = sum[t] / weight[t] * p.sd + p.mean;
}
`;

const ENTRIES = ['cut', 'blend', 'finish'] as const;
const BINDINGS = ['uniform', 'read-only-storage', 'storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'] as const;
const pipelineCache = new WeakMap<GPUDevice, Record<(typeof ENTRIES)[number], GPUComputePipeline>>();

/**
 * Cutting and blending for one slab, `batch` cube slots at a time. `input` holds the slab's input rows; `cubes`
 * (the model's input) and `outputs` (where the model's output is copied) are [batch, 1, cz, cy, cx]; after
 * `encodeFinish` the slab's output rows, refined and back in the tomogram's units, are in `sum`.
 */
export class SlabCubeKernels {
  readonly cubes: GPUBuffer;
  readonly outputs: GPUBuffer;
  readonly sum: GPUBuffer;
  private readonly weight: GPUBuffer;
  private readonly tapers: GPUBuffer;
  /** One parameter buffer and bind group per cube slot, and one for `finish`. */
  private readonly params: GPUBuffer[];
  private readonly groups: GPUBindGroup[];
  private readonly words: Uint32Array<ArrayBuffer>[];
  private readonly pipelines: Record<(typeof ENTRIES)[number], GPUComputePipeline>;
  private readonly cubeVoxels: number;
  private readonly outputVoxels: number;

  constructor(
    private readonly gpu: GpuContext,
    dims: Pick<Volume, 'nx' | 'ny' | 'nz'>,
    slab: RefineSlab,
    size: Triple,
    overlap: number,
    readonly batch: number,
    normalisation: { mean: number; std: number },
    input: GPUBuffer,
  ) {
    this.cubeVoxels = size[0] * size[1] * size[2];
    this.outputVoxels = dims.nx * slab.output.ny * dims.nz;
    this.cubes = storageBuffer(gpu, batch * this.cubeVoxels * 4, 'unetrefine.cubes');
    this.outputs = storageBuffer(gpu, batch * this.cubeVoxels * 4, 'unetrefine.outputs');
    this.sum = storageBuffer(gpu, this.outputVoxels * 4, 'unetrefine.sum');
    this.weight = storageBuffer(gpu, this.outputVoxels * 4, 'unetrefine.weight');
    const weights = new Float32Array(size[0] + size[1] + size[2]);
    size.forEach((side, axis) => weights.set(taper(side, overlap), axis === 0 ? 0 : axis === 1 ? size[0] : size[0] + size[1]));
    this.tapers = uploadBuffer(gpu, weights, 'unetrefine.tapers');
    this.pipelines = pipelineSet(pipelineCache, gpu, WGSL, 'unetrefine', ENTRIES, BINDINGS);
    this.words = Array.from({ length: batch + 1 }, (_, slot) => {
      const words = new Uint32Array(16);
      words.set([dims.nx, dims.ny, dims.nz, slot, ...size, slab.input.y0, 0, 0, 0, slab.input.ny, slab.output.y0, slab.output.ny]);
      new Float32Array(words.buffer).set([normalisation.mean, normalisation.std], 14);
      return words;
    });
    this.params = this.words.map((words) => uniformBuffer(gpu, words.buffer, 'unetrefine.params'));
    const buffers = (params: GPUBuffer) => [params, input, this.cubes, this.outputs, this.tapers, this.sum, this.weight];
    this.groups = this.params.map((params) => bindGroup(gpu, this.pipelines.cut, buffers(params), 'unetrefine'));
  }

  /** Put the batch's cube starts into the slots' parameters (through the queue: submit each batch's work before the next call). */
  setBatch(starts: readonly Triple[]): void {
    starts.forEach((start, slot) => {
      this.words[slot].set(start, 8);
      this.gpu.device.queue.writeBuffer(this.params[slot], 0, this.words[slot]);
    });
  }

  /** Cut the batch's cubes (set by setBatch) into `cubes`, clearing the slots after them. */
  encodeCut(encoder: GPUCommandEncoder, count: number): void {
    for (let slot = 0; slot < count; slot++) encodeDispatch(encoder, this.pipelines.cut, this.groups[slot], dispatchSize(this.gpu, this.cubeVoxels, GROUP));
    if (count < this.batch) encoder.clearBuffer(this.cubes, count * this.cubeVoxels * 4, (this.batch - count) * this.cubeVoxels * 4);
  }

  /** Add the model's outputs of the batch's first `count` cubes, one dispatch per cube. */
  encodeBlend(encoder: GPUCommandEncoder, count: number): void {
    for (let slot = 0; slot < count; slot++) encodeDispatch(encoder, this.pipelines.blend, this.groups[slot], dispatchSize(this.gpu, this.cubeVoxels, GROUP));
  }

  /** Divide out the weights and undo the normalisation: `sum` then holds the slab's output rows. */
  encodeFinish(encoder: GPUCommandEncoder): void {
    encodeDispatch(encoder, this.pipelines.finish, this.groups[this.batch], dispatchSize(this.gpu, this.outputVoxels, GROUP));
  }

  destroy(): void {
    for (const buffer of [this.cubes, this.outputs, this.sum, this.weight, this.tapers, ...this.params]) buffer.destroy();
  }
}
