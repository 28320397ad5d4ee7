/**
 * Core data types shared by every layer. Conventions (docs/conventions.md#arrays-and-axes):
 * arrays are x fastest; a tilt series holds one projection per section; a tomogram
 * holds XY sections along z (the beam axis). Lengths are in pixels after binning.
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

/** Progress of a long computation: fraction in [0, 1] and a short human message. */
export interface Progress {
  fraction: number;
  message: string;
  /** Optional per-iteration figures, e.g. SIRT's relative reprojection residual. */
  residuals?: number[];
  /** Optional training loss per optimisation step, e.g. the coordinate network's. */
  loss?: number[];
  /** Optional live XZ section of the slab being fitted (nx × nz, x fastest), in the data's units. */
  preview?: SlabPreview;
}

/** The XZ section at tomogram row `row` while a method still works on its slab. */
export interface SlabPreview {
  row: number;
  nx: number;
  nz: number;
  data: Float32Array;
}

export type ProgressCallback = (progress: Progress) => void;

/** Raised when a run is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled by the user');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

export function volumeIndex(vol: Pick<Volume, 'nx' | 'ny'>, x: number, y: number, z: number): number {
  return x + vol.nx * (y + vol.ny * z);
}
