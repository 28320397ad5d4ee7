/**
 * FBP's steps as each engine path runs them (./run.ts on the GPU, ./cpu.ts on the CPU pool), so that the order of
 * the steps, their progress and the CTF by depth are written once: dose weighting the series, and the FBP of a run
 * of sections whose middle lies zCentre voxels above the tomogram's (0 and the thickness: the whole tomogram).
 */
import type { TiltSeries } from '../../types.ts';
import type { Tomogram } from '../../../io/piecedVolume.ts';
import type { RunOptions } from '../slabs.ts';
import type { FbpParams } from './base.ts';
import type { DepthSlab } from './ctfByDepth.ts';

export interface FbpPath {
  doseWeight(ts: TiltSeries, signal?: AbortSignal): Promise<TiltSeries>;
  sections(ts: TiltSeries, params: FbpParams, sections: Pick<DepthSlab, 'nz' | 'zCentre'>, options: RunOptions): Promise<Tomogram>;
}

/** The series dose weighted on `path` when params ask, else as it is. */
export async function doseWeightedOn(path: FbpPath, ts: TiltSeries, params: FbpParams, options: RunOptions): Promise<TiltSeries> {
  if (!params.doseWeighting) return ts;
  options.onProgress?.({ fraction: 0, message: 'FBP: dose weighting the tilts' });
  return path.doseWeight(ts, options.signal);
}

/** The whole tomogram on `path` (dose weighted first when params ask), nx × ny × thickness, in pieces when larger than options.pieceBytes. */
export async function fbpOn(path: FbpPath, tiltSeries: TiltSeries, params: FbpParams, options: RunOptions): Promise<Tomogram> {
  const ts = await doseWeightedOn(path, tiltSeries, params, options);
  const volume = await path.sections(ts, params, { nz: params.thickness, zCentre: 0 }, options);
  options.onProgress?.({ fraction: 1, message: 'FBP done' });
  return volume;
}
