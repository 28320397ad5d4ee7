/**
 * Timings of the coordinate network's optimisation step (./coordnet.ts) with the paper's network
 * (SIREN 256 × 4, slabs of 8 rows), per step and per slab, for cubic tomograms, and the time a
 * whole run would take (2000 steps for the first slab, 400 for each later one), including the
 * paper's 360³ P22 case (19.6 min on its GPU). The bench command prints the rows.
 *
 * A step's work grows linearly with the slab's voxels (the network runs once per voxel, the
 * projector once per voxel and tilt). On a real GPU each size's slab is timed as it is. A software
 * adapter (SwiftShader) needs minutes per step at these sizes, so there a small slab is timed and
 * the rows scale its time per voxel: the row's note says so. The same step of the float64 CPU
 * reference (reference/siren.ts) is timed in the same run on a smaller slab, per voxel too.
 */
import { uploadBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { tiltTrig } from '../../geometry.ts';
import { initSiren, paramCount, type SirenGrid, type SirenShape } from './network.ts';
import { sirenStepCpu } from '../../reference/siren.ts';
import { Rng } from '../../sim/random.ts';
import { tiltRange } from '../../sim/tiltScheme.ts';
import { CoordnetSlab, slabChunkVoxels } from './run.ts';
import { COORDNET } from './base.ts';
import type { MethodBench } from '../benchKit.ts';
import { DEFAULT_MEMORY_BUDGET } from '../slabs.ts';

export interface CoordnetBenchRow {
  /** nx×ny×nz of the tomogram. */
  size: string;
  nTilts: number;
  /** Voxels of one slab (nx × slab rows × nz). */
  slabVoxels: number;
  stepSeconds: number;
  /** Steps of the first slab (2000) times the step. */
  firstSlabSeconds: number;
  /** A whole run: first slab, then 400 steps for each later slab. */
  totalMinutes: number;
  /** The float64 CPU reference's step, scaled to this slab. */
  cpuStepSeconds: number;
  /** Multiply-adds of the network per voxel and step (forward, input gradients, weight gradients). */
  gigaFlopPerSecond: number;
  note: string;
}

const COORDNET_BENCH_SIZES: readonly number[] = [64, 128, 360];

interface Timed {
  voxels: number;
  seconds: number;
}

/** Random tilts of a slab and its angles (61 tilts, ±60°, as the paper's simulations). */
function slabInput(grid: SirenGrid, nTilts: number): { tilts: Float32Array; angles: number[] } {
  const rng = new Rng(5);
  const tilts = new Float32Array(grid.nx * grid.ny * nTilts);
  for (let i = 0; i < tilts.length; i++) tilts[i] = rng.uniform(0, 1);
  return { tilts, angles: tiltRange(-60, 60, 120 / (nTilts - 1)) };
}

/** Median seconds per step on the GPU, after one warm-up step. */
async function gpuStep(gpu: GpuContext, shape: SirenShape, grid: SirenGrid, nTilts: number, steps: number): Promise<Timed> {
  const { tilts, angles } = slabInput(grid, nTilts);
  const trig = uploadBuffer(gpu, tiltTrig(angles), 'bench.coordnet.trig');
  const voxels = grid.nx * grid.ny * grid.nz;
  const slab = new CoordnetSlab(gpu, shape, grid, trig, tilts, nTilts, 0, slabChunkVoxels(gpu, shape, grid, nTilts, DEFAULT_MEMORY_BUDGET));
  try {
    slab.network.load(initSiren(shape, 1));
    await slab.step(1e-4, 1);
    const times: number[] = [];
    for (let s = 0; s < steps; s++) {
      const started = performance.now();
      await slab.step(1e-4, s + 2);
      times.push((performance.now() - started) / 1000);
    }
    times.sort((a, b) => a - b);
    return { voxels, seconds: times[Math.floor(times.length / 2)] };
  } finally {
    slab.destroy();
    trig.destroy();
  }
}

function cpuStep(shape: SirenShape, grid: SirenGrid, nTilts: number): Timed {
  const { tilts, angles } = slabInput(grid, nTilts);
  const theta = Float64Array.from(initSiren(shape, 1));
  const state = { theta, m: new Float64Array(theta.length), v: new Float64Array(theta.length), t: 0 };
  const started = performance.now();
  sirenStepCpu(shape, state, grid, tilts, angles, 0, 1e-4);
  return { voxels: grid.nx * grid.ny * grid.nz, seconds: (performance.now() - started) / 1000 };
}

function slabGrid(n: number, rows: number): SirenGrid {
  return { nx: n, ny: rows, nz: n, rowStep: 1 / (rows - 1) };
}

export async function benchCoordnet(gpu: GpuContext, sizes: readonly number[], options: { log?: (line: string) => void } = {}): Promise<CoordnetBenchRow[]> {
  const params = COORDNET.defaults({ nx: 64 });
  const shape: SirenShape = { width: params.width, layers: params.layers, omega0: params.omega0 };
  const rows = params.slabRows;
  const nTilts = 61;
  // Forward W·(W + 1) per hidden layer, then twice that backward: about 6 flops per weight per voxel.
  const flopPerVoxel = 6 * paramCount(shape);
  const cpu = cpuStep(shape, slabGrid(4, rows), nTilts);
  options.log?.(`coordinate network: CPU reference step on ${cpu.voxels} voxels in ${cpu.seconds.toFixed(2)} s`);
  const small = gpu.isFallbackAdapter ? await gpuStep(gpu, shape, slabGrid(16, rows), nTilts, 1) : null;
  const out: CoordnetBenchRow[] = [];
  for (const n of sizes) {
    const voxels = n * rows * n;
    const timed = small ?? (await gpuStep(gpu, shape, slabGrid(n, rows), nTilts, 5));
    const stepSeconds = (timed.seconds * voxels) / timed.voxels;
    const slabs = Math.ceil(n / rows);
    const totalSteps = params.stepsFirst + (slabs - 1) * params.stepsNext;
    out.push({
      size: `${n}×${n}×${n}`,
      nTilts,
      slabVoxels: voxels,
      stepSeconds,
      firstSlabSeconds: stepSeconds * params.stepsFirst,
      totalMinutes: (stepSeconds * totalSteps) / 60,
      cpuStepSeconds: (cpu.seconds * voxels) / cpu.voxels,
      gigaFlopPerSecond: (flopPerVoxel * voxels) / stepSeconds / 1e9,
      note: timed.voxels === voxels ? `median of 5 steps${n === 360 ? '; paper: 19.6 min' : ''}` : `scaled from ${timed.voxels} voxels${n === 360 ? '; paper: 19.6 min' : ''}`,
    });
    options.log?.(`coordinate network ${n}³: ${stepSeconds.toFixed(3)} s per step`);
  }
  return out;
}

function coordnetTable(rows: CoordnetBenchRow[]): string {
  const head =
    '| tomogram | tilts | slab voxels | s per step | first slab (2000 steps) | whole run (min) | CPU reference s per step | GFLOP/s | note |\n|---|---|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) =>
      `| ${r.size} | ${r.nTilts} | ${r.slabVoxels} | ${r.stepSeconds.toPrecision(3)} | ${(r.firstSlabSeconds / 60).toPrecision(3)} min | ${r.totalMinutes.toPrecision(3)} | ${r.cpuStepSeconds.toPrecision(3)} | ${r.gigaFlopPerSecond.toPrecision(3)} | ${r.note} |`,
  );
  return [head, ...body].join('\n');
}

export const COORDNET_BENCH: MethodBench<CoordnetBenchRow> = {
  title: 'Coordinate network (SIREN 256×4, slabs of 8 rows)',
  run: (gpu, context) => benchCoordnet(gpu, context.quick ? [64] : COORDNET_BENCH_SIZES, { log: context.log }),
  table: coordnetTable,
};
