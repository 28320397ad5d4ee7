/**
 * The FBP hand-over's low-pass W∗v and the FSC smoothing on the GPU (./fbpHandover.ts has the definitions and
 * the CPU version), filtered in Fourier space by ../../gpu/kernels/fourierFilter.ts with a 3-D FFT plan: each
 * coefficient times W(k): the same raised cosine in f32, or the same per-shell weights looked up by
 * round(|k|·n_max), floored by the same Gaussian, and the same wedge-cone mask, computed once on the CPU.
 */
import { bindGroup, dispatchSize, FLAT_INDEX_WGSL, pipelineSet, uniformBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { Fft3dPlan } from '../../gpu/kernels/fft3d.ts';
import { FourierFilterGpu } from '../../gpu/kernels/fourierFilter.ts';
import { withGpuScope } from '../../gpu/scope.ts';
import { largestDimension } from '../../metrics/fsc.ts';
import type { Volume } from '../../types.ts';
import { filterCone, TAPER_END, TAPER_START, type RadialWeight } from './fbpHandover.ts';

const GROUP = 64;

const HANDOVER_WGSL = /* wgsl */ `
// nShells = 0: the raised cosine over [lo, hi]; otherwise shells[min(round(|k|·nMax), nShells − 1)], at least
// exp(−2π²σ²|k|²) when sigma > 0.
struct Params { nx: u32, ny: u32, nz: u32, count: u32, lo: f32, hi: f32, nMax: u32, nShells: u32, sigma: f32 };
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> spectrum: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> cone: array<u32>;
@group(0) @binding(3) var<storage, read> shells: array<f32>;
${FLAT_INDEX_WGSL}

// numpy's fftfreq: index j of n samples is at j/n below n/2, (j − n)/n from there (cycles/voxel).
fn frequency(j: u32, n: u32) -> f32 {
  if (2u * j < n) { return f32(j) / f32(n); }
  return (f32(j) - f32(n)) / f32(n);
}

@compute @workgroup_size(${GROUP})
fn weight(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid, ${GROUP}u);
  if (i >= P.count) { return; }
  let jx = i % P.nx;
  let jy = (i / P.nx) % P.ny;
  let jz = i / (P.nx * P.ny);
  if (cone[jx + P.nx * jz] == 0u) { spectrum[i] = vec2<f32>(0.0); return; }
  let k = vec3<f32>(frequency(jx, P.nx), frequency(jy, P.ny), frequency(jz, P.nz));
  if (P.nShells > 0u) {
    // WGSL's round() rounds half to even, as the shells of ../../metrics/fsc.ts do.
    var w = shells[min(u32(round(length(k) * f32(P.nMax))), P.nShells - 1u)];
    if (P.sigma > 0.0) { w = max(w, exp(-2.0 * 9.86960440108936 * P.sigma * P.sigma * dot(k, k))); }
    spectrum[i] = spectrum[i] * w;
    return;
  }
  let t = clamp((length(k) - P.lo) / (P.hi - P.lo), 0.0, 1.0);
  spectrum[i] = spectrum[i] * (0.5 * (1.0 + cos(3.14159265358979 * t)));
}
`;

const cache = new WeakMap<GPUDevice, Record<'weight', GPUComputePipeline>>();

/**
 * W∗v for each of `volumes` (one size), on the GPU: one FFT plan and one set of buffers for all of them.
 * `angles` are the tilt angles as the reconstruction used them (../../geometry.ts, effectiveAngles); null filters
 * every direction (radialFilterCpu).
 */
export async function radialFilterGpu(gpu: GpuContext, volumes: readonly Volume[], angles: readonly number[] | null, weight: RadialWeight): Promise<Float32Array[]> {
  const { nx, ny, nz } = volumes[0];
  const count = nx * ny * nz;
  return withGpuScope(async (scope) => {
    const plan = scope.own(new Fft3dPlan(gpu, nx, ny, nz));
    const filter = new FourierFilterGpu(gpu, scope, count, 'fbpHandover');
    const cone = scope.own(uploadBuffer(gpu, Uint32Array.from(filterCone(volumes[0], angles)), 'fbpHandover.cone'));
    // A binding cannot be empty: the raised cosine gets one unused shell.
    const shellWeights = 'shells' in weight ? weight.shells : new Float32Array(1);
    const shells = scope.own(uploadBuffer(gpu, shellWeights, 'fbpHandover.shells'));
    // Nine 4-byte fields, padded to the uniform's 16-byte multiple.
    const params = new ArrayBuffer(48);
    new Uint32Array(params).set([nx, ny, nz, count]);
    const below = 'below' in weight ? weight.below : 0;
    new Float32Array(params).set([TAPER_START * below, TAPER_END * below], 4);
    new Uint32Array(params).set([largestDimension(volumes[0]), 'shells' in weight ? shellWeights.length : 0], 6);
    new Float32Array(params).set(['shells' in weight ? (weight.floorSigma ?? 0) : 0], 8);
    const uniform = scope.own(uniformBuffer(gpu, params, 'fbpHandover.params'));
    const pipeline = pipelineSet(cache, gpu, HANDOVER_WGSL, 'fbpHandover', ['weight'], ['uniform', 'storage', 'read-only-storage', 'read-only-storage']).weight;
    const weigh = {
      pipeline,
      group: bindGroup(gpu, pipeline, [uniform, filter.spectrum, cone, shells], 'fbpHandover'),
      workgroups: dispatchSize(gpu, count, GROUP),
    };
    const results: Float32Array[] = [];
    for (const volume of volumes) results.push(await filter.apply(volume.data, plan, weigh));
    return results;
  });
}
