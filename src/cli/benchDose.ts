/**
 * The dose-weighting bench (`wedgelab bench --only dose`): the exposure filter (engine/doseWeighting.ts, CPU, float64
 * FFT, one thread, as the worker runs it before FBP or SIRT when asked) on stacks of 41 tilts from 512² to 2048²
 * (--quick: 512² only), against the reference timed in the same run: the same filter with numpy's FFT
 * (bench/dose_weighting_reference.py, written from the paper's formulas, best of three).
 */
import type { BenchContext } from '../engine/methods/benchKit.ts';
import { doseWeightTiltSeries } from '../engine/doseWeighting.ts';
import { Rng } from '../engine/sim/random.ts';

export interface DoseBenchRow {
  size: string;
  seconds: number;
  /** Million pixels per second, over the whole stack. */
  mPixelsPerSecond: number;
  referenceSeconds: number | null;
  /** Reference time over ours: above 1, ours is faster. */
  speedup: number | null;
}

const TILTS = 41;
const PIXEL_SIZE = 4; // Å: a binned series' order of size; the filter's cost does not depend on it
const DOSE_PER_TILT = 3; // e/Å², as the reference script assumes

export function benchDose(context: Pick<BenchContext, 'quick' | 'log' | 'python'>): DoseBenchRow[] {
  return (context.quick ? [512] : [512, 1024, 2048]).map((n) => {
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
    const reference = context.python('dose_weighting_reference.py', [n, n, TILTS, PIXEL_SIZE]) as { seconds: number } | null;
    const referenceSeconds = reference?.seconds ?? null;
    context.log(`dose weighting ${n}×${n}×${TILTS}: ${seconds.toFixed(2)} s; numpy ${referenceSeconds?.toFixed(2) ?? 'n/a'} s`);
    return {
      size: `${n}×${n}×${TILTS}`,
      seconds,
      mPixelsPerSecond: (n * n * TILTS) / seconds / 1e6,
      referenceSeconds,
      speedup: referenceSeconds === null ? null : referenceSeconds / seconds,
    };
  });
}

export function doseTable(rows: DoseBenchRow[]): string {
  const head = '| stack | time (s) | M pixels/s | numpy FFT reference (s) | speed-up |\n|---|---|---|---|---|';
  const fmt = (v: number | null, d: number) => (v === null ? 'n/a' : v.toFixed(d));
  return [head, ...rows.map((r) => `| ${r.size} | ${r.seconds.toFixed(2)} | ${r.mPixelsPerSecond.toFixed(1)} | ${fmt(r.referenceSeconds, 2)} | ${fmt(r.speedup, 2)}× |`)].join('\n');
}
