/**
 * Alignment files that come with a raw (unaligned) tilt series, read into one form: per kept section, the
 * affine map from the aligned image to the raw image (docs/alignment.md).
 *
 *  - IMOD: `.xf` (one line per section, A11 A12 A21 A22 DX DY), with `.tlt` and optionally `.xtilt`.
 *  - AreTomo2/AreTomo3: `.aln` (header comments, one row per kept section, an optional local-alignment block).
 *
 * Coordinates are WedgeLab's centred ones (docs/conventions.md#centred-coordinates): index i along n
 * pixels sits at i − (n − 1)/2. Both tools measure about the image centre with the origin at the left edge
 * of the first pixel (centre nx/2), which is the same point, so their numbers are used as written.
 * Pure text in, no engine: the loader pairs these with a stack, the engine applies them.
 */
import { clip, NUMBER, parseTlt, splitLines } from './angles.ts';

export class AlignmentFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlignmentFileError';
  }
}

/**
 * Where an aligned pixel samples the raw section, in unbinned pixels and centred coordinates:
 * rawX = xx·x + xy·y + x0, rawY = yx·x + yy·y + y0 for the aligned pixel at centred (x, y).
 * (The opposite direction to an IMOD .xf line, which maps raw to aligned.)
 */
export interface Affine2D {
  xx: number;
  xy: number;
  yx: number;
  yy: number;
  x0: number;
  y0: number;
}

/** A file's name and text, as the loader has it. */
export interface TextFile {
  name: string;
  text: string;
}

/** An alignment ready to apply to a raw stack. */
export interface StackAlignment {
  /** The file the transforms came from (.xf or .aln), named in messages. */
  source: string;
  /** One per kept section, in the order of `keptSections`. */
  transforms: Affine2D[];
  /** Raw section indices (from 0) that make up the aligned stack, in raw stack order. */
  keptSections: number[];
  /** Degrees, one per kept section, when the files give them (.tlt, .aln's TILT column). */
  tiltAngles?: number[];
  /** Sections the raw stack must have: the .xf's line count, or the .aln's RawSize nz. */
  rawSections: number;
  /** Raw image size the file was made for, when it says (.aln's RawSize). */
  rawSize?: { nx: number; ny: number };
  /** Size of the aligned images when it is not the raw size (a typed tilt axis nearer X than Y swaps them). */
  outputSize?: { nx: number; ny: number };
  /** The specimen's thickness AreTomo measured, in raw pixels (the .aln's `# Thickness`; absent when 0 or not given). */
  specimenThickness?: number;
  /** Things read but not applied, one sentence each (x-axis tilt, local alignments, magnification). */
  warnings: string[];
}

/** One line of an IMOD .xf file: aligned = [A11 A12; A21 A22]·raw + (DX, DY), about the image centres. */
export interface XfTransform {
  a11: number;
  a12: number;
  a21: number;
  a22: number;
  dx: number;
  dy: number;
}

/** One global row of an AreTomo .aln file. */
export interface AlnSection {
  /** Raw section index, from 0 (SEC). */
  section: number;
  /** Tilt-axis angle from the image Y axis, degrees, counter-clockwise (ROT). */
  rotation: number;
  /** Magnification (GMAG); AreTomo writes 1 and does not use it. */
  magnification: number;
  /** Shift of the raw image, raw pixels (TX, TY). */
  shiftX: number;
  shiftY: number;
  /** Tilt angle, degrees (TILT). */
  tiltAngle: number;
}

export interface AlnFile {
  rawSize: { nx: number; ny: number; nz: number };
  /** Kept sections, sorted by raw section index (AreTomo writes them sorted by tilt). */
  sections: AlnSection[];
  /** Raw section indices AreTomo excluded (DarkFrame lines), sorted. */
  darkSections: number[];
  /** Patches of the local alignment that follows the global rows (0 when none); never applied. */
  numPatches: number;
  /**
   * `# Thickness`: the specimen's thickness AreTomo measured (CCalcVolThick: the depth profile of a coarse WBP),
   * in raw pixels; AreTomo's own tomogram adds its ExtZ to it. Absent when the line is missing or 0.
   */
  specimenThickness?: number;
}

function numbersOf(line: string): number[] | null {
  const words = line.trim().split(/\s+/);
  return words.every((w) => NUMBER.test(w)) ? words.map(Number) : null;
}

/** The .xf lines as written. Blank lines are skipped; any other line must hold six numbers. */
export function parseXf(text: string, name: string): XfTransform[] {
  const transforms: XfTransform[] = [];
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const values = numbersOf(line);
    if (!values || values.length !== 6) {
      const found = values ? `found ${values.length}` : `found "${clip(line)}"`;
      throw new AlignmentFileError(`${name} line ${i + 1}: expected 6 numbers (A11 A12 A21 A22 DX DY), ${found}`);
    }
    const [a11, a12, a21, a22, dx, dy] = values;
    if (a11 * a22 - a12 * a21 === 0) throw new AlignmentFileError(`${name} line ${i + 1}: the 2 × 2 matrix A11 A12 A21 A22 is singular`);
    transforms.push({ a11, a12, a21, a22, dx, dy });
  });
  if (transforms.length === 0) throw new AlignmentFileError(`${name} contains no transforms`);
  return transforms;
}

/**
 * The sampling map of an .xf line. IMOD (newstack(1), "linear transformation in a transform file"):
 * X' = A11·(X − Xci) + A12·(Y − Yci) + DX + Xco, same for Y', with X the raw and X' the aligned position
 * and Xci, Xco the image centres; newstack fills each aligned pixel from raw = A⁻¹·(aligned − D).
 */
export function xfToSampling(xf: XfTransform): Affine2D {
  const det = xf.a11 * xf.a22 - xf.a12 * xf.a21;
  const xx = xf.a22 / det;
  const xy = -xf.a12 / det;
  const yx = -xf.a21 / det;
  const yy = xf.a11 / det;
  return { xx, xy, yx, yy, x0: -(xx * xf.dx + xy * xf.dy), y0: -(yx * xf.dx + yy * xf.dy) };
}

/**
 * IMOD's x-axis tilts (one per line, degrees), and a warning when any is non-zero: WedgeLab's geometry
 * tilts about Y only, so they are read but not applied.
 */
export function parseXtilt(text: string, name: string): { xTilts: number[]; warning: string | null } {
  const xTilts = parseTlt(text, name);
  const largest = Math.max(...xTilts.map(Math.abs));
  const warning =
    largest === 0 ? null : `${name}: x-axis tilts up to ${largest}° are not applied, because WedgeLab's geometry tilts about the Y axis only.`;
  return { xTilts, warning };
}

/** An IMOD alignment: every raw section kept, transforms from the .xf, angles from the .tlt. */
export function imodAlignment(xf: TextFile, tlt?: TextFile, xtilt?: TextFile): StackAlignment {
  const lines = parseXf(xf.text, xf.name);
  const warnings: string[] = [];
  let tiltAngles: number[] | undefined;
  if (tlt) {
    tiltAngles = parseTlt(tlt.text, tlt.name);
    if (tiltAngles.length !== lines.length) {
      throw new AlignmentFileError(`${tlt.name} has ${tiltAngles.length} angles but ${xf.name} has ${lines.length} transforms`);
    }
  }
  if (xtilt) {
    const { xTilts, warning } = parseXtilt(xtilt.text, xtilt.name);
    if (xTilts.length !== lines.length) {
      throw new AlignmentFileError(`${xtilt.name} has ${xTilts.length} x-axis tilts but ${xf.name} has ${lines.length} transforms`);
    }
    if (warning) warnings.push(warning);
  }
  return {
    source: xf.name,
    transforms: lines.map(xfToSampling),
    keptSections: lines.map((_, k) => k),
    tiltAngles,
    rawSections: lines.length,
    warnings,
  };
}

/** The columns AreTomo2 and AreTomo3 write (CSaveAlnFile / CSaveAlignFile), and those WedgeLab needs. */
const ALN_COLUMNS = ['SEC', 'ROT', 'GMAG', 'TX', 'TY', 'SMEAN', 'SFIT', 'SCALE', 'BASE', 'TILT'];
const ALN_NEEDED = ['SEC', 'ROT', 'GMAG', 'TX', 'TY', 'TILT'];

interface AlnHeader {
  rawSize?: { nx: number; ny: number; nz: number };
  darkSections: number[];
  numPatches: number;
  thickness?: number;
}

/** `# Key = values` header lines; unknown keys (AlphaOffset, BetaOffset, newer ones) are skipped. */
function readAlnHeaderLine(body: string, header: AlnHeader, at: string): void {
  const match = /^([A-Za-z ]+?)\s*=\s*(.*)$/.exec(body);
  if (!match) return;
  const key = match[1].replace(/\s+/g, '').toLowerCase();
  const values = numbersOf(match[2]);
  // The first `count` values must be whole numbers (sizes, counts, indices).
  const expect = (count: number, what: string): number[] => {
    if (!values || values.length < count || !values.slice(0, count).every(Number.isInteger)) {
      throw new AlignmentFileError(`${at}: expected ${what} after "${match[1].trim()} =", found "${clip(match[2].trim())}"`);
    }
    return values;
  };
  if (key === 'rawsize') {
    const [nx, ny, nz] = expect(3, 'three whole numbers (nx ny nz)');
    if (nx < 1 || ny < 1 || nz < 1) throw new AlignmentFileError(`${at}: RawSize must be positive, found ${nx} ${ny} ${nz}`);
    header.rawSize = { nx, ny, nz };
  } else if (key === 'numpatches') {
    header.numPatches = expect(1, 'a whole number')[0];
  } else if (key === 'thickness') {
    header.thickness = expect(1, 'a whole number of pixels')[0];
  } else if (key === 'darkframe') {
    // "# DarkFrame = i sec tilt" (AreTomo2 and 3; older AreTomo wrote "# Dark frame = …"): sec is the raw section.
    const row = expect(2, 'the dark image index and its raw section index');
    header.darkSections.push(row[1]);
  }
}

/** An AreTomo .aln file: header, global rows (sorted here by raw section), local alignments skipped. */
export function parseAln(text: string, name: string): AlnFile {
  const header: AlnHeader = { darkSections: [], numPatches: 0 };
  let columns: string[] | null = null;
  const sections: AlnSection[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const at = `${name} line ${i + 1}`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const body = line.slice(1).trim();
      // The local alignment (patch shifts) follows the global rows to the end of the file; it is not applied.
      if (/^local\s+alignment/i.test(body)) break;
      if (/^SEC\b/.test(body)) columns = alnColumns(body, at);
      else readAlnHeaderLine(body, header, at);
      continue;
    }
    if (!columns) throw new AlignmentFileError(`${at}: a data row before the column line "# SEC ROT GMAG TX TY … TILT"`);
    sections.push(alnRow(line, columns, at));
  }
  return checkAln(name, header, sections, columns);
}

function alnColumns(body: string, at: string): string[] {
  const columns = body.split(/\s+/);
  const unknown = columns.filter((c) => !ALN_COLUMNS.includes(c));
  if (unknown.length > 0) throw new AlignmentFileError(`${at}: unknown column ${unknown.map((c) => `"${clip(c)}"`).join(', ')}; expected ${ALN_COLUMNS.join(' ')}`);
  const missing = ALN_NEEDED.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new AlignmentFileError(`${at}: missing column ${missing.join(', ')}; expected ${ALN_COLUMNS.join(' ')}`);
  return columns;
}

function alnRow(line: string, columns: string[], at: string): AlnSection {
  const words = line.split(/\s+/);
  if (words.length !== columns.length) {
    throw new AlignmentFileError(`${at}: expected ${columns.length} numbers (${columns.join(' ')}), found ${words.length}`);
  }
  const bad = words.findIndex((w) => !NUMBER.test(w));
  if (bad >= 0) throw new AlignmentFileError(`${at}: ${columns[bad]} should be a number, found "${clip(words[bad])}"`);
  const value = (column: string) => Number(words[columns.indexOf(column)]);
  const section = value('SEC');
  if (!Number.isInteger(section) || section < 0) throw new AlignmentFileError(`${at}: SEC should be a section index from 0, found ${section}`);
  return {
    section,
    rotation: value('ROT'),
    magnification: value('GMAG'),
    shiftX: value('TX'),
    shiftY: value('TY'),
    tiltAngle: value('TILT'),
  };
}

function checkAln(name: string, header: AlnHeader, sections: AlnSection[], columns: string[] | null): AlnFile {
  const { rawSize, darkSections } = header;
  if (!rawSize) throw new AlignmentFileError(`${name}: no "# RawSize = nx ny nz" line; is this an AreTomo .aln file?`);
  if (!columns) throw new AlignmentFileError(`${name}: no column line "# SEC ROT GMAG TX TY … TILT"`);
  const expected = rawSize.nz - new Set(darkSections).size;
  if (sections.length !== expected) {
    throw new AlignmentFileError(
      `${name} has ${sections.length} section rows but its RawSize of ${rawSize.nz} sections less ${darkSections.length} dark ones leaves ${expected}`,
    );
  }
  const seen = new Set<number>();
  for (const { section } of sections) {
    if (section >= rawSize.nz) throw new AlignmentFileError(`${name}: section ${section} is outside the raw stack of ${rawSize.nz} sections (0–${rawSize.nz - 1})`);
    if (seen.has(section) || darkSections.includes(section)) throw new AlignmentFileError(`${name}: section ${section} appears twice (rows and dark frames count once each)`);
    seen.add(section);
  }
  return {
    rawSize,
    sections: [...sections].sort((a, b) => a.section - b.section),
    darkSections: [...darkSections].sort((a, b) => a - b),
    numPatches: header.numPatches,
    ...(header.thickness !== undefined && header.thickness > 0 && { specimenThickness: header.thickness }),
  };
}

/**
 * The sampling map of an .aln row. AreTomo (AreTomo2/3 Correct/GCorrPatchShift.cu) fills the aligned pixel at
 * centred p from the raw image at R(ROT)·p + (TX, TY), R the counter-clockwise rotation; its IMOD export
 * (ImodUtil/CSaveXF.cpp) writes the inverse, A = R(−ROT), D = −R(−ROT)·(TX, TY). GMAG is not applied (AreTomo
 * writes 1 and ignores it on reading).
 */
export function alnToSampling(row: AlnSection): Affine2D {
  return rotationSampling(row.rotation, row.shiftX, row.shiftY);
}

/** Aligned centred p samples the raw image at R(degrees)·p + (x0, y0), R counter-clockwise. */
export function rotationSampling(degrees: number, x0: number, y0: number): Affine2D {
  const radians = (degrees * Math.PI) / 180;
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  return { xx: c, xy: -s, yx: s, yy: c, x0, y0 };
}

/**
 * The aligned images' size when a rotation by `degrees` (the tilt axis from Y; for per-section rotations, their
 * median) puts an axis that lies nearer the raw images' X than their Y along Y: width and height swapped, so that
 * the side along the axis is kept whole, as AreTomo sizes its aligned stack (Correct/CCorrectUtil CalcAlignedSize:
 * |sin| > 0.707). Undefined when the size stays (an axis nearer Y, or a square image).
 */
export function swappedSize(degrees: readonly number[], raw: { nx: number; ny: number }): { nx: number; ny: number } | undefined {
  const median = [...degrees].sort((a, b) => a - b)[Math.floor(degrees.length / 2)];
  const radians = (median * Math.PI) / 180;
  const swap = Math.abs(Math.sin(radians)) > Math.abs(Math.cos(radians)) && raw.nx !== raw.ny;
  return swap ? { nx: raw.ny, ny: raw.nx } : undefined;
}

/**
 * A raw stack whose tilt axis lies at `degrees` from the image Y axis, counter-clockwise (the convention of
 * AreTomo's ROT and of IMOD's and SerialEM's tilt-axis angle), rotated about its centre so that the axis runs
 * along Y: the rotation of an .aln row with no shift, the same for every section. An axis nearer X than Y swaps
 * the aligned image's width and height, so that the long side along the axis is kept whole.
 */
export function tiltAxisAlignment(degrees: number, stack: { nx: number; ny: number; nSections: number }, source: string): StackAlignment {
  if (!Number.isFinite(degrees) || Math.abs(degrees) > 180) {
    throw new AlignmentFileError(`${source}: the tilt-axis angle must be a number of degrees between −180 and 180, got ${degrees}`);
  }
  const outputSize = swappedSize([degrees], stack);
  return {
    source,
    transforms: Array.from({ length: stack.nSections }, () => rotationSampling(degrees, 0, 0)),
    keptSections: Array.from({ length: stack.nSections }, (_, k) => k),
    rawSections: stack.nSections,
    ...(outputSize && { outputSize }),
    warnings: [],
  };
}

/** An AreTomo alignment: the kept sections in raw stack order, with their transforms and tilt angles. */
export function aretomoAlignment(aln: TextFile): StackAlignment {
  const file = parseAln(aln.text, aln.name);
  const warnings: string[] = [];
  if (file.numPatches > 0) warnings.push(`${aln.name}: the local alignment (${file.numPatches} patches) is not applied, only the global one.`);
  if (file.sections.some((row) => row.magnification !== 1)) {
    warnings.push(`${aln.name}: magnifications (GMAG) other than 1 are not applied, as AreTomo itself does not apply them.`);
  }
  const outputSize = swappedSize(
    file.sections.map((row) => row.rotation),
    file.rawSize,
  );
  return {
    source: aln.name,
    transforms: file.sections.map(alnToSampling),
    keptSections: file.sections.map((row) => row.section),
    tiltAngles: file.sections.map((row) => row.tiltAngle),
    rawSections: file.rawSize.nz,
    rawSize: { nx: file.rawSize.nx, ny: file.rawSize.ny },
    ...(outputSize && { outputSize }),
    ...(file.specimenThickness && { specimenThickness: file.specimenThickness }),
    warnings,
  };
}

/** The alignment fits the raw stack, or one error naming both files and both counts (or sizes). */
export function checkAlignment(alignment: StackAlignment, stack: { name: string; nx: number; ny: number; nSections: number }): void {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (alignment.rawSections !== stack.nSections) {
    throw new AlignmentFileError(
      `${alignment.source} is for ${plural(alignment.rawSections, 'section')} but ${stack.name} has ${plural(stack.nSections, 'section')}`,
    );
  }
  const size = alignment.rawSize;
  if (size && (size.nx !== stack.nx || size.ny !== stack.ny)) {
    throw new AlignmentFileError(`${alignment.source} is for ${size.nx} × ${size.ny} images but ${stack.name} has ${stack.nx} × ${stack.ny}`);
  }
}
