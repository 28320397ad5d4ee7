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
import { fbpCpu, filterRowsCpu } from '../reference/filter.ts';
import { backProjectCpu, forwardProjectCpu } from '../reference/projector.ts';
import { sirtCpu } from '../reference/sirt.ts';
import { Rng } from '../sim/random.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { readFloats, uploadBuffer } from './buffers.ts';
import type { GpuContext } from './device.ts';
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
];

export async function runKernelChecks(gpu: GpuContext): Promise<KernelCheckResult[]> {
  const results: KernelCheckResult[] = [];
  for (const check of KERNEL_CHECKS) results.push(await check.run(gpu));
  return results;
}
