/**
 * The data files hold, as every layer sees them. Conventions (docs/conventions.md#arrays-and-axes):
 * arrays are x fastest; a tilt series holds one projection per section; a tomogram
 * holds XY sections along z (the beam axis). Lengths are in pixels after binning.
 * They live in io, the lowest layer, because the readers produce them.
 */

/** An aligned tilt series: nTilts projections of nx × ny pixels, tilt axis along Y. */
export interface TiltSeries {
  nx: number;
  ny: number;
  nTilts: number;
  /** Section k (projection k) starts at k·nx·ny; x fastest. */
  data: Float32Array;
  /** Degrees, in stack order: tiltAngles[k] belongs to section k. Need not be sorted. */
  tiltAngles: number[];
  /** Å per pixel; 0 when unknown. */
  pixelSize: number;
}

/** A tomogram or any other volume: nx × ny × nz voxels, x fastest, z slowest. */
export interface Volume {
  nx: number;
  ny: number;
  nz: number;
  data: Float32Array;
  /** Å per voxel; 0 when unknown. */
  pixelSize: number;
}
