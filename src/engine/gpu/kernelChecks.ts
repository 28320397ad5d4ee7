/**
 * GPU kernels against the plain TypeScript references, on seeded random inputs.
 * One suite, run by Vitest in Node (Dawn) and by Playwright in Chromium (e2e/gpu-kernels.html),
 * so both WebGPU implementations are held to the same numbers.
 */
import { FILTER_NAMES, filterResponse, paddedLength } from '../filters.ts';
import { reconstructFbp } from '../methods/fbp.ts';
import { fbpDefaults, sirtDefaults } from '../methods/params.ts';
import { backProjectGpu, forwardProjectGpu } from '../methods/projection.ts';
import { reconstructSirt } from '../methods/sirt.ts';
import { fsc, measuredMask } from '../metrics/fsc.ts';
import { fbpCpu, filterRowsCpu } from '../reference/filter.ts';
import { backProjectCpu, forwardProjectCpu } from '../reference/projector.ts';
import { sirtCpu } from '../reference/sirt.ts';
import { Rng } from '../sim/random.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { readFloats, uploadBuffer } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { fft3d as fft3dCpu } from '../metrics/fourier.ts';
import { fft3dGpu, Fft3dPlan } from './kernels/fft3d.ts';
import { fscGpu } from './kernels/fscShells.ts';
import { RowFilterPlan } from './kernels/rowFilter.ts';

export interface KernelCheckResult {
  name: string;
  /** max |gpu − reference| / max |reference| */
  relativeError: number;
  tolerance: number;
  passed: boolean;
}

export interface KernelCheck {
  name: string;
  run(gpu: GpuContext): Promise<KernelCheckResult>;
}

function randomArray(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function randomAngles(n: number, rng: Rng, range = 70): number[] {
  return Array.from({ length: n }, () => rng.uniform(-range, range));
}

function randomTilts(nx: number, ny: number, nTilts: number, seed: number): TiltSeries {
  const rng = new Rng(seed);
  return { nx, ny, nTilts, data: randomArray(nx * ny * nTilts, rng), tiltAngles: randomAngles(nTilts, rng), pixelSize: 1 };
}

function randomVolume(nx: number, ny: number, nz: number, seed: number): Volume {
  return { nx, ny, nz, data: randomArray(nx * ny * nz, new Rng(seed)), pixelSize: 1 };
}

export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / (maxRef || 1);
}

function result(name: string, relativeError: number, tolerance: number): KernelCheckResult {
  return { name, relativeError, tolerance, passed: relativeError <= tolerance };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** A tiny memory budget forces several slabs, so slab stitching is tested too. */
const SMALL_BUDGET = 24 * 1024;

const filterChecks: KernelCheck[] = FILTER_NAMES.map((name) => ({
  name: `row filter (${name}) vs CPU FFT, 7 rows × 37`,
  async run(gpu) {
    const nRows = 7;
    const nx = 37;
    const response = filterResponse({ name }, paddedLength(nx));
    const rows = randomArray(nRows * nx, new Rng(11));
    const buffer = uploadBuffer(gpu, rows, 'check.rows');
    const plan = new RowFilterPlan(gpu, buffer, nRows, nx, response);
    const encoder = gpu.device.createCommandEncoder();
    plan.encode(encoder);
    gpu.device.queue.submit([encoder.finish()]);
    const actual = await readFloats(gpu, buffer, nRows * nx);
    plan.destroy();
    buffer.destroy();
    return result(this.name, relativeError(actual, filterRowsCpu(rows, nRows, nx, response)), 1e-4);
  },
}));

export const KERNEL_CHECKS: KernelCheck[] = [
  ...filterChecks,
  {
    name: 'back-projection vs CPU, 23 × 5 × 11 from 9 random tilts, several slabs',
    async run(gpu) {
      const ts = randomTilts(23, 5, 9, 21);
      const actual = await backProjectGpu(gpu, ts, 11, { memoryBudgetBytes: SMALL_BUDGET });
      return result(this.name, relativeError(actual.data, backProjectCpu(ts, 11).data), 1e-4);
    },
  },
  {
    name: 'forward projection vs CPU, 19 × 6 × 13 volume at 8 random tilts',
    async run(gpu) {
      const volume = randomVolume(19, 6, 13, 31);
      const angles = randomAngles(8, new Rng(32), 75);
      const actual = await forwardProjectGpu(gpu, volume, angles, { memoryBudgetBytes: SMALL_BUDGET });
      return result(this.name, relativeError(actual.data, forwardProjectCpu(volume, angles).data), 1e-4);
    },
  },
  {
    name: 'adjoint test ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ on the GPU, 31 × 4 × 17, 11 tilts',
    async run(gpu) {
      const volume = randomVolume(31, 4, 17, 41);
      const tilts = randomTilts(31, 4, 11, 42);
      const ax = await forwardProjectGpu(gpu, volume, tilts.tiltAngles);
      const aty = await backProjectGpu(gpu, tilts, volume.nz);
      const lhs = dot(ax.data, tilts.data);
      const rhs = dot(volume.data, aty.data);
      return result(this.name, Math.abs(lhs - rhs) / Math.abs(lhs), 1e-5);
    },
  },
  {
    name: 'FBP (cosine filter) vs CPU, 40 × 9 × 12 from 15 tilts, several slabs',
    async run(gpu) {
      const ts = randomTilts(40, 9, 15, 51);
      const params = fbpDefaults(ts, { thickness: 12, filter: { name: 'cosine' } });
      const actual = await reconstructFbp(gpu, ts, params, { memoryBudgetBytes: SMALL_BUDGET });
      return result(this.name, relativeError(actual.data, fbpCpu(ts, params.filter, 12).data), 1e-4);
    },
  },
  {
    name: 'SIRT (4 iterations, λ 0.9, positivity) vs CPU, 24 × 5 × 10 from 13 tilts',
    async run(gpu) {
      const ts = randomTilts(24, 5, 13, 61);
      for (let i = 0; i < ts.data.length; i++) ts.data[i] = Math.abs(ts.data[i]);
      const params = sirtDefaults(ts, { thickness: 10, iterations: 4, relaxation: 0.9, positivity: true });
      const actual = await reconstructSirt(gpu, ts, params, { memoryBudgetBytes: SMALL_BUDGET });
      const expected = sirtCpu(ts, 10, 4, 0.9, true);
      const residualError = relativeError(actual.residuals, expected.residuals);
      return result(this.name, Math.max(relativeError(actual.volume.data, expected.volume.data), residualError), 1e-3);
    },
  },
  // 3-D FFT: mixed radix (12 = 4·3, 10 = 2·5, 7, 9 = 3·3, 5), powers of two, and Bluestein
  // (19, 23: prime factors above 13) with tiny work buffers so that its line chunking runs too.
  ...(
    [
      [12, 10, 7, {}],
      [16, 9, 5, {}],
      [16, 8, 4, {}],
      [19, 6, 23, { bluesteinChunkBytes: 4096 }],
    ] as const
  ).map(([nx, ny, nz, options]): KernelCheck => ({
    name: `3-D FFT vs CPU FFT, forward, ${nx} × ${ny} × ${nz}${'bluesteinChunkBytes' in options ? ' (Bluestein, chunked)' : ''}`,
    async run(gpu) {
      const volume = randomVolume(nx, ny, nz, 81 + nx);
      const actual = await fft3dGpu(gpu, volume, options);
      const re = Float64Array.from(volume.data);
      const im = new Float64Array(re.length);
      fft3dCpu(re, im, nx, ny, nz);
      return result(this.name, Math.max(relativeError(actual.re, re), relativeError(actual.im, im)), 1e-4);
    },
  })),
  ...(
    [
      [12, 10, 7, {}],
      [17, 8, 13, { bluesteinChunkBytes: 2048 }],
    ] as const
  ).map(([nx, ny, nz, options]): KernelCheck => ({
    name: `3-D FFT inverse vs CPU, and forward → inverse round trip, complex ${nx} × ${ny} × ${nz}`,
    async run(gpu) {
      const n = nx * ny * nz;
      const input = randomArray(2 * n, new Rng(91 + nx));
      const buffer = uploadBuffer(gpu, input, 'check.fft3d');
      const copy = uploadBuffer(gpu, input, 'check.fft3d.copy');
      const plan = new Fft3dPlan(gpu, nx, ny, nz, options);
      const encoder = gpu.device.createCommandEncoder();
      plan.encode(encoder, buffer, true);
      plan.encode(encoder, copy, false);
      plan.encode(encoder, copy, true);
      gpu.device.queue.submit([encoder.finish()]);
      const inverse = await readFloats(gpu, buffer, 2 * n);
      const roundTrip = await readFloats(gpu, copy, 2 * n);
      plan.destroy();
      buffer.destroy();
      copy.destroy();
      const re = Float64Array.from({ length: n }, (_, i) => input[2 * i]);
      const im = Float64Array.from({ length: n }, (_, i) => input[2 * i + 1]);
      fft3dCpu(re, im, nx, ny, nz, true);
      const expected = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        expected[2 * i] = re[i];
        expected[2 * i + 1] = im[i];
      }
      return result(this.name, Math.max(relativeError(inverse, expected), relativeError(roundTrip, input)), 1e-4);
    },
  })),
  // FSC: every curve and every shell count against metrics/fsc.ts (float64); counts must match exactly.
  ...([false, true] as const).map(
    (masked): KernelCheck => ({
      name: `FSC on the GPU vs CPU (metrics/fsc.ts), two correlated random 14 × 11 × 9 volumes${masked ? ', measured/missing mask from 9 tilts' : ''}`,
      async run(gpu) {
        const a = randomVolume(14, 11, 9, 101);
        const b = randomVolume(14, 11, 9, 102);
        for (let i = 0; i < b.data.length; i++) b.data[i] = 0.7 * a.data[i] + 0.5 * b.data[i];
        const angles = [-60, -45, -30, -15, 0, 15, 30, 45, 60];
        const expected = masked ? fsc(a, b, angles) : fsc(a, b);
        const actual = await fscGpu(gpu, a, b, masked ? measuredMask(a, angles) : undefined);
        const compare = (x?: number[], y?: number[]) => (x && y ? relativeError(x, y) : Infinity);
        const curves = masked ? (['fsc', 'fscMeasured', 'fscMissing'] as const) : (['fsc'] as const);
        const exactly = masked ? (['shells', 'counts', 'countsMeasured', 'countsMissing'] as const) : (['shells', 'counts'] as const);
        const exact = exactly.every((key) => compare(actual[key], expected[key]) === 0);
        const error = Math.max(...curves.map((key) => compare(actual[key], expected[key])));
        return result(this.name, exact ? error : Infinity, 1e-4);
      },
    }),
  ),
];

export async function runKernelChecks(gpu: GpuContext): Promise<KernelCheckResult[]> {
  const results: KernelCheckResult[] = [];
  for (const check of KERNEL_CHECKS) results.push(await check.run(gpu));
  return results;
}
