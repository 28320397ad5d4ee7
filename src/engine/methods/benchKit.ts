/**
 * What every method's bench entry shares: its contract with `wedgelab bench`, seeded random input, and the
 * throughput rows of the projector-bound reconstructions (FBP, SIRT) timed against a CPU FBP reference in the
 * same run. Engine-only; the CLI supplies what only Node can (the reference's process, the model files).
 */
import { cpuEngine, describeEngine, gpuEngine, type EngineContext } from '../context.ts';
import type { CpuPool } from '../cpu/pool.ts';
import type { GpuContext } from '../gpu/device.ts';
import type { ModelLibrary } from '../onnx/library.ts';
import { Rng } from '../sim/random.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import type { TiltSeries } from '../types.ts';
import type { RequestOf } from './registry.ts';
import { reconstruct } from './runners.ts';
import { DEFAULT_MEMORY_BUDGET } from './slabs.ts';

export interface BenchContext {
  /** Small sizes only. */
  quick: boolean;
  log(line: string): void;
  /** Where model files come from. */
  models: ModelLibrary;
  /** The CPU path's pool: FBP and SIRT run on it beside WebGPU, in the same run (docs/cpu.md). */
  cpu: CpuPool;
  /** onnxruntime-web backend of model benches ('auto': WebGPU on a real GPU, wasm on a software adapter). */
  modelBackend: 'auto' | 'webgpu' | 'wasm';
  /**
   * The JSON a reference script in bench/ prints, run with the machine's python3 (scikit-image, scipy), once per
   * script and arguments; null where python or its modules are missing.
   */
  python(script: string, args: readonly (string | number)[]): unknown;
}

/** Seconds of scikit-image's iradon (an independent CPU FBP) for ny slices nx wide from nTilts, timed on `slices`. */
function fbpReferenceSeconds(context: BenchContext, nx: number, ny: number, nTilts: number, slices: number): number | null {
  const out = context.python('iradon_reference.py', [nx, nTilts, slices]) as { secondsPerSlice: number } | null;
  return out === null ? null : out.secondsPerSlice * ny;
}

/** A method's bench: its rows on this machine and their Markdown table. */
export interface MethodBench<Row> {
  /** Heading of the method's table in the report. */
  title: string;
  run(gpu: GpuContext, context: BenchContext): Promise<Row[]>;
  table(rows: Row[]): string;
}

/** Uniform random tilts over ±60° (seeded): timings do not depend on the values. */
export function randomTiltSeries(nx: number, ny: number, nTilts: number): TiltSeries {
  const rng = new Rng(7);
  const data = new Float32Array(nx * ny * nTilts);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(0, 1);
  return { nx, ny, nTilts, data, tiltAngles: tiltRange(-60, 60, 120 / (nTilts - 1)), pixelSize: 1 };
}

export interface ThroughputRow {
  method: string;
  /** The engine's path, in words (WebGPU on …, CPU, N threads). */
  path: string;
  size: string;
  nTilts: number;
  seconds: number;
  /**
   * CPU time of the whole process over the run (every thread; Node reports it process-wide): on a machine shared
   * with other work, CPU time / cores is what the run takes there alone.
   */
  cpuSeconds: number;
  /** Million voxel-tilt updates per second: nx·ny·nz·nTilts per projector pass. */
  mUpdatesPerSecond: number;
  gpuBudgetMiB: number;
  referenceSeconds: number | null;
  referenceName: string;
  speedup: number | null;
}

/** How one projector-bound reconstruction is benched: its request at a size, and its projector passes. */
export interface ThroughputCase {
  name: string;
  request(thickness: number): RequestOf<'reconstruction'>;
  /** Projector passes of one run (FBP 1); the reference is one FBP per pass. */
  passes: number;
}

const THROUGHPUT_SIZES: [number, number, number][] = [
  [256, 256, 128],
  [512, 512, 256],
];

/** Time a reconstruction at the bench sizes (61 tilts), each after a compile run, beside the CPU reference. */
export async function throughputRows(gpu: GpuContext, context: BenchContext, bench: ThroughputCase): Promise<ThroughputRow[]> {
  const sizes: [number, number, number][] = context.quick ? [[128, 128, 64]] : THROUGHPUT_SIZES;
  const rows: ThroughputRow[] = [];
  const nTilts = 61;
  const engines: EngineContext[] = [gpuEngine(gpu), cpuEngine(context.cpu)];
  for (const [nx, ny, nz] of sizes) {
    for (const engine of engines) rows.push(await throughputRow(engine, context, bench, [nx, ny, nz], nTilts));
  }
  return rows;
}

/** One bench case at one size on one path; the smallest run first, outside the timing (pipelines, threads, JIT). */
async function throughputRow(engine: EngineContext, context: BenchContext, bench: ThroughputCase, [nx, ny, nz]: [number, number, number], nTilts: number): Promise<ThroughputRow> {
  const request = bench.request(nz);
  await reconstruct(engine, randomTiltSeries(nx, 2, nTilts), request);
  const ts = randomTiltSeries(nx, ny, nTilts);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await reconstruct(engine, ts, request);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const fbpReference = fbpReferenceSeconds(context, nx, ny, nTilts, context.quick ? 4 : 8);
  const referenceSeconds = fbpReference === null ? null : fbpReference * bench.passes;
  context.log(`${bench.name} ${nx}×${ny}×${nz} on ${describeEngine(engine)}: ${seconds.toFixed(2)} s (${cpuSeconds.toFixed(1)} CPU-s)`);
  return {
    method: bench.name,
    path: describeEngine(engine),
    size: `${nx}×${ny}×${nz}`,
    nTilts,
    seconds,
    cpuSeconds,
    mUpdatesPerSecond: (nx * ny * nz * nTilts * bench.passes) / seconds / 1e6,
    gpuBudgetMiB: DEFAULT_MEMORY_BUDGET / 2 ** 20,
    referenceSeconds,
    referenceName: bench.passes === 1 ? 'skimage iradon' : `skimage iradon × ${bench.passes} passes`,
    speedup: referenceSeconds === null ? null : referenceSeconds / seconds,
  };
}

export function throughputTable(rows: ThroughputRow[]): string {
  const head = '| method | path | size (nx×ny×nz) | tilts | time (s) | CPU time (s) | M updates/s | GPU slab budget (MiB) | reference | reference time (s) | speed-up |\n|---|---|---|---|---|---|---|---|---|---|---|';
  const fmt = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toFixed(d));
  const body = rows.map(
    (r) => `| ${r.method} | ${r.path} | ${r.size} | ${r.nTilts} | ${fmt(r.seconds)} | ${fmt(r.cpuSeconds, 1)} | ${fmt(r.mUpdatesPerSecond, 0)} | ${r.gpuBudgetMiB} | ${r.referenceName} | ${fmt(r.referenceSeconds)} | ${fmt(r.speedup, 1)}× |`,
  );
  return [head, ...body].join('\n');
}

/** The shortest of three runs of `run`, in seconds (a bench's timing: the first run warms up what the others reuse). */
export async function bestOfThree(run: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const started = performance.now();
    await run();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}
