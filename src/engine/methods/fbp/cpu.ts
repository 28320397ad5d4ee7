/** Filtered back-projection on the CPU pool (docs/cpu.md): the same filter, geometry and π/N weight as run.ts. */
import type { CpuPool } from '../../cpu/pool.ts';
import { backProjectOnPool, filterTiltsOnPool, rowGeometry } from '../../cpu/projection.ts';
import { sharedCopy } from '../../cpu/pool.ts';
import { doseWeightOnPool } from '../../cpu/doseWeighting.ts';
import { filterResponse, paddedLength } from '../../filters.ts';
import { fbpWeight } from '../../geometry.ts';
import type { TiltSeries } from '../../types.ts';
import { planPieces, tomogramOf, type Tomogram } from '../../../io/piecedVolume.ts';
import { slabTilts, type RunOptions } from '../slabs.ts';
import type { FbpParams } from './base.ts';
import type { DepthSlab } from './ctfByDepth.ts';
import { fbpOn, type FbpPath } from './path.ts';

/** The tomogram in pieces of at most options.pieceBytes (io/piecedVolume.ts), each back-projected from its own rows of the filtered tilts. */
export function reconstructFbpCpu(pool: CpuPool, tiltSeries: TiltSeries, params: FbpParams, options: RunOptions = {}): Promise<Tomogram> {
  return fbpOn(cpuFbpPath(pool), tiltSeries, params, options);
}

/** FBP's steps on the CPU pool (./path.ts). */
export function cpuFbpPath(pool: CpuPool): FbpPath {
  return { doseWeight: (ts, signal) => doseWeightOnPool(pool, ts, signal), sections: (ts, params, sections, options) => fbpSectionsCpu(pool, ts, params, sections, options) };
}

/** FBP of `sections.nz` sections whose middle lies `sections.zCentre` voxels above the tomogram's (0: the whole tomogram). */
async function fbpSectionsCpu(pool: CpuPool, ts: TiltSeries, params: FbpParams, sections: Pick<DepthSlab, 'nz' | 'zCentre'>, options: RunOptions): Promise<Tomogram> {
  const { nx, ny, nTilts } = ts;
  const { nz, zCentre } = sections;
  options.onProgress?.({ fraction: 0, message: 'FBP: filtering the tilts' });
  const filtered = { ...ts, data: await filterTiltsOnPool(pool, ts, filterResponse(params.filter, paddedLength(nx)), options.signal) };
  const g = { ...rowGeometry(nx, nz, ts.tiltAngles, params.invertAngles), zCentre };
  const pieces = [];
  for (const rows of planPieces(nx, ny, nz, options.pieceBytes)) {
    // One piece (the usual case) takes the filtered tilts as they are; a piece of a larger tomogram, its own rows of them.
    const tilts = rows.ny === ny ? filtered.data : sharedCopy(slabTilts(filtered, rows));
    const data = await backProjectOnPool(pool, tilts, rows.ny, g, fbpWeight(nTilts), options, 'FBP');
    pieces.push({ nx, ny: rows.ny, nz, data, pixelSize: ts.pixelSize });
  }
  return tomogramOf(pieces);
}
