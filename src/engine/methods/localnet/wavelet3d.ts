/**
 * Inverse one-level 3-D bior3.1 wavelet transform on the GPU, for a slab of rows along y.
 *
 * Definitions (filters, pywt's sub-band order, the [kz][ky][kx][band] coefficient layout that the
 * wavelet model emits, cropping to n) are in ../../reference/wavelet3d.ts, the CPU reference this
 * kernel is checked against. Output voxel i along an axis needs only half-grid points ⌊i/2⌋ and
 * ⌊i/2⌋ + 1 (tap i + 2 − 2k of the length-4 synthesis filters), so each thread gathers 2 × 2 × 2 points
 * × 8 bands: no atomics, and a slab of output rows [y0, y0 + ny) needs half rows [⌊y0/2⌋, ⌊(y0+ny−1)/2⌋ + 1].
 */
import { BIOR31, halfRowsFor } from './grid.ts';
import { bindGroup, dispatchSize, encodeDispatch, FLAT_INDEX_WGSL, pipelineSet, uniformBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';

const GROUP = 64;
const wgslArray = (values: readonly number[]) => `array<f32, 4>(${values.map((v) => v.toPrecision(17)).join(', ')})`;

const WGSL = /* wgsl */ `
struct Params { nx: u32, ny: u32, nz: u32, y0: u32, mx: u32, myHeld: u32, mz: u32, ky0: u32 };
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> coeffs: array<f32>;       // [kz][ky − ky0][kx][band]
@group(0) @binding(2) var<storage, read_write> volume: array<f32>; // [z][row][x], rows y0 … y0 + ny − 1
${FLAT_INDEX_WGSL}

const REC_LO = ${wgslArray(BIOR31.recLo)};
const REC_HI = ${wgslArray(BIOR31.recHi)};

// Synthesis weights (low, high) of half-grid point q + t for output sample i (t = 0, 1; q = ⌊i/2⌋).
fn taps(i: u32, t: u32) -> vec2<f32> {
  let j = i + 2u - 2u * (i / 2u + t);
  let lo = REC_LO; // a let copy may be indexed at run time
  let hi = REC_HI;
  return vec2<f32>(lo[j], hi[j]);
}

@compute @workgroup_size(${GROUP})
fn inverse(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (idx >= p.nx * p.ny * p.nz) { return; }
  let x = idx % p.nx;
  let row = (idx / p.nx) % p.ny;
  let z = idx / (p.nx * p.ny);
  let y = p.y0 + row;
  var sum = 0.0;
  for (var tz = 0u; tz < 2u; tz++) {
    let wz = taps(z, tz);
    let kz = z / 2u + tz;
    for (var ty = 0u; ty < 2u; ty++) {
      let wy = taps(y, ty);
      let ky = y / 2u + ty - p.ky0;
      for (var tx = 0u; tx < 2u; tx++) {
        let wx = taps(x, tx);
        let kx = x / 2u + tx;
        let base = ((kz * p.myHeld + ky) * p.mx + kx) * 8u;
        // Band b = 4·bz + 2·by + bx, 'd' = 1: weight = w_z[bz]·w_y[by]·w_x[bx].
        for (var b = 0u; b < 8u; b++) {
          let w = wz[b >> 2u] * wy[(b >> 1u) & 1u] * wx[b & 1u];
          sum += w * coeffs[base + b];
        }
      }
    }
  }
  volume[idx] = sum;
}
`;

const ENTRIES = ['inverse'] as const;
const BINDINGS = ['uniform', 'read-only-storage', 'storage'] as const;
const pipelineCache = new WeakMap<GPUDevice, Record<(typeof ENTRIES)[number], GPUComputePipeline>>();

export interface InverseWaveletShape {
  /** Output slab: nx × ny rows × nz, the rows being [y0, y0 + ny) of the whole volume. */
  nx: number;
  ny: number;
  nz: number;
  y0: number;
  /** Coefficients held: mx × myHeld × mz half-grid points, the rows starting at half row ky0. */
  mx: number;
  myHeld: number;
  mz: number;
  ky0: number;
}

/** The inverse transform bound to one slab's coefficient and volume buffers. */
export class InverseWavelet3d {
  private readonly params: GPUBuffer;
  private readonly group: GPUBindGroup;
  private readonly pipeline: GPUComputePipeline;

  constructor(
    private readonly gpu: GpuContext,
    private readonly shape: InverseWaveletShape,
    coeffs: GPUBuffer,
    volume: GPUBuffer,
  ) {
    const { first, count } = halfRowsFor(shape.y0, shape.ny);
    if (first < shape.ky0 || first + count > shape.ky0 + shape.myHeld) {
      throw new Error(`inverse wavelet: output rows ${shape.y0}…${shape.y0 + shape.ny - 1} need half rows ${first}…${first + count - 1}, not all held`);
    }
    const { nx, ny, nz, y0, mx, myHeld, mz, ky0 } = shape;
    this.params = uniformBuffer(gpu, new Uint32Array([nx, ny, nz, y0, mx, myHeld, mz, ky0]).buffer, 'wavelet3d.params');
    this.pipeline = pipelineSet(pipelineCache, gpu, WGSL, 'wavelet3d', ENTRIES, BINDINGS).inverse;
    this.group = bindGroup(gpu, this.pipeline, [this.params, coeffs, volume], 'wavelet3d');
  }

  encode(encoder: GPUCommandEncoder): void {
    const { nx, ny, nz } = this.shape;
    encodeDispatch(encoder, this.pipeline, this.group, dispatchSize(this.gpu, nx * ny * nz, GROUP));
  }

  destroy(): void {
    this.params.destroy();
  }
}
