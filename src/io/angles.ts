/**
 * Tilt-angle files (docs/conventions.md#angle-files). Angles are in degrees and in stack order: entry k
 * belongs to section k of the tilt series, whether or not the angles are sorted
 * (dose-symmetric acquisitions are not).
 *
 *  - .tlt / .rawtlt (IMOD): one angle per line; blank lines and surrounding whitespace ignored.
 *  - .mdoc (SerialEM): `[ZValue = k]` sections each holding `TiltAngle = a`; the angle of
 *    section k is the one in `[ZValue = k]`, wherever that block sits in the file.
 *    PixelSpacing (Å) comes from the global header or, failing that, the sections.
 *    `parseMdocMetadata` reads the rest the tilt series needs (voltage, tilt axis, doses in acquisition
 *    order, dark tilts), each value with the file and line it came from (docs/metadata.md).
 */
import { median } from './stats.ts';

export class AngleFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AngleFileError';
  }
}

export interface MdocInfo {
  tiltAngles: number[];
  /** Å per pixel, or null when the file does not say. */
  pixelSize: number | null;
}

/** A plain decimal number (no hex, no empty string, which Number() would accept). */
export const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

export function parseTlt(text: string, name = 'angle file'): number[] {
  const angles: number[] = [];
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (!NUMBER.test(line)) {
      throw new AngleFileError(`${name} line ${i + 1}: expected one tilt angle in degrees, found "${clip(line)}"`);
    }
    angles.push(Number(line));
  });
  if (angles.length === 0) throw new AngleFileError(`${name} contains no tilt angles`);
  return angles;
}

/** A value read from a file, with where it came from (e.g. "TS_01.mrc.mdoc line 9"), for the page to show. */
export interface Sourced<T> {
  value: T;
  source: string;
}

/** A section the metadata marks as dark (beam blocked, grid bar, lost tracking): to exclude, never dropped silently. */
export interface DarkTilt {
  /** Its ZValue, which is its section (projection) in the stack. */
  section: number;
  tiltAngle: number;
  reason: string;
  source: string;
}

/**
 * Everything WedgeLab reads from a SerialEM .mdoc (docs/metadata.md), or the part of it AreTomo3's _TLT.txt says
 * (parseAreTomoTiltFile). Per-tilt arrays are in stack order (index k = [ZValue = k]); null means the file does not
 * say, never zero.
 */
export interface MdocMetadata {
  file: string;
  /** Degrees, stack order. */
  tiltAngles: Sourced<number[]>;
  /** Å per pixel. */
  pixelSize: Sourced<number> | null;
  /** Accelerating voltage in kV (global `Voltage`). */
  voltage: Sourced<number> | null;
  /**
   * Degrees, as SerialEM and IMOD state it for the raw stack: from the `[T = … Tilt axis angle = a, …]` title,
   * else `RotationAngle − 90°` of [ZValue = 0] (SerialEM writes the title from RotationAngle that way, unless
   * its "rotate axis angle" option added 180°, which the sections do not record).
   */
  tiltAxisAngle: Sourced<number> | null;
  /** Each tilt's own exposure in e/Å², each with its source; null when any tilt's is unknown. */
  exposureDose: Sourced<number>[] | null;
  /** e/Å² received before each tilt: the sum of the exposures of the tilts acquired before it; null when unknown. */
  accumulatedDose: Sourced<number[]> | null;
  /** Stack indices in acquisition order: by DateTime when every section has one, else by ZValue (AreTomo3's _TLT.txt: its acquisition index). */
  acquisitionOrder: Sourced<number[]> & { from: 'DateTime' | 'ZValue' | 'acquisition index' | 'stack order' };
  /** Sections whose mean says they are dark (rule: DARK_FRACTION), for the loader to exclude and report. */
  darkTilts: DarkTilt[];
  /** What the user should know about how values were found (fallbacks, checks skipped). */
  notes: string[];
}

/**
 * A tilt is dark when its mean, divided by cos θ to allow for the 1/cos θ longer path through the specimen,
 * is below this fraction of the median of the same ratio over all tilts. Real high tilts of thick specimens
 * stay well above it (a path twice as long through a specimen of one mean free path keeps ~0.37 of the
 * zero-tilt mean, 0.74 after the correction); a blocked or empty exposure falls far below.
 */
export const DARK_FRACTION = 0.25;

interface MdocEntry {
  value: string;
  line: number;
}

interface MdocSection {
  z: number;
  line: number;
  /** Lower-cased key → its last entry in the section. */
  keys: Map<string, MdocEntry>;
}

/** The autodoc structure of an .mdoc: global keys, titles and the [ZValue = k] sections in stack order. */
interface MdocDocument {
  /** Lower-cased key → its first entry before any section. */
  global: Map<string, MdocEntry>;
  /** `[T = …]` titles. */
  titles: MdocEntry[];
  /** sections[k] is [ZValue = k]; every one has a TiltAngle. */
  sections: MdocSection[];
  /** PixelSpacing of the global header or, failing that, the first section (file order) that has one. */
  pixelSpacing: MdocEntry | null;
}

/** The first whitespace-separated field of an mdoc value as a number, or an error naming the file, line and key. */
function mdocNumber(name: string, entry: MdocEntry, key: string): number {
  return mdocNumbers(name, entry, key, 1)[0];
}

/** The first `count` fields of an mdoc value as numbers (e.g. MinMaxMean: 3). */
function mdocNumbers(name: string, entry: MdocEntry, key: string, count: number): number[] {
  const fields = entry.value.trim().split(/\s+/).slice(0, count);
  if (fields.length < count || !fields.every((f) => NUMBER.test(f))) {
    const expected = count === 1 ? 'a number' : `${count} numbers`;
    throw new AngleFileError(`${name} line ${entry.line}: ${key} should be ${expected}, found "${clip(entry.value.trim())}"`);
  }
  return fields.map(Number);
}

function readMdocDocument(text: string, name: string): MdocDocument {
  const global = new Map<string, MdocEntry>();
  const titles: MdocEntry[] = [];
  const byZ = new Map<number, MdocSection>();
  let pixelSpacing: MdocEntry | null = null;
  let sectionPixel: MdocEntry | null = null;
  // Current section: null before the first [..] line (the global header); z null for other section types.
  let section: { z: number | null; keys: Map<string, MdocEntry> | null } | null = null;

  splitLines(text).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const head = /^\[\s*([^=\]]+?)\s*(?:=\s*([^\]]*?))?\s*\]$/.exec(line);
    if (head) {
      const kind = head[1].toLowerCase();
      if (kind === 'zvalue') {
        const z = mdocNumber(name, { value: head[2] ?? '', line: lineNo }, 'ZValue');
        if (!Number.isInteger(z) || z < 0) throw new AngleFileError(`${name} line ${lineNo}: ZValue should be a section index ≥ 0, found ${z}`);
        if (byZ.has(z)) throw new AngleFileError(`${name} line ${lineNo}: [ZValue = ${z}] appears twice (first at line ${byZ.get(z)?.line})`);
        const keys = new Map<string, MdocEntry>();
        byZ.set(z, { z, line: lineNo, keys });
        section = { z, keys };
        return;
      }
      if (kind === 't') titles.push({ value: head[2] ?? '', line: lineNo });
      section = { z: null, keys: null };
      return;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!pair) return; // free text (SerialEM titles and notes) carries nothing we need
    const key = pair[1].toLowerCase();
    const entry = { value: pair[2], line: lineNo };
    // The angles and the pixel size are checked wherever they appear, as the file is read.
    if (key === 'pixelspacing') mdocNumber(name, entry, 'PixelSpacing');
    if (key === 'tiltangle' && section?.keys) mdocNumber(name, entry, 'TiltAngle');
    if (section === null) {
      if (!global.has(key)) global.set(key, entry);
      if (key === 'pixelspacing') pixelSpacing ??= entry;
    } else if (section.keys) {
      section.keys.set(key, entry);
      if (key === 'pixelspacing') sectionPixel ??= entry;
    }
  });

  if (byZ.size === 0) throw new AngleFileError(`${name} has no [ZValue = k] sections, so no tilt angles`);
  const sections = [...byZ.values()].sort((a, b) => a.z - b.z);
  for (const s of sections) {
    if (!s.keys.has('tiltangle')) throw new AngleFileError(`${name} line ${s.line}: [ZValue = ${s.z}] has no TiltAngle`);
  }
  sections.forEach((s, k) => {
    if (s.z !== k) throw new AngleFileError(`${name}: ZValues should run 0, 1, 2, … without gaps, but section ${k} is missing`);
  });
  return { global, titles, sections, pixelSpacing: pixelSpacing ?? sectionPixel };
}

function tiltAnglesOf(doc: MdocDocument, name: string): number[] {
  return doc.sections.map((s) => mdocNumber(name, s.keys.get('tiltangle') as MdocEntry, 'TiltAngle'));
}

/** A positive PixelSpacing in Å; 0 or less means the file does not know it. */
function pixelSizeOf(doc: MdocDocument, name: string): Sourced<number> | null {
  if (!doc.pixelSpacing) return null;
  const value = mdocNumber(name, doc.pixelSpacing, 'PixelSpacing');
  return value > 0 ? { value, source: `${name} line ${doc.pixelSpacing.line}` } : null;
}

export function parseMdoc(text: string, name = 'mdoc file'): MdocInfo {
  const doc = readMdocDocument(text, name);
  return { tiltAngles: tiltAnglesOf(doc, name), pixelSize: pixelSizeOf(doc, name)?.value ?? null };
}

/**
 * Everything an .mdoc says about its tilt series (MdocMetadata), each value with its source. The same
 * structural checks and messages as parseMdoc; a bad metadata value is an error naming the file and line.
 */
export function parseMdocMetadata(text: string, name = 'mdoc file'): MdocMetadata {
  const doc = readMdocDocument(text, name);
  const tiltAngles = tiltAnglesOf(doc, name);
  const pixelSize = pixelSizeOf(doc, name);
  const notes: string[] = [];
  const voltageEntry = doc.global.get('voltage');
  const voltage = voltageEntry ? { value: positive(name, voltageEntry, 'Voltage'), source: `${name} line ${voltageEntry.line}` } : null;
  const exposureDose = exposureDosesOf(doc, name, notes);
  const acquisitionOrder = acquisitionOrderOf(doc, name, notes);
  return {
    file: name,
    tiltAngles: { value: tiltAngles, source: `${name}: TiltAngle of [ZValue = 0] to [ZValue = ${tiltAngles.length - 1}]` },
    pixelSize,
    voltage,
    tiltAxisAngle: tiltAxisAngleOf(doc, name),
    exposureDose,
    accumulatedDose: exposureDose && {
      value: accumulate(exposureDose.map((d) => d.value), acquisitionOrder.value),
      source: `${name}: the exposures of the tilts acquired before each one, in ${acquisitionOrder.from} order`,
    },
    acquisitionOrder,
    darkTilts: darkTiltsOf(doc, name, tiltAngles, notes),
    notes,
  };
}

/** Whether a file name is AreTomo3's per-tilt table `STEM_TLT.txt`. */
export function isAreTomoTiltFile(name: string): boolean {
  return /_tlt\.txt$/i.test(name);
}

/**
 * AreTomo3's `STEM_TLT.txt`, one row per stack section: `angle [acquisitionIndex [dose]]` (degrees; the index
 * from 1, or from 0 in older files; the dose of that tilt's exposure in e/Å², 0 when AreTomo3 was not given one).
 * What a SerialEM .mdoc would say of the same things, and nothing else (no pixel size, voltage or tilt axis).
 */
export function parseAreTomoTiltFile(text: string, name = 'TLT file'): MdocMetadata {
  const rows: { angle: number; index?: number; dose?: number; line: number }[] = [];
  splitLines(text).forEach((raw, i) => {
    const words = raw.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    if (words.length > 3 || !words.every((w) => NUMBER.test(w))) throw new AngleFileError(`${name} line ${i + 1}: expected a tilt angle, an acquisition index and a dose, found "${clip(raw.trim())}"`);
    const values = words.map(Number);
    const [angle, index, dose] = values;
    if (!values.every(Number.isFinite)) throw new AngleFileError(`${name} line ${i + 1}: a value out of range in "${clip(raw.trim())}"`);
    if (dose !== undefined && !(dose >= 0)) throw new AngleFileError(`${name} line ${i + 1}: a dose should be ≥ 0 e/Å², found ${dose}`);
    rows.push({ angle, index, dose, line: i + 1 });
  });
  if (rows.length === 0) throw new AngleFileError(`${name} contains no tilt angles`);
  const notes: string[] = [];
  const indices = rows.map((r) => r.index);
  const stackOrder = rows.map((_, k) => k);
  const ordered = indices.every((v) => v !== undefined && Number.isInteger(v)) && new Set(indices).size === rows.length;
  if (!ordered) notes.push(`${name}: no acquisition index for every tilt, each once, so the tilts are taken as acquired in stack order`);
  const order = ordered ? [...stackOrder].sort((a, b) => (indices[a] as number) - (indices[b] as number)) : stackOrder;
  const doses = rows.map((r) => r.dose);
  const dosed = doses.every((d) => d !== undefined) && doses.some((d) => (d as number) > 0);
  if (!dosed) notes.push(`${name}: no dose for every tilt (AreTomo3 writes 0 when it was given none), so the doses are unknown`);
  const exposureDose = dosed ? rows.map((r) => ({ value: r.dose as number, source: `${name} line ${r.line}` })) : null;
  return {
    file: name,
    tiltAngles: { value: rows.map((r) => r.angle), source: `${name}: the angle of every row` },
    pixelSize: null,
    voltage: null,
    tiltAxisAngle: null,
    exposureDose,
    accumulatedDose: exposureDose && {
      value: accumulate(exposureDose.map((d) => d.value), order),
      source: `${name}: the doses of the tilts acquired before each one, in ${ordered ? 'acquisition index' : 'stack'} order`,
    },
    acquisitionOrder: ordered ? { value: order, from: 'acquisition index', source: `${name}: the acquisition index of every row` } : { value: order, from: 'stack order', source: `${name}: stack order` },
    darkTilts: [],
    notes,
  };
}

/** A number > 0 (an error naming the line otherwise). */
function positive(name: string, entry: MdocEntry, key: string): number {
  const value = mdocNumber(name, entry, key);
  if (!(value > 0)) throw new AngleFileError(`${name} line ${entry.line}: ${key} should be positive, found ${value}`);
  return value;
}

/** A number ≥ 0 (an error naming the line otherwise). */
function nonNegative(name: string, entry: MdocEntry, key: string): number {
  const value = mdocNumber(name, entry, key);
  if (value < 0) throw new AngleFileError(`${name} line ${entry.line}: ${key} should be ≥ 0, found ${value}`);
  return value;
}

/** From a `[T = … Tilt axis angle = a, binning = …]` title (also `TiltAxisAngle = a`), else RotationAngle − 90° of [ZValue = 0]. */
function tiltAxisAngleOf(doc: MdocDocument, name: string): Sourced<number> | null {
  for (const title of doc.titles) {
    const match = /tilt\s*axis\s*angle\s*=\s*([^\s,]*)/i.exec(title.value);
    if (match) return { value: mdocNumber(name, { value: match[1], line: title.line }, 'Tilt axis angle'), source: `${name} line ${title.line}` };
  }
  const rotation = doc.sections[0].keys.get('rotationangle');
  if (!rotation) return null;
  let axis = mdocNumber(name, rotation, 'RotationAngle') - 90;
  if (axis <= -180) axis += 360;
  if (axis > 180) axis -= 360;
  return { value: axis, source: `${name} line ${rotation.line} (RotationAngle − 90°)` };
}

/**
 * Each tilt's exposure in e/Å²: ExposureDose when > 0; else DoseRate × ExposureTime ÷ (PixelSpacing/Binning)²,
 * SerialEM's DoseRate being electrons per unbinned camera pixel per second; else unknown, and then null.
 */
function exposureDosesOf(doc: MdocDocument, name: string, notes: string[]): Sourced<number>[] | null {
  const doses: Sourced<number>[] = [];
  for (const s of doc.sections) {
    const dose = sectionDose(doc, s, name);
    if (typeof dose === 'string') {
      notes.push(`${name}: [ZValue = ${s.z}] (line ${s.line}) ${dose}, so the doses are unknown`);
      return null;
    }
    doses.push(dose);
  }
  const fromRate = doc.sections.filter((_, k) => doses[k].source.includes('DoseRate')).map((s) => s.z);
  if (fromRate.length > 0) {
    const which = fromRate.length === doc.sections.length ? 'every section' : `section${fromRate.length > 1 ? 's' : ''} ${fromRate.join(', ')}`;
    notes.push(`${name}: the dose of ${which} is DoseRate × ExposureTime ÷ (PixelSpacing/Binning)², since ExposureDose is missing or 0 there`);
  }
  return doses;
}

/** One section's exposure with its source, or why it is unknown. */
function sectionDose(doc: MdocDocument, s: MdocSection, name: string): Sourced<number> | string {
  const exposure = s.keys.get('exposuredose');
  if (exposure && nonNegative(name, exposure, 'ExposureDose') > 0) {
    return { value: mdocNumber(name, exposure, 'ExposureDose'), source: `${name} line ${exposure.line} (ExposureDose)` };
  }
  const needed = {
    DoseRate: s.keys.get('doserate'),
    ExposureTime: s.keys.get('exposuretime'),
    PixelSpacing: s.keys.get('pixelspacing') ?? doc.pixelSpacing ?? undefined,
    Binning: s.keys.get('binning'),
  };
  const lacking = Object.entries(needed).filter(([, entry]) => !entry).map(([key]) => key);
  if (lacking.length > 0) return `has no ExposureDose above 0, nor ${lacking.join(', ')} to compute it from the dose rate`;
  const { DoseRate: rate, ExposureTime: time, PixelSpacing: pixel, Binning: binning } = needed as Record<keyof typeof needed, MdocEntry>;
  const electronsPerPixel = nonNegative(name, rate, 'DoseRate') * nonNegative(name, time, 'ExposureTime');
  if (electronsPerPixel === 0) return 'has neither ExposureDose nor DoseRate × ExposureTime above 0';
  const unbinnedPixel = positive(name, pixel, 'PixelSpacing') / positive(name, binning, 'Binning');
  return {
    value: electronsPerPixel / (unbinnedPixel * unbinnedPixel),
    source: `${name} lines ${rate.line}, ${time.line}, ${pixel.line}, ${binning.line} (DoseRate × ExposureTime ÷ (PixelSpacing/Binning)²)`,
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** SerialEM's DateTime, `12-Mar-21  14:02:33` (day-month-year, two- or four-digit year), as ms since 1970 (the clock's own zone). */
function mdocDateTime(name: string, entry: MdocEntry): number {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(entry.value.trim());
  const month = match ? MONTHS.indexOf(match[2].toLowerCase()) : -1;
  if (!match || month < 0) throw new AngleFileError(`${name} line ${entry.line}: DateTime should read like 12-Mar-21  14:02:33, found "${clip(entry.value.trim())}"`);
  const year = match[3].length === 2 ? 2000 + Number(match[3]) : Number(match[3]);
  return Date.UTC(year, month, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
}

/** By DateTime when every section has one (ties keep ZValue order), else by ZValue. */
function acquisitionOrderOf(doc: MdocDocument, name: string, notes: string[]): MdocMetadata['acquisitionOrder'] {
  const stackOrder = doc.sections.map((s) => s.z);
  const missing = doc.sections.filter((s) => !s.keys.has('datetime')).map((s) => s.z);
  if (missing.length > 0) {
    const which = missing.length === doc.sections.length ? 'no section has a DateTime' : `section${missing.length > 1 ? 's' : ''} ${missing.join(', ')} lack${missing.length > 1 ? '' : 's'} a DateTime`;
    notes.push(`${name}: ${which}, so the tilts are taken as acquired in ZValue order`);
    return { value: stackOrder, from: 'ZValue', source: `${name}: ZValue order` };
  }
  const times = doc.sections.map((s) => mdocDateTime(name, s.keys.get('datetime') as MdocEntry));
  const order = [...stackOrder].sort((a, b) => times[a] - times[b] || a - b);
  return { value: order, from: 'DateTime', source: `${name}: DateTime of every section` };
}

/** accumulated[k] = Σ dose[j] over the tilts j acquired before k. */
function accumulate(doses: readonly number[], order: readonly number[]): number[] {
  const accumulated = new Array<number>(doses.length).fill(0);
  let sum = 0;
  for (const k of order) {
    accumulated[k] = sum;
    sum += doses[k];
  }
  return accumulated;
}

/**
 * The tilts whose mean / cos θ is below DARK_FRACTION of the median of mean / cos θ, each with that ratio as a
 * percentage of the median; null where the rule cannot be applied (a mean below 0, or a median not above 0:
 * signed or normalised data, where a mean says nothing about the dose; or a section with no finite value).
 */
export function darkTiltsByMean(means: readonly number[], tiltAngles: readonly number[]): { index: number; percent: number }[] | null {
  const corrected = means.map((m, k) => m / Math.cos((tiltAngles[k] * Math.PI) / 180));
  const middle = median(corrected);
  if (!(middle > 0) || means.some((m) => !(m >= 0))) return null;
  return corrected.flatMap((c, index) => (c < DARK_FRACTION * middle ? [{ index, percent: (100 * c) / middle }] : []));
}

/** Sections whose MinMaxMean mean says they are dark (darkTiltsByMean). */
function darkTiltsOf(doc: MdocDocument, name: string, tiltAngles: readonly number[], notes: string[]): DarkTilt[] {
  const entries = doc.sections.map((s) => s.keys.get('minmaxmean'));
  if (entries.some((e) => e === undefined)) {
    notes.push(`${name}: not every section has MinMaxMean, so dark tilts were not looked for`);
    return [];
  }
  const means = entries.map((e) => mdocNumbers(name, e as MdocEntry, 'MinMaxMean', 3)[2]);
  const dark = darkTiltsByMean(means, tiltAngles);
  if (!dark) {
    notes.push(`${name}: the MinMaxMean means are not all positive (signed or normalised data), so dark tilts were not looked for`);
    return [];
  }
  return dark.map(({ index: k, percent }) => ({
    section: k,
    tiltAngle: tiltAngles[k],
    reason: `mean ${means[k]} is ${percent.toFixed(0)}% of the median after allowing for the 1/cos θ path (below ${100 * DARK_FRACTION}%): a dark tilt`,
    source: `${name} line ${(entries[k] as MdocEntry).line} (MinMaxMean)`,
  }));
}

/** Dispatch on the extension, case-insensitive: .tlt, .rawtlt, .mdoc. */
export function readAngleFile(name: string, text: string): MdocInfo {
  const lower = name.toLowerCase();
  if (lower.endsWith('.tlt') || lower.endsWith('.rawtlt')) return { tiltAngles: parseTlt(text, name), pixelSize: null };
  if (lower.endsWith('.mdoc')) return parseMdoc(text, name);
  throw new AngleFileError(`${name}: unknown tilt-angle file type; expected .tlt, .rawtlt or .mdoc`);
}

/** One angle per section, or an error naming both files and both counts. */
export function checkAngleCount(tiltAngles: number[], nSections: number, angleFile: string, stackFile: string): void {
  if (tiltAngles.length === nSections) return;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  throw new AngleFileError(
    `${angleFile} has ${plural(tiltAngles.length, 'angle')} but ${stackFile} has ${plural(nSections, 'section')}`,
  );
}

/**
 * One angle per line with at least 2 decimals (IMOD writes %.2f), more when needed to keep
 * the value exact, up to 6; ends with a newline.
 */
export function formatTlt(tiltAngles: number[]): string {
  return tiltAngles
    .map((angle) => {
      if (!Number.isFinite(angle)) throw new AngleFileError(`cannot write tilt angle ${angle}`);
      let text = angle.toFixed(2);
      for (let digits = 3; digits <= 6 && Number(text) !== angle; digits++) text = angle.toFixed(digits);
      return (text.startsWith('-') && Number(text) === 0 ? text.slice(1) : text) + '\n';
    })
    .join('');
}

/** Names for a message: all of a few, the first four and how many more of many ("a, b, c, d and 37 more"). */
export function listNames(names: readonly string[], separator = ', '): string {
  return names.length > 4 ? `${names.slice(0, 4).join(separator)} and ${names.length - 4} more` : names.join(separator);
}

/** Text from a file, made safe to echo: at most 40 characters, control characters (terminal escapes) shown as '?'. */
export function clip(text: string): string {
  const shown = Array.from(text.length > 40 ? text.slice(0, 40) : text, (c) => (c.charCodeAt(0) < 32 || (c.charCodeAt(0) >= 127 && c.charCodeAt(0) < 160) ? '?' : c)).join('');
  return text.length > 40 ? `${shown}…` : shown;
}
