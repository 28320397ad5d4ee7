/** Gaussian smoothing's bench: the worker's CPU filter against scipy.ndimage.gaussian_filter, timed in the same run. */
import { Rng } from '../../sim/random.ts';
import type { MethodBench } from '../benchKit.ts';
import { gaussianSmooth } from './run.ts';

export interface GaussianBenchRow {
  size: string;
  sigma: number;
  seconds: number;
  /** Million voxels per second. */
  mVoxelsPerSecond: number;
  referenceSeconds: number | null;
  /** Reference time over ours: above 1, ours is faster. */
  speedup: number | null;
}

function table(rows: GaussianBenchRow[]): string {
  const head = '| volume | σ (voxels) | time (s) | M voxels/s | scipy gaussian_filter (s) | speed-up |\n|---|---|---|---|---|---|';
  const fmt = (v: number | null, d: number) => (v === null ? 'n/a' : v.toFixed(d));
  return [head, ...rows.map((r) => `| ${r.size} | ${r.sigma} | ${r.seconds.toFixed(3)} | ${r.mVoxelsPerSecond.toFixed(1)} | ${fmt(r.referenceSeconds, 3)} | ${fmt(r.speedup, 2)}× |`)].join('\n');
}

export const GAUSSIAN_BENCH: MethodBench<GaussianBenchRow> = {
  title: 'Gaussian smoothing (CPU, in the worker) against scipy.ndimage.gaussian_filter',
  async run(_gpu, context) {
    const sizes: [number, number, number][] = context.quick ? [[128, 128, 64]] : [[256, 256, 128], [512, 512, 256]];
    const rows: GaussianBenchRow[] = [];
    for (const [nx, ny, nz] of sizes) {
      for (const sigma of [1, 3]) {
        const rng = new Rng(3);
        const volume = { nx, ny, nz, pixelSize: 1, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal()) };
        const started = performance.now();
        gaussianSmooth(volume, sigma);
        const seconds = (performance.now() - started) / 1000;
        const reference = context.python('gaussian_reference.py', [nx, ny, nz, sigma]) as { seconds: number } | null;
        const referenceSeconds = reference?.seconds ?? null;
        rows.push({
          size: `${nx}×${ny}×${nz}`,
          sigma,
          seconds,
          mVoxelsPerSecond: (nx * ny * nz) / seconds / 1e6,
          referenceSeconds,
          speedup: referenceSeconds === null ? null : referenceSeconds / seconds,
        });
        context.log(`Gaussian σ ${sigma} ${nx}×${ny}×${nz}: ${seconds.toFixed(2)} s`);
      }
    }
    return rows;
  },
  table,
};
