/**
 * The local network on the CPU path (docs/cpu.md): the pipeline of run.ts (one mean and std, the cosine-windowed
 * ramp, the P × P patches of every tilt around each voxel, the model, times the std) with the patches cut on the
 * CPU pool and the model on onnxruntime-web's wasm backend. The whole filtered stack stays in memory, so there are
 * no slabs: points go in batches, in the grid's order (x fastest, then y, then z): every voxel (voxel variant), or
 * every point of the bior3.1 half grid, whose eight sub-bands then go through the inverse transform (wavelet variant).
 */
import type { CpuPool } from '../../cpu/pool.ts';
import { sharedFloats } from '../../cpu/pool.ts';
import { filterTiltsOnPool } from '../../cpu/projection.ts';
import { inverseWavelet3d } from '../../cpu/wavelet3d.ts';
import { filterResponse, paddedLength } from '../../filters.ts';
import { tiltTrig } from '../../geometry.ts';
import { throwIfAborted, type TiltSeries, type Volume } from '../../types.ts';
import { stackMeanStd } from '../preprocess.ts';
import type { RunOptions } from '../slabs.ts';
import type { LocalnetParams } from './base.ts';
import { halfGridOrigin, halfLength, type PatchGrid } from './grid.ts';
import type { LocalModel } from './model.ts';

/** Points per model call when the run does not say: a few MiB of patches, and progress every second or so. */
const CPU_BATCH = 4096;

export async function reconstructLocalnetCpu(pool: CpuPool, ts: TiltSeries, params: LocalnetParams, model: LocalModel, options: RunOptions = {}): Promise<Volume> {
  const { nx, ny, nTilts } = ts;
  const nz = params.thickness;
  const { mean, std } = stackMeanStd(ts);
  options.onProgress?.({ fraction: 0, message: 'Local model: filtering the tilts' });
  const normalised = { ...ts, data: ts.data.map((v) => (v - mean) / std) };
  const source = await filterTiltsOnPool(pool, normalised, filterResponse({ name: 'cosine' }, paddedLength(nx)), options.signal);
  const wavelet = model.outputs === 8;
  const grid: PatchGrid = wavelet
    ? { gx: halfLength(nx), gy: halfLength(ny), gz: halfLength(nz), origin: [halfGridOrigin(nx), halfGridOrigin(ny), halfGridOrigin(nz)], step: [2, 2, 2] }
    : { gx: nx, gy: ny, gz: nz, origin: [-(nx - 1) / 2, -(ny - 1) / 2, -(nz - 1) / 2], step: [1, 1, 1] };
  const trig = tiltTrig(ts.tiltAngles, params.invertAngles);
  const angles = Float32Array.from(ts.tiltAngles, (a) => (params.invertAngles ? -a : a));
  const points = grid.gx * grid.gy * grid.gz;
  const batch = Math.min(points, params.batchSize > 0 ? params.batchSize : CPU_BATCH);
  const perPoint = nTilts * model.patch * model.patch;
  const out = sharedFloats(batch * perPoint);
  const values = new Float32Array(points * model.outputs);
  for (let first = 0; first < points; first += batch) {
    throwIfAborted(options.signal);
    const count = Math.min(batch, points - first);
    options.onProgress?.({ fraction: first / points, message: `Local model: points ${first}–${first + count - 1} of ${points}` });
    await pool.run({ kernel: 'patches', y0: first, rows: count, source, nx, ny, nTilts, trig, grid, patch: model.patch, out, first });
    // A plain copy for onnxruntime (its tensors take unshared arrays); the model always sees full batches.
    const outputs = await model.evaluate(out.slice(), batch, angles);
    // Back to the stack's units: the model maps normalised inputs to voxels divided by the stack's std.
    for (let i = 0; i < count * model.outputs; i++) values[first * model.outputs + i] = outputs[i] * std;
  }
  const data = wavelet ? inverseWavelet3d(values, [grid.gx, grid.gy, grid.gz], [nx, ny, nz]) : values;
  options.onProgress?.({ fraction: 1, message: 'Local model done' });
  return { nx, ny, nz, data, pixelSize: ts.pixelSize };
}
