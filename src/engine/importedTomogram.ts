/**
 * A tomogram made elsewhere, brought in beside WedgeLab's results of the same tilt series
 * (docs/loading.md#tomograms-made-elsewhere): a simulator's ground truth, or IMOD's or AreTomo's reconstruction.
 * Two questions before it can be compared voxel for voxel: which of its axes is which, and which way each runs.
 *
 * Axes: WedgeLab's tomogram has z along the beam and nz the thickness (XY sections are top views). IMOD's `tilt` and
 * AreTomo (without -FlipVol) write the other layout, "XZY": the file's y is the thickness and its sections run along
 * the tilt axis. The sizes say which: x and y (xyz) or x and z (xzy) equal the tilts' at one whole binning. A file
 * made at a pixel size no whole binning gives (Warp, RELION 5), or finer than the tilts as loaded, is resampled onto
 * their grid first by the pixel sizes in the two headers (resampledToTilts).
 *
 * Directions: each of x, y and z may run the other way (another program's sign of the tilt angles, a volume rotated
 * to view rather than flipped, a simulator's array order). The data say which: the tomogram is projected along the
 * tilts it should match (the one nearest 0° and the two extremes), and each of the 8 flips is scored by how its
 * projections correlate with the measured tilts (scoreFit). A flip needs no new projection: mirroring x maps the
 * projection at θ to the one at −θ mirrored in u, mirroring z maps it to the one at −θ, and mirroring y mirrors v.
 *
 * Then where its content sits: engine/tomogramPosition.ts finds its displacement against the tilts and moves it back.
 */
import { binnedLength } from '../io/binning.ts';
import { allocateTomogram, fileOrderRuns, rowReader, wholeVolume, type Tomogram } from '../io/piecedVolume.ts';
import { coarseTilt, comparedTilts, type Projector } from './projectionMatch.ts';
import { bestMatch, correlationIn, findPosition, highPassed, moveContent, positionText, zFractionOfRow, zMoveOfRow, type Position } from './tomogramPosition.ts';
import { throwIfAborted, type TiltSeries, type Volume } from './types.ts';
import { moveByFraction, resampleTomogram } from './resample.ts';
import { downsampleVolume, volumeStats } from './volume.ts';

/** xyz: the file's z is the thickness (WedgeLab's own layout). xzy: the file's y is (IMOD's and AreTomo's default). */
export type TomogramLayout = 'xyz' | 'xzy';

/**
 * How an imported tomogram lines up with its tilt series: the tilts' binning that gives its x and y, its layout,
 * and the tilts' binned size (WedgeLab's nx × ny at that binning), which the file's may fall one short of along an
 * axis where that size is odd: AreTomo's Fourier cropping rounds a binned size down to even.
 */
export interface TomogramFit {
  binning: number;
  layout: TomogramLayout;
  size: { nx: number; ny: number };
  /** Cut down in x or y (IMOD's trimvol): smaller than `size` there, its place in it told from the data. */
  trimmed?: boolean;
}

/** Which of WedgeLab's axes run the other way in the file (after the layout is undone). */
export interface AxisFlips {
  x: boolean;
  y: boolean;
  z: boolean;
}

export interface Orientation extends TomogramFit {
  flips: AxisFlips;
  /** How its projections correlate with the measured tilts (scoreFit), −1…1 (negative: opposite contrast). */
  score: number;
  /** A trimmed file's place in the tilts' frame: where its first column and row go (voxels, to a coarse step). */
  placement?: { x: number; y: number };
}

export interface OrientationReport {
  chosen: Orientation;
  /** The best of the other orientations; null when there is only one. */
  runnerUp: Orientation | null;
  /** Whether the data told the orientation apart (else the file is kept as read: no flips, its first layout). */
  confident: boolean;
  /** The measured tilts the projections were compared with (degrees): the one nearest 0°, the lowest, the highest. */
  angles: number[];
}

type Dims = Pick<Volume, 'nx' | 'ny' | 'nz'>;

const NO_FLIPS: AxisFlips = { x: false, y: false, z: false };
/** A correlation below this does not tell orientations apart; nor does a lead over the runner-up below MIN_LEAD. */
const MIN_SCORE = 0.2;
const MIN_LEAD = 0.05;
/** The coarse copy's longest side in x and y: enough detail to tell flips apart, cheap on any engine. */
const COARSE_SIDE = 96;
const PURPOSE = 'Orienting an imported tomogram';

/** Whether a file's `length` along an axis is the tilts' binned `binned`: floor(n / b), or that rounded down to even (AreTomo's). */
const fitsLength = (length: number, binned: number) => length === binned || (binned % 2 === 1 && length === binned - 1);

/** The whole binning b at which a voxel of `filePixelSize` Å is b of the tilts' pixels (within 2 %); null when either is unknown or none is. */
function binningByPixelSize(filePixelSize: number | undefined, tiltPixelSize: number | undefined): number | null {
  if (!(filePixelSize && filePixelSize > 0 && tiltPixelSize && tiltPixelSize > 0)) return null;
  const binning = Math.round(filePixelSize / tiltPixelSize);
  return binning >= 1 && Math.abs(filePixelSize / tiltPixelSize / binning - 1) <= 0.02 ? binning : null;
}

/**
 * The ways an nx × ny × nz file fits a tomogram of nx × ny tilts (TomogramFit): xyz before xzy, each at its
 * smallest binning. Only where none does, a file cut down in x or y (IMOD's trimvol) to no less than half the
 * binned tilts' width and height, at the binning its pixel size gives (so both headers must give one).
 */
export function tomogramFits(file: Dims & { pixelSize?: number }, tilts: Pick<TiltSeries, 'nx' | 'ny'> & { pixelSize?: number }): TomogramFit[] {
  const fits: TomogramFit[] = [];
  for (const layout of ['xyz', 'xzy'] as const) {
    const { nx, ny } = dimsAs(file, layout);
    // floor(n / b) ≥ nx needs b ≤ n / nx; past that the file is wider than any binning of the tilts.
    for (let binning = 1; binning <= Math.floor(tilts.nx / nx); binning++) {
      const size = { nx: binnedLength(tilts.nx, binning), ny: binnedLength(tilts.ny, binning) };
      if (fitsLength(nx, size.nx) && fitsLength(ny, size.ny)) {
        fits.push({ binning, layout, size });
        break;
      }
    }
  }
  if (fits.length > 0) return fits;
  const binning = binningByPixelSize(file.pixelSize, tilts.pixelSize);
  return binning === null ? [] : fitsAt(file, tilts, binning);
}

/**
 * The file's fits at one `binning`, xyz before xzy: whole where its x and y are the binned tilts' (fitsLength, or
 * exactly for a `resampled` file, whose one short is no AreTomo rounding), trimmed where they lie between half of
 * those and those.
 */
function fitsAt(file: Dims, tilts: Pick<TiltSeries, 'nx' | 'ny'>, binning: number, resampled = false): TomogramFit[] {
  const size = { nx: binnedLength(tilts.nx, binning), ny: binnedLength(tilts.ny, binning) };
  const fitsIt = (length: number, binned: number) => (resampled ? length === binned : fitsLength(length, binned));
  const fits: TomogramFit[] = [];
  for (const layout of ['xyz', 'xzy'] as const) {
    const { nx, ny } = dimsAs(file, layout);
    if (fitsIt(nx, size.nx) && fitsIt(ny, size.ny)) fits.push({ binning, layout, size });
    else if (nx <= size.nx && ny <= size.ny && 2 * nx >= size.nx && 2 * ny >= size.ny) fits.push({ binning, layout, size, trimmed: true });
  }
  return fits;
}

/** A file resampled onto the grid of the tilts at a whole binning (resampledToTilts), with its fits there. */
interface Resampled {
  volume: Tomogram;
  fits: TomogramFit[];
  remark: string;
}

/** How far a file's x and y may lie from the binned tilts' and still be taken as their tomogram once resampled. */
const RESAMPLED_RANGE = [0.5, 1.5];

/**
 * A file that fits no whole binning of the tilts (tomogramFits found none) put on their grid at the binning nearest
 * its pixel size: Warp, RELION 5 and AreTomo (AtBin 4.5) make tomograms at any pixel size, and a file finer than
 * the tilts as loaded needs making coarser. Resampled (engine/resample.ts) about the centres, kept within the
 * tilts' frame (a larger field of view cut to it); then placed, where smaller, as a trimmed file is. Null when
 * either pixel size is unknown or no layout brings its x and y within RESAMPLED_RANGE of the tilts'; `starting` is
 * called just before the resampling.
 */
function resampledToTilts(file: Tomogram, tilts: Pick<TiltSeries, 'nx' | 'ny' | 'pixelSize'>, pieceBytes: number | undefined, starting: () => void): Resampled | null {
  if (!(file.pixelSize > 0 && tilts.pixelSize > 0)) return null;
  const binning = Math.max(1, Math.round(file.pixelSize / tilts.pixelSize));
  // The new voxel in the file's voxels; within 2 % of 1 (headers' rounding) a copy, so that nothing is interpolated.
  const exact = (binning * tilts.pixelSize) / file.pixelSize;
  const step = Math.abs(exact - 1) <= 0.02 ? 1 : exact;
  const size = { nx: binnedLength(tilts.nx, binning), ny: binnedLength(tilts.ny, binning) };
  const scaled = (n: number) => Math.round(n / step);
  const within = (n: number, of: number) => scaled(n) >= RESAMPLED_RANGE[0] * of && scaled(n) <= RESAMPLED_RANGE[1] * of;
  const layouts = (['xyz', 'xzy'] as const).filter((layout) => {
    const own = dimsAs(file, layout);
    return within(own.nx, size.nx) && within(own.ny, size.ny);
  });
  if (layouts.length === 0) return null;
  // The file's y is the tilts' y in xyz, its z in xzy: either kept within their height where it may be that.
  const lengths = [
    Math.min(scaled(file.nx), size.nx),
    layouts.includes('xyz') ? Math.min(scaled(file.ny), size.ny) : scaled(file.ny),
    layouts.includes('xzy') ? Math.min(scaled(file.nz), size.ny) : scaled(file.nz),
  ];
  if (step === 1 && lengths[0] === file.nx && lengths[1] === file.ny && lengths[2] === file.nz) return null;
  starting();
  const volume = resampleTomogram(file, [{ length: lengths[0], step }, { length: lengths[1], step }, { length: lengths[2], step }], pieceBytes);
  const [from, to] = [`${file.nx} × ${file.ny} × ${file.nz}`, lengths.join(' × ')];
  // A voxel over is the rounding of a size scaled, not a larger field of view.
  const cut = [file.nx, file.ny, file.nz].some((n, axis) => scaled(n) - lengths[axis] > 1) ? ", its field of view cut to the tilts' about its centre" : '';
  const remark =
    step === 1
      ? `its ${from} larger than the tilts' ${size.nx} × ${size.ny} at binning ${binning}: ${to} about its centre kept`
      : `its ${from} voxels of ${file.pixelSize.toFixed(2)} Å, no whole binning of the tilts' ${tilts.pixelSize.toFixed(2)} Å (as Warp, RELION and AreTomo may make them), resampled to their ${tilts.pixelSize.toFixed(2)} Å × ${binning}: ${to} (Lanczos interpolation${cut})`;
  return { volume, fits: fitsAt(volume, tilts, binning, true), remark };
}

/** Where a smaller `own` sits centred in `frame`: its first column and row. */
const centredIn = (frame: Pick<Volume, 'nx' | 'ny'>, own: Pick<Volume, 'nx' | 'ny'>) => ({ x: Math.floor((frame.nx - own.nx) / 2), y: Math.floor((frame.ny - own.ny) / 2) });

/** WedgeLab's size of a file read in `layout`. */
function dimsAs(file: Dims, layout: TomogramLayout): Dims {
  return layout === 'xyz' ? { nx: file.nx, ny: file.ny, nz: file.nz } : { nx: file.nx, ny: file.nz, nz: file.ny };
}

/**
 * The file as WedgeLab's tomogram: the layout undone, the flips applied, and a row or column one short of `size`
 * (fit) repeated at the far edge, or a trimmed file put at its `placement` with the file's mean around it; in pieces
 * past `pieceBytes` (as results are). The file itself when nothing changes; else a copy, so the file's volume can
 * be let go.
 */
export function orientTomogram(file: Tomogram, { layout, flips, size, placement }: Pick<Orientation, 'layout' | 'flips' | 'size' | 'placement'>, pieceBytes?: number): Tomogram {
  const own = dimsAs(file, layout);
  const same = own.nx === size.nx && own.ny === size.ny;
  if (layout === 'xyz' && same && !flips.x && !flips.y && !flips.z) return file;
  const { nz } = own;
  const out = allocateTomogram(size.nx, size.ny, nz, file.pixelSize, pieceBytes);
  const [read, write] = [rowReader(file), rowReader(out)];
  const fileRow = (y: number, z: number) => {
    const [yFrom, zFrom] = [flips.y ? own.ny - 1 - y : y, flips.z ? nz - 1 - z : z];
    return layout === 'xyz' ? read(yFrom, zFrom) : read(zFrom, yFrom);
  };
  if (placement) {
    const { mean } = volumeStats([...fileOrderRuns(file)]);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < size.ny; y++) {
        const [target, yOwn] = [write(y, z).fill(mean), y - placement.y];
        if (yOwn < 0 || yOwn >= own.ny) continue;
        const row = fileRow(yOwn, z);
        for (let x = Math.max(0, placement.x); x < Math.min(size.nx, placement.x + own.nx); x++) target[x] = row[flips.x ? own.nx - 1 - (x - placement.x) : x - placement.x];
      }
    return out;
  }
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < size.ny; y++) {
      const row = fileRow(Math.min(y, own.ny - 1), z);
      const target = write(y, z);
      target.set(row);
      if (flips.x) target.subarray(0, own.nx).reverse();
      target.fill(target[own.nx - 1], own.nx);
    }
  }
  return out;
}

/** An nx × ny image mirrored in x and/or y. */
function mirrored(image: Float32Array, nx: number, ny: number, inX: boolean, inY: boolean): Float32Array {
  if (!inX && !inY) return image;
  const out = new Float32Array(image.length);
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) out[y * nx + x] = image[(inY ? ny - 1 - y : y) * nx + (inX ? nx - 1 - x : x)];
  return out;
}

const minus = (a: Float32Array, b: Float32Array) => a.map((v, i) => v - b[i]);

/** An nx × ny image moved by `su` pixels along x (u) and `sv` along y (v), what moves in from the edge 0. */
function shifted(image: Float32Array, nx: number, su: number, sv: number): Float32Array {
  if (su === 0 && sv === 0) return image;
  const ny = image.length / nx;
  const out = new Float32Array(image.length);
  for (let y = Math.max(0, sv); y < Math.min(ny, ny + sv); y++)
    for (let x = Math.max(0, su); x < Math.min(nx, nx + su); x++) out[y * nx + x] = image[(y - sv) * nx + x - su];
  return out;
}

/**
 * The 8 flips of one fit scored against the compared tilts (coarse images, in comparedTilts' order): the mean of
 * two correlations. With the tilt nearest 0°, which tells x and y apart and the contrast's sign; and of the change
 * from the lowest tilt to the highest with the projections' change, which tells z apart (the hand): a specimen
 * thin beside its width looks nearly alike at −60° and +60°, but what differs between them changes sign when z does.
 * Either may be thrown by content off the tilts' centre (IMOD's SHIFT, a specimen centred in a thicker volume, a
 * simulator's other centre). So the first is the best over shifts within an eighth of the image (bestMatch: both
 * high-passed, so that slow changes across a real tilt do not decide); content off by (Δx, Δy, Δz) moves the
 * projection at θ by Δx·cos θ + Δz·sin θ along u and Δy along v, so the second takes the first's Δx and Δy and is
 * the best over Δz within the tomogram's thickness (with the first's sign). Without the shifts, a 16-voxel specimen
 * 4 voxels off centre in z was read with z the wrong way round, and one 5 voxels off in x not at all.
 */
async function scoreFit(file: Tomogram, fit: TomogramFit, f: number, tiltAngles: number[], measured: Volume[], project: Projector): Promise<Orientation[]> {
  const coarseFile = downsampleVolume(file, f);
  const own = dimsAs(coarseFile, fit.layout);
  // A trimmed file is drawn in the middle of the tilts' frame, and its place found as a shift of that.
  const frame = fit.trimmed ? { nx: Math.ceil(fit.size.nx / f), ny: Math.ceil(fit.size.ny / f) } : { nx: own.nx, ny: own.ny };
  const box = centredIn(frame, own);
  const coarse = wholeVolume(orientTomogram(coarseFile, { layout: fit.layout, flips: NO_FLIPS, size: frame, ...(fit.trimmed && { placement: box }) }), PURPOSE);
  const projections = await project(coarse, tiltAngles.flatMap((a) => [a, -a]));
  const { nx, ny } = projections;
  const projection = (i: number) => projections.data.subarray(i * nx * ny, (i + 1) * nx * ny);
  const [zero, low, high] = measured.map((tilt) => tilt.data);
  const change = minus(high, low);
  const image = (data: Float32Array) => ({ data, width: nx, height: ny });
  // The measured tilt nearest 0°, high-passed once for the 8 flips' matches.
  const zeroHigh = highPassed(image(zero));
  const [sinLow, sinHigh] = [tiltAngles[1], tiltAngles[2]].map((a) => Math.sin((a * Math.PI) / 180));
  const [cosLow, cosHigh] = [tiltAngles[1], tiltAngles[2]].map((a) => Math.cos((a * Math.PI) / 180));
  const radius: [number, number] = [Math.floor(nx / 8) + Math.ceil((nx - own.nx) / 2), Math.floor(ny / 8) + Math.ceil((ny - own.ny) / 2)];
  // A trimmed file's first column and row in the full frame from the coarse one's, kept within it (to a coarse step:
  // the position's finer look follows).
  const full = dimsAs(file, fit.layout);
  const placed = (x: number, y: number) => ({ x: Math.max(0, Math.min(fit.size.nx - full.nx, x * f)), y: Math.max(0, Math.min(fit.size.ny - full.ny, y * f)) });
  const orientations: Orientation[] = [];
  for (const x of [false, true])
    for (const y of [false, true])
      for (const z of [false, true]) {
        // Mirroring x or z alone turns θ into −θ; mirroring x mirrors u, mirroring y mirrors v (module comment).
        const [p0, pLow, pHigh] = [0, 1, 2].map((k) => mirrored(projection(2 * k + (x !== z ? 1 : 0)), nx, ny, x, y));
        // Where the file's own voxels are in the (mirrored) frame.
        const [bx, by] = [x ? nx - box.x - own.nx : box.x, y ? ny - box.y - own.ny : box.y];
        const region = { u0: bx, u1: bx + own.nx, r0: by, r1: by + own.ny };
        const match = bestMatch(p0, zeroHigh, radius, region);
        const first = match.value;
        const [du, dv] = [Math.round(match.u), Math.round(match.v)];
        // The measured tilts' pixels that the file's own voxels project onto.
        const under = { u0: region.u0 - du, u1: region.u1 - du, r0: region.r0 - dv, r1: region.r1 - dv };
        let second = -Infinity;
        for (let dz = -coarse.nz; dz <= coarse.nz; dz++) {
          const moved = minus(shifted(pHigh, nx, Math.round(dz * sinHigh - du * cosHigh), -dv), shifted(pLow, nx, Math.round(dz * sinLow - du * cosLow), -dv));
          second = Math.max(second, correlationIn(image(change), image(moved), under) * (first < 0 ? -1 : 1));
        }
        const placement = fit.trimmed ? placed(bx - du, by - dv) : undefined;
        orientations.push({ ...fit, flips: { x, y, z }, score: (first + (first < 0 ? -second : second)) / 2, ...(placement && { placement }) });
      }
  return orientations;
}

/**
 * Which fit and flips make `file` match `tilts` (module comment), from coarse copies of both. Not confident when
 * the best score is weak or barely ahead of the next: then the file is taken as read.
 */
export async function detectOrientation(file: Tomogram, fits: TomogramFit[], tilts: TiltSeries, project: Projector): Promise<OrientationReport> {
  if (fits.length === 0) throw new Error('no fit to orient');
  const compared = comparedTilts(tilts.tiltAngles);
  const angles = compared.map((k) => tilts.tiltAngles[k]);
  const scored: Orientation[] = [];
  for (const fit of fits) {
    // The tilts as the file covers them: cut to its own size (one short, AreTomo's), or whole for a trimmed one.
    const covered = fit.trimmed ? fit.size : dimsAs(file, fit.layout);
    const f = Math.max(1, Math.ceil(Math.max(covered.nx, covered.ny) / COARSE_SIDE));
    const measured = compared.map((k) => coarseTilt(tilts, k, fit.binning, covered, f));
    scored.push(...(await scoreFit(file, fit, f, angles, measured, project)));
  }
  const ranked = [...scored].sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
  const [best, runnerUp = null] = ranked;
  const confident = Math.abs(best.score) >= MIN_SCORE && (runnerUp === null || Math.abs(best.score) - Math.abs(runnerUp.score) >= MIN_LEAD);
  const asRead = scored.find((o) => o.layout === fits[0].layout && !o.flips.x && !o.flips.y && !o.flips.z) ?? best;
  // Kept as read, a trimmed file is put in the middle: its match is no better a guess than its flips.
  const middle = (o: Orientation) => ({ ...o, placement: centredIn(o.size, dimsAs(file, o.layout)) });
  return { chosen: confident ? best : asRead.trimmed ? middle(asRead) : asRead, runnerUp: confident ? runnerUp : best, confident, angles };
}

const flipNames = (flips: AxisFlips) => (['x', 'y', 'z'] as const).filter((axis) => flips[axis]);

/** How the file was read, in words for the result's details (e.g. "XZY layout (…), binning 4; z reversed …"). */
export function orientationText(report: OrientationReport): string {
  const { chosen, runnerUp, confident, angles } = report;
  const layout = chosen.layout === 'xzy' ? "XZY layout (its y is the thickness, as IMOD's tilt and AreTomo write)" : 'XYZ layout (its z is the thickness)';
  const flipped = flipNames(chosen.flips);
  // No "-0.0°" for a tilt a few hundredths below 0.
  const [zero, low, high] = angles.map((a) => `${(Math.round(a * 10) / 10 || 0).toFixed(1)}°`);
  const scores = `correlation of its projections with the tilt at ${zero} and with the change from ${low} to ${high}: ${chosen.score.toFixed(2)}${runnerUp ? `; next best orientation ${runnerUp.score.toFixed(2)}` : ''}`;
  const parts = [`read in ${layout} at the tilts' binning ${chosen.binning}`];
  if (!confident) parts.push(`orientation not told apart by the data (${scores}): kept as read, no axis reversed`);
  else parts.push(`${flipped.length ? `${flipped.join(', ')} reversed` : 'no axis reversed'} to match the tilts (${scores})`);
  if (chosen.score < 0) parts.push('its contrast is opposite to the tilts\'');
  return parts.join('; ');
}

/** Why an nx × ny × nz file fits no tomogram of the tilts, even resampled (resampledToTilts), naming the file. */
function noFitText(name: string, file: Dims & { pixelSize?: number }, tilts: Pick<TiltSeries, 'nx' | 'ny'> & { pixelSize?: number }): string {
  const known = Boolean(file.pixelSize && file.pixelSize > 0 && tilts.pixelSize && tilts.pixelSize > 0);
  const wider = !known && file.nx > tilts.nx ? "; it is wider than the tilts: load the series unbinned, or bin the tomogram to the tilts' size (IMOD's binvol)" : '';
  const ratio = known ? `; at its ${file.pixelSize?.toFixed(2)} Å, ${((file.pixelSize ?? 0) / (tilts.pixelSize ?? 1)).toFixed(2)} × the tilts' ${tilts.pixelSize?.toFixed(2)} Å, its x and y are not within half to 1½ times theirs in either layout: not the same field of view` : '';
  return (
    `${name}: ${file.nx} × ${file.ny} × ${file.nz} voxels fits no tomogram of these ${tilts.nx} × ${tilts.ny} tilts: its x and y, or its x and z ` +
    `(the XZY layout of IMOD's tilt and AreTomo), must be the tilts' binned by a whole number b, floor(${tilts.nx} / b) × floor(${tilts.ny} / b), ` +
    `or, for a tomogram cut down in x or y (trimvol) or made at another pixel size (Warp, RELION), be placed or resampled by the pixel sizes in both headers${ratio}${wider}`
  );
}

/** A remark when the file is one short of the tilts' binned size along x or y (AreTomo's rounding to even); else null. */
function roundingRemark(file: Dims, { layout, size, trimmed }: TomogramFit): string | null {
  if (trimmed) return null;
  const own = dimsAs(file, layout);
  const short = (['nx', 'ny'] as const).filter((axis) => own[axis] < size[axis]);
  if (short.length === 0) return null;
  const [axes, lengths, binned] = [short.map((a) => a.slice(1)).join(' and '), short.map((a) => own[a]).join(' × '), short.map((a) => size[a]).join(' × ')];
  const edges = short.map((a) => (a === 'nx' ? 'column' : 'row')).join(' and ');
  return `its ${axes} (${lengths}) ${short.length === 2 ? 'are' : 'is'} the tilts' ${binned} rounded down to even, as AreTomo's Fourier cropping makes a binned size: its last ${edges} repeated to fill it`;
}

/** A remark on a trimmed (or resampled and smaller) file: its size and where it was put among the tilts' (Orientation.placement); else null. */
function trimmedRemark(file: Dims, { chosen, confident }: OrientationReport, resampled: boolean): string | null {
  const { layout, size, trimmed, placement } = chosen;
  if (!trimmed || !placement) return null;
  const own = dimsAs(file, layout);
  const where = confident ? `put at x ${placement.x}, y ${placement.y} of theirs` : `its place not told apart by the data either: put in the middle of theirs`;
  const what = resampled ? `its ${own.nx} × ${own.ny} resampled, smaller than the tilts' ${size.nx} × ${size.ny}` : `its ${own.nx} × ${own.ny} cut down from the tilts' ${size.nx} × ${size.ny} (IMOD's trimvol), its binning from the pixel sizes`;
  return `${what}: ${where}, its mean around it`;
}

/** A remark when the file's pixel size and the tilts' at the fit's binning differ by more than 2 % (both known); else null. */
function pixelSizeRemark(filePixelSize: number, tiltPixelSize: number, binning: number): string | null {
  const expected = tiltPixelSize * binning;
  if (!(filePixelSize > 0 && expected > 0) || Math.abs(filePixelSize / expected - 1) <= 0.02) return null;
  return `its header's pixel size ${filePixelSize.toFixed(3)} Å differs from the tilts' ${tiltPixelSize.toFixed(3)} Å × ${binning}: the tilts' is used`;
}

/**
 * Why a file picked as a tomogram looks like the tilt series instead (its header marks it a stack of images, MRC
 * space group 0, and it has as many sections as the series has tilts, at the tilts' width and height), naming it;
 * else null. Such a file would fit as a tomogram as thick as the series has tilts, and be listed as one.
 */
export function tiltSeriesInstead(name: string, header: Dims & { ispg: number }, tilts: Pick<TiltSeries, 'nx' | 'ny' | 'nTilts'>): string | null {
  const stackOfTilts = header.ispg === 0 && header.nz === tilts.nTilts && header.nx === tilts.nx && header.ny === tilts.ny;
  return stackOfTilts
    ? `${name}: its header marks it a stack of images (MRC space group 0) and its ${header.nz} sections are as many as the series has tilts: it looks like a tilt series, not a tomogram; add the reconstruction (IMOD's _rec.mrc, AreTomo's _Vol.mrc)`
    : null;
}

/**
 * What lining a file up found (its orientation and where its content sits), to line up another file made alike by
 * it (the other half of a pipeline's half tomograms, LineUpOptions.like) rather than find them again: two halves
 * found apart could be placed a fraction of a voxel apart by their noise, and an FSC between them would pay for it.
 */
export interface LineUp {
  /** The file (its name, size and pixel size, as read): a file lined up by this one must be its size. */
  file: { name: string; nx: number; ny: number; nz: number; pixelSize: number };
  orientation: OrientationReport;
  position: Position | null;
}

/** A tomogram lined up with its tilts (lineUpTomogram): WedgeLab's layout, the tilts' binning, how it was read in words, what was found. */
export interface LinedUpTomogram {
  volume: Tomogram;
  binning: number;
  reading: string;
  lineUp: LineUp;
}

/** How lineUpTomogram runs: what it adds to the reading, where it puts pieces, whom it tells, what stops it. */
export interface LineUpOptions {
  /** The reader's warnings, added to the reading. */
  remarks?: string[];
  /** Past this many bytes the lined-up tomogram is held in pieces (as results are). */
  pieceBytes?: number;
  /** Told as each step starts, in words ("finding where its content sits"): a large file takes seconds a step. */
  onStep?: (step: string) => void;
  /** Checked before each step: a cancel ends the lining up there (a step runs to its end). */
  signal?: AbortSignal;
  /** Another file of the same size lined up before (its other half): turned and moved as that one was, nothing found again. */
  like?: LineUp;
}

/** Refuses a file to be lined up like another of another size or pixel size (LineUpOptions.like). */
function checkLike(file: Tomogram, name: string, like: LineUp): void {
  const size = (t: { nx: number; ny: number; nz: number }) => `${t.nx}×${t.ny}×${t.nz}`;
  const other = like.file;
  if (size(file) !== size(other) || Math.abs(file.pixelSize - other.pixelSize) > 1e-3 * Math.max(file.pixelSize, other.pixelSize)) {
    throw new Error(
      `${name} (${size(file)} voxels of ${file.pixelSize.toFixed(2)} Å) is not made as ${other.name} (${size(other)} of ${other.pixelSize.toFixed(2)} Å): ` +
        'the two halves of a tomogram are the same size',
    );
  }
}

/**
 * A file's tomogram (`name`, for messages) as WedgeLab's tomogram of `tilts`: fitted by its sizes, oriented by the
 * data, copied into pieces past `pieceBytes` (or the file's volume itself when nothing is turned), its content moved
 * to where the tilts put it, by whole voxels and then a fraction (engine/tomogramPosition.ts; in place, so the
 * file's volume too when it is that), given the tilts' pixel size × binning when they have one. A file
 * that fits no whole binning is resampled onto the tilts' grid by the pixel sizes (resampledToTilts). Refused,
 * naming the file, when no fit exists even so.
 */
export async function lineUpTomogram(file: Tomogram, tilts: TiltSeries, name: string, project: Projector, options: LineUpOptions = {}): Promise<LinedUpTomogram> {
  const { remarks = [], pieceBytes, onStep, signal, like } = options;
  const step = (words: string) => {
    throwIfAborted(signal);
    onStep?.(words);
  };
  if (like) checkLike(file, name, like);
  const whole = tomogramFits(file, tilts);
  const resampled = whole.length === 0 ? resampledToTilts(file, tilts, pieceBytes, () => step("resampling it onto the tilts' grid")) : null;
  const fits = resampled?.fits ?? whole;
  if (fits.length === 0) throw new Error(noFitText(name, file, tilts));
  const source = resampled?.volume ?? file;
  if (!like) step('telling its orientation from the tilts');
  const report = like?.orientation ?? (await detectOrientation(source, fits, tilts, project));
  const { binning } = report.chosen;
  step("turning it into WedgeLab's layout");
  const volume = orientTomogram(source, report.chosen, pieceBytes);
  // Where the data cannot tell the orientation, they cannot tell the position either.
  if (report.confident && !like) step('finding where its content sits');
  const position = like ? like.position : report.confident ? await findPosition(volume, tilts, binning, report.chosen.score < 0 ? -1 : 1, project) : null;
  if (position) {
    step('moving its content back');
    moveContent(volume, position.moved, zMoveOfRow(position));
    moveByFraction(volume, position.fraction, zFractionOfRow(position));
  }
  const placed = report.confident ? positionText(position) : null;
  const reading = [
    like ? `turned and moved as ${like.file.name} (its other half), which was lined up with the tilts` : null,
    orientationText(report),
    resampled?.remark ?? null,
    trimmedRemark(source, report, resampled !== null),
    placed,
    roundingRemark(source, report.chosen),
    pixelSizeRemark(source.pixelSize, tilts.pixelSize, binning),
    ...remarks,
  ]
    .filter((r) => r !== null)
    .join('; ');
  // The tilts' pixel size, so that its FSC against WedgeLab's results is in the same Å.
  const lineUp = { file: { name, nx: file.nx, ny: file.ny, nz: file.nz, pixelSize: file.pixelSize }, orientation: report, position };
  volume.pixelSize = tilts.pixelSize > 0 ? tilts.pixelSize * binning : file.pixelSize;
  return { volume, binning, reading, lineUp };
}
