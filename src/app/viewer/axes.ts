/** How the three slice planes map to volume coordinates, and the linked cursor. */
import type { Slice, SliceAxis } from '../../../workers/api.ts';
import type { SlicePoint } from './types.ts';

export type Coord = 'x' | 'y' | 'z';
export type Voxel = Record<Coord, number>;
export interface VolumeDims {
  nx: number;
  ny: number;
  nz: number;
}

export interface AxisLayout {
  /** Volume coordinate along the slice's width (x fastest in the slice data). */
  u: Coord;
  /** Volume coordinate along the slice's height. */
  v: Coord;
  /** Coordinate the slice is taken at. */
  normal: Coord;
}

/** Panel colours; a crosshair line has the colour of the plane it marks. */
export const AXIS_COLORS: Record<SliceAxis, string> = { xy: '#4aa3ff', xz: '#4fd18b', yz: '#ff8a5c' };
export const PLANE_NORMAL_TO: Record<Coord, SliceAxis> = { x: 'yz', y: 'xz', z: 'xy' };

export function dimOf(dims: VolumeDims, coord: Coord): number {
  return coord === 'x' ? dims.nx : coord === 'y' ? dims.ny : dims.nz;
}

/**
 * XY: u = x, v = y; XZ: u = x, v = z; YZ: u = y, v = z. If the worker returns a YZ slice
 * laid out as nz × ny instead, the mapping follows the slice's actual width and height.
 */
export function axisLayout(axis: SliceAxis, dims: VolumeDims, slice?: Pick<Slice, 'width' | 'height'>): AxisLayout {
  switch (axis) {
    case 'xy':
      return { u: 'x', v: 'y', normal: 'z' };
    case 'xz':
      return { u: 'x', v: 'z', normal: 'y' };
    case 'yz':
      if (slice && dims.ny !== dims.nz && slice.width === dims.nz && slice.height === dims.ny) return { u: 'z', v: 'y', normal: 'x' };
      return { u: 'y', v: 'z', normal: 'x' };
  }
}

export function centreVoxel(dims: VolumeDims): Voxel {
  return { x: Math.floor(dims.nx / 2), y: Math.floor(dims.ny / 2), z: Math.floor(dims.nz / 2) };
}

export function clampVoxel(voxel: Voxel, dims: VolumeDims): Voxel {
  const clamp = (value: number, n: number): number => Math.min(n - 1, Math.max(0, Math.round(value)));
  return { x: clamp(voxel.x, dims.nx), y: clamp(voxel.y, dims.ny), z: clamp(voxel.z, dims.nz) };
}

export function toSlicePoint(layout: AxisLayout, voxel: Voxel): SlicePoint {
  return { u: voxel[layout.u], v: voxel[layout.v] };
}

/** The voxel under a (continuous) slice point, or null outside the volume. */
export function voxelAt(layout: AxisLayout, point: SlicePoint, normalIndex: number, dims: VolumeDims): Voxel | null {
  const u = Math.floor(point.u);
  const v = Math.floor(point.v);
  if (u < 0 || v < 0 || u >= dimOf(dims, layout.u) || v >= dimOf(dims, layout.v)) return null;
  const voxel = { x: 0, y: 0, z: 0 };
  voxel[layout.u] = u;
  voxel[layout.v] = v;
  voxel[layout.normal] = normalIndex;
  return voxel;
}

/** Value of a voxel from a slice that contains it, or null. */
export function valueAt(slice: Slice | undefined, layout: AxisLayout, voxel: Voxel): number | null {
  if (!slice) return null;
  const u = voxel[layout.u];
  const v = voxel[layout.v];
  if (u < 0 || v < 0 || u >= slice.width || v >= slice.height) return null;
  return slice.data[v * slice.width + u];
}
