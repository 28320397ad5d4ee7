/** Filtered back-projection on the CPU pool (docs/cpu.md): the same filter, geometry and π/N weight as run.ts. */
import type { CpuPool } from '../../cpu/pool.ts';
import { backProjectOnPool, filterTiltsOnPool, rowGeometry } from '../../cpu/projection.ts';
import { doseWeightTiltSeries } from '../../doseWeighting.ts';
import { filterResponse, paddedLength } from '../../filters.ts';
import { fbpWeight } from '../../geometry.ts';
import type { TiltSeries, Volume } from '../../types.ts';
import type { RunOptions } from '../slabs.ts';
import type { FbpParams } from './base.ts';

export async function reconstructFbpCpu(pool: CpuPool, tiltSeries: TiltSeries, params: FbpParams, options: RunOptions = {}): Promise<Volume> {
  if (params.doseWeighting) options.onProgress?.({ fraction: 0, message: 'FBP: dose weighting the tilts' });
  const ts = params.doseWeighting ? doseWeightTiltSeries(tiltSeries) : tiltSeries;
  const { nx, ny, nTilts } = ts;
  const nz = params.thickness;
  options.onProgress?.({ fraction: 0, message: 'FBP: filtering the tilts' });
  const filtered = await filterTiltsOnPool(pool, ts, filterResponse(params.filter, paddedLength(nx)), options.signal);
  const g = rowGeometry(nx, nz, ts.tiltAngles, params.invertAngles);
  const data = await backProjectOnPool(pool, filtered, ny, g, fbpWeight(nTilts), options, 'FBP');
  options.onProgress?.({ fraction: 1, message: 'FBP done' });
  return { nx, ny, nz, data, pixelSize: ts.pixelSize };
}
