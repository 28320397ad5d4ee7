/**
 * Timings of the GPU 3-D FFT and FSC (./kernels/fft3d.ts, ./kernels/fscShells.ts) against the
 * same work on the CPU in this process (../fft/cpuFft.ts along every line, float64, one
 * thread). The bench command prints the rows.
 *
 * GPU times are medians of up to 5 runs (at least one, stopping after ~1 s) after one warm-up
 * run at the same size (pipelines compiled, buffers allocated once). CPU times are one run.
 * For volumes above 256³ voxels the CPU FFT is timed on a subset of lines per axis (evenly
 * spread runs of 64 neighbouring lines, so that cache reuse matches the full transform's) and the shell sums on a subset of z planes, then scaled to the whole volume; the row's
 * note says so.
 */
import { fft3d as fft3dCpu } from '../metrics/fourier.ts';
import { fft3dGpu, Fft3dPlan } from './kernels/fft3d.ts';
import { fscGpu } from './kernels/fscShells.ts';
import { fft } from '../fft/cpuFft.ts';
import { roundHalfEven } from '../metrics/fsc.ts';
import { Rng } from '../sim/random.ts';
import type { Volume } from '../types.ts';
import { median } from '../../io/stats.ts';
import { uploadBuffer } from './buffers.ts';
import type { GpuContext } from './device.ts';

export type FftBenchSize = readonly [number, number, number];

export interface FftBenchRow {
  what: string;
  /** nx×ny×nz */
  size: string;
  gpuSeconds: number;
  cpuSeconds: number;
  /** cpuSeconds / gpuSeconds: the GPU's speed-up. */
  ratio: number;
  note: string;
}

export const FFT_BENCH_SIZES: readonly FftBenchSize[] = [
  [256, 256, 256],
  [512, 512, 256],
];

/** For `--quick`: one small size. */
export const FFT_BENCH_QUICK_SIZES: readonly FftBenchSize[] = [[64, 64, 64]];

export interface FftBenchOptions {
  /** CPU work is timed on a subset above this many voxels (default 256³). */
  cpuFullLimit?: number;
  /** Lines per axis timed on the CPU when subsetting (default 4096). */
  cpuLinesPerAxis?: number;
  /** Progress lines (e.g. to stderr). */
  log?: (line: string) => void;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Warm up once, then the median of up to 5 runs (at least one, stopping once ~1 s is spent). */
async function timeGpu(run: () => Promise<void>): Promise<{ seconds: number; runs: number }> {
  await run();
  const times: number[] = [];
  let total = 0;
  while (times.length < 5 && (times.length === 0 || total < 1)) {
    const t0 = performance.now();
    await run();
    times.push(seconds(t0));
    total += times[times.length - 1];
  }
  return { seconds: median(times), runs: times.length };
}

function randomData(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-1, 1);
  return data;
}

/**
 * Seconds for a CPU 3-D FFT with cpuFft: the full transform when `linesPerAxis` covers every
 * line, else that many evenly spread lines per axis, scaled by (lines on the axis / lines timed).
 */
function cpuFftSeconds(re: Float64Array, im: Float64Array, nx: number, ny: number, nz: number, linesPerAxis: number): { seconds: number; sampled: boolean } {
  const n = nx * ny * nz;
  if (linesPerAxis >= n) {
    const t0 = performance.now();
    fft3dCpu(re, im, nx, ny, nz);
    return { seconds: seconds(t0), sampled: false };
  }
  let total = 0;
  let sampled = false;
  for (const [len, stride, inner] of [
    [nx, 1, 1],
    [ny, nx, nx],
    [nz, nx * ny, nx * ny],
  ] as const) {
    if (len === 1) continue;
    const lines = n / len;
    const count = Math.min(lines, linesPerAxis);
    sampled ||= count < lines;
    const lr = new Float64Array(len);
    const li = new Float64Array(len);
    // Runs of 64 consecutive lines (neighbours in memory for y and z), spread evenly: cache
    // reuse between neighbouring lines then matches the full transform's.
    const run = Math.min(64, count);
    const runs = Math.floor(count / run);
    const t0 = performance.now();
    for (let s = 0; s < runs * run; s++) {
      const line = Math.floor(((s - (s % run)) / run) * (lines / runs)) + (s % run);
      // line = outer·inner + i: base = outer·len·inner + i
      const base = Math.floor(line / inner) * len * inner + (line % inner);
      for (let j = 0; j < len; j++) {
        lr[j] = re[base + j * stride];
        li[j] = im[base + j * stride];
      }
      fft(lr, li);
      for (let j = 0; j < len; j++) {
        re[base + j * stride] = lr[j];
        im[base + j * stride] = li[j];
      }
    }
    total += (seconds(t0) * lines) / (runs * run);
  }
  return { seconds: total, sampled };
}

/** Seconds for the CPU shell sums (as in metrics/fsc.ts) over `planes` z planes, scaled to nz. */
function cpuShellSeconds(a: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }, nx: number, ny: number, nz: number, planes: number): number {
  const nMax = Math.max(nx, ny, nz);
  const nShells = Math.floor(nMax / 2) + 1;
  const sums = [new Float64Array(nShells), new Float64Array(nShells), new Float64Array(nShells), new Float64Array(nShells)];
  const k2 = (n: number) => Float64Array.from({ length: n }, (_, j) => ((2 * j < n ? j : j - n) / n) ** 2);
  const [kx2, ky2, kz2] = [k2(nx), k2(ny), k2(nz)];
  const count = Math.min(nz, planes);
  const t0 = performance.now();
  for (let s = 0; s < count; s++) {
    const jz = Math.floor((s * nz) / count);
    for (let jy = 0; jy < ny; jy++) {
      const kyz = ky2[jy] + kz2[jz];
      const row = nx * (jy + ny * jz);
      for (let jx = 0; jx < nx; jx++) {
        const r = roundHalfEven(Math.sqrt(kx2[jx] + kyz) * nMax);
        if (r >= nShells) continue;
        const i = row + jx;
        sums[0][r] += a.re[i] * b.re[i] + a.im[i] * b.im[i];
        sums[1][r] += a.re[i] * a.re[i] + a.im[i] * a.im[i];
        sums[2][r] += b.re[i] * b.re[i] + b.im[i] * b.im[i];
        sums[3][r]++;
      }
    }
  }
  return (seconds(t0) * nz) / count;
}

/**
 * 3-D FFT and FSC timings at each size (default 256³ and 512×512×256; pass
 * FFT_BENCH_QUICK_SIZES for a quick run).
 */
export async function benchFft(gpu: GpuContext, sizes: readonly FftBenchSize[] = FFT_BENCH_SIZES, options: FftBenchOptions = {}): Promise<FftBenchRow[]> {
  const log = options.log ?? (() => {});
  const fullLimit = options.cpuFullLimit ?? 256 ** 3;
  const rows: FftBenchRow[] = [];
  // JIT warm-up of the CPU paths (full and sampled transforms, shell sums) on a small volume.
  const warm = { re: Float64Array.from(randomData(32 ** 3, 3)), im: new Float64Array(32 ** 3) };
  cpuFftSeconds(warm.re, warm.im, 32, 32, 32, 32 ** 3);
  cpuFftSeconds(warm.re, warm.im, 32, 32, 32, 256);
  cpuShellSeconds(warm, warm, 32, 32, 32, 32);
  for (const [nx, ny, nz] of sizes) {
    const n = nx * ny * nz;
    const size = `${nx}×${ny}×${nz}`;
    const full = n <= fullLimit;
    const linesPerAxis = full ? n : (options.cpuLinesPerAxis ?? 4096);
    const a: Volume = { nx, ny, nz, data: randomData(n, 1), pixelSize: 1 };
    const b: Volume = { nx, ny, nz, data: randomData(n, 2), pixelSize: 1 };

    // CPU: two forward transforms of real volumes, then the shell sums.
    log(`FFT bench ${size}: CPU${full ? '' : ' (subset)'}…`);
    const cpuA = { re: Float64Array.from(a.data), im: new Float64Array(n) };
    const cpuB = { re: Float64Array.from(b.data), im: new Float64Array(n) };
    const fftA = cpuFftSeconds(cpuA.re, cpuA.im, nx, ny, nz, linesPerAxis);
    const fftB = cpuFftSeconds(cpuB.re, cpuB.im, nx, ny, nz, linesPerAxis);
    const planes = full ? nz : Math.max(1, Math.ceil(nz / 16));
    const shellCpu = cpuShellSeconds(cpuA, cpuB, nx, ny, nz, planes);
    const cpuFftTime = (fftA.seconds + fftB.seconds) / 2;
    const cpuNote = fftA.sampled
      ? `CPU: cpuFft on ${linesPerAxis} lines per axis (evenly spread runs of 64 neighbours) and shell sums on ${planes} of ${nz} planes, scaled to the whole volume`
      : 'CPU: cpuFft on every line (float64, one thread)';

    // GPU: a forward transform of a resident complex buffer, real volume → spectrum on the host, and FSC.
    log(`FFT bench ${size}: GPU…`);
    const plan = new Fft3dPlan(gpu, nx, ny, nz);
    const complex = new Float32Array(2 * n);
    complex.set(a.data);
    const buffer = uploadBuffer(gpu, complex, 'bench.fft3d');
    const resident = await timeGpu(async () => {
      const encoder = gpu.device.createCommandEncoder();
      plan.encode(encoder, buffer, false);
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    });
    plan.destroy();
    buffer.destroy();
    const withTransfers = await timeGpu(async () => {
      await fft3dGpu(gpu, a);
    });
    const fscTime = await timeGpu(async () => {
      await fscGpu(gpu, a, b);
    });

    const gpuNote = (runs: number) => `GPU: median of ${runs} run${runs > 1 ? 's' : ''} after a warm-up; ${cpuNote}`;
    const row = (what: string, gpuSeconds: number, cpuSeconds: number, note: string): FftBenchRow => ({ what, size, gpuSeconds, cpuSeconds, ratio: cpuSeconds / gpuSeconds, note });
    rows.push(
      row('3-D FFT, forward, complex data resident on the GPU', resident.seconds, cpuFftTime, gpuNote(resident.runs)),
      row('3-D FFT, real volume → full spectrum on the host (incl. transfers)', withTransfers.seconds, cpuFftTime, gpuNote(withTransfers.runs)),
      row('FSC of two volumes (2 FFTs + shell sums, incl. uploads)', fscTime.seconds, fftA.seconds + fftB.seconds + shellCpu, gpuNote(fscTime.runs)),
    );
    for (const r of rows.slice(-3)) log(`  ${r.what}: GPU ${r.gpuSeconds.toFixed(3)} s, CPU ${r.cpuSeconds.toFixed(2)} s (${r.ratio.toFixed(1)}×)`);
  }
  return rows;
}
