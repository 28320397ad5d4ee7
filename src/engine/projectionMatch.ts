/**
 * What an imported tomogram's projections are compared with (engine/importedTomogram.ts, engine/tomogramPosition.ts):
 * a few measured tilts, binned to the tomogram's scale and averaged in blocks as its coarse copies are, and the
 * projector that makes the tomogram's side.
 */
import { binImageInto, binnedLength } from '../io/binning.ts';
import { wholeVolume } from '../io/piecedVolume.ts';
import { forwardProjectCpu } from './reference/projector.ts';
import type { TiltSeries, Volume } from './types.ts';
import { downsampleVolume } from './volume.ts';

/** Projects a volume at the given angles (degrees, not inverted): the GPU's or the CPU pool's projector. */
export type Projector = (volume: Volume, tiltAngles: number[]) => Promise<TiltSeries>;

/** The plain TypeScript projector: quick enough for the coarse copies (at most 96 voxels across), and needs no engine. */
export const plainProjector: Projector = async (volume, tiltAngles) => forwardProjectCpu(volume, tiltAngles);

const PURPOSE = 'Lining up an imported tomogram';

/** The stack positions of the tilt nearest 0°, the lowest tilt and the highest (the first may be one of the others). */
export function comparedTilts(tiltAngles: readonly number[]): [number, number, number] {
  const byAngle = (pick: (a: number, b: number) => boolean) => tiltAngles.reduce((best, a, k) => (pick(a, tiltAngles[best]) ? k : best), 0);
  return [byAngle((a, b) => Math.abs(a) < Math.abs(b)), byAngle((a, b) => a < b), byAngle((a, b) => a > b)];
}

/**
 * Tilt k binned by `binning`, cut to `own` width and height (one short of the binned size where a file is), then
 * averaged in f × f blocks as a tomogram's coarse copy is (downsampleVolume): an own.nx × own.ny image at f = 1.
 */
export function coarseTilt(tilts: TiltSeries, k: number, binning: number, own: Pick<Volume, 'nx' | 'ny'>, f: number): Volume {
  const [nx, ny] = [binnedLength(tilts.nx, binning), binnedLength(tilts.ny, binning)];
  const image = new Float32Array(nx * ny);
  binImageInto(tilts.data.subarray(k * tilts.nx * tilts.ny, (k + 1) * tilts.nx * tilts.ny), tilts.nx, tilts.ny, binning, image, 0);
  const cut = new Float32Array(own.nx * own.ny);
  for (let y = 0; y < own.ny; y++) cut.set(image.subarray(y * nx, y * nx + own.nx), y * own.nx);
  return wholeVolume(downsampleVolume({ nx: own.nx, ny: own.ny, nz: 1, data: cut, pixelSize: 0 }, f), PURPOSE);
}
