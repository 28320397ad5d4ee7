/** Filtered back-projection on the GPU, slab by slab (docs/conventions.md#fbp-scale). */
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { RowFilterPlan, rowFilterWorkBytes } from '../../gpu/kernels/rowFilter.ts';
import { SlabProjector } from '../../gpu/kernels/projector.ts';
import { withGpuScope } from '../../gpu/scope.ts';
import { doseWeightOnDevice } from '../../doseWeightingGpu.ts';
import { fbpWeight, tiltTrig } from '../../geometry.ts';
import { filterResponse, paddedLength } from '../../filters.ts';
import type { TiltSeries } from '../../types.ts';
import type { Tomogram } from '../../../io/piecedVolume.ts';
import type { ReconstructionRunner } from '../runner.ts';
import { allocateSlabbedTomogram, forEachSlab, planSlabsForDevice, placeSlabVolume, slabTilts, type RunOptions } from '../slabs.ts';
import type { FbpParams } from './base.ts';
import { reconstructFbpCpu } from './cpu.ts';

/**
 * Reconstruct an already binned tilt series (dose weighted first when params ask); the tomogram is nx × ny × thickness,
 * in pieces when larger than options.pieceBytes.
 */
export async function reconstructFbp(gpu: GpuContext, tiltSeries: TiltSeries, params: FbpParams, options: RunOptions = {}): Promise<Tomogram> {
  if (params.doseWeighting) options.onProgress?.({ fraction: 0, message: 'FBP: dose weighting the tilts' });
  const ts = params.doseWeighting ? await doseWeightOnDevice(gpu, tiltSeries, options.signal) : tiltSeries;
  const { nx, ny, nTilts } = ts;
  const nz = params.thickness;
  const L = paddedLength(nx);
  const response = filterResponse(params.filter, L);
  const tiltBytes = nTilts * nx * 4;
  const volumeBytes = nx * nz * 4;
  const workBytes = rowFilterWorkBytes(nTilts * 2, L) / 2;
  const slabs = planSlabsForDevice(gpu, ny, tiltBytes + workBytes + 2 * volumeBytes, Math.max(tiltBytes, workBytes / 2, volumeBytes), options.memoryBudgetBytes);
  const volume = allocateSlabbedTomogram(nx, ny, nz, ts.pixelSize, options.pieceBytes);
  await withGpuScope(async (run) => {
    const trig = run.own(uploadBuffer(gpu, tiltTrig(ts.tiltAngles, params.invertAngles), 'fbp.trig'));
    await forEachSlab(gpu, slabs, options.signal, async (slab, index, scope) => {
      options.onProgress?.({ fraction: index / slabs.length, message: `FBP: rows ${slab.y0}–${slab.y0 + slab.ny - 1} of ${ny}` });
      const tilts = scope.own(uploadBuffer(gpu, slabTilts(ts, slab), 'fbp.tilts'));
      const slabVolume = scope.own(storageBuffer(gpu, nx * slab.ny * nz * 4, 'fbp.volume'));
      const filter = scope.own(new RowFilterPlan(gpu, tilts, nTilts * slab.ny, nx, response));
      const projector = scope.own(new SlabProjector(gpu, { nx, ny: slab.ny, nz, nTilts, nDet: nx }, trig, tilts, slabVolume, fbpWeight(nTilts)));
      const encoder = gpu.device.createCommandEncoder({ label: 'fbp' });
      filter.encode(encoder);
      projector.encodeBackProject(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      placeSlabVolume(volume, slab, await readFloats(gpu, slabVolume, nx * slab.ny * nz));
    });
  });
  options.onProgress?.({ fraction: 1, message: 'FBP done' });
  return volume;
}

export const FBP_RUNNER: ReconstructionRunner<FbpParams, never> = {
  run: async (engine, ts, params, options) => ({
    volume: engine.path === 'gpu' ? await reconstructFbp(engine.gpu, ts, params, options) : await reconstructFbpCpu(engine.pool, ts, params, options),
  }),
};
