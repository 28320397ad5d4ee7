/**
 * The CPU path's projector pair in plain TypeScript (projector.ts) against the same loops in WebAssembly SIMD
 * (wasmProjector.ts), on one thread, on the same seeded tilts and tomogram rows, in the same process (docs/cpu.md
 * says which the CPU path uses and why). Runs alternate between the two, after a warm-up of each (JIT, the module's
 * instance); each kernel's best run counts, in wall time and in the process's CPU time, since the machine may be
 * shared: the least disturbed run is the kernel's own speed.
 */
import { Rng } from '../sim/random.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import { rowGeometry } from './projection.ts';
import { backProjectRow, forwardProjectRow, type RowGeometry } from './projector.ts';
import { backProjectRowWasm, forwardProjectRowWasm } from './wasmProjector.ts';

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

/** One kernel's rows [0, rows) of a volume `rows` rows high, from and into the bench's arrays. */
type KernelRun = (g: RowGeometry, tilts: Float32Array, volume: Float32Array, rows: number) => void;

const back = (kernel: typeof backProjectRow): KernelRun => (g, tilts, volume, rows) => {
  for (let y = 0; y < rows; y++) kernel(g, tilts, rows, y, volume, rows, y, 1);
};
const forward = (kernel: typeof forwardProjectRow): KernelRun => (g, tilts, volume, rows) => {
  for (let y = 0; y < rows; y++) kernel(g, volume, rows, y, tilts, rows, y);
};

const KERNELS: { kernel: string; implementations: [string, KernelRun][] }[] = [
  { kernel: 'back-projection', implementations: [['TypeScript (V8)', back(backProjectRow)], ['WebAssembly SIMD', back(backProjectRowWasm)]] },
  { kernel: 'forward projection', implementations: [['TypeScript (V8)', forward(forwardProjectRow)], ['WebAssembly SIMD', forward(forwardProjectRowWasm)]] },
];

/** One run: wall and CPU seconds. */
function timeRun(run: KernelRun, g: RowGeometry, tilts: Float32Array, volume: Float32Array, rows: number): [number, number] {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  run(g, tilts, volume, rows);
  const cpu = process.cpuUsage(cpuStarted);
  return [(performance.now() - started) / 1000, (cpu.user + cpu.system) / 1e6];
}

export function benchCpuKernels(options: { quick: boolean; log?: (line: string) => void }): CpuKernelBenchRow[] {
  const [nx, nz, rows, nTilts, runs] = options.quick ? [256, 128, 4, 61, 3] : [512, 256, 8, 61, 7];
  const rng = new Rng(11);
  const tilts = Float32Array.from({ length: nx * rows * nTilts }, () => rng.uniform(-1, 1));
  const volume = Float32Array.from({ length: nx * rows * nz }, () => rng.uniform(-1, 1));
  const g = rowGeometry(nx, nz, tiltRange(-60, 60, 120 / (nTilts - 1)));
  const updates = nx * rows * nz * nTilts;
  return KERNELS.flatMap(({ kernel, implementations }) => {
    const best = implementations.map(() => [Infinity, Infinity]);
    for (const [, run] of implementations) run(g, tilts, volume, 1);
    for (let r = 0; r < runs; r++) {
      implementations.forEach(([, run], i) => {
        const [wall, cpu] = timeRun(run, g, tilts, volume, rows);
        best[i] = [Math.min(best[i][0], wall), Math.min(best[i][1], cpu)];
      });
    }
    return implementations.map(([implementation], i) => {
      const row = {
        kernel,
        implementation,
        size: `${nx}×${rows}×${nz}`,
        nTilts,
        runs,
        nsPerUpdate: (best[i][0] / updates) * 1e9,
        cpuNsPerUpdate: (best[i][1] / updates) * 1e9,
        speedup: best[0][1] / best[i][1],
      };
      options.log?.(`cpu kernel ${kernel} ${implementation}: ${row.nsPerUpdate.toFixed(2)} ns per update (${row.cpuNsPerUpdate.toFixed(2)} CPU-ns)`);
      return row;
    });
  });
}

export function cpuKernelTable(rows: CpuKernelBenchRow[]): string {
  const head = '| kernel | implementation | volume rows (nx×rows×nz) | tilts | runs | ns per voxel-tilt update (best) | CPU-ns per update (best) | speed-up (CPU time) |\n|---|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) => `| ${r.kernel} | ${r.implementation} | ${r.size} | ${r.nTilts} | ${r.runs} | ${r.nsPerUpdate.toFixed(2)} | ${r.cpuNsPerUpdate.toFixed(2)} | ${r.speedup.toFixed(2)}× |`,
  );
  return [head, ...body].join('\n');
}
