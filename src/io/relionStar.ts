/**
 * A tilt series as RELION 5 describes it (docs/loading.md#relion-5): a per-tilt-series STAR table
 * (`tilt_series/TS_01.star`, block `data_TS_01`, one row per kept tilt image) and, optionally, the project's
 * `tomograms.star` (block `data_global`, one row per tilt series: pixel size, voltage). Read from RELION's own
 * reader and writers (src/jaz/tomography/tomogram_set.cpp, src/align_tiltseries_runner.cpp):
 *
 *  - each row's image is `rlnMicrographName` (a motion-corrected tilt image, or `n@stack` for section n of a
 *    stack); without that column, `data_global`'s `rlnTomoTiltSeriesName` names a stack whose section k is row k;
 *  - the tilt angle is `rlnTomoYTilt` (refined), else `rlnTomoNominalStageTiltAngle`; both have the sign of IMOD's
 *    .tlt (RELION copies the .tlt and AreTomo's TILT into rlnTomoYTilt unchanged);
 *  - the alignment projects a volume point v (centred) to the raw image at Rz(rlnTomoZRot)·[Ry(YTilt)·v]xy +
 *    (rlnTomoXShiftAngst, rlnTomoYShiftAngst)/pixel size: the aligned pixel p samples the raw image at
 *    R(ZRot)·p + shift, exactly as AreTomo's ROT, TX, TY do (RELION imports those unchanged);
 *  - `rlnMicrographPreExposure` is the dose (e/Å²) received before the image;
 *  - `rlnDefocusU` and `rlnDefocusV` (Å under focus, the two astigmatic axes) are the CTF estimate of the image
 *    (RELION's CTFFIND job), `rlnDefocusAngle` (degrees) the U axis' angle as CTFFIND's azimuth, `rlnPhaseShift`
 *    (degrees) a phase plate's;
 *  - `rlnMicrographNameEven` and `rlnMicrographNameOdd`, when motion correction saved them (RELION's
 *    --even_odd_split), name the sums of each tilt's even and of its odd movie frames: two half-dose copies of the
 *    series with independent noise, which RELION reconstructs as its half tomograms (--generate_split_tomograms);
 *  - RELION 4 gave each row a projection matrix instead (`rlnTomoProjX…W`, its rows): P = T(shift + image centre)·
 *    Rz(ZRot)·Ry(YTilt)·Rx(XTilt)·T(−volume centre) on pixel coordinates from the corner, the image centre n // 2
 *    and the volume centre rlnTomoSizeX/Y/Z ÷ 2 (Tomogram::setProjectionMatrix); its angles and shift are read back
 *    as RELION 5 reads them (Tomogram::getProjectionAnglesFromMatrix).
 */
import { rotationSampling, swappedSize, type StackAlignment, type TextFile } from './alignmentFiles.ts';
import { listNames } from './angles.ts';
import { baseName } from './tiltCom.ts';
import { parseStar, starColumn, StarFileError, type StarBlock } from './star.ts';

/** Where a tilt image is: a file (its path as the table writes it, and its base name, as dropped) and the section in it (from 0). */
export interface RelionImage {
  path: string;
  file: string;
  section: number;
}

/** One tilt series of a RELION project, as its STAR tables give it; rows in table order (RELION sorts them by nominal angle). */
export interface RelionTiltSeries {
  /** rlnTomoName: the tilt series' name (its table's block name). */
  name: string;
  /** The STAR file of the per-tilt table. */
  file: string;
  /** One per row: the images the series is read from (the frame sums, or one half's when the series was read for it). */
  images: RelionImage[];
  /** Per row, each tilt's sums of its even and of its odd movie frames, when the table names both (rlnMicrographNameEven/Odd). */
  frameHalves?: Record<FrameHalf, RelionImage[]>;
  /** Degrees, one per row. */
  tiltAngles: number[];
  /** "TS_01.star (rlnTomoYTilt)". */
  angleSource: string;
  /** e/Å² before each row's image, when the table has rlnMicrographPreExposure. */
  preExposure?: number[];
  /** Per row, when the table has rlnDefocusU and rlnDefocusV: Å under focus, and rlnDefocusAngle and rlnPhaseShift (degrees) when given. */
  ctf?: { defocusU: number[]; defocusV: number[]; defocusAngle?: number[]; phaseShift?: number[] };
  /** Per row, when the table has RELION 5's alignment columns: degrees and Å. */
  alignment?: { zRot: number[]; xShift: number[]; yShift: number[] };
  /** Per row, when the table has RELION 4's projection matrices instead (4 × 4, row-major), with the tomogram's size in pixels. */
  projections?: { matrices: number[][][]; volumeSize: [number, number, number] };
  /** rlnTomoNominalTiltAxisAngle (degrees) of a table that is not aligned yet. */
  nominalTiltAxis?: number;
  /** The STAR file whose data_global row is this series' (tomograms.star), when one is. */
  globalFile?: string;
  /** From data_global, with their source. */
  pixelSize?: { value: number; source: string };
  voltage?: { value: number; source: string };
  /** mm and a fraction: what the phase flip takes (0 is a value: a Cs-corrected microscope). */
  sphericalAberration?: { value: number; source: string };
  amplitudeContrast?: { value: number; source: string };
  warnings: string[];
}

/** Which frames of every tilt's movie a series is read from, when not all: the even-numbered or the odd-numbered ones. */
export const FRAME_HALVES = ['even', 'odd'] as const;
export type FrameHalf = (typeof FRAME_HALVES)[number];
/** The columns that name each tilt's frame-half sums. */
export const FRAME_HALF_COLUMNS: Record<FrameHalf, string> = { even: 'rlnMicrographNameEven', odd: 'rlnMicrographNameOdd' };

const TILT_COLUMNS = ['rlnTomoYTilt', 'rlnTomoNominalStageTiltAngle'];
const ALIGNMENT_COLUMNS = ['rlnTomoZRot', 'rlnTomoXShiftAngst', 'rlnTomoYShiftAngst'];
const MATRIX_COLUMNS = ['rlnTomoProjX', 'rlnTomoProjY', 'rlnTomoProjZ', 'rlnTomoProjW'];

/** The files `images` are in, each once, in the order first named: by base name (as dropped) or by path as the table writes it. */
export function imageFiles(images: readonly RelionImage[], by: 'file' | 'path' = 'file'): string[] {
  return [...new Set(images.map((image) => image[by]))];
}

/** Both frame halves' images of a series, even then odd; none for a series without them. */
export function frameHalfImages(series: RelionTiltSeries): RelionImage[] {
  return series.frameHalves ? [...series.frameHalves.even, ...series.frameHalves.odd] : [];
}

export function isStarFile(name: string): boolean {
  return /\.star$/i.test(name);
}

/** A column of numbers; a value that is not one is an error naming the file, the column and the row. */
function numbers(block: StarBlock, label: string, file: string): number[] | undefined {
  return starColumn(block, label)?.map((word, row) => {
    const value = Number(word);
    if (word.trim() === '' || !Number.isFinite(value)) throw new StarFileError(`${file}: ${label} of row ${row + 1} is '${word}', not a number`);
    return value;
  });
}

/** `n@path` is section n − 1 of path; a plain path is section 0. RELION's `:mrc` type suffix is dropped. */
function imageOf(reference: string, file: string, row: number, label = 'rlnMicrographName'): RelionImage {
  const at = /^(\d+)@(.+)$/.exec(reference);
  const path = (at ? at[2] : reference).replace(/:mrcs?$/, '');
  if (at && Number(at[1]) < 1) throw new StarFileError(`${file}: ${label} of row ${row + 1} is '${reference}': sections count from 1`);
  return { path, file: baseName(path), section: at ? Number(at[1]) - 1 : 0 };
}

interface NamedBlock {
  file: string;
  block: StarBlock;
}

/** A table of tilt images: a block other than data_global with a tilt-angle column, or RELION 4's projection matrices. */
function isTiltTable(block: StarBlock): boolean {
  return block.name !== 'global' && (TILT_COLUMNS.some((label) => starColumn(block, label)) || MATRIX_COLUMNS.every((label) => starColumn(block, label)));
}

/** RELION 4's projection matrices, one per row (`[a,b,c,d]` per matrix row); a malformed one names the file and the row. */
function matricesOf(block: StarBlock, file: string): number[][][] | undefined {
  const columns = MATRIX_COLUMNS.map((label) => starColumn(block, label));
  if (columns.some((c) => !c)) return undefined;
  return (columns[0] as string[]).map((_, row) => {
    const matrix = columns.map((c) => (c as string[])[row].replace(/^\[|\]$/g, '').split(',').map(Number));
    const r = matrix.slice(0, 3).map((line) => line.slice(0, 3));
    const orthonormal = r.every((a, i) => r.every((b, j) => Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] - (i === j ? 1 : 0)) < 1e-4));
    if (matrix.some((line) => line.length !== 4 || !line.every(Number.isFinite)) || !orthonormal) {
      throw new StarFileError(`${file}: the projection matrix of row ${row + 1} (rlnTomoProjX…W) is not four rows of four numbers with a rotation in its corner`);
    }
    return matrix;
  });
}

/** The angles of P's rotation Rz(zRot)·Ry(yTilt)·Rx(xTilt), degrees, as RELION reads them back (|yTilt| < 90°). */
function matrixAngles(p: number[][]): { xTilt: number; yTilt: number; zRot: number } {
  const degrees = (radians: number) => (radians * 180) / Math.PI;
  return { xTilt: degrees(Math.atan2(p[2][1], p[2][2])), yTilt: degrees(Math.asin(Math.min(1, Math.max(-1, -p[2][0])))), zRot: degrees(Math.atan2(p[1][0], p[0][0])) };
}

/** The one per-tilt table among the STAR files (the one named `name`, when given), or an error saying what was found instead. */
function tiltTable(blocks: NamedBlock[], files: TextFile[], name?: string): NamedBlock {
  const all = blocks.filter(({ block }) => isTiltTable(block));
  const tables = name === undefined ? all : all.filter(({ block }) => block.name === name);
  if (name !== undefined && tables.length === 0) throw new StarFileError(`no tilt series ${name} among ${files.map((f) => f.name).join(', ')}`);
  if (tables.length > 1) {
    throw new StarFileError(`several tilt series (${tables.map((t) => `${t.block.name} in ${t.file}`).join(', ')}): load one tilt series at a time`);
  }
  if (tables.length === 1) return tables[0];
  const global = blocks.find(({ block }) => block.name === 'global' && starColumn(block, 'rlnTomoTiltSeriesStarFile'));
  if (global) {
    const listed = (starColumn(global.block, 'rlnTomoTiltSeriesStarFile') ?? []).map(baseName);
    throw new StarFileError(`${global.file} only lists tilt series; drop the one to load's own STAR file (${listNames(listed)}) with its images`);
  }
  throw new StarFileError(`${files.map((f) => f.name).join(', ')}: no table of tilt images (a column ${TILT_COLUMNS.join(' or ')}): not a RELION tilt series`);
}

/** Each STAR file's blocks; a file that does not parse is set aside, its error kept. */
function parseAll(files: TextFile[]): { blocks: NamedBlock[]; failures: StarFileError[] } {
  const failures: StarFileError[] = [];
  const blocks = files.flatMap((f) => {
    try {
      return parseStar(f.text, f.name).map((block) => ({ file: f.name, block }));
    } catch (error) {
      if (!(error instanceof StarFileError)) throw error;
      failures.push(error);
      return [];
    }
  });
  return { blocks, failures };
}

/** The names of the tilt series whose tables these STAR files hold (each once, in file order): a drop of several asks which. */
export function relionSeriesNames(files: TextFile[]): string[] {
  return [...new Set(parseAll(files).blocks.filter(({ block }) => isTiltTable(block)).map(({ block }) => block.name))];
}

/** Each row's sums of its even and of its odd frames, when the table names both; one without the other is a warning. */
function frameHalvesOf(block: StarBlock, file: string, warnings: string[]): Record<FrameHalf, RelionImage[]> | undefined {
  const [even, odd] = [FRAME_HALF_COLUMNS.even, FRAME_HALF_COLUMNS.odd].map((label) => starColumn(block, label)?.map((reference, row) => imageOf(reference, file, row, label)));
  if (even && odd) return { even, odd };
  if (even || odd) warnings.push(`${file}: it names the sums of the ${even ? 'even' : 'odd'} frames only (${even ? FRAME_HALF_COLUMNS.even : FRAME_HALF_COLUMNS.odd}): no frame-half FSC`);
  return undefined;
}

/**
 * The tilt series described by RELION STAR files (the per-tilt table, with or without tomograms.star); `name`
 * picks one of several (relionSeriesNames). `frames`: the series as the sums of only the even or only the odd
 * movie frames (its images those the table's frameHalves names), refused when the table names none.
 */
export function readRelionTiltSeries(files: TextFile[], name?: string, frames?: FrameHalf): RelionTiltSeries {
  // A STAR file that does not parse is set aside, with a warning, when another holds the table (a dropped job
  // folder brings RELION's job.star and pipeline files too); the error is the drop's when none does.
  const { blocks, failures } = parseAll(files);
  if (failures.length > 0 && !blocks.some(({ block }) => isTiltTable(block))) throw failures[0];
  const { file, block } = tiltTable(blocks, files, name);
  const warnings: string[] = failures.map((error) => `set aside: ${error.message}`);
  const matrices = matricesOf(block, file);
  const angleLabel = TILT_COLUMNS.find((label) => starColumn(block, label));
  const tiltAngles = angleLabel ? (numbers(block, angleLabel, file) as number[]) : (matrices as number[][][]).map((p) => matrixAngles(p).yTilt);
  const references = starColumn(block, 'rlnMicrographName');
  const series: RelionTiltSeries = {
    name: block.name,
    file,
    images: tiltAngles.map((_, row) => (references ? imageOf(references[row], file, row) : { path: '', file: '', section: row })),
    tiltAngles,
    angleSource: `${file} (${angleLabel ?? 'the Y tilts of rlnTomoProjX…W'})`,
    warnings,
  };
  const preExposure = numbers(block, 'rlnMicrographPreExposure', file);
  if (preExposure) series.preExposure = preExposure;
  const [defocusU, defocusV, defocusAngle, phaseShift] = ['rlnDefocusU', 'rlnDefocusV', 'rlnDefocusAngle', 'rlnPhaseShift'].map((label) => numbers(block, label, file));
  if (defocusU && defocusV) series.ctf = { defocusU, defocusV, ...(defocusAngle && { defocusAngle }), ...(phaseShift && { phaseShift }) };
  if (ALIGNMENT_COLUMNS.every((label) => starColumn(block, label))) {
    const [zRot, xShift, yShift] = ALIGNMENT_COLUMNS.map((label) => numbers(block, label, file) as number[]);
    series.alignment = { zRot, xShift, yShift };
  } else if (matrices) {
    series.projections = { matrices, volumeSize: volumeSizeOf(series, blocks) };
    const xTilts = matrices.map((p) => Math.abs(matrixAngles(p).xTilt));
    if (xTilts.some((x) => x > 0.01)) warnings.push(`${file}: the x-axis tilts of its projection matrices (up to ${Number(Math.max(...xTilts).toPrecision(3))}°) are not applied`);
  } else {
    series.nominalTiltAxis = numbers(block, 'rlnTomoNominalTiltAxisAngle', file)?.[0];
    warnings.push(`${file}: no alignment (${ALIGNMENT_COLUMNS.join(', ')})${series.nominalTiltAxis ? `; the images are only rotated by the nominal tilt axis, ${series.nominalTiltAxis}°` : ''}`);
  }
  const xTilt = numbers(block, 'rlnTomoXTilt', file);
  if (xTilt?.some((x) => x !== 0)) warnings.push(`${file}: the x-axis tilts (rlnTomoXTilt, up to ${Math.max(...xTilt.map(Math.abs))}°) are not applied`);
  const halves = frameHalvesOf(block, file, warnings);
  if (halves) series.frameHalves = halves;
  if (frames) {
    if (!halves) throw new StarFileError(`${file} names no sums of even and odd movie frames (${FRAME_HALF_COLUMNS.even}, ${FRAME_HALF_COLUMNS.odd}): RELION's motion correction saves them with --even_odd_split`);
    series.images = halves[frames];
  } else if (!references) addStack(series, blocks);
  addGlobal(series, blocks);
  return series;
}

/** The tomogram's size in pixels (rlnTomoSizeX/Y/Z of data_global), which RELION 4's matrices are centred on. */
function volumeSizeOf(series: RelionTiltSeries, blocks: NamedBlock[]): [number, number, number] {
  const row = globalRow(series, blocks);
  const size = ['rlnTomoSizeX', 'rlnTomoSizeY', 'rlnTomoSizeZ'].map((label) => (row ? numbers(row.block, label, row.file)?.[row.index] : undefined));
  if (!size.every((n) => n !== undefined && n > 0)) throw new StarFileError(`${series.file}: its projection matrices (RELION 4) are centred on the tomogram, whose size (rlnTomoSizeX/Y/Z) no dropped tomograms.star gives`);
  return size as [number, number, number];
}

/** Without rlnMicrographName, data_global's rlnTomoTiltSeriesName names the stack whose section k is row k. */
function addStack(series: RelionTiltSeries, blocks: NamedBlock[]): void {
  const row = globalRow(series, blocks);
  const stack = row && starColumn(row.block, 'rlnTomoTiltSeriesName')?.[row.index];
  if (!stack) throw new StarFileError(`${series.file}: the table names no images (rlnMicrographName) and no tomograms.star names its stack (rlnTomoTiltSeriesName)`);
  const { path, file } = imageOf(stack, row.file, row.index);
  series.images = series.images.map((image) => ({ ...image, path, file }));
}

/** data_global's row for this tilt series (rlnTomoName), if a dropped file has one. */
function globalRow(series: RelionTiltSeries, blocks: NamedBlock[]): { file: string; block: StarBlock; index: number } | null {
  for (const { file, block } of blocks.filter((b) => b.block.name === 'global')) {
    const index = starColumn(block, 'rlnTomoName')?.indexOf(series.name) ?? -1;
    if (index >= 0) return { file, block, index };
  }
  return null;
}

function addGlobal(series: RelionTiltSeries, blocks: NamedBlock[]): void {
  const row = globalRow(series, blocks);
  const others = blocks.filter((b) => b.block.name === 'global').map((b) => b.file);
  if (!row && others.length > 0) series.warnings.push(`${others.join(', ')}: no row for ${series.name} (rlnTomoName): its pixel size and voltage are not read`);
  if (!row) return;
  series.globalFile = row.file;
  const value = (label: string, ok = (v: number) => v > 0) => {
    const found = numbers(row.block, label, row.file)?.[row.index];
    return found !== undefined && ok(found) ? { value: found, source: `${row.file} (${label})` } : undefined;
  };
  const pixelSize = value('rlnTomoTiltSeriesPixelSize');
  const voltage = value('rlnVoltage');
  const sphericalAberration = value('rlnSphericalAberration', (v) => v >= 0);
  const amplitudeContrast = value('rlnAmplitudeContrast', (v) => v >= 0 && v < 1);
  if (pixelSize) series.pixelSize = pixelSize;
  if (voltage) series.voltage = voltage;
  if (sphericalAberration) series.sphericalAberration = sphericalAberration;
  if (amplitudeContrast) series.amplitudeContrast = amplitudeContrast;
}

/**
 * Each row's rotation (degrees) and shift (pixels of the images as stored), the aligned pixel p sampling the
 * image at R(degrees)·p + shift: from RELION 5's columns (shifts in Å over `pixelSize`), or from RELION 4's
 * matrices (shift = P's translation + R·volume centre − image centre, the centres RELION's: n ÷ 2 and n // 2).
 */
function alignmentRows(series: RelionTiltSeries, raw: { nx: number; ny: number }, pixelSize: number): { degrees: number; x0: number; y0: number }[] | null {
  if (series.alignment) {
    const { zRot, xShift, yShift } = series.alignment;
    return zRot.map((degrees, row) => ({ degrees, x0: xShift[row] / pixelSize, y0: yShift[row] / pixelSize }));
  }
  if (!series.projections) return null;
  const [cx, cy, cz] = series.projections.volumeSize.map((n) => n / 2);
  const [ix, iy] = [Math.floor(raw.nx / 2), Math.floor(raw.ny / 2)];
  return series.projections.matrices.map((p) => ({
    degrees: matrixAngles(p).zRot,
    x0: p[0][3] + p[0][0] * cx + p[0][1] * cy + p[0][2] * cz - ix,
    y0: p[1][3] + p[1][0] * cx + p[1][1] * cy + p[1][2] * cz - iy,
  }));
}

/**
 * The alignment of a RELION table as one to apply to its images (alignmentRows; `pixelSize` in Å per pixel of the
 * images as stored): the kept sections are the rows, in order, of `raw.nSections` sections in all. When the tilt
 * axis lies nearer the images' X than their Y (the median rotation; SerialEM's 85° is common), the aligned images'
 * width and height are swapped (swappedSize).
 */
export function relionAlignment(series: RelionTiltSeries, keptSections: number[], raw: { nx: number; ny: number; nSections: number }, pixelSize: number): StackAlignment | null {
  const rows = alignmentRows(series, raw, pixelSize);
  // All zero: the images are already aligned (nothing to resample).
  if (!rows || rows.every((r) => r.degrees === 0 && r.x0 === 0 && r.y0 === 0)) return null;
  const outputSize = swappedSize(
    rows.map((r) => r.degrees),
    raw,
  );
  return {
    source: series.file,
    transforms: rows.map((r) => rotationSampling(r.degrees, r.x0, r.y0)),
    keptSections,
    rawSections: raw.nSections,
    ...(outputSize && { outputSize }),
    warnings: [],
  };
}
