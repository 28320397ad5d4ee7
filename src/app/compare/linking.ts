/** Linked cursor between volumes of different sizes, the comparison selection, grid layout. Pure. */
import type { SliceAxis } from '../../../workers/api.ts';
import { clampVoxel, type VolumeDims, type Voxel } from '../viewer/axes.ts';

export const MAX_COMPARE = 6;

/** A voxel of a volume of size `from` mapped to the voxel at the same relative position in `to` (centres aligned). */
export function mapVoxel(voxel: Voxel, from: VolumeDims, to: VolumeDims): Voxel {
  if (from.nx === to.nx && from.ny === to.ny && from.nz === to.nz) return { ...voxel };
  const map = (i: number, a: number, b: number): number => ((i + 0.5) * b) / a - 0.5;
  return clampVoxel({ x: map(voxel.x, from.nx, to.nx), y: map(voxel.y, from.ny, to.ny), z: map(voxel.z, from.nz, to.nz) }, to);
}

export interface Selectable {
  id: string;
  datasetId: string;
}

/**
 * Results with their data set's family in place of the data set (DatasetSummary.familyId): a series and those
 * made from it by leaving out or adding tilts are one specimen, compared side by side.
 */
export function byFamily(results: readonly Selectable[], datasets: readonly Family[]): Selectable[] {
  return results.map((r) => ({ id: r.id, datasetId: familyOf(datasets, r.datasetId) }));
}

interface Family {
  id: string;
  familyId: string;
}

/** A data set's family (DatasetSummary.familyId); a data set no longer listed is its own. */
export function familyOf(datasets: readonly Family[], datasetId: string): string {
  return datasets.find((d) => d.id === datasetId)?.familyId ?? datasetId;
}

/**
 * Toggle `id` in the comparison selection. The selection holds results of one tilt series (or family, with
 * byFamily): adding a result of another starts a new selection; beyond MAX_COMPARE the oldest pick goes.
 */
export function toggleSelection(selection: readonly string[], id: string, results: readonly Selectable[]): string[] {
  if (selection.includes(id)) return selection.filter((s) => s !== id);
  const item = results.find((r) => r.id === id);
  if (!item) return [...selection];
  const same = selection.filter((s) => results.find((r) => r.id === s)?.datasetId === item.datasetId);
  const next = [...same, id];
  return next.slice(Math.max(0, next.length - MAX_COMPARE));
}

/** Columns of the comparison grid for n panels: 1–3 in a row, 4 as 2 × 2, 5–6 as 3 × 2. */
export function gridColumns(n: number): number {
  if (n <= 3) return Math.max(1, n);
  if (n === 4) return 2;
  return 3;
}

/** The volume coordinate a plane is taken at. */
export const PLANE_NORMAL: Record<SliceAxis, 'x' | 'y' | 'z'> = { xy: 'z', xz: 'y', yz: 'x' };
