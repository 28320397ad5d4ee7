/**
 * A tilt series from the files a researcher drops: one MRC stack (.mrc/.st/.ali/.mrcs, optionally .gz)
 * and its side files: angles (.tlt/.rawtlt/.mdoc/.aln), an alignment (IMOD .xf/.xtilt or AreTomo .aln) and
 * SerialEM metadata (.mdoc), as io/sideFiles.ts reads them; or RELION 5's STAR table with the tilt images it
 * names (io/relionFiles.ts). Every failure names the file and what was expected against what was found.
 */
import type { NamedBlob, TiltSeries } from './types.ts';
import type { StackAlignment } from './alignmentFiles.ts';
import type { MrcDtype, MrcHeader } from './mrc.ts';
import { readCheckedMrcHeader, readMrcStacks, readStackHeaderAngles, type StackReadOptions } from './mrcStream.ts';
import { FRAME_HALVES_AT_HAND, FRAME_HALVES_ROW, planRelionFiles } from './relionFiles.ts';
import { FRAME_HALVES, isStarFile, type FrameHalf } from './relionStar.ts';
import { binAlignment, comesWithAngles, isSideFile, planSeries, readSideFiles, type ImodRadial, type MetadataRow, type SeriesPlan } from './sideFiles.ts';
import { checkTiltAngles, checkValues, tiltAngleWarnings } from './tiltSeriesChecks.ts';
import { companionsOf, droppedSeriesStack, frameHalfOfStack, frameHalfStackNames, groundTruthInFolder, hasAnglesBeside, isStackFile, seriesStacks, tomogramHalvesBeside, tomogramsBeside } from './stackGroups.ts';
import { isZarrMark } from './zarrFolder.ts';


/** How to load: binning at load, progress and cancel (see readMrcStack), and the raw stack's tilt axis. */
export type TiltSeriesLoadOptions = Pick<StackReadOptions, 'bin' | 'onProgress' | 'signal'> & {
  /**
   * Degrees from the image Y axis, counter-clockwise, of a stack whose tilt axis is not along Y: the stack is
   * rotated so that it is (io/alignmentFiles.ts tiltAxisAlignment). 0 or unset: the axis runs along Y.
   */
  tiltAxis?: number;
  /** Which tilt series of a drop that holds several RELION tables (io/relionStar.ts relionSeriesNames). */
  relionSeries?: string;
  /** Which stack of a drop that holds several (sortDroppedFiles): its file name. */
  stack?: string;
  /**
   * The series read from the sums of only the even or only the odd movie frames of each tilt (a RELION table's
   * rlnMicrographNameEven/Odd, or a stack's STEM_EVN/STEM_ODD stacks): one half of a frame-half FSC. Refused for
   * a series without them.
   */
  frames?: FrameHalf;
};

export interface LoadedTiltSeries {
  tiltSeries: TiltSeries;
  /** The stack's file name, or RELION's tilt-series name and its image count ("TS_01 (41 tilt images)"). */
  stackName: string;
  /** Where the tilt angles came from (a file name, or a file and a column). */
  angleName: string;
  /** The side files read with the stack (angles, alignment, .mdoc). */
  sideNames: string[];
  /** Set when the stack is raw: how to resample tiltSeries' sections, in its (binned) pixels. */
  alignment: StackAlignment | null;
  /** Values read from the files, each with its source, for the data panel. */
  metadata: MetadataRow[];
  /** Where the series' frame-half sums are named, when they came with it: `frames` loads either half. */
  frameHalves?: string;
  /** IMOD's tilt.com THICKNESS, in the loaded (binned) pixels, with its source; absent without one. */
  imodThickness?: { value: number; source: string };
  /** The specimen's thickness AreTomo measured (its .aln's), in this data set's pixels (binned at load). */
  specimenThickness?: { value: number; source: string };
  /** IMOD's tilt.com RADIAL filter, in cycles per loaded (binned) pixel, with its source; absent without one FBP can take. */
  imodRadial?: ImodRadial;
  mode: number;
  dtype: MrcDtype;
  /** Binned at load: bin × bin pixel blocks averaged (1 = as stored). */
  bin: number;
  /** The stack's size in its file, before binning. */
  original: { nx: number; ny: number };
  /** A simulation's ground truth dropped with the series, for the page to bring in (TiltSeriesFilesPlan). */
  groundTruth?: NamedBlob;
  /** A pipeline's tomograms of the series dropped with it, by name, for the page to offer (TiltSeriesFilesPlan). */
  tomograms: string[];
  /** A pipeline's two half tomograms of the series dropped with it, by name, for the page to offer (TiltSeriesFilesPlan). */
  tomogramHalves?: [string, string];
  /** Of the file's values (before binning). */
  stats: { min: number; max: number; mean: number };
  warnings: string[];
}

/**
 * The files of one tilt series in a drop: exactly one stack, its frame halves when both are there (STEM_EVN and
 * STEM_ODD beside STEM: frameHalfOfStack), its side files (angles, alignment, .mdoc; see io/sideFiles.ts), and the
 * others, which are set aside with a warning, not refused. A drop of several stacks (a pipeline's output folder:
 * AreTomo3 writes its tomograms and CTF spectra beside the tilt series) loads `chosen`, or else the one stack whose
 * angles come with it by name (io/stackGroups.ts), with only its own side files; with neither, it is refused.
 * A stack named as a simulation's ground truth beside it (ground_truth.mrc: io/stackGroups.ts groundTruthInFolder)
 * is returned as such, for the page to bring in (engine/importedTomogram.ts).
 */
export function sortDroppedFiles(
  files: NamedBlob[],
  chosen?: string,
): { stack: NamedBlob; halves: Record<FrameHalf, NamedBlob> | null; side: NamedBlob[]; groundTruth: NamedBlob | null; others: NamedBlob[] } {
  const names = files.map((f) => f.name);
  const stacks = seriesStacks(names);
  const listed = names.join(', ') || 'the dropped files';
  if (stacks.length === 0 && names.some(isZarrMark)) throw new Error('an OME-Zarr folder holds a tomogram, not a tilt series: load the series first, then add it with "OME-Zarr…" under the results');
  if (stacks.length === 0) throw new Error(`no MRC stack (.mrc, .st, .ali, .mrcs, optionally .gz) among ${listed}`);
  if (chosen !== undefined && !stacks.includes(chosen)) throw new Error(`${chosen} is not among the dropped stacks (${stacks.join(', ')})`);
  const stack = droppedSeriesStack(names, chosen);
  if (stack === undefined) {
    const withAngles = stacks.filter((s) => hasAnglesBeside(s, names)).length;
    const which = withAngles > 1 ? `, ${withAngles} of them with their angles beside them` : '';
    throw new Error(`several MRC stacks (${stacks.join(', ')})${which}: load one tilt series at a time`);
  }
  const byName = (name: string) => files.find((f) => f.name === name) as NamedBlob;
  const [even, odd] = FRAME_HALVES.map((half) => files.find((f) => frameHalfOfStack(f.name)?.stack === stack && frameHalfOfStack(f.name)?.half === half));
  const halves = even && odd ? { even, odd } : null;
  // One stack: every side file is its own, whatever its name; of several, those named after it.
  const own = stacks.length === 1 ? files.filter((f) => isSideFile(f.name)) : companionsOf(stack, names).filter(isSideFile).map(byName);
  const truthName = groundTruthInFolder(stack, names);
  const groundTruth = truthName === undefined ? null : byName(truthName);
  const taken = [byName(stack), ...(halves ? [halves.even, halves.odd] : []), ...own, ...(groundTruth ? [groundTruth] : [])];
  return { stack: byName(stack), halves, side: own, groundTruth, others: files.filter((f) => !taken.includes(f)) };
}

/** A drop's files sorted, the stack's header, and what its side files decide (planSeries), before any data is read. */
export interface TiltSeriesFilesPlan {
  /** The MRC files the sections come from, read one after the other as one stack: the stack, or RELION's tilt images. */
  stacks: NamedBlob[];
  /** The stack's file name, or RELION's tilt-series name and image count, for messages and the dataset's name. */
  seriesName: string;
  side: NamedBlob[];
  /** The first file's header, nz the sections of all `stacks`. */
  header: MrcHeader;
  plan: SeriesPlan;
  /** The side files' warnings, the angles' (tiltAngleWarnings) and the files set aside. */
  warnings: string[];
  /** Where the series' frame-half sums are named, when they were dropped with it (a RELION table's; see `frames`). */
  frameHalves?: string;
  /** A simulation's ground truth dropped with the series (sortDroppedFiles), not read here. */
  groundTruth?: NamedBlob;
  /** A pipeline's tomograms of the series dropped with it, by name (io/stackGroups.ts tomogramsBeside): offered, not read here. */
  tomograms: string[];
  /** Its two half tomograms, both dropped with it (io/stackGroups.ts tomogramHalvesBeside): offered, not read here. */
  tomogramHalves?: [string, string];
}

/**
 * The side files and the stack's header read and checked against each other, and the angles as a run would check
 * them: a wrong file fails at once, not after a 4 GB stack is read (and `wedgelab info` shows a series without
 * reading it). A drop with a STAR file is a RELION tilt series (io/relionFiles.ts).
 */
export async function planTiltSeriesFiles(files: NamedBlob[], options: Pick<TiltSeriesLoadOptions, 'tiltAxis' | 'relionSeries' | 'stack' | 'frames'> = {}): Promise<TiltSeriesFilesPlan> {
  const { tiltAxis, relionSeries, stack, frames } = options;
  const planned = files.some((f) => isStarFile(f.name)) ? await planRelionFiles(files, tiltAxis, relionSeries, frames) : await planStackFiles(files, tiltAxis, frames, stack);
  const { plan, warnings } = planned;
  named(plan.angleSource, () => checkTiltAngles(plan.tiltAngles));
  warnings.push(...tiltAngleWarnings(plan.tiltAngles).map((w) => `${plan.angleSource}: ${w}`));
  return planned;
}

/**
 * One stack and its side files (io/sideFiles.ts); `frames`: the series read from its even- or odd-frame stack
 * instead, planned as the stack is (its angles, alignment and metadata), the half's header checked against it.
 */
async function planStackFiles(files: NamedBlob[], tiltAxis?: number, frames?: FrameHalf, chosen?: string): Promise<TiltSeriesFilesPlan> {
  const { stack, halves, side, groundTruth, others } = sortDroppedFiles(files, chosen);
  if (frames && !halves) {
    const names = frameHalfStackNames(stack.name);
    throw new Error(`${stack.name}: no stacks of its even- and odd-frame sums came with it (${names.even} and ${names.odd}; or a RELION table's rlnMicrographNameEven/Odd)`);
  }
  const texts = await Promise.all(side.map(async (f) => ({ name: f.name, text: await f.blob.text() })));
  // Without an angle file, the stack's extended header may carry them (SerialEM, Thermo Fisher).
  const headerAngles = comesWithAngles(side.map((f) => f.name)) ? null : await readStackHeaderAngles(stack.blob, stack.name);
  const sideFiles = readSideFiles(texts, files.map((f) => f.name), headerAngles);
  const header = await readCheckedMrcHeader(stack.blob, { name: stack.name });
  const plan = planSeries(sideFiles, { name: stack.name, nx: header.nx, ny: header.ny, nSections: header.nz }, tiltAxis);
  const warnings = [...plan.warnings];
  // One frame half of the stack without the other: said as such, not as an unknown file.
  const single = others.filter((f) => frameHalfOfStack(f.name)?.stack === stack.name);
  // The series' own tomograms (and half tomograms) are offered, not set aside.
  const tomograms = tomogramsBeside(stack.name, files.map((f) => f.name));
  const tomogramHalves = tomogramHalvesBeside(stack.name, files.map((f) => f.name));
  const offered = [...tomograms, ...(tomogramHalves ?? [])];
  const rest = others.filter((f) => !single.includes(f) && !offered.includes(f.name));
  if (single.length) warnings.push(`${single[0].name}: the other frame half of ${stack.name} was not given with it (${Object.values(frameHalfStackNames(stack.name)).join(' and ')}): no frame halves`);
  const leftOut = (what: string, pick: (name: string) => boolean, why: string) => {
    const picked = rest.filter((f) => pick(f.name)).map((f) => f.name);
    if (picked.length) warnings.push(`${what} ${picked.join(', ')}: ${why}`);
  };
  leftOut('set aside', isStackFile, 'other stacks of the drop (one tilt series at a time)');
  leftOut('set aside', (name) => !isStackFile(name) && isSideFile(name), `not named after ${stack.name}`);
  leftOut('ignored', (name) => !isStackFile(name) && !isSideFile(name), 'not an MRC stack or a file that goes with one');
  if (frames && halves) {
    const half = halves[frames];
    const halfHeader = await readCheckedMrcHeader(half.blob, { name: half.name });
    if ([halfHeader.nx, halfHeader.ny, halfHeader.nz].join() !== [header.nx, header.ny, header.nz].join()) {
      throw new Error(`${half.name}: ${halfHeader.nx} × ${halfHeader.ny} × ${halfHeader.nz}, but ${stack.name}, whose ${frames} frames it holds, is ${header.nx} × ${header.ny} × ${header.nz}`);
    }
    return { stacks: [half], seriesName: half.name, side, header: halfHeader, plan, warnings, tomograms, ...(tomogramHalves && { tomogramHalves }) };
  }
  if (halves) plan.rows.push({ label: FRAME_HALVES_ROW, value: FRAME_HALVES_AT_HAND, source: `${halves.even.name}, ${halves.odd.name}` });
  return {
    stacks: [stack],
    seriesName: stack.name,
    side,
    header,
    plan,
    warnings,
    ...(halves && { frameHalves: `${halves.even.name}, ${halves.odd.name}` }),
    ...(groundTruth && { groundTruth }),
    tomograms,
    ...(tomogramHalves && { tomogramHalves }),
  };
}

/**
 * The kept sections of a stack's `data`, in their order: moved down in place when they are in stack order (no
 * second copy of the stack), gathered into a new array otherwise (a RELION table that names a stack's sections
 * in another order).
 */
function keptData(data: Float32Array, plane: number, kept: readonly number[]): Float32Array {
  if (kept.some((k, j) => j > 0 && k <= kept[j - 1])) {
    const gathered = new Float32Array(kept.length * plane);
    kept.forEach((k, j) => gathered.set(data.subarray(k * plane, (k + 1) * plane), j * plane));
    return gathered;
  }
  kept.forEach((k, j) => {
    if (k !== j) data.copyWithin(j * plane, k * plane, (k + 1) * plane);
  });
  return kept.length * plane === data.length ? data : data.subarray(0, kept.length * plane);
}

/** A check's error prefixed with the file it is about. */
function named(file: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Read a dropped tilt series: the side files first (planTiltSeriesFiles), then the stack section by section
 * (binned at load when options.bin > 1; readMrcStack), keeping the sections the side files keep, and the checks a
 * run would make, so that a series that loads is one the methods can reconstruct. When an alignment comes with the
 * stack, `tiltSeries` holds the kept RAW sections and `alignment` (in binned pixels) says how to resample them
 * (engine/align alignLoadedTiltSeries).
 */
export async function readTiltSeriesFiles(files: NamedBlob[], options: TiltSeriesLoadOptions = {}): Promise<LoadedTiltSeries> {
  const { stacks, seriesName, side, plan, frameHalves, groundTruth, tomograms, tomogramHalves, ...planned } = await planTiltSeriesFiles(files, options);
  const mrc = await readMrcStacks(stacks, { bin: options.bin, onProgress: options.onProgress, signal: options.signal });
  const warnings = [...mrc.warnings, ...planned.warnings];
  const bin = mrc.bin;
  // Å per pixel as stored; the side file's (.mdoc, tomograms.star) is of the stack as stored too.
  let storedPixelSize = mrc.pixelSize[0] / bin;
  const sidePixel = plan.pixelSize;
  if (sidePixel && (storedPixelSize === 0 || storedPixelSize === 1) && sidePixel.value !== storedPixelSize) {
    warnings.push(`pixel size ${sidePixel.value} Å taken from ${sidePixel.source}; the MRC header says ${storedPixelSize || 'nothing'}`);
    storedPixelSize = sidePixel.value;
  }
  const { nx, ny } = mrc;
  const plane = nx * ny;
  const tiltSeries: TiltSeries = {
    nx,
    ny,
    nTilts: plan.keptSections.length,
    data: keptData(mrc.data, plane, plan.keptSections),
    tiltAngles: plan.tiltAngles,
    pixelSize: storedPixelSize * bin,
    ...(plan.accumulatedDose && { accumulatedDose: plan.accumulatedDose, exposureDose: plan.exposureDose }),
    ...(plan.voltage && { voltage: plan.voltage.value }),
    ...(plan.defocus && { defocus: plan.defocus }),
    ...(plan.phaseShift && { phaseShift: plan.phaseShift }),
    ...(plan.astigmatism && { astigmatism: plan.astigmatism }),
    ...(plan.sphericalAberration && { sphericalAberration: plan.sphericalAberration.value }),
    ...(plan.amplitudeContrast && { amplitudeContrast: plan.amplitudeContrast.value }),
  };
  // Refused now, at load, rather than at the first run.
  named(seriesName, () => checkValues(tiltSeries));
  return {
    tiltSeries,
    stackName: seriesName,
    angleName: plan.angleSource,
    sideNames: side.map((f) => f.name),
    alignment: plan.alignment && binAlignment(plan.alignment, bin, mrc.header),
    metadata: [{ label: 'Pixel size', value: `${(storedPixelSize * bin).toPrecision(4)} Å${bin > 1 ? ` (binned ${bin})` : ''}`, source: sidePixel && storedPixelSize === sidePixel.value ? sidePixel.source : `${stacks[0].name} header` }, ...plan.rows],
    ...(plan.imodThickness && { imodThickness: { ...plan.imodThickness, value: plan.imodThickness.value / bin } }),
    ...(plan.specimenThickness && { specimenThickness: { ...plan.specimenThickness, value: plan.specimenThickness.value / bin } }),
    // A binned pixel spans `bin` stored ones: the same frequencies are `bin` times as many cycles per pixel.
    ...(plan.imodRadial && { imodRadial: { ...plan.imodRadial, cutoff: plan.imodRadial.cutoff * bin, falloff: plan.imodRadial.falloff * bin } }),
    ...(frameHalves && { frameHalves }),
    ...(groundTruth && { groundTruth }),
    tomograms,
    ...(tomogramHalves && { tomogramHalves }),
    mode: mrc.header.mode,
    dtype: mrc.dtype,
    bin,
    original: { nx: mrc.header.nx, ny: mrc.header.ny },
    stats: { min: mrc.stats.min, max: mrc.stats.max, mean: mrc.stats.mean },
    warnings,
  };
}
