/**
 * The dose-weighting bench (`wedgelab bench --only dose`): the exposure filter on stacks of 41 tilts from 512² to
 * 2048² (--quick: 512² only), on the CPU (engine/doseWeighting.ts, float64 FFT, one thread: what a software
 * adapter runs), on the CPU engine path's pool (engine/cpu/doseWeighting.ts, the same filter, the tilts split over
 * its threads) and on the GPU (engine/doseWeightingGpu.ts,
 * float32, upload and read-back included: what FBP and SIRT run on a hardware adapter), against the reference timed
 * in the same run: the same filter with numpy's FFT (bench/dose_weighting_reference.py, written from the paper's
 * formulas, best of three).
 */
import type { BenchContext } from '../engine/methods/benchKit.ts';
import { doseWeightTiltSeries } from '../engine/doseWeighting.ts';
import { doseWeightTiltSeriesGpu } from '../engine/doseWeightingGpu.ts';
import { doseWeightOnPool } from '../engine/cpu/doseWeighting.ts';
import type { GpuContext } from '../engine/gpu/device.ts';
import { Rng } from '../engine/sim/random.ts';

export interface DoseBenchRow {
  size: string;
  /** The CPU version. */
  seconds: number;
  /** Million pixels per second, over the whole stack, on the CPU. */
  mPixelsPerSecond: number;
  /** The CPU engine path's version, on the bench's pool. */
  poolSeconds: number;
  /** The GPU version, upload and read-back included. */
  gpuSeconds: number;
  referenceSeconds: number | null;
  /** Reference time over the CPU version's: above 1, ours is faster. */
  speedup: number | null;
  /** Reference time over the GPU version's. */
  gpuSpeedup: number | null;
}

const TILTS = 41;
const PIXEL_SIZE = 4; // Å: a binned series' order of size; the filter's cost does not depend on it
const DOSE_PER_TILT = 3; // e/Å², as the reference script assumes

export async function benchDose(gpu: GpuContext, context: Pick<BenchContext, 'quick' | 'log' | 'python' | 'cpu'>): Promise<DoseBenchRow[]> {
  const rows: DoseBenchRow[] = [];
  for (const n of context.quick ? [512] : [512, 1024, 2048]) {
    const rng = new Rng(5);
    const tiltSeries = {
      nx: n,
      ny: n,
      nTilts: TILTS,
      data: Float32Array.from({ length: n * n * TILTS }, () => rng.normal()),
      tiltAngles: Array.from({ length: TILTS }, (_, k) => -60 + 3 * k),
      pixelSize: PIXEL_SIZE,
      accumulatedDose: Array.from({ length: TILTS }, (_, k) => DOSE_PER_TILT * k),
      exposureDose: new Array<number>(TILTS).fill(DOSE_PER_TILT),
    };
    const started = performance.now();
    doseWeightTiltSeries(tiltSeries);
    const seconds = (performance.now() - started) / 1000;
    const poolStarted = performance.now();
    await doseWeightOnPool(context.cpu, tiltSeries);
    const poolSeconds = (performance.now() - poolStarted) / 1000;
    const gpuStarted = performance.now();
    await doseWeightTiltSeriesGpu(gpu, tiltSeries);
    const gpuSeconds = (performance.now() - gpuStarted) / 1000;
    const reference = context.python('dose_weighting_reference.py', [n, n, TILTS, PIXEL_SIZE]) as { seconds: number } | null;
    const referenceSeconds = reference?.seconds ?? null;
    context.log(`dose weighting ${n}×${n}×${TILTS}: CPU ${seconds.toFixed(2)} s, pool of ${context.cpu.threads} ${poolSeconds.toFixed(2)} s, GPU ${gpuSeconds.toFixed(2)} s; numpy ${referenceSeconds?.toFixed(2) ?? 'n/a'} s`);
    const over = (t: number) => (referenceSeconds === null ? null : referenceSeconds / t);
    rows.push({ size: `${n}×${n}×${TILTS}`, seconds, mPixelsPerSecond: (n * n * TILTS) / seconds / 1e6, poolSeconds, gpuSeconds, referenceSeconds, speedup: over(seconds), gpuSpeedup: over(gpuSeconds) });
  }
  return rows;
}

export function doseTable(rows: DoseBenchRow[], threads: number): string {
  const head = `| stack | CPU (s) | CPU M pixels/s | CPU pool of ${threads} (s) | GPU (s) | numpy FFT reference (s) | CPU speed-up | GPU speed-up |\n|---|---|---|---|---|---|---|---|`;
  const fmt = (v: number | null, d: number) => (v === null ? 'n/a' : v.toFixed(d));
  return [
    head,
    ...rows.map((r) => `| ${r.size} | ${r.seconds.toFixed(2)} | ${r.mPixelsPerSecond.toFixed(1)} | ${r.poolSeconds.toFixed(2)} | ${r.gpuSeconds.toFixed(2)} | ${fmt(r.referenceSeconds, 2)} | ${fmt(r.speedup, 2)}× | ${fmt(r.gpuSpeedup, 2)}× |`),
  ].join('\n');
}
