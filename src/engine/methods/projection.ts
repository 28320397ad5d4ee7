/** Forward projection of any volume at any tilt angles on the GPU or the CPU pool (the simulator, SIRT checks, cross-validation). */
import type { EngineContext } from '../context.ts';
import { forwardProjectOnPool } from '../cpu/projection.ts';
import { readFloats, storageBuffer, uploadBuffer } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/device.ts';
import { SlabProjector, type SlabShape } from '../gpu/kernels/projector.ts';
import { withGpuScope } from '../gpu/scope.ts';
import { tiltTrig, type Slab } from '../geometry.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { allocateVolume, forEachSlab, planSlabsForDevice, placeSlabTilts, placeSlabVolume, slabTilts, slabVolume, stageOptions, type RunOptions } from './slabs.ts';
import { isPieced, volumePieces, type Tomogram } from '../../io/piecedVolume.ts';

type ProjectOptions = RunOptions & { invertAngles?: boolean };

/** A slab of rows in and out: the input's floats for a slab, and where the output's go. */
interface SlabIo {
  input(slab: Slab): Float32Array;
  place(slab: Slab, data: Float32Array): void;
}

/**
 * Forward projection (volume → tilts) or back-projection (tilts → volume), slab by slab: upload a slab's input,
 * project, read its output back. Memory per row is the input once and the output twice (its buffer and the
 * read-back's staging copy).
 */
async function projectBySlabs(gpu: GpuContext, shape: SlabShape, tiltAngles: readonly number[], forward: boolean, io: SlabIo, options: ProjectOptions): Promise<void> {
  const volumeRow = shape.nx * shape.nz;
  const tiltRow = shape.nTilts * shape.nDet;
  const [inputRow, outputRow] = forward ? [volumeRow, tiltRow] : [tiltRow, volumeRow];
  const label = forward ? 'reproject' : 'backproject';
  const slabs = planSlabsForDevice(gpu, shape.ny, 4 * (inputRow + 2 * outputRow), 4 * Math.max(inputRow, outputRow), options.memoryBudgetBytes);
  await withGpuScope(async (run) => {
    const trig = run.own(uploadBuffer(gpu, tiltTrig(tiltAngles, options.invertAngles), `${label}.trig`));
    await forEachSlab(gpu, slabs, options.signal, async (slab, index, scope) => {
      const rows = `rows ${slab.y0}–${slab.y0 + slab.ny - 1} of ${shape.ny}`;
      options.onProgress?.({ fraction: index / slabs.length, message: `${forward ? 'Projecting' : 'Back-projecting'} ${rows}` });
      const input = scope.own(uploadBuffer(gpu, io.input(slab), `${label}.input`));
      const output = scope.own(storageBuffer(gpu, slab.ny * outputRow * 4, `${label}.output`));
      const [tilts, volume] = forward ? [output, input] : [input, output];
      const projector = scope.own(new SlabProjector(gpu, { ...shape, ny: slab.ny }, trig, tilts, volume));
      const encoder = gpu.device.createCommandEncoder({ label });
      if (forward) projector.encodeForwardProject(encoder);
      else projector.encodeBackProject(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      io.place(slab, await readFloats(gpu, output, slab.ny * outputRow));
    });
  });
}

/** Project `volume` at `tiltAngles` (degrees); the detector is volume.nx wide. */
export async function forwardProjectGpu(gpu: GpuContext, volume: Tomogram, tiltAngles: readonly number[], options: ProjectOptions = {}): Promise<TiltSeries> {
  const { nx, ny, nz } = volume;
  const nTilts = tiltAngles.length;
  const out: TiltSeries = { nx, ny, nTilts, data: new Float32Array(nx * ny * nTilts), tiltAngles: [...tiltAngles], pixelSize: volume.pixelSize };
  const io: SlabIo = { input: (slab) => slabVolume(volume, slab), place: (slab, data) => placeSlabTilts(out, slab, data) };
  await projectBySlabs(gpu, { nx, ny, nz, nTilts, nDet: nx }, tiltAngles, true, io, options);
  return out;
}

/** Unweighted back-projection Aᵀ of a tilt series into an nx × ny × nz volume (the adjoint of forwardProjectGpu). */
export async function backProjectGpu(gpu: GpuContext, ts: TiltSeries, nz: number, options: ProjectOptions = {}): Promise<Volume> {
  const { nx, ny, nTilts } = ts;
  const volume = allocateVolume(nx, ny, nz, ts.pixelSize);
  const io: SlabIo = { input: (slab) => slabTilts(ts, slab), place: (slab, data) => placeSlabVolume(volume, slab, data) };
  await projectBySlabs(gpu, { nx, ny, nz, nTilts, nDet: nx }, ts.tiltAngles, false, io, options);
  return volume;
}

/**
 * Project `tomogram` (either held in pieces) at `tiltAngles` (degrees) on the engine's path: on the GPU slab by slab
 * from the pieces, on the CPU pool a piece at a time (detector row y sees tomogram row y alone), so that no copy of
 * the whole tomogram is made.
 */
export async function forwardProject(engine: EngineContext, tomogram: Tomogram, tiltAngles: readonly number[], options: ProjectOptions = {}): Promise<TiltSeries> {
  if (engine.path === 'gpu') return forwardProjectGpu(engine.gpu, tomogram, tiltAngles, options);
  if (!isPieced(tomogram)) return forwardProjectOnPool(engine.pool, tomogram, tiltAngles, options);
  const { nx, ny, pixelSize } = tomogram;
  const out: TiltSeries = { nx, ny, nTilts: tiltAngles.length, data: new Float32Array(nx * ny * tiltAngles.length), tiltAngles: [...tiltAngles], pixelSize };
  const pieces = volumePieces(tomogram);
  for (const [k, { y0, volume }] of pieces.entries()) {
    const part = await forwardProjectOnPool(engine.pool, volume, tiltAngles, { ...stageOptions(options, k / pieces.length, (k + 1) / pieces.length), invertAngles: options.invertAngles });
    placeSlabTilts(out, { y0, ny: volume.ny }, part.data);
  }
  return out;
}
