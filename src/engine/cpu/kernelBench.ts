/**
 * The CPU path's back-projection kernel in plain TypeScript (projector.ts) against the same loop in WebAssembly
 * SIMD (wasmProjector.ts), on one thread, on the same seeded tilts, in the same process (docs/cpu.md says which
 * the CPU path uses and why). Runs alternate between the two, after a warm-up of each (JIT, the module's
 * instance); each kernel's best run counts, in wall time and in the process's CPU time, since the machine may be
 * shared: the least disturbed run is the kernel's own speed.
 */
import { Rng } from '../sim/random.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import { rowGeometry } from './projection.ts';
import { backProjectRow, type RowGeometry } from './projector.ts';
import { backProjectRowWasm } from './wasmProjector.ts';

export interface CpuKernelBenchRow {
  kernel: string;
  implementation: string;
  /** nx × rows × nz of the volume rows back-projected per run. */
  size: string;
  nTilts: number;
  runs: number;
  /** Best run's wall time per voxel-tilt update (ns). */
  nsPerUpdate: number;
  /** Best run's CPU time (the whole process, one busy thread) per voxel-tilt update (ns). */
  cpuNsPerUpdate: number;
  /** The TypeScript kernel's CPU time per update / this one's (on a shared machine CPU time is the steadier). */
  speedup: number;
}

type BackProjectRow = typeof backProjectRow;

const KERNELS: [string, BackProjectRow][] = [
  ['TypeScript (V8)', backProjectRow],
  ['WebAssembly SIMD', backProjectRowWasm],
];

/** One run of `rows` rows: wall and CPU seconds. */
function timeRows(kernel: BackProjectRow, g: RowGeometry, tilts: Float32Array, rows: number, volume: Float32Array): [number, number] {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let y = 0; y < rows; y++) kernel(g, tilts, rows, y, volume, rows, y, 1);
  const cpu = process.cpuUsage(cpuStarted);
  return [(performance.now() - started) / 1000, (cpu.user + cpu.system) / 1e6];
}

export function benchCpuKernels(options: { quick: boolean; log?: (line: string) => void }): CpuKernelBenchRow[] {
  const [nx, nz, rows, nTilts, runs] = options.quick ? [256, 128, 4, 61, 3] : [512, 256, 8, 61, 7];
  const rng = new Rng(11);
  const tilts = Float32Array.from({ length: nx * rows * nTilts }, () => rng.uniform(-1, 1));
  const g = rowGeometry(nx, nz, tiltRange(-60, 60, 120 / (nTilts - 1)));
  const volume = new Float32Array(nx * rows * nz);
  const updates = nx * rows * nz * nTilts;
  const best = KERNELS.map(() => [Infinity, Infinity]);
  for (const [, kernel] of KERNELS) timeRows(kernel, g, tilts, 1, volume);
  for (let run = 0; run < runs; run++) {
    KERNELS.forEach(([, kernel], i) => {
      const [wall, cpu] = timeRows(kernel, g, tilts, rows, volume);
      best[i] = [Math.min(best[i][0], wall), Math.min(best[i][1], cpu)];
    });
  }
  const reference = best[0][1];
  return KERNELS.map(([implementation], i) => {
    const row = {
      kernel: 'back-projection',
      implementation,
      size: `${nx}×${rows}×${nz}`,
      nTilts,
      runs,
      nsPerUpdate: (best[i][0] / updates) * 1e9,
      cpuNsPerUpdate: (best[i][1] / updates) * 1e9,
      speedup: reference / best[i][1],
    };
    options.log?.(`cpu kernel ${row.kernel} ${implementation}: ${row.nsPerUpdate.toFixed(2)} ns per update (${row.cpuNsPerUpdate.toFixed(2)} CPU-ns)`);
    return row;
  });
}

export function cpuKernelTable(rows: CpuKernelBenchRow[]): string {
  const head = '| kernel | implementation | volume rows (nx×rows×nz) | tilts | runs | ns per voxel-tilt update (best) | CPU-ns per update (best) | speed-up (CPU time) |\n|---|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) => `| ${r.kernel} | ${r.implementation} | ${r.size} | ${r.nTilts} | ${r.runs} | ${r.nsPerUpdate.toFixed(2)} | ${r.cpuNsPerUpdate.toFixed(2)} | ${r.speedup.toFixed(2)}× |`,
  );
  return [head, ...body].join('\n');
}
