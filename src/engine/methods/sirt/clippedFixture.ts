// Tests only (Vitest and Playwright): a tilt series whose specimen goes on beyond the reconstructed region, as
// every real stack's does, and the measures the SIRT checks take of its tomogram.
import { forwardProjectCpu } from '../../reference/projector.ts';
import { makePhantom, type PhantomName } from '../../sim/phantoms.ts';
import { tiltRange } from '../../sim/tiltScheme.ts';
import type { TiltSeries, Volume } from '../../types.ts';

/** Detector width and rows of the clipped series. */
export const CLIPPED_NX = 64;
export const CLIPPED_NY = 8;
/** The specimen is 1.5 × as wide as the detector. */
const SPECIMEN_NX = 96;

/**
 * Tilts (−60° … +60°, 3° steps) of a specimen `nz` thick and wider than the detector, seen by the central
 * CLIPPED_NX detector pixels: at high tilt, rays leave the tomogram through its sides carrying mass from
 * outside it.
 */
export function clippedTiltSeries(phantom: PhantomName, nz: number): TiltSeries {
  const specimen = makePhantom(phantom, SPECIMEN_NX, CLIPPED_NY, nz, 5, 4);
  const wide = forwardProjectCpu(specimen, tiltRange(-60, 60, 3));
  const first = (SPECIMEN_NX - CLIPPED_NX) / 2;
  const data = new Float32Array(CLIPPED_NX * CLIPPED_NY * wide.nTilts);
  for (let row = 0; row < CLIPPED_NY * wide.nTilts; row++) {
    data.set(wide.data.subarray(row * SPECIMEN_NX + first, row * SPECIMEN_NX + first + CLIPPED_NX), row * CLIPPED_NX);
  }
  return { ...wide, nx: CLIPPED_NX, data };
}

/** Values of x columns [x0, x1) and z planes [z0, z1), all rows. */
export function region(v: Pick<Volume, 'nx' | 'ny' | 'data'>, x0: number, x1: number, z0: number, z1: number): number[] {
  const out: number[] = [];
  for (let z = z0; z < z1; z++) for (let y = 0; y < v.ny; y++) for (let x = x0; x < x1; x++) out.push(v.data[x + v.nx * (y + v.ny * z)]);
  return out;
}

/** Mean over rows and the z planes [z0, z1) of each x column. */
export function columnMeans(v: Pick<Volume, 'nx' | 'ny' | 'data'>, z0: number, z1: number): number[] {
  return Array.from({ length: v.nx }, (_, x) => {
    const values = region(v, x, x + 1, z0, z1);
    return values.reduce((a, b) => a + b, 0) / values.length;
  });
}

export function std(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}
