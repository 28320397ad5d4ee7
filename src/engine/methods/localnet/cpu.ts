/**
 * The local network on the CPU path (docs/cpu.md): the pipeline of run.ts (one mean and std, the cosine-windowed
 * ramp, the P × P patches of every tilt around each voxel, the model, times the std) with the patches cut on the
 * CPU pool and the model on onnxruntime-web's wasm backend. The whole filtered stack stays in memory, so there are
 * no slabs, only the pieces of a tomogram larger than one buffer (io/piecedVolume.ts): points go in batches, in the
 * grid's order (x fastest, then y, then z): every voxel (voxel variant), or every point of the bior3.1 half grid,
 * whose eight sub-bands then go through the inverse transform (wavelet variant).
 */
import type { CpuPool } from '../../cpu/pool.ts';
import { sharedFloats } from '../../cpu/pool.ts';
import { filterTiltsOnPool } from '../../cpu/projection.ts';
import { inverseWavelet3d } from '../../cpu/wavelet3d.ts';
import { filterResponse, paddedLength } from '../../filters.ts';
import { effectiveAngles, tiltTrig } from '../../geometry.ts';
import { throwIfAborted, type TiltSeries } from '../../types.ts';
import { planPieces, tomogramOf, type Tomogram } from '../../../io/piecedVolume.ts';
import { stackMeanStd } from '../preprocess.ts';
import type { RunOptions } from '../slabs.ts';
import type { ModelRunParams } from './base.ts';
import { patchFloatsPerPoint, slabPlan, type PatchGrid } from './grid.ts';
import type { LocalModel } from './model.ts';

/** Most points per batch when the run does not say: progress every second or so with 11 × 11 patches. */
const CPU_BATCH = 4096;

/**
 * Points per batch when the run does not say: CPU_BATCH, or fewer where their patches would not fit in one
 * session call (LocalModel.pointsPerCall), since the batch's patches are held twice, in the pool's shared array and
 * in the copy onnxruntime takes: 4096 points of 33 × 33 patches at 88 tilts would be 1.6 GB each.
 */
export function cpuBatch(model: LocalModel, nTilts: number): number {
  return Math.min(CPU_BATCH, model.pointsPerCall(nTilts));
}

/** The CPU pipeline's input: the normalised, filtered stack (shared, for the pool's threads) and the tilts' geometry. */
export interface LocalnetCpuInput {
  source: Float32Array;
  nx: number;
  ny: number;
  nTilts: number;
  trig: Float32Array;
  /** Tilt angles in degrees, as the model takes them. */
  angles: Float32Array;
  /** The stack's std: the model's outputs times this are in the stack's units. */
  std: number;
}

/** Normalise the stack by its one mean and std and filter it with the cosine-windowed ramp, on the pool. */
export async function prepareLocalnetCpuInput(pool: CpuPool, ts: TiltSeries, invertAngles: boolean, signal?: AbortSignal): Promise<LocalnetCpuInput> {
  const { nx, ny, nTilts } = ts;
  const { mean, std } = stackMeanStd(ts);
  const normalised = { ...ts, data: ts.data.map((v) => (v - mean) / std) };
  const source = await filterTiltsOnPool(pool, normalised, filterResponse({ name: 'cosine' }, paddedLength(nx)), signal);
  const trig = tiltTrig(ts.tiltAngles, invertAngles);
  const angles = Float32Array.from(effectiveAngles(ts.tiltAngles, invertAngles));
  return { source, nx, ny, nTilts, trig, angles, std };
}

/** Patches of grid points [first, first + count) into `out` (slot 0 is point `first`), split over the pool. */
export function cutPatchesOnPool(pool: CpuPool, input: LocalnetCpuInput, grid: PatchGrid, patch: number, first: number, count: number, out: Float32Array): Promise<void> {
  const { source, nx, ny, nTilts, trig } = input;
  return pool.run({ kernel: 'patches', y0: first, rows: count, source, nx, ny, nTilts, trig, grid, patch, out, first });
}

/** Shared storage for the patches of `batch` points. */
export function patchBatch(input: LocalnetCpuInput, patch: number, batch: number): Float32Array {
  return sharedFloats(batch * patchFloatsPerPoint(input.nTilts, patch));
}

/** The model on a batch of patches: a plain copy for onnxruntime (its tensors take unshared arrays), always full batches. */
export function evaluatePatches(model: LocalModel, input: LocalnetCpuInput, patches: Float32Array, batch: number): Promise<Float32Array> {
  return model.evaluate(patches.slice(), batch, input.angles);
}

/**
 * The tomogram in pieces of at most options.pieceBytes (io/piecedVolume.ts), each from the model at its own points
 * (grid.ts, slabPlan: the piece's voxels, or the half rows its inverse wavelet needs): the same values as one array.
 */
export async function reconstructLocalnetCpu(pool: CpuPool, ts: TiltSeries, params: ModelRunParams, model: LocalModel, options: RunOptions = {}): Promise<Tomogram> {
  const { nx, ny } = ts;
  const nz = params.thickness;
  options.onProgress?.({ fraction: 0, message: 'Local model: filtering the tilts' });
  const input = await prepareLocalnetCpuInput(pool, ts, params.invertAngles, options.signal);
  const wavelet = model.outputs === 8;
  const plans = planPieces(nx, ny, nz, options.pieceBytes).map((rows) => slabPlan(rows, nx, ny, nz, wavelet));
  const totalPoints = plans.reduce((sum, plan) => sum + plan.points, 0);
  const batch = Math.min(Math.max(...plans.map((plan) => plan.points)), params.batchSize > 0 ? params.batchSize : cpuBatch(model, ts.nTilts));
  const out = patchBatch(input, model.patch, batch);
  const pieces = [];
  let pointsDone = 0;
  for (const { slab, grid, ky0, points } of plans) {
    const values = new Float32Array(points * model.outputs);
    for (let first = 0; first < points; first += batch) {
      throwIfAborted(options.signal);
      const count = Math.min(batch, points - first);
      const rows = plans.length > 1 ? `rows ${slab.y0}–${slab.y0 + slab.ny - 1} of ${ny}, ` : '';
      options.onProgress?.({ fraction: pointsDone / totalPoints, message: `Local model: ${rows}points ${first}–${first + count - 1} of ${points}` });
      await cutPatchesOnPool(pool, input, grid, model.patch, first, count, out);
      const outputs = await evaluatePatches(model, input, out, batch);
      // Back to the stack's units: the model maps normalised inputs to voxels divided by the stack's std.
      for (let i = 0; i < count * model.outputs; i++) values[first * model.outputs + i] = outputs[i] * input.std;
      pointsDone += count;
    }
    const data = wavelet ? inverseWavelet3d(values, [grid.gx, grid.gy, grid.gz], [nx, slab.ny, nz], { y0: slab.y0, ky0 }) : values;
    pieces.push({ nx, ny: slab.ny, nz, data, pixelSize: ts.pixelSize });
  }
  options.onProgress?.({ fraction: 1, message: 'Local model done' });
  return tomogramOf(pieces);
}
