/**
 * Fourier shell correlation on the GPU (docs/conventions.md#fsc), the same numbers as
 * ../../metrics/fsc.ts: shell r = round(|k|·n_max) with exact half-integer ties to the even
 * shell, shells 0 … floor(n_max/2), FSC = Re Σ Fa·conj(Fb) / sqrt(Σ|Fa|² Σ|Fb|²), 0 where a
 * denominator is 0. An optional per-voxel mask (1 = measured, DFT index order, as
 * metrics/fsc.ts's measuredMask gives) splits every shell into measured and missing voxels.
 *
 * Transforms. Each volume gets its own complex FFT (./fft3d.ts). Packing both into one
 * transform (a + i·b) would halve the FFT work, but in f32 the rounding of the larger spectrum
 * then leaks into the smaller one, which is exactly where FSC curves matter (high shells, or
 * one map much smoother than the other).
 *
 * Shell assignment is exact. With n_max/n_a = p_a/q_a in lowest terms and K = lcm(q_a),
 * S = (2|k|·n_max·K)² = Σ (2·j_a·n_max·K/n_a)² is an integer, and so is the boundary between
 * shells b and b+1, T_b = ((2b+1)·K)². Per-axis terms and boundaries are computed once on the
 * CPU (BigInt) and compared on the GPU as 64-bit integers (two u32), so no voxel's shell depends
 * on f32 rounding, or on the compiler reassociating float sums (WGSL allows it), and ties are
 * detected exactly. When n_max·K > 2³⁰ (dimensions with large coprime factors) K is a power of
 * two instead and the terms are rounded: still 60 bits, finer than the float64 reference.
 *
 * Reduction. WGSL has no float atomics, so instead of scattering voxels into shells, each
 * invocation OWNS a shell: a workgroup takes a block of up to 32 rows of one z plane and 64
 * consecutive shells; the invocation for shell r walks the block's rows and, per row, only the
 * run of |kx| whose shell can be r (an f32 estimate from the integer boundaries, widened by one
 * voxel each side, then the exact test). Every voxel is read once per volume, sums stay in
 * registers (no atomics, no workgroup memory, no barriers), the order of additions is fixed, so
 * the result is deterministic. Neighbouring invocations own neighbouring shells, whose runs are
 * adjacent in memory, so a warp's loads stay within a few cache lines of one row. A second pass
 * adds the per-block partials in fixed groups of 64 blocks, and the CPU adds those in float64.
 */
import type { Volume } from '../../types.ts';
import { dispatchSize, FLAT_INDEX_WGSL, pipelineSet, readFloats, storageBuffer, uniformBuffer, uploadBuffer } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { Fft3dPlan, realToComplexPass } from './fft3d.ts';
import { encodePasses } from './stockham.ts';

export interface GpuFscResult {
  /** Shell frequency in cycles/voxel: r / n_max, r = 0 … floor(n_max/2). */
  shells: number[];
  fsc: number[];
  /** With a mask: FSC over the measured (mask ≠ 0) voxels of each shell. */
  fscMeasured?: number[];
  /** With a mask: FSC over the missing (mask = 0) voxels of each shell. */
  fscMissing?: number[];
  /** Voxels per shell. */
  counts: number[];
  countsMeasured?: number[];
  countsMissing?: number[];
}

const SHELL_GROUP = 64;
const MAX_ROWS_PER_BLOCK = 32;
const REDUCE_GROUP = 64;
const REDUCE_BLOCKS = 64;
/** Quantities per (block, shell): [Re Fa·conj Fb, |Fa|², |Fb|², count] for measured, then missing. */
const QUANTITIES = 8;
/** Per-block partial sums are kept under this size by taking taller blocks. */
const PARTIALS_BUDGET = 64 * 2 ** 20;

const SHELLS_WGSL = /* wgsl */ `
struct Params {
  nx: u32, ny: u32, nz: u32, nShells: u32,
  rowsPerBlock: u32, blocksPerPlane: u32, totalBlocks: u32, shellGroups: u32,
  hasMask: u32, invTwoC: f32, pad0: u32, pad1: u32,
};
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> fa: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> fb: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> mask: array<u32>;      // one byte per voxel, 4 per word
// 64-bit integers as (low, high): S terms for x (nx), y (ny), z (nz) by DFT index, then T_b (nShells).
@group(0) @binding(4) var<storage, read> terms: array<vec2<u32>>;
@group(0) @binding(5) var<storage, read_write> partials: array<vec4<f32>>;
${FLAT_INDEX_WGSL}

fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.x + b.x;
  return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}
fn sub64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}
fn less64(a: vec2<u32>, b: vec2<u32>) -> bool { return a.y < b.y || (a.y == b.y && a.x < b.x); }
fn same64(a: vec2<u32>, b: vec2<u32>) -> bool { return a.x == b.x && a.y == b.y; }
fn toF32(a: vec2<u32>) -> f32 { return f32(a.y) * 4294967296.0 + f32(a.x); }

@compute @workgroup_size(${SHELL_GROUP})
fn shells(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.y * nwg.x + wid.x;
  let block = wg / P.shellGroups;
  let r = (wg % P.shellGroups) * ${SHELL_GROUP}u + lid;
  if (block >= P.totalBlocks || r >= P.nShells) { return; }
  let oy = P.nx;
  let oz = oy + P.ny;
  let oT = oz + P.nz;
  let jz = block / P.blocksPerPlane;
  let y0 = (block % P.blocksPerPlane) * P.rowsPerBlock;
  let y1 = min(y0 + P.rowsPerBlock, P.ny);
  let even = (r & 1u) == 0u;
  let upper = terms[oT + r];                                   // boundary with shell r + 1
  var lower = vec2<u32>(0u, 0u);                               // boundary with shell r − 1
  if (r > 0u) { lower = terms[oT + r - 1u]; }
  let sz = terms[oz + jz];
  let halfX = P.nx / 2u;
  var measured = vec4<f32>(0.0);
  var missing = vec4<f32>(0.0);
  for (var jy = y0; jy < y1; jy++) {
    let syz = add64(terms[oy + jy], sz);
    if (less64(upper, syz)) { continue; }                      // the whole row lies outside shell r
    // Candidate |kx| indices a, from f32 estimates of the exact bounds, one voxel wider each side.
    var aLo = 0u;
    if (less64(syz, lower)) { aLo = u32(max(floor(sqrt(toF32(sub64(lower, syz))) * P.invTwoC) - 1.0, 0.0)); }
    let aHi = min(u32(sqrt(toF32(sub64(upper, syz))) * P.invTwoC) + 1u, halfX);
    let row = P.nx * (jy + P.ny * jz);
    for (var a = aLo; a <= aHi; a++) {
      for (var side = 0u; side < 2u; side++) {
        // Frequency +a sits at index a (2a < nx), −a at index nx − a (1 ≤ a, 2a ≤ nx).
        var jx = a;
        if (side == 0u) {
          if (2u * a >= P.nx) { continue; }
        } else {
          if (a == 0u || 2u * a > P.nx) { continue; }
          jx = P.nx - a;
        }
        let s = add64(syz, terms[jx]);
        let aboveLower = r == 0u || less64(lower, s) || (even && same64(lower, s));
        let belowUpper = less64(s, upper) || (even && same64(s, upper));
        if (!(aboveLower && belowUpper)) { continue; }
        let i = row + jx;
        let za = fa[i];
        let zb = fb[i];
        let v = vec4<f32>(za.x * zb.x + za.y * zb.y, dot(za, za), dot(zb, zb), 1.0);
        if (P.hasMask == 1u && ((mask[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu) == 0u) {
          missing += v;
        } else {
          measured += v;
        }
      }
    }
  }
  let o = (block * P.nShells + r) * 2u;
  partials[o] = measured;
  partials[o + 1u] = missing;
}
`;

const REDUCE_WGSL = /* wgsl */ `
struct Params { width: u32, totalBlocks: u32, count: u32, pad: u32 };
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
${FLAT_INDEX_WGSL}

// dst[g][e] = Σ src[b][e] over the ${REDUCE_BLOCKS} blocks b of group g, in order.
@compute @workgroup_size(${REDUCE_GROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = flatIndex(wid, nwg, lid, ${REDUCE_GROUP}u);
  if (t >= P.count) { return; }
  let g = t / P.width;
  let e = t % P.width;
  let b1 = min((g + 1u) * ${REDUCE_BLOCKS}u, P.totalBlocks);
  var sum = 0.0;
  for (var b = g * ${REDUCE_BLOCKS}u; b < b1; b++) { sum += src[b * P.width + e]; }
  dst[t] = sum;
}
`;

const shellsCache = new WeakMap<GPUDevice, Record<'shells', GPUComputePipeline>>();
const reduceCache = new WeakMap<GPUDevice, Record<'main', GPUComputePipeline>>();

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The integer shell geometry: per-axis terms (2·|j|·n_max·K/n)² by DFT index, the boundaries
 * T_b = ((2b+1)·K)², and 1/(2c) for x (c = n_max·K/nx), as 64-bit (low, high) words.
 */
export function shellTerms(nx: number, ny: number, nz: number): { words: Uint32Array; nShells: number; invTwoC: number; exact: boolean } {
  const dims = [nx, ny, nz];
  const nMax = Math.max(...dims);
  const nShells = Math.floor(nMax / 2) + 1;
  let lcm = 1;
  for (const n of dims) {
    const q = n / gcd(nMax, n);
    lcm = (lcm / gcd(lcm, q)) * q;
  }
  const exact = nMax * lcm <= 2 ** 30;
  const K = exact ? lcm : 2 ** Math.floor(Math.log2(2 ** 30 / nMax));
  const words = new Uint32Array(2 * (nx + ny + nz + nShells));
  const mask32 = 0xffffffffn;
  let w = 0;
  const push = (v: bigint) => {
    words[w++] = Number(v & mask32);
    words[w++] = Number(v >> 32n);
  };
  const bigK = BigInt(K);
  for (const n of dims) {
    const den = BigInt(n) * BigInt(n);
    for (let j = 0; j < n; j++) {
      const a = BigInt(Math.min(j, n - j));
      const num = (2n * a * BigInt(nMax) * bigK) ** 2n;
      push((num + den / 2n) / den); // exact division when K = lcm
    }
  }
  for (let b = 0; b < nShells; b++) push((BigInt(2 * b + 1) * bigK) ** 2n);
  return { words, nShells, invTwoC: nx / (2 * nMax * K), exact };
}

function ratio(num: Float64Array, da: Float64Array, db: Float64Array): number[] {
  return Array.from(num, (v, r) => {
    const d = Math.sqrt(da[r] * db[r]);
    return d > 0 ? v / d : 0;
  });
}

/**
 * FSC between two real volumes of one size, computed on the GPU. With `measuredMask`
 * (nx·ny·nz bytes, 1 = measured, DFT index order, x fastest), also the FSC over the measured
 * and the missing voxels of every shell.
 */
export async function fscGpu(gpu: GpuContext, a: Volume, b: Volume, measuredMask?: Uint8Array): Promise<GpuFscResult> {
  const { nx, ny, nz } = a;
  if (b.nx !== nx || b.ny !== ny || b.nz !== nz) {
    throw new RangeError(`FSC needs volumes of one size, got ${nx}×${ny}×${nz} and ${b.nx}×${b.ny}×${b.nz}`);
  }
  const n = nx * ny * nz;
  if (a.data.length !== n || b.data.length !== n) throw new RangeError(`FSC: volume data do not hold ${nx}×${ny}×${nz} values`);
  if (measuredMask && measuredMask.length !== n) throw new RangeError(`FSC: the mask has ${measuredMask.length} values, expected ${n}`);

  const plan = new Fft3dPlan(gpu, nx, ny, nz);
  const owned: GPUBuffer[] = [];
  const own = (buffer: GPUBuffer) => (owned.push(buffer), buffer);
  try {
    const { words, nShells, invTwoC } = shellTerms(nx, ny, nz);
    const rowsPerBlock = Math.min(ny, Math.max(MAX_ROWS_PER_BLOCK, Math.ceil((ny * nz * nShells * QUANTITIES * 4) / PARTIALS_BUDGET)));
    const blocksPerPlane = Math.ceil(ny / rowsPerBlock);
    const totalBlocks = nz * blocksPerPlane;
    const shellGroups = Math.ceil(nShells / SHELL_GROUP);
    const width = nShells * QUANTITIES;
    const groups = Math.ceil(totalBlocks / REDUCE_BLOCKS);

    // Both spectra; the real staging buffer is reused (queue operations run in order).
    const real = own(uploadBuffer(gpu, a.data, 'fsc.real'));
    const fa = own(storageBuffer(gpu, n * 8, 'fsc.fa'));
    const fb = own(storageBuffer(gpu, n * 8, 'fsc.fb'));
    let encoder = gpu.device.createCommandEncoder();
    const expandA = realToComplexPass(gpu, real, fa, n);
    own(expandA.uniform);
    encodePasses(encoder, [expandA.pass]);
    gpu.device.queue.submit([encoder.finish()]);
    gpu.device.queue.writeBuffer(real, 0, b.data.buffer, b.data.byteOffset, b.data.byteLength);
    encoder = gpu.device.createCommandEncoder();
    const expandB = realToComplexPass(gpu, real, fb, n);
    own(expandB.uniform);
    encodePasses(encoder, [expandB.pass]);
    plan.encode(encoder, fa, false);
    plan.encode(encoder, fb, false);

    let maskBuffer: GPUBuffer;
    if (measuredMask) {
      const padded = measuredMask.length % 4 === 0 ? measuredMask : new Uint8Array(Math.ceil(n / 4) * 4);
      if (padded !== measuredMask) padded.set(measuredMask);
      maskBuffer = own(storageBuffer(gpu, padded.byteLength, 'fsc.mask'));
      gpu.device.queue.writeBuffer(maskBuffer, 0, padded.buffer, padded.byteOffset, padded.byteLength);
    } else {
      maskBuffer = own(storageBuffer(gpu, 16, 'fsc.noMask'));
    }
    const termBuffer = own(uploadBuffer(gpu, words, 'fsc.terms'));
    const partials = own(storageBuffer(gpu, totalBlocks * width * 4, 'fsc.partials'));
    const reduced = own(storageBuffer(gpu, groups * width * 4, 'fsc.reduced'));

    const params = new ArrayBuffer(48);
    new Uint32Array(params).set([nx, ny, nz, nShells, rowsPerBlock, blocksPerPlane, totalBlocks, shellGroups, measuredMask ? 1 : 0]);
    new Float32Array(params)[9] = invTwoC;
    const shellUniform = own(uniformBuffer(gpu, params, 'fsc.shells.params'));
    const shellPipeline = pipelineSet(shellsCache, gpu, SHELLS_WGSL, 'fsc.shells', ['shells'], [
      'uniform',
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'storage',
    ]).shells;
    const reduceUniform = own(uniformBuffer(gpu, new Uint32Array([width, totalBlocks, groups * width, 0]).buffer, 'fsc.reduce.params'));
    const reducePipeline = pipelineSet(reduceCache, gpu, REDUCE_WGSL, 'fsc.reduce', ['main'], ['uniform', 'read-only-storage', 'storage']).main;
    const group = (pipeline: GPUComputePipeline, buffers: GPUBuffer[]) =>
      gpu.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    encodePasses(encoder, [
      {
        pipeline: shellPipeline,
        group: group(shellPipeline, [shellUniform, fa, fb, maskBuffer, termBuffer, partials]),
        workgroups: dispatchSize(gpu, totalBlocks * shellGroups * SHELL_GROUP, SHELL_GROUP),
      },
      {
        pipeline: reducePipeline,
        group: group(reducePipeline, [reduceUniform, partials, reduced]),
        workgroups: dispatchSize(gpu, groups * width, REDUCE_GROUP),
      },
    ]);
    gpu.device.queue.submit([encoder.finish()]);
    const sums = await readFloats(gpu, reduced, groups * width);

    // Final sums in float64: [num, |Fa|², |Fb|², count] × (measured, missing) per shell.
    const acc = Array.from({ length: QUANTITIES }, () => new Float64Array(nShells));
    for (let g = 0; g < groups; g++) {
      for (let r = 0; r < nShells; r++) {
        for (let q = 0; q < QUANTITIES; q++) acc[q][r] += sums[g * width + r * QUANTITIES + q];
      }
    }
    const total = (q: number) => acc[q].map((v, r) => v + acc[q + 4][r]);
    const nMax = Math.max(nx, ny, nz);
    const out: GpuFscResult = {
      shells: Array.from({ length: nShells }, (_, r) => r / nMax),
      fsc: ratio(total(0), total(1), total(2)),
      counts: Array.from(total(3)),
    };
    if (measuredMask) {
      out.fscMeasured = ratio(acc[0], acc[1], acc[2]);
      out.fscMissing = ratio(acc[4], acc[5], acc[6]);
      out.countsMeasured = Array.from(acc[3]);
      out.countsMissing = Array.from(acc[7]);
    }
    return out;
  } finally {
    plan.destroy();
    for (const buffer of owned) buffer.destroy();
  }
}
