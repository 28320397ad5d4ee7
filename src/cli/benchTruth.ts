/**
 * The ground-truth scores' bench (`wedgelab bench --only truth`): a result scored against its truth as the page, the
 * CLI's `metrics` and `batch` score it (engine/metrics/truthScores.ts: the FSC over half spectra in pieces on the CPU
 * pool, SSIM in bands of rows on the pool, the PSNR's wedge sides plane by plane, the PSNR row by row), both volumes held in four pieces, each
 * score timed on its own, against numpy and scikit-image doing the same work (bench/truth_scores_reference.py) timed
 * in the same run. --quick: 128 × 128 × 64 only.
 */
import type { BenchContext } from '../engine/methods/benchKit.ts';
import { fscOfTomograms } from '../engine/cpu/spectrumPasses.ts';
import { psnr } from '../engine/metrics/quality.ts';
import { ssimOfTomograms } from '../engine/cpu/ssimPass.ts';
import { wedgePsnr } from '../engine/metrics/wedgePsnr.ts';
import { Rng } from '../engine/sim/random.ts';
import { inPieces } from '../engine/piecedFixture.ts';

export interface TruthBenchRow {
  size: string;
  threads: number;
  fscSeconds: number;
  wedgeSeconds: number;
  psnrSeconds: number;
  ssimSeconds: number;
  seconds: number;
  referenceSeconds: number | null;
  /** Reference time over ours: above 1, ours is faster. */
  speedup: number | null;
}

const ANGLES = Array.from({ length: 41 }, (_, k) => -60 + 3 * k);

/** Seconds `work` takes, and what it gives. */
async function timed<T>(work: () => T | Promise<T>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export async function benchTruth(context: Pick<BenchContext, 'quick' | 'log' | 'cpu' | 'python'>): Promise<TruthBenchRow[]> {
  const sizes: [number, number, number][] = context.quick ? [[128, 128, 64]] : [[128, 128, 64], [256, 256, 128], [512, 512, 128]];
  const rows: TruthBenchRow[] = [];
  for (const [nx, ny, nz] of sizes) {
    const rng = new Rng(3);
    const truthData = Float32Array.from({ length: nx * ny * nz }, () => rng.normal());
    // Four pieces of rows each: the path a real-size result takes.
    const [truth, result] = [truthData, truthData.map((v) => 2 * v + rng.normal())].map((data) => inPieces({ nx, ny, nz, pixelSize: 4, data }, Math.ceil(ny / 4)));
    const fscSeconds = await timed(() => fscOfTomograms(result, truth, ANGLES, context.cpu));
    const wedgeSeconds = await timed(() => wedgePsnr(result, truth, ANGLES));
    const psnrSeconds = await timed(() => psnr(result, truth));
    const ssimSeconds = await timed(() => ssimOfTomograms(result, truth, context.cpu));
    const seconds = fscSeconds + wedgeSeconds + psnrSeconds + ssimSeconds;
    const reference = context.python('truth_scores_reference.py', ['time', nx, ny, nz]) as { seconds: number } | null;
    const referenceSeconds = reference?.seconds ?? null;
    const threads = context.cpu.threads;
    context.log(`ground-truth scores ${nx}×${ny}×${nz}: ${seconds.toFixed(2)} s (FSC ${fscSeconds.toFixed(2)}, wedge ${wedgeSeconds.toFixed(2)}, PSNR ${psnrSeconds.toFixed(2)}, SSIM ${ssimSeconds.toFixed(2)})`);
    rows.push({ size: `${nx}×${ny}×${nz}`, threads, fscSeconds, wedgeSeconds, psnrSeconds, ssimSeconds, seconds, referenceSeconds, speedup: referenceSeconds === null ? null : referenceSeconds / seconds });
  }
  return rows;
}

export function truthTable(rows: TruthBenchRow[]): string {
  const fmt = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));
  return [
    '| volumes (4 pieces each) | CPU threads | FSC, pool (s) | wedge PSNR (s) | PSNR (s) | SSIM, pool (s) | all (s) | numpy + scikit-image (s) | speed-up |\n|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.threads} | ${r.fscSeconds.toFixed(2)} | ${r.wedgeSeconds.toFixed(2)} | ${r.psnrSeconds.toFixed(2)} | ${r.ssimSeconds.toFixed(2)} | ${r.seconds.toFixed(2)} | ${fmt(r.referenceSeconds, 2)} | ${fmt(r.speedup, 2)}× |`,
    ),
  ].join('\n');
}
