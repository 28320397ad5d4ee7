/**
 * A RELION 5 tilt series from the files a researcher drops: its STAR table(s) (io/relionStar.ts) and the MRC
 * files it names, matched by base name (a browser drop has no paths): one motion-corrected image per tilt, or one
 * stack. The images are read one after the other as one stack (io/mrcStream.ts readMrcStacks); the plan keeps
 * the table's rows in its order, with their angles, doses and alignment.
 */
import { listNames } from './angles.ts';
import { AlignmentFileError, tiltAxisAlignment, type StackAlignment } from './alignmentFiles.ts';
import { readCheckedMrcHeader } from './mrcStream.ts';
import type { MrcHeader } from './mrc.ts';
import { FRAME_HALF_COLUMNS, frameHalfImages, imageFiles, isStarFile, readRelionTiltSeries, relionAlignment, type FrameHalf, type RelionTiltSeries } from './relionStar.ts';
import { addDefocus, alignmentSummary, TYPED_TILT_AXIS_SOURCE, type MetadataRow, type SeriesPlan } from './sideFiles.ts';
import { tomogramHalvesBeside, tomogramsBeside } from './stackGroups.ts';
import { astigmatismComponents } from './astigmatism.ts';
import type { DefocusEstimate } from './defocusFiles.ts';
import type { NamedBlob } from './types.ts';

/** The MRC files the table names (its `frames` sums, when given), in the order it first names them; a missing one is an error naming it. */
function namedImages(series: RelionTiltSeries, files: NamedBlob[], frames?: FrameHalf): NamedBlob[] {
  const names = imageFiles(series.images);
  const missing = names.filter((name) => !files.some((f) => f.name === name));
  if (missing.length > 0) {
    const what = frames ? ` (the sums of its ${frames} frames, ${FRAME_HALF_COLUMNS[frames]})` : '';
    throw new Error(`${series.file} names ${names.length} image file${names.length === 1 ? '' : 's'}${what}; ${missing.length} of them ${missing.length === 1 ? 'is' : 'are'} not among the dropped files: ${listNames(missing)}`);
  }
  // A folder dropped whole can hold two files of one name (in two subfolders): which one the table means is unknown.
  const twice = names.filter((name) => files.filter((f) => f.name === name).length > 1);
  if (twice.length > 0) throw new Error(`${listNames(twice)}: more than one dropped file of that name, and ${series.file} names it: drop the folder that holds the series' images only`);
  return names.map((name) => files.find((f) => f.name === name) as NamedBlob);
}

/** Each row's section in the images read one after the other (offset of its file + its section), checked against the headers. */
function rawSectionsOf(series: RelionTiltSeries, images: NamedBlob[], headers: MrcHeader[]): number[] {
  const offsets = new Map<string, number>();
  let offset = 0;
  images.forEach((image, i) => {
    offsets.set(image.name, offset);
    offset += headers[i].nz;
  });
  return series.images.map((image, row) => {
    const header = headers[images.findIndex((f) => f.name === image.file)];
    if (image.section >= header.nz) throw new Error(`${series.file}: row ${row + 1} wants section ${image.section + 1} of ${image.file}, which has ${header.nz}`);
    return (offsets.get(image.file) as number) + image.section;
  });
}

/** Å per pixel of the images as stored: tomograms.star's, else the first image's header; null when neither says. */
function storedPixelSize(series: RelionTiltSeries, header: MrcHeader, name: string): { value: number; source: string } | null {
  if (series.pixelSize) return series.pixelSize;
  const fromHeader = header.mx > 0 ? header.cella[0] / header.mx : 0;
  return fromHeader > 0 && fromHeader !== 1 ? { value: fromHeader, source: `${name} header` } : null;
}

/** The alignment to apply: the table's, or a rotation by the tilt axis given at load or the table's nominal one. */
function alignmentOf(series: RelionTiltSeries, kept: number[], raw: { nx: number; ny: number; nSections: number }, pixelSize: number | undefined, tiltAxis: number | undefined): StackAlignment | null {
  if (series.alignment || series.projections) {
    if (tiltAxis) throw new AlignmentFileError(`${series.file} already aligns its images (it puts the tilt axis along Y): leave the tilt-axis angle at 0`);
    const shifted = series.alignment && [...series.alignment.xShift, ...series.alignment.yShift].some((s) => s !== 0);
    if (shifted && !pixelSize) throw new AlignmentFileError(`${series.file}: its shifts are in Å, and neither tomograms.star (rlnTomoTiltSeriesPixelSize) nor the images' header gives the pixel size: drop tomograms.star with it`);
    return relionAlignment(series, kept, raw, pixelSize ?? 1);
  }
  const axis = tiltAxis || series.nominalTiltAxis;
  if (!axis) return null;
  const source = tiltAxis ? `${TYPED_TILT_AXIS_SOURCE} (${tiltAxis}°)` : `${series.file} (rlnTomoNominalTiltAxisAngle, ${axis}°)`;
  const rotation = tiltAxisAlignment(axis, raw, source);
  return { ...rotation, keptSections: kept, transforms: kept.map((k) => rotation.transforms[k]) };
}

/** The plan of a RELION tilt series: its rows, in table order, as the kept sections of its images read as one stack. */
function planRelionSeries(series: RelionTiltSeries, raw: { nx: number; ny: number; nSections: number }, kept: number[], pixelSize: { value: number; source: string } | null, tiltAxis?: number): SeriesPlan {
  const alignment = alignmentOf(series, kept, raw, pixelSize?.value, tiltAxis);
  const rows: MetadataRow[] = [{ label: 'Tilt series (RELION)', value: `${series.name}: ${kept.length} tilt images`, source: series.file }];
  if (series.voltage) rows.push({ label: 'Voltage', value: `${series.voltage.value} kV`, source: series.voltage.source });
  if (series.preExposure) {
    const most = Math.max(...series.preExposure);
    rows.push({ label: 'Dose', value: `up to ${most.toFixed(1)} e/Å² before a tilt`, source: `${series.file} (rlnMicrographPreExposure)` });
  }
  if (alignment) rows.push({ label: 'Alignment applied', value: alignmentSummary(alignment), source: alignment.source });
  rows.push({ label: 'Tilt angles', value: `${kept.length} angles`, source: series.angleSource });
  const plan: SeriesPlan = {
    keptSections: kept,
    tiltAngles: series.tiltAngles,
    angleSource: series.angleSource,
    alignment,
    mdoc: null,
    ...(series.preExposure && { accumulatedDose: series.preExposure }),
    ...(pixelSize && { pixelSize }),
    ...(series.voltage && { voltage: series.voltage }),
    ...(series.sphericalAberration && { sphericalAberration: series.sphericalAberration }),
    ...(series.amplitudeContrast && { amplitudeContrast: series.amplitudeContrast }),
    rows,
    warnings: [...series.warnings],
  };
  if (series.ctf) addDefocus(plan, relionDefocus(series.ctf, kept, raw.nSections, series.file));
  return plan;
}

/** The table's CTF columns as a CTF estimate of the sections its rows read (row j is section kept[j]). */
function relionDefocus(ctf: NonNullable<RelionTiltSeries['ctf']>, kept: number[], nSections: number, file: string): DefocusEstimate {
  // Each row's value at the section it reads (sections no row reads stay 0: the series leaves them out).
  const bySection = (perRow: (row: number) => number) => {
    const values = new Array<number>(nSections).fill(0);
    kept.forEach((section, row) => (values[section] = perRow(row)));
    return values;
  };
  const defocus = bySection((row) => (ctf.defocusU[row] + ctf.defocusV[row]) / 2e4);
  const { phaseShift, defocusAngle } = ctf;
  const wrongAngle = defocusAngle?.findIndex((a) => !Number.isFinite(a)) ?? -1;
  if (wrongAngle >= 0) throw new Error(`${file}: rlnDefocusAngle of row ${wrongAngle + 1} (${defocusAngle?.[wrongAngle]}): the phase flip needs a finite one`);
  // U's axis is defocus 1's (io/types.ts Astigmatism), Å and degrees.
  const components = (row: number) => astigmatismComponents((ctf.defocusU[row] - ctf.defocusV[row]) / 1e4, ((defocusAngle?.[row] ?? 0) * Math.PI) / 180);
  const astigmatic = defocusAngle && ctf.defocusU.some((u, row) => u !== ctf.defocusV[row]);
  const wrong = kept.findIndex((section) => !(defocus[section] > 0 && Number.isFinite(defocus[section])));
  if (wrong >= 0) throw new Error(`${file}: rlnDefocusU/V of row ${wrong + 1} (${ctf.defocusU[wrong]}, ${ctf.defocusV[wrong]} Å): the phase flip needs a finite underfocus (> 0)`);
  const wrongShift = phaseShift?.findIndex((p) => !Number.isFinite(p)) ?? -1;
  if (wrongShift >= 0) throw new Error(`${file}: rlnPhaseShift of row ${wrongShift + 1} (${phaseShift?.[wrongShift]}): the phase flip needs a finite one`);
  return {
    file: `${file} (rlnDefocusU, rlnDefocusV${defocusAngle ? ', rlnDefocusAngle' : ''})`,
    defocus,
    astigmatism: Math.max(...ctf.defocusU.map((u, row) => Math.abs(u - ctf.defocusV[row]) / 1e4)),
    ...(astigmatic && { astigmaticAxes: { cos2: bySection((row) => components(row).cos2), sin2: bySection((row) => components(row).sin2) } }),
    // rlnPhaseShift is in degrees.
    ...(phaseShift?.some((p) => p !== 0) && { phaseShift: bySection((row) => (phaseShift[row] * Math.PI) / 180) }),
    warnings: [],
  };
}

/** The data panel's row that says whether a series' frame halves are at hand, and what it says when they are. */
export const FRAME_HALVES_ROW = 'Frame halves';
export const FRAME_HALVES_AT_HAND = 'the sums of the even and of the odd frames of every tilt: a frame-half FSC can use them';

/**
 * Whether the frame-half sums the table names are all among the dropped files, each once: the data panel's row,
 * and the source to name when they are (a frame-half FSC can then read them); null for a table that names none.
 */
function frameHalvesRow(series: RelionTiltSeries, files: NamedBlob[]): { row: MetadataRow; source: string | null } | null {
  if (!series.frameHalves) return null;
  const source = `${series.file} (${FRAME_HALF_COLUMNS.even}, ${FRAME_HALF_COLUMNS.odd})`;
  const names = imageFiles(frameHalfImages(series));
  const absent = names.filter((name) => files.filter((f) => f.name === name).length !== 1);
  const value = absent.length === 0 ? FRAME_HALVES_AT_HAND : `named, but ${absent.length} of ${names.length} not dropped (or dropped twice): ${listNames(absent)}`;
  return { row: { label: FRAME_HALVES_ROW, value, source }, source: absent.length === 0 ? source : null };
}

/**
 * The dropped files of a RELION tilt series planned as planTiltSeriesFiles plans a stack with its side files (its
 * TiltSeriesFilesPlan): its STAR files read (`seriesName` picks one of several tables), the images they name found
 * and their headers checked, before any data is read. `frames`: the series of the table's sums of only the even
 * or only the odd movie frames (each tilt's rlnMicrographNameEven or …Odd image), with the same angles and
 * alignment; otherwise `frameHalves` names the table when those sums are all dropped too.
 */
export async function planRelionFiles(files: NamedBlob[], tiltAxis?: number, seriesName?: string, frames?: FrameHalf) {
  const stars = files.filter((f) => isStarFile(f.name));
  const series = readRelionTiltSeries(await Promise.all(stars.map(async (f) => ({ name: f.name, text: await f.blob.text() }))), seriesName, frames);
  // The tables and lists it was read from; other STAR files (other series' tables, a job's job.star) are set aside.
  const used = stars.filter((f) => f.name === series.file || f.name === series.globalFile);
  const images = namedImages(series, files, frames);
  const headers = await Promise.all(images.map((f) => readCheckedMrcHeader(f.blob, { name: f.name })));
  const raw = { nx: headers[0].nx, ny: headers[0].ny, nSections: headers.reduce((n, h) => n + h.nz, 0) };
  const kept = rawSectionsOf(series, images, headers);
  const plan = planRelionSeries(series, raw, kept, storedPixelSize(series, headers[0], images[0].name), tiltAxis);
  const halves = frames ? null : frameHalvesRow(series, files);
  if (halves) plan.rows.push(halves.row);
  // The frame-half sums are the series' own files, not files set aside (a half read sets the full sums aside).
  const own = new Set([...images.map((f) => f.name), ...imageFiles(frameHalfImages(series))]);
  // RELION's own tomogram of the series (rec_NAME.mrc) and its halves (rec_NAME_half1/2.mrc) are offered, not ignored.
  const tomograms = tomogramsBeside(series.name, files.map((f) => f.name));
  const tomogramHalves = tomogramHalvesBeside(series.name, files.map((f) => f.name));
  const offered = [...tomograms, ...(tomogramHalves ?? [])];
  const others = files.filter((f) => !used.includes(f) && !own.has(f.name) && !offered.includes(f.name)).map((f) => f.name);
  const warnings = [...plan.warnings];
  if (others.length > 0) warnings.push(`ignored ${listNames(others)}: not named by ${series.file}`);
  return {
    stacks: images,
    seriesName: images.length === 1 ? images[0].name : `${series.name} (${images.length} tilt images${frames ? `, ${frames} frames` : ''})`,
    side: used,
    header: { ...headers[0], nz: raw.nSections },
    plan,
    warnings,
    ...(halves?.source && { frameHalves: halves.source }),
    tomograms,
    ...(tomogramHalves && { tomogramHalves }),
  };
}
