/**
 * The batch bench: 20 tiny simulated series reconstructed by one `wedgelab batch` against 20 separate
 * `wedgelab recon` calls in the same run. The difference is what one process saves: Node, the engine's modules
 * and the GPU device start once instead of 20 times.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GpuContext } from '../engine/gpu/device.ts';
import { tiltRange } from '../engine/sim/tiltScheme.ts';
import { writeSimulation } from './simulate.ts';

export interface BatchBenchRow {
  series: number;
  size: string;
  batchSeconds: number;
  reconSeconds: number;
  /** Separate calls over the batch: above 1, the batch is faster. */
  ratio: number;
}

const WEDGELAB = fileURLToPath(new URL('../../bin/wedgelab.js', import.meta.url));

function seconds(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, [WEDGELAB, ...args], { stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

export async function benchBatch(gpu: GpuContext, options: { quick: boolean; log: (line: string) => void }): Promise<BatchBenchRow[]> {
  const count = options.quick ? 5 : 20;
  const size: [number, number, number] = [32, 32, 16];
  const dir = await mkdtemp(join(tmpdir(), 'wedgelab-bench-batch-'));
  try {
    const files = [];
    for (let i = 0; i < count; i++) {
      const simulation = { phantom: 'spheres' as const, size, tiltAngles: tiltRange(-60, 60, 3), snrDb: 10, seed: i + 1, pixelSize: 1 };
      files.push(await writeSimulation(gpu, simulation, join(dir, 'series', `s${String(i).padStart(2, '0')}`)));
    }
    const flags = ['--method', 'fbp', '--thickness', String(size[2]), '--quiet'];
    const batchSeconds = seconds(['batch', '--list', join(dir, 'series'), '--methods', 'fbp', '--thickness', String(size[2]), '--scores', 'none', '--quiet', '--out-dir', join(dir, 'batch')]);
    options.log(`batch of ${count}: ${batchSeconds.toFixed(2)} s`);
    let reconSeconds = 0;
    for (const [i, f] of files.entries()) reconSeconds += seconds(['recon', '--tilts', f.tiltSeries, '--angles', f.tiltAngles, ...flags, '--out', join(dir, `recon${i}.mrc`)]);
    options.log(`${count} recon calls: ${reconSeconds.toFixed(2)} s`);
    return [{ series: count, size: size.join('×'), batchSeconds, reconSeconds, ratio: reconSeconds / batchSeconds }];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function batchTable(rows: BatchBenchRow[]): string {
  const head = '| series | size | one `wedgelab batch` (s) | separate `wedgelab recon` calls (s) | separate / batch |\n|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.series} | ${r.size} | ${r.batchSeconds.toFixed(2)} | ${r.reconSeconds.toFixed(2)} | ${r.ratio.toFixed(1)}× |`)].join('\n');
}
