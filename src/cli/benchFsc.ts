/**
 * The FSC bench (`wedgelab bench --only fsc`): the FSC of two volumes as the page computes it (engine/cpu/
 * spectrumPasses.ts: half spectra in pieces of 256 MiB, on the CPU pool) against the one-array FSC timed in the same
 * run (metrics/fsc.ts: one packed float64 transform of the whole pair, one thread; the FRC and the kernel checks
 * use it), with the largest difference between their curves. --quick: 128³ only.
 */
import type { BenchContext } from '../engine/methods/benchKit.ts';
import { fscOfTomograms } from '../engine/cpu/spectrumPasses.ts';
import { fsc } from '../engine/metrics/fsc.ts';
import { Rng } from '../engine/sim/random.ts';
import type { Volume } from '../engine/types.ts';

export interface FscBenchRow {
  size: string;
  threads: number;
  seconds: number;
  oneArraySeconds: number;
  /** One-array time over ours: above 1, ours is faster. */
  speedup: number;
  /** The largest |difference| between the two FSC curves (whole and the four directional). */
  largestDifference: number;
}

const ANGLES = Array.from({ length: 41 }, (_, k) => -60 + 3 * k);

export async function benchFsc(context: Pick<BenchContext, 'quick' | 'log' | 'cpu'>): Promise<FscBenchRow[]> {
  const sizes: [number, number, number][] = context.quick ? [[128, 128, 128]] : [[128, 128, 128], [256, 256, 256], [512, 512, 128]];
  const rows: FscBenchRow[] = [];
  for (const [nx, ny, nz] of sizes) {
    const rng = new Rng(9);
    const shared = Float32Array.from({ length: nx * ny * nz }, () => rng.normal());
    const volume = (): Volume => ({ nx, ny, nz, pixelSize: 4, data: shared.map((v) => v + rng.normal()) });
    const [a, b] = [volume(), volume()];
    let started = performance.now();
    const pooled = await fscOfTomograms(a, b, ANGLES, context.cpu);
    const seconds = (performance.now() - started) / 1000;
    started = performance.now();
    const whole = fsc(a, b, ANGLES);
    const oneArraySeconds = (performance.now() - started) / 1000;
    const curves = ['fsc', 'fscMeasured', 'fscMissing', 'fscWedge', 'fscWedgeMissing'] as const;
    const largestDifference = Math.max(...curves.flatMap((c) => (pooled[c] as number[]).map((v, r) => Math.abs(v - (whole[c] as number[])[r]))));
    const threads = context.cpu.threads;
    context.log(`FSC ${nx}×${ny}×${nz}: ${seconds.toFixed(2)} s on ${threads} CPU threads, one array ${oneArraySeconds.toFixed(2)} s; curves within ${largestDifference.toExponential(1)}`);
    rows.push({ size: `${nx}×${ny}×${nz}`, threads, seconds, oneArraySeconds, speedup: oneArraySeconds / seconds, largestDifference });
  }
  return rows;
}

export function fscTable(rows: FscBenchRow[]): string {
  return [
    '| volumes | CPU threads | half spectra in pieces, pool (s) | one array, one thread (s) | speed-up | largest curve difference |\n|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.size} | ${r.threads} | ${r.seconds.toFixed(2)} | ${r.oneArraySeconds.toFixed(2)} | ${r.speedup.toFixed(2)}× | ${r.largestDifference.toExponential(1)} |`),
  ].join('\n');
}
