/** Forward projection of any volume at any tilt angles on the GPU or the CPU pool (the simulator, SIRT checks, cross-validation). */
import type { EngineContext } from '../context.ts';
import { forwardProjectOnPool } from '../cpu/projection.ts';
import { readFloats, storageBuffer, uploadBuffer } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/device.ts';
import { SlabProjector } from '../gpu/kernels/projector.ts';
import { withGpuScope } from '../gpu/scope.ts';
import { tiltTrig } from '../geometry.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { allocateVolume, forEachSlab, planSlabsForDevice, placeSlabTilts, placeSlabVolume, slabTilts, slabVolume, type RunOptions } from './slabs.ts';

/** Project `volume` at `tiltAngles` (degrees); the detector is volume.nx wide. */
export async function forwardProjectGpu(
  gpu: GpuContext,
  volume: Volume,
  tiltAngles: readonly number[],
  options: RunOptions & { invertAngles?: boolean } = {},
): Promise<TiltSeries> {
  const { nx, ny, nz } = volume;
  const nTilts = tiltAngles.length;
  const tiltBytes = nTilts * nx * 4;
  const volumeBytes = nx * nz * 4;
  const slabs = planSlabsForDevice(gpu, ny, 2 * tiltBytes + volumeBytes, Math.max(tiltBytes, volumeBytes), options.memoryBudgetBytes);
  const out: TiltSeries = { nx, ny, nTilts, data: new Float32Array(nx * ny * nTilts), tiltAngles: [...tiltAngles], pixelSize: volume.pixelSize };
  await withGpuScope(async (run) => {
    const trig = run.own(uploadBuffer(gpu, tiltTrig(tiltAngles, options.invertAngles), 'reproject.trig'));
    await forEachSlab(gpu, slabs, options.signal, async (slab, index, scope) => {
      options.onProgress?.({ fraction: index / slabs.length, message: `Projecting rows ${slab.y0}–${slab.y0 + slab.ny - 1} of ${ny}` });
      const slabVol = scope.own(uploadBuffer(gpu, slabVolume(volume, slab), 'reproject.volume'));
      const tilts = scope.own(storageBuffer(gpu, nTilts * slab.ny * nx * 4, 'reproject.tilts'));
      const projector = scope.own(new SlabProjector(gpu, { nx, ny: slab.ny, nz, nTilts, nDet: nx }, trig, tilts, slabVol));
      const encoder = gpu.device.createCommandEncoder({ label: 'reproject' });
      projector.encodeForwardProject(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      placeSlabTilts(out, slab, await readFloats(gpu, tilts, nTilts * slab.ny * nx));
    });
  });
  return out;
}

/** Unweighted back-projection Aᵀ of a tilt series into an nx × ny × nz volume (the adjoint of forwardProjectGpu). */
export async function backProjectGpu(
  gpu: GpuContext,
  ts: TiltSeries,
  nz: number,
  options: RunOptions & { invertAngles?: boolean } = {},
): Promise<Volume> {
  const { nx, ny, nTilts } = ts;
  const tiltBytes = nTilts * nx * 4;
  const volumeBytes = nx * nz * 4;
  const slabs = planSlabsForDevice(gpu, ny, tiltBytes + 2 * volumeBytes, Math.max(tiltBytes, volumeBytes), options.memoryBudgetBytes);
  const volume = allocateVolume(nx, ny, nz, ts.pixelSize);
  await withGpuScope(async (run) => {
    const trig = run.own(uploadBuffer(gpu, tiltTrig(ts.tiltAngles, options.invertAngles), 'backproject.trig'));
    await forEachSlab(gpu, slabs, options.signal, async (slab, _index, scope) => {
      const tilts = scope.own(uploadBuffer(gpu, slabTilts(ts, slab), 'backproject.tilts'));
      const slabVol = scope.own(storageBuffer(gpu, nx * slab.ny * nz * 4, 'backproject.volume'));
      const projector = scope.own(new SlabProjector(gpu, { nx, ny: slab.ny, nz, nTilts, nDet: nx }, trig, tilts, slabVol));
      const encoder = gpu.device.createCommandEncoder({ label: 'backproject' });
      projector.encodeBackProject(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      placeSlabVolume(volume, slab, await readFloats(gpu, slabVol, nx * slab.ny * nz));
    });
  });
  return volume;
}

/** Project `volume` at `tiltAngles` (degrees) on the engine's path. */
export function forwardProject(engine: EngineContext, volume: Volume, tiltAngles: readonly number[], options: RunOptions & { invertAngles?: boolean } = {}): Promise<TiltSeries> {
  return engine.path === 'gpu' ? forwardProjectGpu(engine.gpu, volume, tiltAngles, options) : forwardProjectOnPool(engine.pool, volume, tiltAngles, options);
}
