/**
 * Where an imported tomogram's content sits against its tilt series, and moving it there
 * (docs/loading.md#tomograms-made-elsewhere). A program may reconstruct about another centre (IMOD's `tilt` with
 * SHIFT moves the slices in x and z; a simulator may centre its volume by another rule, or a specimen in a thicker
 * volume); such a tomogram matches WedgeLab's results only as far as the shift allows: FSC against them falls off at
 * high frequency and A − B shows every edge twice.
 *
 * Content displaced by (dx, dy, dz) voxels from where the tilts put it projects at tilt θ displaced by
 * dx cos θ + dz sin θ along u and by dy along v (engine/geometry.ts: u = x cos θ + z sin θ about the centres). The
 * displacement at the tilt nearest 0° and at the two extremes, each the shift that best correlates the tomogram's
 * projection with the measured tilt, gives dx and dz by least squares, and dy. Found in two steps: on coarse copies
 * (at most 96 voxels across) over a wide range, then on a band of rows at up to 512 voxels across near the first
 * estimate, to a fraction of a step (a parabola through the peak). Moved back by whole voxels (moveContent), then
 * by what is left where that is a tenth of a voxel or more (Position.fraction, engine/resample.ts moveByFraction):
 * FSC is blind to the interpolation's slight damping but not to the phase a fraction of a voxel turns (on the real
 * series, a copy off by two thirds of a voxel: FSC 0.38 → 0.52 in the last shell once the fraction was undone too,
 * PSNR +1.2 dB). Bands near the top and the bottom too, where the volume is tall enough, tell a tilt about x
 * (xTiltOf), undone row by row along z.
 */
import { fileOrderRuns, isPieced, rowReader, type Tomogram } from '../io/piecedVolume.ts';
import { boxMeans } from './boxMean.ts';
import { coarseTilt, comparedTilts, type Projector } from './projectionMatch.ts';
import type { TiltSeries, Volume } from './types.ts';
import { downsampleVolume, volumeStats } from './volume.ts';

/** Voxels along WedgeLab's axes (z along the beam). */
export interface Shift {
  x: number;
  y: number;
  z: number;
}

export interface Position {
  /** Where its content sits against where the tilts put it, in voxels (positive: towards higher indices). */
  offset: Shift;
  /** The whole voxels it is moved by to undo that (the offset rounded, negated); all 0 when it stays. */
  moved: Shift;
  /**
   * Then the fraction of a voxel it is moved by (the rest of the offset, negated) where that is at least
   * MIN_FRACTION; along z under a tilt about x, the middle row's (each row's own: zFractionOfRow).
   */
  fraction: Shift;
  /**
   * Its content tilted about x against the tilts (z growing with y; xTiltOf), where that shows: the degrees, and the
   * row (voxels, as found) it turns about. Undone with the move, each row along z by whole voxels (zMoveOfRow).
   */
  xTilt?: { degrees: number; aboutRow: number };
}

/** The coarse step's longest side in x and y (as the orientation's coarse copy). */
const COARSE_SIDE = 96;
/** The fine step's width: a fraction of its step is a fraction of a voxel up to 512 voxels across. */
const FINE_SIDE = 512;
/** Rows of the fine step's band: enough for a steady correlation, few enough to project quickly. */
const BAND_ROWS = 64;
/** A displacement is trusted when the correlation at its peak reaches this at every compared tilt … */
const MIN_PEAK = 0.2;
/** … and the tilts agree with one (dx, dz) within this many of the fine step's blocks (root mean square). */
const MAX_MISFIT = 1;
/**
 * The least fraction of a voxel moved by interpolation: below it the estimate's own error (a few hundredths on a
 * copy whose place is known, up to about 0.15 on one whose edge moved out of the volume) is as large as the gain.
 */
const MIN_FRACTION = 0.1;

/** width × height values, x fastest. */
export interface Image {
  data: Float32Array;
  width: number;
  height: number;
}

const imageOf = (volume: Pick<Volume, 'nx' | 'ny' | 'data'>, section = 0): Image => ({
  data: volume.data.subarray(section * volume.nx * volume.ny, (section + 1) * volume.nx * volume.ny),
  width: volume.nx,
  height: volume.ny,
});

/** The half-width of highPassed's box: an eighth of the image's shorter side, at least 2. */
const boxRadius = (image: Image) => Math.max(2, Math.floor(Math.min(image.width, image.height) / 8));

/**
 * The image less its box means (boxRadius): what the correlation should follow is detail, not the slow changes of
 * ice thickness and illumination across a real tilt, which correlate nearly as well shifted as not.
 */
export function highPassed(image: Image): Image {
  const smooth = boxMeans(image.data, image.width, image.height, boxRadius(image), 'repeat');
  return { ...image, data: image.data.map((v, i) => v - smooth[i]) };
}

/** The band's pixels compared (u0 … u1 − 1, rows r0 … r1 − 1): the same for every shift tried. */
export interface Window {
  u0: number;
  u1: number;
  r0: number;
  r1: number;
}

/**
 * Pearson correlation of a band of projection rows `p` (rows y0 … of the measured image's frame), within `w`, with
 * the measured image `m` moved by (su, sv): p(u, r) against m(u − su, y0 + r − sv).
 */
function movedCorrelation(p: Image, m: Image, y0: number, w: Window, su: number, sv: number): number {
  let [n, sa, sb, saa, sbb, sab] = [0, 0, 0, 0, 0, 0];
  for (let r = w.r0; r < w.r1; r++) {
    const [pRow, mRow] = [r * p.width, (y0 + r - sv) * m.width - su];
    for (let u = w.u0; u < w.u1; u++) {
      const [a, b] = [p.data[pRow + u], m.data[mRow + u]];
      [n, sa, sb] = [n + 1, sa + a, sb + b];
      [saa, sbb, sab] = [saa + a * a, sbb + b * b, sab + a * b];
    }
  }
  const [va, vb] = [saa - (sa * sa) / n, sbb - (sb * sb) / n];
  return va > 0 && vb > 0 ? (sab - (sa * sb) / n) / Math.sqrt(va * vb) : 0;
}

/** Pearson correlation of two images of one size over the pixels of `rect` that lie in them. */
export function correlationIn(a: Image, b: Image, rect: Window): number {
  const w = { u0: Math.max(0, rect.u0), u1: Math.min(a.width, rect.u1), r0: Math.max(0, rect.r0), r1: Math.min(a.height, rect.r1) };
  return w.u1 > w.u0 && w.r1 > w.r0 ? movedCorrelation(a, b, 0, w, 0, 0) : 0;
}

/**
 * The band's pixels whose partners in `m` exist for every shift within `radius` (and one more, for the parabola) of
 * `centre`, within `region` where only that part of the band holds data (a trimmed file's). One window for all shifts: were each compared over its own overlap, a shift that cuts a bad edge away
 * (a stack's blank border after alignment) would win for that alone. Null when under a quarter of the band is left.
 */
function windowOf(p: Image, m: Image, y0: number, centre: [number, number], radius: [number, number], region?: Window): Window | null {
  const [ru, rv] = [radius[0] + 1, radius[1] + 1];
  // Nor the band's edges, where its high pass saw only one side (highPassed).
  const edge = boxRadius(p);
  const w = {
    u0: Math.max(edge, centre[0] + ru, (region?.u0 ?? 0) + edge),
    u1: Math.min(p.width - edge, m.width + centre[0] - ru, (region?.u1 ?? p.width) - edge),
    r0: Math.max(edge, centre[1] + rv - y0, (region?.r0 ?? 0) + edge),
    r1: Math.min(p.height - edge, m.height + centre[1] - rv - y0, (region?.r1 ?? p.height) - edge),
  };
  return 4 * (w.u1 - w.u0) >= p.width && 4 * (w.r1 - w.r0) >= p.height ? w : null;
}

/** A shift of the measured image (steps along u and v) and the correlation there, signed by the contrast. */
export interface Peak {
  u: number;
  v: number;
  value: number;
}

/**
 * The best whole-step shift within `radius` of `centre`, refined to a fraction of a step by parabolas through its
 * neighbours; null when too little of the band stays compared (windowOf).
 */
function peakOf(p: Image, m: Image, y0: number, centre: [number, number], radius: [number, number], sign: number, region?: Window): Peak | null {
  const w = windowOf(p, m, y0, centre, radius, region);
  if (!w) return null;
  const at = (su: number, sv: number) => sign * movedCorrelation(p, m, y0, w, su, sv);
  let best: Peak = { u: centre[0], v: centre[1], value: -Infinity };
  for (let sv = centre[1] - radius[1]; sv <= centre[1] + radius[1]; sv++)
    for (let su = centre[0] - radius[0]; su <= centre[0] + radius[0]; su++) {
      const value = at(su, sv);
      if (value > best.value) best = { u: su, v: sv, value };
    }
  const vertex = (minus: number, plus: number) => {
    const curvature = minus - 2 * best.value + plus;
    return curvature < 0 ? Math.max(-0.5, Math.min(0.5, (minus - plus) / (2 * curvature))) : 0;
  };
  return { u: best.u + vertex(at(best.u - 1, best.v), at(best.u + 1, best.v)), v: best.v + vertex(at(best.u, best.v - 1), at(best.u, best.v + 1)), value: best.value };
}

/**
 * The shift within `radius` (steps along u and v) at which the projection image `p` best matches the measured image
 * of the same size, at either contrast: where, and the correlation there (negative: opposite contrast). Both
 * high-passed (highPassed: `measuredHigh` is, once for all the projections it is matched with), compared over one
 * window (windowOf), within `region` of `p` where only that holds data.
 */
export function bestMatch(p: Float32Array, measuredHigh: Image, radius: [number, number], region?: Window): Peak {
  const hp = highPassed({ data: p, width: measuredHigh.width, height: measuredHigh.height });
  const bright = peakOf(hp, measuredHigh, 0, [0, 0], radius, 1, region);
  const dark = peakOf(hp, measuredHigh, 0, [0, 0], radius, -1, region);
  if (!bright || !dark) return { u: 0, v: 0, value: 0 };
  return bright.value >= dark.value ? bright : { ...dark, value: -dark.value };
}

/** A displacement in voxels along a tilt's u (across the tilt axis) and v (along it). */
interface Along {
  u: number;
  v: number;
}

/**
 * How far a block average of f moves a centred coordinate along an axis of n voxels: block i's centre is f·i + (f − 1)/2,
 * so the coarse copy's centre sits (f·⌈n/f⌉ − n)/2 voxels past the volume's.
 */
const blockLag = (n: number, f: number) => (f * Math.ceil(n / f) - n) / 2;

/**
 * One step at block size f: the projections of `band` (the tomogram's rows from y0 · f, averaged in f-blocks) at the
 * compared tilts against the measured tilts, each peak searched within `radius` of the step's shift for `guess`
 * (a displacement in voxels); the displacement each peak means, in voxels: along u at its tilt, and along v.
 */
async function step(band: Volume, y0: number, measuredHigh: Image[], angles: number[], f: number, dims: Pick<Volume, 'nx' | 'nz'>, guess: Along[], radius: [number, number], sign: number, project: Projector): Promise<{ along: Along[]; peaks: number[] }> {
  const projections = await project(band, angles);
  // The block averages lag the volume's centre in x and z, and the projection's u mixes the two (blockLag): the
  // measured tilt, averaged alike in u, lags by x's alone.
  const lag = angles.map((a) => {
    const [c, s] = [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)];
    return blockLag(dims.nx, f) * (c - 1) + blockLag(dims.nz, f) * s;
  });
  const along: Along[] = [];
  const peaks: number[] = [];
  angles.forEach((_, k) => {
    // Every tilt sees the same Δy: searched at the first (the tilt nearest 0°, the surest), kept at the others.
    const v = k === 0 ? guess[k].v : along[0].v;
    const centre: [number, number] = [Math.round((guess[k].u - lag[k]) / f), Math.round(v / f)];
    // No window left to compare: a peak of −1, which findPosition does not trust.
    const peak = peakOf(highPassed(imageOf(projections, k)), measuredHigh[k], y0, centre, k === 0 ? radius : [radius[0], 0], sign) ?? { u: 0, v: 0, value: -1 };
    along.push({ u: peak.u * f + lag[k], v: peak.v * f });
    peaks.push(peak.value);
  });
  return { along, peaks };
}

/**
 * Rows y0 … y0 + ny − 1 of `volume` averaged in f-blocks (downsampleVolume), in one array: a copy even where that
 * hands back a pieced volume itself (f = 1, every row), since the projector takes one array.
 */
function averaged(volume: Tomogram, f: number, rows = { y0: 0, ny: volume.ny }): Volume {
  const out = downsampleVolume(volume, f, rows);
  if (!isPieced(out)) return out;
  const whole = { nx: out.nx, ny: out.ny, nz: out.nz, pixelSize: out.pixelSize, data: new Float32Array(out.nx * out.ny * out.nz) };
  const read = rowReader(out);
  for (let z = 0; z < out.nz; z++) for (let y = 0; y < out.ny; y++) whole.data.set(read(y, z), out.nx * (y + out.ny * z));
  return whole;
}

/** dx and dz from the displacements along u at each tilt (least squares of dx cos θ + dz sin θ) and their misfit; null when the tilts cannot separate them. */
function solveXz(angles: number[], alongU: number[]): { x: number; z: number; misfit: number } | null {
  const trig = angles.map((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]);
  let [cc, cs, ss, cd, sd] = [0, 0, 0, 0, 0];
  trig.forEach(([c, s], k) => {
    [cc, cs, ss] = [cc + c * c, cs + c * s, ss + s * s];
    [cd, sd] = [cd + c * alongU[k], sd + s * alongU[k]];
  });
  const det = cc * ss - cs * cs;
  if (det < 1e-6) return null;
  const [x, z] = [(cd * ss - sd * cs) / det, (sd * cc - cd * cs) / det];
  const misfit = Math.sqrt(trig.reduce((sum, [c, s], k) => sum + (alongU[k] - x * c - z * s) ** 2, 0) / angles.length);
  return { x, z, misfit };
}

/**
 * Where the content of `volume` (WedgeLab's layout, lined up with `tilts` binned by `binning`; `sign` −1 for
 * opposite contrast) sits against where the tilts put it, from a band about its middle rows, and any tilt about x
 * (module comment); null when the data do not say (a weak peak, tilts that disagree, a single tilt angle).
 */
export async function findPosition(volume: Tomogram, tilts: TiltSeries, binning: number, sign: 1 | -1, project: Projector): Promise<Position | null> {
  const compared = [...new Set(comparedTilts(tilts.tiltAngles))];
  const angles = compared.map((k) => tilts.tiltAngles[k]);
  const size = { nx: volume.nx, ny: volume.ny };
  // High-passed once a scale: every band of the step is matched with them.
  const measured = (f: number) => compared.map((k) => highPassed(imageOf(coarseTilt(tilts, k, binning, size, f))));
  const zero = compared.map(() => ({ u: 0, v: 0 }));

  const f1 = Math.max(1, Math.ceil(Math.max(volume.nx, volume.ny) / COARSE_SIDE));
  const coarse = averaged(volume, f1);
  const wide: [number, number] = [Math.floor(coarse.nx / 4), Math.floor(coarse.ny / 4)];
  const first = await step(coarse, 0, measured(f1), angles, f1, volume, zero, wide, sign, project);

  // A band: whole blocks of rows about `centre` (a fraction of the height), its displacement at the fine step.
  const f2 = Math.max(1, Math.ceil(volume.nx / FINE_SIDE));
  const blocks = Math.floor(volume.ny / f2);
  const rows = Math.min(BAND_ROWS, blocks);
  const fineMeasured = measured(f2);
  // The coarse peaks are within a coarse step (f1 / f2 fine ones); u has the width to spare for twice that.
  const near: [number, number] = [2 * Math.ceil(f1 / f2) + 1, Math.ceil(f1 / f2) + 1];
  const bandAt = async (centre: number) => {
    const y0 = Math.max(0, Math.min(blocks - rows, Math.round(centre * blocks - rows / 2)));
    const fine = await step(averaged(volume, f2, { y0: y0 * f2, ny: rows * f2 }), y0, fineMeasured, angles, f2, volume, first.along, near, sign, project);
    const solved = solveXz(angles, fine.along.map((d) => d.u));
    const trusted = solved && solved.misfit <= MAX_MISFIT * f2 && fine.peaks.every((peak) => peak >= MIN_PEAK);
    return trusted ? { ...solved, y: fine.along[0].v, rowsAt: (y0 + rows / 2) * f2 } : null;
  };

  const middle = await bandAt(0.5);
  if (!middle) return null;
  const offset = { x: middle.x, y: middle.y, z: middle.z };
  const back = (d: number) => -Math.round(d) || 0;
  const moved = { x: back(offset.x), y: back(offset.y), z: back(offset.z) };
  const tilt = await xTiltOf(bandAt, middle, blocks >= 3 * rows);
  const rest = (axis: keyof Shift) => fractionLeft(-offset[axis], moved[axis]);
  return { offset, moved, fraction: { x: rest('x'), y: rest('y'), z: rest('z') }, ...tilt };
}

/**
 * A tilt about x, from Δz at bands near the top and the bottom (bandAt at a sixth and five sixths of the height)
 * with the middle one's: content tilted by α about x sits y·tan α further along z at row y. IMOD's `tilt` applies
 * tiltalign's X-axis tilt (XAXISTILT, often a degree or two), which WedgeLab's geometry has not. Nothing when the
 * bands overlap (`room` false), one is not trusted, or the three do not lie on one line within half a voxel; nor
 * under 0.3°.
 */
async function xTiltOf(
  bandAt: (centre: number) => Promise<{ z: number; rowsAt: number } | null>,
  middle: { z: number; rowsAt: number },
  room: boolean,
): Promise<Pick<Position, 'xTilt'>> {
  if (!room) return {};
  const [top, bottom] = [await bandAt(1 / 6), await bandAt(5 / 6)];
  if (!top || !bottom) return {};
  const slope = (bottom.z - top.z) / (bottom.rowsAt - top.rowsAt);
  const onLine = top.z + slope * (middle.rowsAt - top.rowsAt);
  const degrees = (Math.atan(slope) * 180) / Math.PI;
  return Math.abs(middle.z - onLine) <= 0.5 && Math.abs(degrees) >= 0.3 ? { xTilt: { degrees, aboutRow: middle.rowsAt } } : {};
}

/**
 * Runs a move of s along an axis of n in an order that reads each index before it is written: `copy(to, from)`, or
 * `clear(to)` where what moves in comes from outside.
 */
function moveAlong(n: number, s: number, copy: (to: number, from: number) => void, clear: (to: number) => void): void {
  const one = (i: number) => (i - s < 0 || i - s >= n ? clear(i) : copy(i, i - s));
  if (s > 0) for (let i = n - 1; i >= 0; i--) one(i);
  else for (let i = 0; i < n; i++) one(i);
}

/**
 * The whole voxels each row moves along z to undo `position` (row: as it is after the move along y): its offset's,
 * or, with a tilt about x, the tilted content's at that row. A shear by whole voxels, not a rotation: for a degree
 * or two the rows' y hardly moves, and nothing is interpolated.
 */
export function zMoveOfRow(position: Position): (row: number) => number {
  const full = fullZMoveOfRow(position);
  return full ? (row) => -Math.round(-full(row)) || 0 : () => position.moved.z;
}

/** Under a tilt about x, the whole move along z (voxels, unrounded) that undoes each row's offset; null without one. */
function fullZMoveOfRow({ offset, moved, xTilt }: Position): ((row: number) => number) | null {
  if (!xTilt) return null;
  const tan = Math.tan((xTilt.degrees * Math.PI) / 180);
  return (row) => -(offset.z + (row - moved.y - xTilt.aboutRow) * tan);
}

/** What is left of a move of `full` voxels after `whole` of them, where it is at least MIN_FRACTION; else 0. */
function fractionLeft(full: number, whole: number): number {
  const left = full - whole;
  return Math.abs(left) >= MIN_FRACTION ? left : 0;
}

/**
 * The fraction of a voxel each row's content moves along z after zMoveOfRow's whole voxels (row: as it is after the
 * move along y): the fraction's z for every row, or, with a tilt about x, what is left of that row's own move.
 */
export function zFractionOfRow(position: Position): (row: number) => number {
  const full = fullZMoveOfRow(position);
  if (!full) return () => position.fraction.z;
  const whole = zMoveOfRow(position);
  return (row) => fractionLeft(full(row), whole(row));
}

/**
 * Moves the content of `volume` in place by `moved` whole voxels (positive: towards higher indices), along z by
 * `zOfRow(y)` for row y where given (zMoveOfRow). What moves in from outside is its mean: nothing is known there,
 * and a repeated edge would draw streaks that look like structure.
 */
export function moveContent(volume: Tomogram, moved: Shift, zOfRow: (row: number) => number = () => moved.z): void {
  const { nx, ny, nz } = volume;
  const zMoves = Array.from({ length: ny }, (_, y) => zOfRow(y));
  if (moved.x === 0 && moved.y === 0 && zMoves.every((s) => s === 0)) return;
  const { mean } = volumeStats([...fileOrderRuns(volume)]);
  const read = rowReader(volume);
  if (moved.x !== 0)
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) {
        const row = read(y, z);
        moveAlong(nx, moved.x, (to, from) => (row[to] = row[from]), (to) => (row[to] = mean));
      }
  const fillRow = (y: number, z: number) => read(y, z).fill(mean);
  if (moved.y !== 0) for (let z = 0; z < nz; z++) moveAlong(ny, moved.y, (to, from) => read(to, z).set(read(from, z)), (to) => fillRow(to, z));
  for (let y = 0; y < ny; y++) if (zMoves[y] !== 0) moveAlong(nz, zMoves[y], (to, from) => read(y, to).set(read(y, from)), (to) => fillRow(y, to));
}

const AXES = ['x', 'y', 'z'] as const;

/** How the content's position was found and what was done, in words for the result's details. */
export function positionText(position: Position | null): string {
  if (!position) return 'its position against the tilts not told apart by the data: not moved';
  const tilted = position.xTilt
    ? `; its content tilted about x by ${position.xTilt.degrees.toFixed(1)}° against the tilts (IMOD's XAXISTILT): undone, each row moved along z by its own distance (whole voxels, then the fraction)`
    : '';
  return placedText(position) + tilted;
}

/** positionText's words on where the content sat and how it was moved. */
function placedText({ offset, moved, fraction }: Position): string {
  const list = (axes: readonly (keyof Shift)[], value: (axis: keyof Shift) => number) =>
    axes.map((axis) => `${axis} ${Number.isInteger(value(axis)) ? value(axis) : value(axis).toFixed(2)}`).join(', ');
  const off = AXES.filter((axis) => Math.abs(offset[axis]) >= MIN_FRACTION);
  if (off.length === 0) return 'its content where the tilts put it (within a tenth of a voxel)';
  const sat = `its content sat off where the tilts put it by ${list(off, (axis) => offset[axis])} voxels`;
  const movedAxes = AXES.filter((axis) => moved[axis] !== 0 || fraction[axis] !== 0);
  const how = [
    ...(AXES.some((axis) => moved[axis] !== 0) ? ['by whole voxels, its mean filled in where it moved in'] : []),
    ...(AXES.some((axis) => fraction[axis] !== 0) ? ['a fraction of a voxel by Lanczos interpolation'] : []),
  ].join('; ');
  // Nothing remains: the fraction is what the whole voxels leave, or under MIN_FRACTION (fractionLeft).
  return `${sat}: moved by ${list(movedAxes, (axis) => moved[axis] + fraction[axis])} (${how})`;
}
