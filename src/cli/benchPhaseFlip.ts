/**
 * The phase-flip bench (`wedgelab bench --only phaseflip`): CTF correction of stacks of 41 tilts (±60°, 3 µm,
 * 4 Å pixels, so that the tilted views span several defocus levels) at 512² and 1024² (--quick: 512² only), on the
 * CPU pool (engine/cpu/phaseFlip.ts, float64 FFT, a tilt per thread), and 512² astigmatic (0.2 µm: a defocus per
 * pixel), against the reference timed in the same run: the same flip with numpy's FFT
 * (bench/phase_flip_reference.py, written from the formulas, best of three).
 */
import { randomTiltSeries, type BenchContext } from '../engine/methods/benchKit.ts';
import { phaseFlipTiltSeries } from '../engine/cpu/phaseFlip.ts';

export interface PhaseFlipBenchRow {
  size: string;
  /** µm between the two axes (0: none). */
  astigmatism: number;
  seconds: number;
  /** The most defocus levels a tilt took. */
  maxLevels: number;
  /** The CPU pool's threads. */
  threads: number;
  referenceSeconds: number | null;
  /** Reference time over ours: above 1, ours is faster. */
  speedup: number | null;
}

const TILTS = 41;
const PIXEL_SIZE = 4; // Å, as the reference script is given
const DEFOCUS = 3; // µm, as the reference script assumes
const ASTIGMATISM = 0.2; // µm, defocus 1 at 30° as the reference script has it

export async function benchPhaseFlip(context: Pick<BenchContext, 'quick' | 'log' | 'python' | 'cpu'>): Promise<PhaseFlipBenchRow[]> {
  const rows: PhaseFlipBenchRow[] = [];
  const cases = [...(context.quick ? [512] : [512, 1024]).map((n) => ({ n, astigmatism: 0 })), { n: 512, astigmatism: ASTIGMATISM }];
  for (const { n, astigmatism } of cases) {
    // ±60° in 3° steps, as the reference script's.
    const axes = (value: number) => new Array<number>(TILTS).fill(value);
    const half = astigmatism / 2;
    const tiltSeries = {
      ...randomTiltSeries(n, n, TILTS),
      pixelSize: PIXEL_SIZE,
      defocus: axes(DEFOCUS),
      ...(astigmatism > 0 && { astigmatism: { cos2: axes(half * Math.cos(Math.PI / 3)), sin2: axes(half * Math.sin(Math.PI / 3)) } }),
    };
    const started = performance.now();
    const { maxLevels } = await phaseFlipTiltSeries(tiltSeries, context.cpu);
    const seconds = (performance.now() - started) / 1000;
    const reference = context.python('phase_flip_reference.py', [n, n, TILTS, PIXEL_SIZE, astigmatism]) as { seconds: number } | null;
    const referenceSeconds = reference?.seconds ?? null;
    const threads = context.cpu.threads;
    const astig = astigmatism > 0 ? `, astigmatism ${astigmatism} µm` : '';
    context.log(`phase flip ${n}×${n}×${TILTS}${astig}: ${seconds.toFixed(2)} s on ${threads} CPU thread${threads === 1 ? '' : 's'} (up to ${maxLevels} levels a tilt); numpy ${referenceSeconds?.toFixed(2) ?? 'n/a'} s`);
    rows.push({ size: `${n}×${n}×${TILTS}`, astigmatism, seconds, maxLevels, threads, referenceSeconds, speedup: referenceSeconds === null ? null : referenceSeconds / seconds });
  }
  return rows;
}

export function phaseFlipTable(rows: PhaseFlipBenchRow[]): string {
  const fmt = (v: number | null, d: number) => (v === null ? 'n/a' : v.toFixed(d));
  return [
    '| stack | astigmatism (µm) | defocus levels (most a tilt) | CPU threads | CPU (s) | numpy FFT reference, one thread (s) | speed-up |\n|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.size} | ${r.astigmatism} | ${r.maxLevels} | ${r.threads} | ${r.seconds.toFixed(2)} | ${fmt(r.referenceSeconds, 2)} | ${fmt(r.speedup, 2)}× |`),
  ].join('\n');
}
