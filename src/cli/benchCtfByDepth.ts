/**
 * FBP's CTF correction by depth (`wedgelab bench --only ctfdepth`; engine/methods/fbp/ctfByDepth.ts) against the
 * 2-D correction it refines, timed in the same run: the tilts phase flipped once, then FBP. Random stacks of 41
 * tilts (±60°, 3 µm, 4 Å pixels, as the phase-flip bench's) at 512² (--quick: 256²), reconstructed 128 and 256
 * sections thick (2 and 4 depth slabs at 4 Å and 300 kV), all on the CPU pool: the flips are CPU work on either path.
 */
import { cpuEngine } from '../engine/context.ts';
import { phaseFlipTiltSeries } from '../engine/cpu/phaseFlip.ts';
import { randomTiltSeries, type BenchContext } from '../engine/methods/benchKit.ts';
import { depthSlabs } from '../engine/methods/fbp/ctfByDepth.ts';
import { reconstruct } from '../engine/methods/runners.ts';

export interface CtfByDepthBenchRow {
  size: string;
  thickness: number;
  slabs: number;
  threads: number;
  /** The 2-D flip, then FBP. */
  flatSeconds: number;
  byDepthSeconds: number;
}

const TILTS = 41;
const PIXEL_SIZE = 4; // Å
const DEFOCUS = 3; // µm

export async function benchCtfByDepth(context: Pick<BenchContext, 'quick' | 'log' | 'cpu'>): Promise<CtfByDepthBenchRow[]> {
  const n = context.quick ? 256 : 512;
  const engine = cpuEngine(context.cpu);
  const tiltSeries = { ...randomTiltSeries(n, n, TILTS), pixelSize: PIXEL_SIZE, defocus: new Array<number>(TILTS).fill(DEFOCUS) };
  const rows: CtfByDepthBenchRow[] = [];
  for (const thickness of [128, 256]) {
    const flatStart = performance.now();
    const flipped = await phaseFlipTiltSeries(tiltSeries, context.cpu);
    await reconstruct(engine, flipped.tiltSeries, { method: 'fbp', params: { thickness } });
    const flatSeconds = (performance.now() - flatStart) / 1000;
    const depthStart = performance.now();
    await reconstruct(engine, tiltSeries, { method: 'fbp', params: { thickness, ctfByDepth: {} } });
    const byDepthSeconds = (performance.now() - depthStart) / 1000;
    const slabs = depthSlabs(thickness, PIXEL_SIZE, 300).length;
    context.log(`FBP ${n}×${n}×${TILTS} → ${thickness} sections: 2-D flip + FBP ${flatSeconds.toFixed(2)} s, by depth (${slabs} slabs) ${byDepthSeconds.toFixed(2)} s`);
    rows.push({ size: `${n}×${n}×${TILTS}`, thickness, slabs, threads: context.cpu.threads, flatSeconds, byDepthSeconds });
  }
  return rows;
}

export function ctfByDepthTable(rows: CtfByDepthBenchRow[]): string {
  return [
    '| stack | thickness | depth slabs | CPU threads | 2-D flip + FBP (s) | FBP by depth (s) | by depth / 2-D |\n|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.size} | ${r.thickness} | ${r.slabs} | ${r.threads} | ${r.flatSeconds.toFixed(2)} | ${r.byDepthSeconds.toFixed(2)} | ${(r.byDepthSeconds / r.flatSeconds).toFixed(2)}× |`),
  ].join('\n');
}
