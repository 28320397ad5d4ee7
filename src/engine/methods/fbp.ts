/** Filtered back-projection on the GPU, slab by slab (CONVENTIONS.md §1, "FBP scale"). */
import { readFloats, storageBuffer, uploadBuffer } from '../gpu/buffers.ts';
import { assertDeviceAlive, type GpuContext } from '../gpu/device.ts';
import { RowFilterPlan, rowFilterWorkBytes } from '../gpu/kernels/rowFilter.ts';
import { SlabProjector } from '../gpu/kernels/projector.ts';
import { fbpWeight, tiltTrig } from '../geometry.ts';
import { filterResponse, paddedLength } from '../filters.ts';
import { throwIfAborted, type TiltSeries, type Volume } from '../types.ts';
import type { FbpParams } from './params.ts';
import { allocateVolume, planSlabsForDevice, placeSlabVolume, slabTilts, type RunOptions } from './slabs.ts';

/** Reconstruct an already binned tilt series; the tomogram is nx × ny × thickness. */
export async function reconstructFbp(gpu: GpuContext, ts: TiltSeries, params: FbpParams, options: RunOptions = {}): Promise<Volume> {
  const { nx, ny, nTilts } = ts;
  const nz = params.thickness;
  const L = paddedLength(nx);
  const response = filterResponse(params.filter, L);
  const tiltBytes = nTilts * nx * 4;
  const volumeBytes = nx * nz * 4;
  const workBytes = rowFilterWorkBytes(nTilts * 2, L) / 2;
  const slabs = planSlabsForDevice(gpu, ny, tiltBytes + workBytes + 2 * volumeBytes, Math.max(tiltBytes, workBytes / 2, volumeBytes), options.memoryBudgetBytes);
  const volume = allocateVolume(nx, ny, nz, ts.pixelSize);
  const trig = uploadBuffer(gpu, tiltTrig(ts.tiltAngles, params.invertAngles), 'fbp.trig');
  try {
    for (const [index, slab] of slabs.entries()) {
      throwIfAborted(options.signal);
      assertDeviceAlive(gpu);
      options.onProgress?.({ fraction: index / slabs.length, message: `FBP: rows ${slab.y0}–${slab.y0 + slab.ny - 1} of ${ny}` });
      const tilts = uploadBuffer(gpu, slabTilts(ts, slab), 'fbp.tilts');
      const slabVolume = storageBuffer(gpu, nx * slab.ny * nz * 4, 'fbp.volume');
      const filter = new RowFilterPlan(gpu, tilts, nTilts * slab.ny, nx, response);
      const projector = new SlabProjector(gpu, { nx, ny: slab.ny, nz, nTilts, nDet: nx }, trig, tilts, slabVolume, fbpWeight(nTilts));
      try {
        const encoder = gpu.device.createCommandEncoder({ label: 'fbp' });
        filter.encode(encoder);
        projector.encodeBackProject(encoder);
        gpu.device.queue.submit([encoder.finish()]);
        placeSlabVolume(volume, slab, await readFloats(gpu, slabVolume, nx * slab.ny * nz));
      } finally {
        for (const resource of [tilts, slabVolume, filter, projector]) resource.destroy();
      }
    }
  } finally {
    trig.destroy();
  }
  options.onProgress?.({ fraction: 1, message: 'FBP done' });
  return volume;
}
