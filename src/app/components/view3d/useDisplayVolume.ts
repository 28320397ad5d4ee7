import { useEffect, useMemo, useState } from 'react';
import type { ResultSummary } from '../../../../workers/api.ts';
import { errorMessage } from '../../engineClient.ts';
import { deviceLimits } from '../../volume3d/deviceLimits.ts';
import {
  chooseFormat,
  describeTexture,
  extractRegion,
  overviewRequest,
  planDetail,
  regionSize,
  type Box3,
  type Dims,
  type FormatPreference,
  type VoxelRegion,
} from '../../volume3d/pyramid.ts';
import type { VolumeData } from '../../volume3d/types.ts';
import { fetchDisplayVolume } from '../../volume3d/volumeCache.ts';
import { rowsFilled } from '../../state/results.ts';

export interface DisplayVolumeState {
  status: 'loading' | 'ready' | 'error';
  volume: VolumeData | null;
  /** E.g. "8-bit, 1/2 resolution". */
  description: string;
  /** Why the request could not be met as asked, or an error. */
  note: string | null;
  /** maxVoxels asked of the worker, and the level it answered with. */
  maxVoxels: number;
  factor: number;
}

interface Fetched {
  key: string;
  data: Float32Array;
  dims: Dims;
  factor: number;
  region: VoxelRegion;
}

/**
 * The block of a result the 3-D view shows: the display pyramid's overview level (within the
 * device's budget and 3-D texture size), or, with `detail`, the finest level at which that box
 * fits, cut to the box.
 */
export function useDisplayVolume(result: ResultSummary, detail: Box3 | null, format: FormatPreference): DisplayVolumeState {
  const limits = deviceLimits();
  const { nx, ny, nz } = result;
  const overview = useMemo(() => overviewRequest([nx, ny, nz], limits), [nx, ny, nz, limits]);
  const plan = useMemo(() => (detail ? planDetail([nx, ny, nz], detail, limits, overview.factor) : null), [detail, nx, ny, nz, limits, overview.factor]);
  const maxVoxels = plan ? plan.fetchMaxVoxels : overview.maxVoxels;
  // Rows filled: a result still filling slab by slab is fetched again as it grows.
  const base = `${result.id}|${rowsFilled(result)}|${maxVoxels}`;
  const key = plan ? `${base}|${plan.region.start}|${plan.region.end}` : base;
  const [fetched, setFetched] = useState<Fetched | null>(null);
  const [failure, setFailure] = useState<{ key: string; message: string } | null>(null);

  useEffect(() => {
    if (!limits.webgl2) return;
    let live = true;
    const full: Dims = [nx, ny, nz];
    fetchDisplayVolume(result.id, maxVoxels, !plan).then(
      (dv) => {
        if (!live) return;
        const dims: Dims = [dv.nx, dv.ny, dv.nz];
        const f = dv.factor;
        if (!plan) {
          setFetched({ key, data: dv.data, dims, factor: f, region: { start: [0, 0, 0], end: full } });
          return;
        }
        const level: VoxelRegion = {
          start: plan.region.start.map((s) => Math.floor(s / f)) as Dims,
          end: plan.region.end.map((e, i) => Math.min(dims[i], Math.ceil(e / f))) as Dims,
        };
        setFetched({
          key,
          data: extractRegion(dv.data, dims, level),
          dims: regionSize(level),
          factor: f,
          region: { start: level.start.map((s) => s * f) as Dims, end: level.end.map((e, i) => Math.min(full[i], e * f)) as Dims },
        });
      },
      (error: unknown) => live && setFailure({ key, message: `Could not fetch the volume: ${errorMessage(error)}` }),
    );
    return () => {
      live = false;
    };
  }, [key, maxVoxels, plan, result.id, nx, ny, nz, limits.webgl2]);

  const { mean, std } = result.stats;
  const current = fetched && fetched.key === key ? fetched : null;
  const volume = useMemo<VolumeData | null>(() => {
    if (!current) return null;
    return {
      data: current.data,
      dims: current.dims,
      factor: current.factor,
      fullSize: [nx, ny, nz],
      region: current.region,
      mean,
      std: std > 0 ? std : 1,
      format: chooseFormat(format, current.data.length),
    };
  }, [current, nx, ny, nz, mean, std, format]);

  if (!limits.webgl2) return { status: 'error', volume: null, description: '', note: 'This browser has no WebGL2: the 3-D view needs it', maxVoxels, factor: 0 };
  if (failure && failure.key === key) return { status: 'error', volume: null, description: '', note: failure.message, maxVoxels, factor: 0 };
  if (!volume) return { status: 'loading', volume: null, description: 'loading…', note: null, maxVoxels, factor: 0 };
  const note = detail && !plan && overview.factor > 1 ? 'Nothing finer than the overview fits this box: narrow the clip box' : null;
  return { status: 'ready', volume, description: describeTexture(volume.format, volume.factor, !!plan), note, maxVoxels, factor: volume.factor };
}
