/**
 * The alignment bench (`wedgelab bench --only align`): a stack that came with an .xf or .aln resampled as the CPU path
 * loads it (engine/cpu/alignStack.ts: a section a pool thread), against the plain TypeScript reference on one thread
 * (engine/reference/alignment.ts) and scipy's affine_transform (order 1, one thread, bench/align_reference.py), timed
 * in the same run, best of three each: 61 random sections of 512² and 1024² (a 4k stack at bin 8 and bin 4; --quick:
 * 512² only), each turned by up to 3° and shifted by up to 8 pixels.
 */
import { bestOfThree, type BenchContext } from '../engine/methods/benchKit.ts';
import { alignStackOnPool } from '../engine/cpu/alignStack.ts';
import { alignStackCpu } from '../engine/reference/alignment.ts';
import { Rng } from '../engine/sim/random.ts';

export interface AlignBenchRow {
  size: string;
  threads: number;
  seconds: number;
  /** The plain TypeScript reference, one thread. */
  referenceSeconds: number;
  scipySeconds: number | null;
  /** scipy's time over the pool's: above 1, ours is faster. */
  speedup: number | null;
}

const SECTIONS = 61;

export async function benchAlign(context: Pick<BenchContext, 'quick' | 'log' | 'python' | 'cpu'>): Promise<AlignBenchRow[]> {
  const rows: AlignBenchRow[] = [];
  for (const n of context.quick ? [512] : [512, 1024]) {
    const rng = new Rng(5);
    const raw = { nx: n, ny: n, nSections: SECTIONS, data: Float32Array.from({ length: n * n * SECTIONS }, () => rng.normal()) };
    const transforms = Array.from({ length: SECTIONS }, () => {
      const angle = (rng.uniform(-3, 3) * Math.PI) / 180;
      return { xx: Math.cos(angle), xy: -Math.sin(angle), yx: Math.sin(angle), yy: Math.cos(angle), x0: rng.uniform(-8, 8), y0: rng.uniform(-8, 8) };
    });
    const alignment = { transforms, keptSections: transforms.map((_, k) => k) };
    const seconds = await bestOfThree(() => alignStackOnPool(raw, alignment, context.cpu));
    const referenceSeconds = await bestOfThree(async () => alignStackCpu(raw, alignment));
    const scipy = context.python('align_reference.py', [n, n, SECTIONS]) as { seconds: number } | null;
    const scipySeconds = scipy?.seconds ?? null;
    context.log(`align ${n}²×${SECTIONS}: ${seconds.toFixed(3)} s on ${context.cpu.threads} threads; reference ${referenceSeconds.toFixed(3)} s; scipy ${scipySeconds?.toFixed(3) ?? 'n/a'} s`);
    rows.push({ size: `${n}×${n}×${SECTIONS}`, threads: context.cpu.threads, seconds, referenceSeconds, scipySeconds, speedup: scipySeconds === null ? null : scipySeconds / seconds });
  }
  return rows;
}

export function alignTable(rows: AlignBenchRow[]): string {
  const fmt = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));
  return [
    '| stack | CPU threads | pool (s) | reference, one thread (s) | scipy affine_transform (s) | speed-up over scipy |\n|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.size} | ${r.threads} | ${r.seconds.toFixed(3)} | ${r.referenceSeconds.toFixed(3)} | ${fmt(r.scipySeconds, 3)} | ${fmt(r.speedup, 2)}× |`),
  ].join('\n');
}
