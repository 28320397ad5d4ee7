/**
 * Test data: a one-array volume held in pieces of `rows` rows each (the last one shorter), as a result larger than
 * one buffer is (io/piecedVolume.ts): the same voxels. Used by the unit tests and the benches that compare work on
 * pieces with work on one array.
 */
import { allocateTomogram, type Tomogram } from '../io/piecedVolume.ts';
import { placeSlabVolume } from './methods/slabs.ts';
import type { Volume } from './types.ts';

export function inPieces(volume: Volume, rows: number): Tomogram {
  const { nx, ny, nz, pixelSize } = volume;
  const tomogram = allocateTomogram(nx, ny, nz, pixelSize, rows * nx * nz * 4);
  placeSlabVolume(tomogram, { y0: 0, ny }, volume.data);
  return tomogram;
}
