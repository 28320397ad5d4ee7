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
import type { EngineContext } from '../../context.ts';
import { FBP, type FbpParams } from './base.ts';
import { cpuFbpPath } from './cpu.ts';
import { doseWeightedOn, fbpOn, type FbpPath } from './path.ts';
import { reconstructByDepth, type DepthSlab } from './ctfByDepth.ts';

/**
 * Reconstruct an already binned tilt series (dose weighted first when params ask); the tomogram is nx × ny × thickness,
 * in pieces when larger than options.pieceBytes.
 */
export function reconstructFbp(gpu: GpuContext, tiltSeries: TiltSeries, params: FbpParams, options: RunOptions = {}): Promise<Tomogram> {
  return fbpOn(gpuFbpPath(gpu), tiltSeries, params, options);
}

/** FBP's steps on the engine's path (./path.ts). */
export function fbpPathOf(engine: EngineContext): FbpPath {
  return engine.path === 'gpu' ? gpuFbpPath(engine.gpu) : cpuFbpPath(engine.pool);
}

/** FBP's steps on the GPU (./path.ts). */
function gpuFbpPath(gpu: GpuContext): FbpPath {
  return { doseWeight: (ts, signal) => doseWeightOnDevice(gpu, ts, signal), sections: (ts, params, sections, options) => fbpSections(gpu, ts, params, sections, options) };
}

/** FBP of `sections.nz` sections whose middle lies `sections.zCentre` voxels above the tomogram's (0: the whole tomogram), slab by slab of rows. */
async function fbpSections(gpu: GpuContext, ts: TiltSeries, params: FbpParams, sections: Pick<DepthSlab, 'nz' | 'zCentre'>, options: RunOptions): Promise<Tomogram> {
  const { nx, ny, nTilts } = ts;
  const { nz, zCentre } = sections;
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
      const projector = scope.own(new SlabProjector(gpu, { nx, ny: slab.ny, nz, nTilts, nDet: nx, zCentre }, trig, tilts, slabVolume, fbpWeight(nTilts)));
      const encoder = gpu.device.createCommandEncoder({ label: 'fbp' });
      filter.encode(encoder);
      projector.encodeBackProject(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      placeSlabVolume(volume, slab, await readFloats(gpu, slabVolume, nx * slab.ny * nz));
    });
  });
  return volume;
}

/**
 * FBP as params ask, on the engine's path: with `ctfByDepth`, the series (dose weighted first) corrected for its CTF
 * depth slab by depth slab (./ctfByDepth.ts), refused naming what is missing when it has no defocus.
 */
async function runFbp(engine: EngineContext, ts: TiltSeries, params: FbpParams, options: RunOptions): Promise<Tomogram> {
  const path = fbpPathOf(engine);
  if (!params.ctfByDepth) return fbpOn(path, ts, params, options);
  // Resolving checked this; a runner called directly (the evaluations' reconstructions of tilt subsets) is checked here too.
  const problem = FBP.seriesProblem?.(params, ts);
  if (problem) throw new Error(problem);
  const weighted = await doseWeightedOn(path, ts, params, options);
  const correction = { microscope: params.ctfByDepth, invertAngles: params.invertAngles };
  const volume = await reconstructByDepth(engine, weighted, params.thickness, correction, options, (flipped, slab, slabOptions) => path.sections(flipped, params, slab, slabOptions));
  options.onProgress?.({ fraction: 1, message: 'FBP done' });
  return volume;
}

export const FBP_RUNNER: ReconstructionRunner<FbpParams, never> = {
  run: async (engine, ts, params, options) => ({ volume: await runFbp(engine, ts, params, options) }),
};
