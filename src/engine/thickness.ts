/**
 * A thickness to suggest from the data itself: a quick, coarse FBP of a few rows, as thick as the tilts are wide (so
 * that any specimen fits), and the depth profile of its variance. The variance above the empty layers' level is the
 * specimen's; its extent is the z range between the 5th and 95th percentiles of that excess (a dense object does
 * not narrow it, as a threshold at a share of the peak would), and a margin is added for what the missing wedge
 * smears beyond.
 */
import { backProjectRowOnCpu } from './cpu/wasmProjector.ts';
import { filterRowsInPlace } from './cpu/rowFilter.ts';
import { fbpWeight, tiltTrig } from './geometry.ts';
import { filterResponse, paddedLength } from './filters.ts';
import { binTiltSeries, subtractTiltMeans } from './methods/preprocess.ts';
import type { TiltSeries } from './types.ts';

/** The coarse FBP is at most this many pixels wide. */
const COARSE_WIDTH = 128;
/** Rows of the coarse FBP, spread over the series. */
const ROWS = 16;
/** The share of the specimen's variance left out at either side of its extent. */
const TAIL = 0.05;
/** Added on top of the specimen's extent, shared between top and bottom. */
const MARGIN = 0.5;

/**
 * A tomogram's thickness for a specimen `extent` pixels thick (of a series `nx` wide): the extent and the margin for
 * what the missing wedge smears beyond it, up to a multiple of 8, at most nx. For the data's own suggestion and for
 * a thickness another program measured (AreTomo's).
 */
export function thicknessWithMargin(extent: number, nx: number): number {
  return Math.min(Math.ceil((extent * (1 + MARGIN)) / 8) * 8, nx);
}

export interface ThicknessSuggestion {
  /** Suggested thickness, in pixels of the series as given (unbinned), a multiple of 8. */
  thickness: number;
  /** The coarse FBP's binning and its variance per z (nz = its width), for a plot. */
  binning: number;
  profile: number[];
  /** The specimen's extent in the profile, z from … to (inclusive). */
  from: number;
  to: number;
}

/** A series of `ROWS` rows spread evenly over `ts` (all of them when it has fewer). */
function sampleRows(ts: TiltSeries): TiltSeries {
  const rows = Math.min(ROWS, ts.ny);
  const data = new Float32Array(ts.nx * rows * ts.nTilts);
  for (let k = 0; k < ts.nTilts; k++) {
    for (let r = 0; r < rows; r++) {
      const y = Math.floor(((r + 0.5) * ts.ny) / rows);
      const from = (k * ts.ny + y) * ts.nx;
      data.set(ts.data.subarray(from, from + ts.nx), (k * rows + r) * ts.nx);
    }
  }
  return { ...ts, ny: rows, data };
}

/** Variance per z plane over the central 80 % of x (the edges carry the truncation's artefacts) and every row. */
function depthProfile(volume: { nx: number; ny: number; nz: number; data: Float32Array }): number[] {
  const [x0, x1] = [Math.floor(volume.nx * 0.1), Math.ceil(volume.nx * 0.9)];
  return Array.from({ length: volume.nz }, (_, z) => {
    let sum = 0;
    let sum2 = 0;
    let n = 0;
    for (let y = 0; y < volume.ny; y++) {
      for (let x = x0; x < x1; x++) {
        const v = volume.data[x + volume.nx * (y + volume.ny * z)];
        sum += v;
        sum2 += v * v;
        n++;
      }
    }
    return sum2 / n - (sum / n) ** 2;
  });
}

/** FBP (cosine filter) of every row of a small series, as thick as it is wide, on the calling thread. */
function coarseFbp(ts: TiltSeries, invertAngles: boolean): { nx: number; ny: number; nz: number; data: Float32Array } {
  const { nx, ny, nTilts } = ts;
  const tilts = ts.data.slice();
  filterRowsInPlace(tilts, nx, filterResponse({ name: 'cosine' }, paddedLength(nx)), 0, nTilts * ny);
  const geometry = { nx, nz: nx, nTilts, trig: tiltTrig(ts.tiltAngles, invertAngles) };
  const data = new Float32Array(nx * ny * nx);
  for (let y = 0; y < ny; y++) backProjectRowOnCpu(geometry, tilts, ny, y, data, ny, y, fbpWeight(nTilts));
  return { nx, ny, nz: nx, data };
}

export function suggestThickness(ts: TiltSeries, invertAngles = false): ThicknessSuggestion {
  const binning = Math.max(1, Math.ceil(ts.nx / COARSE_WIDTH));
  const coarse = subtractTiltMeans(sampleRows(binTiltSeries(ts, binning)));
  const profile = depthProfile(coarseFbp(coarse, invertAngles));
  const empty = [...profile].sort((a, b) => a - b)[Math.floor(profile.length / 4)];
  const excess = profile.map((v) => Math.max(0, v - empty));
  const total = excess.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  const below = excess.map((v) => (cumulative += v) / (total || 1));
  const from = below.findIndex((c) => c >= TAIL);
  const to = below.findIndex((c) => c >= 1 - TAIL);
  return { thickness: thicknessWithMargin((to - from + 1) * binning, ts.nx), binning, profile, from, to };
}
