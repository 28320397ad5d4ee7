/**
 * Applying a stack alignment on the GPU: each kept raw section is resampled through its affine map with
 * bilinear interpolation (newstack -linear), samples outside the raw image take the section's mean
 * (newstack's default fill), and the result is optionally binned. See docs/alignment.md.
 *
 * Sections go through in batches sized to the memory budget and the device's binding limit, so a large stack
 * never needs one buffer over maxStorageBufferBindingSize. Reference: ../reference/alignment.ts.
 */
import type { StackAlignment } from '../../io/alignmentFiles.ts';
import { formatBytes } from '../../io/bytes.ts';
import { bindGroup, dispatchSize, encodeDispatch, FLAT_INDEX_WGSL, pipelineSet, readFloats, storageBuffer } from '../gpu/buffers.ts';
import { assertDeviceAlive, type GpuContext } from '../gpu/device.ts';
import { withGpuScope } from '../gpu/scope.ts';
import { planSlabs } from '../geometry.ts';
import { DEFAULT_MEMORY_BUDGET } from '../methods/slabs.ts';
import { throwIfAborted } from '../types.ts';
import { alignedSize, TRANSFORM_FLOATS, transformTable, type AlignOptions, type SectionStack } from './geometry.ts';

const GROUP = 64;

const WGSL = /* wgsl */ `
struct Params { nxIn: u32, nyIn: u32, nxOut: u32, nyOut: u32, bin: u32, nSections: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> transforms: array<f32>; // per section: xx xy yx yy x0 y0 fill 0
@group(0) @binding(2) var<storage, read> raw: array<f32>;         // [section][y][x], the batch's kept sections
@group(0) @binding(3) var<storage, read_write> aligned: array<f32>; // [section][y][x], binned
${FLAT_INDEX_WGSL}

// Bilinear sample of a raw section at fractional index (tx, ty); outside the square of pixel centres, the fill.
fn sampleRaw(base: u32, tx: f32, ty: f32, fill: f32) -> f32 {
  let lastX = f32(p.nxIn - 1u);
  let lastY = f32(p.nyIn - 1u);
  if (tx < 0.0 || ty < 0.0 || tx > lastX || ty > lastY) { return fill; }
  let x0 = u32(floor(tx));
  let y0 = u32(floor(ty));
  let x1 = min(x0 + 1u, p.nxIn - 1u);
  let y1 = min(y0 + 1u, p.nyIn - 1u);
  let fx = tx - f32(x0);
  let fy = ty - f32(y0);
  let r0 = base + y0 * p.nxIn;
  let r1 = base + y1 * p.nxIn;
  let top = (1.0 - fx) * raw[r0 + x0] + fx * raw[r0 + x1];
  let bottom = (1.0 - fx) * raw[r1 + x0] + fx * raw[r1 + x1];
  return (1.0 - fy) * top + fy * bottom;
}

// One thread per binned output pixel: the mean of bin × bin samples at the unbinned aligned positions it covers.
@compute @workgroup_size(${GROUP})
fn resample(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (idx >= p.nxOut * p.nyOut * p.nSections) { return; }
  let x = idx % p.nxOut;
  let y = (idx / p.nxOut) % p.nyOut;
  let s = idx / (p.nxOut * p.nyOut);
  let t = s * ${TRANSFORM_FLOATS}u;
  let xx = transforms[t];
  let xy = transforms[t + 1u];
  let yx = transforms[t + 2u];
  let yy = transforms[t + 3u];
  let fill = transforms[t + 6u];
  // Centred raw coordinate → fractional index: add (n − 1)/2, folded into the shift.
  let sx = transforms[t + 4u] + f32(p.nxIn - 1u) * 0.5;
  let sy = transforms[t + 5u] + f32(p.nyIn - 1u) * 0.5;
  let b = f32(p.bin);
  let sub = (b - 1.0) * 0.5;
  let cx = (f32(x) - f32(p.nxOut - 1u) * 0.5) * b;
  let cy = (f32(y) - f32(p.nyOut - 1u) * 0.5) * b;
  let base = s * p.nxIn * p.nyIn;
  var sum = 0.0;
  for (var j = 0u; j < p.bin; j++) {
    let uy = cy + f32(j) - sub;
    for (var i = 0u; i < p.bin; i++) {
      let ux = cx + f32(i) - sub;
      sum += sampleRaw(base, xx * ux + xy * uy + sx, yx * ux + yy * uy + sy, fill);
    }
  }
  aligned[idx] = sum / (b * b);
}
`;

const ENTRIES = ['resample'] as const;
const BINDINGS = ['uniform', 'read-only-storage', 'read-only-storage', 'storage'] as const;
const pipelineCache = new WeakMap<GPUDevice, Record<(typeof ENTRIES)[number], GPUComputePipeline>>();

export interface AlignRunOptions extends AlignOptions {
  signal?: AbortSignal;
  /** GPU memory one batch of sections may use; defaults to DEFAULT_MEMORY_BUDGET. */
  memoryBudgetBytes?: number;
}

/** Sections per batch: as many as the budget and the binding limit allow, or an error naming the sizes. */
function sectionsPerBatch(gpu: GpuContext, inBytes: number, outBytes: number, budget: number): number {
  const binding = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
  const count = Math.min(Math.floor(budget / (inBytes + outBytes)), Math.floor(binding / Math.max(inBytes, outBytes)));
  if (count < 1) {
    throw new Error(
      `aligning one section needs ${formatBytes(inBytes)} in and ${formatBytes(outBytes)} out, more than the ${formatBytes(budget)} ` +
        `budget or the device's binding limit of ${formatBytes(binding)}: bin the stack or use a smaller output size`,
    );
  }
  return count;
}

/**
 * The aligned stack: kept sections in the alignment's order, binned by `options.bin`. The alignment must
 * already fit the stack (checkAlignment in io/alignmentFiles.ts).
 */
export async function alignStackGpu(gpu: GpuContext, raw: SectionStack, alignment: StackAlignment, options: AlignRunOptions = {}): Promise<SectionStack> {
  const out = alignedSize(raw, options);
  const nKept = alignment.keptSections.length;
  const inPixels = raw.nx * raw.ny;
  const outPixels = out.nx * out.ny;
  const perBatch = sectionsPerBatch(gpu, inPixels * 4, outPixels * 4, options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET);
  const batches = planSlabs(nKept, perBatch);
  const result = new Float32Array(outPixels * nKept);
  const capacity = batches[0]?.ny ?? 0;
  await withGpuScope(async (scope) => {
    const params = scope.own(gpu.device.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'align.params' }));
    const transforms = scope.own(storageBuffer(gpu, capacity * TRANSFORM_FLOATS * 4, 'align.transforms'));
    const rawBuffer = scope.own(storageBuffer(gpu, capacity * inPixels * 4, 'align.raw'));
    const alignedBuffer = scope.own(storageBuffer(gpu, capacity * outPixels * 4, 'align.aligned'));
    const pipeline = pipelineSet(pipelineCache, gpu, WGSL, 'align', ENTRIES, BINDINGS).resample;
    const group = bindGroup(gpu, pipeline, [params, transforms, rawBuffer, alignedBuffer], 'align');
    for (const batch of batches) {
      throwIfAborted(options.signal);
      assertDeviceAlive(gpu);
      const first = batch.y0;
      const count = batch.ny;
      gpu.device.queue.writeBuffer(params, 0, new Uint32Array([raw.nx, raw.ny, out.nx, out.ny, out.bin, count, 0, 0]));
      gpu.device.queue.writeBuffer(transforms, 0, transformTable(raw, alignment, first, count));
      for (let j = 0; j < count; j++) {
        const section = alignment.keptSections[first + j];
        gpu.device.queue.writeBuffer(rawBuffer, j * inPixels * 4, raw.data.buffer, raw.data.byteOffset + section * inPixels * 4, inPixels * 4);
      }
      const encoder = gpu.device.createCommandEncoder();
      encodeDispatch(encoder, pipeline, group, dispatchSize(gpu, outPixels * count, GROUP));
      gpu.device.queue.submit([encoder.finish()]);
      result.set(await readFloats(gpu, alignedBuffer, outPixels * count), first * outPixels);
    }
  });
  return { nx: out.nx, ny: out.ny, nSections: nKept, data: result };
}
