/** CTF deconvolution's bench: the filter on the CPU pool, in pieces, against the same filter with numpy's FFT (bench/deconv_reference.py), timed in the same run. */
import { cpuEngine } from '../../context.ts';
import { Rng } from '../../sim/random.ts';
import type { MethodBench } from '../benchKit.ts';
import { DECONV } from './base.ts';
import { DECONV_RUNNER } from './run.ts';

export interface DeconvBenchRow {
  size: string;
  seconds: number;
  /** Million voxels per second. */
  mVoxelsPerSecond: number;
  referenceSeconds: number | null;
  /** Reference time over ours: above 1, ours is faster. */
  speedup: number | null;
}

const PIXEL_SIZE = 10; // Å, a binned tomogram's
const DEFOCUS = 3; // µm

function table(rows: DeconvBenchRow[]): string {
  const head = '| volume | time (s) | M voxels/s | numpy FFT reference (s) | speed-up |\n|---|---|---|---|---|';
  const fmt = (v: number | null, d: number) => (v === null ? 'n/a' : v.toFixed(d));
  return [head, ...rows.map((r) => `| ${r.size} | ${r.seconds.toFixed(3)} | ${r.mVoxelsPerSecond.toFixed(1)} | ${fmt(r.referenceSeconds, 3)} | ${fmt(r.speedup, 2)}× |`)].join('\n');
}

export const DECONV_BENCH: MethodBench<DeconvBenchRow> = {
  title: 'CTF deconvolution (CPU pool, float64 lines, float32 half spectrum in pieces) against numpy',
  async run(_gpu, context) {
    const sizes: [number, number, number][] = context.quick ? [[128, 128, 64]] : [[128, 128, 64], [256, 256, 128], [512, 512, 128]];
    const rows: DeconvBenchRow[] = [];
    const params = DECONV.defaults({ nx: 0 }, { defocus: DEFOCUS });
    for (const [nx, ny, nz] of sizes) {
      const rng = new Rng(5);
      const volume = { nx, ny, nz, pixelSize: PIXEL_SIZE, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal()) };
      const started = performance.now();
      await DECONV_RUNNER.run(cpuEngine(context.cpu), volume, params, {});
      const seconds = (performance.now() - started) / 1000;
      const reference = context.python('deconv_reference.py', ['time', nx, ny, nz, PIXEL_SIZE, DEFOCUS]) as { seconds: number } | null;
      const referenceSeconds = reference?.seconds ?? null;
      rows.push({ size: `${nx}×${ny}×${nz}`, seconds, mVoxelsPerSecond: (nx * ny * nz) / seconds / 1e6, referenceSeconds, speedup: referenceSeconds === null ? null : referenceSeconds / seconds });
      context.log(`CTF deconvolution ${nx}×${ny}×${nz}: ${seconds.toFixed(2)} s`);
    }
    return rows;
  },
  table,
};
