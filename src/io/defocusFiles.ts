/**
 * CTF estimates that come with a stack (docs/loading.md#side-files): the defocus of every raw section, for the phase
 * flip (engine/phaseFlip.ts). Two formats, both one value per view of the stack as stored:
 *
 *  - IMOD ctfplotter's `.defocus`: lines `startView endView angle1 angle2 defocus(nm) …`, views from 1. Version 2
 *    writes a 2 after the first line's defocus; from version 3 the first line is a header `flags 0 0 0 0 version`
 *    whose flags say which columns follow the defocus (1: a second defocus and the astigmatism angle, 4: a
 *    phase-plate shift, 32: a cut-on frequency). A line's value belongs to its middle view; views between two lines
 *    are interpolated linearly, views beyond the first and last take their value (as ctfphaseflip does).
 *  - CTFFIND's output text, which AreTomo writes as `STEM_CTF.txt`: `#` comment lines, then one row per image:
 *    `image defocus1(Å) defocus2(Å) azimuth(°) phaseShift(rad) …`, images from 1. CTFFIND's own (not AreTomo's)
 *    names the microscope in a comment: `# Pixel size: … ; acceleration voltage: 300.0 keV ; spherical
 *    aberration: 2.70 mm ; amplitude contrast: 0.07`.
 *
 * AreTomo writes the same estimate in IMOD's form too (AreTomo3 `STEM_CTF_Imod.txt`, AreTomo2's IMOD folder
 * `STEM_ctf.txt`): a `.txt` is read as IMOD's when its first line is a version-3 header, whatever its name.
 *
 * The defocus is the mean of the two astigmatic axes; the astigmatism (their half-difference and the first axis'
 * angle, as components that interpolate) goes with it, and the phase flip corrects for both. A phase plate's shift
 * (IMOD's in degrees unless its flags say radians, CTFFIND's in radians) is read per section, in radians,
 * interpolated between lines as the defocus is.
 */
import { clip, isAreTomoTiltFile, NUMBER, splitLines } from './angles.ts';
import type { TextFile } from './alignmentFiles.ts';
import { astigmatismComponents } from './astigmatism.ts';
import { median } from './stats.ts';
import type { Astigmatism } from './types.ts';

/** A CTF estimate that cannot be read: the message names the file (and the line). */
export class DefocusFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefocusFileError';
  }
}

/** What a CTF estimate says about a stack of raw sections. */
export interface DefocusEstimate {
  file: string;
  /** µm under focus of each raw section: the mean of the two axes. */
  defocus: number[];
  /** The largest difference between the two axes over the sections, µm (0: none given). */
  astigmatism: number;
  /** Each raw section's astigmatism (io/types.ts), its angle as the estimate gives it; absent when no section has one. */
  astigmaticAxes?: Astigmatism;
  /** Radians a phase plate adds, each raw section, when a shift other than 0 is given; absent otherwise. */
  phaseShift?: number[];
  /** The microscope as CTFFIND's header names it (kV, mm, fraction), with the file as source; absent when not named. */
  microscope?: CtfMicroscope;
  /** IMOD's form only: each line's views (sections from 0) and the tilt angles it gives for its first and last. */
  viewAngles?: { line: number; sections: [number, number]; angles: [number, number] }[];
  warnings: string[];
}

/** "0.31–0.52 π" (or "0.50 π"): a phase plate's shifts (radians) over the tilts, in units of π. */
export function phaseShiftRange(phaseShift: readonly number[]): string {
  const [lo, hi] = [Math.min(...phaseShift), Math.max(...phaseShift)].map((p) => (p / Math.PI).toFixed(2));
  return lo === hi ? `${lo} π` : `${lo}–${hi} π`;
}

/**
 * How far (µm, and as a fraction of it) a tilt's defocus may lie from the median of its neighbours' before it is
 * doubted: autofocus keeps a series within a few tenths of a µm of its target, while a CTF fit that failed (most
 * often at high tilt, where the Thon rings fade) lands microns away.
 */
const DEFOCUS_OUTLIER_UM = 1;
const DEFOCUS_OUTLIER_FRACTION = 0.3;
/** Neighbours by angle on each side that a tilt's defocus is compared with. */
const DEFOCUS_NEIGHBOURS = 3;

/**
 * The tilts (indices into `defocus`, ascending) whose defocus is further from the median of their
 * DEFOCUS_NEIGHBOURS nearest tilts by angle on each side than DEFOCUS_OUTLIER_UM and DEFOCUS_OUTLIER_FRACTION of
 * that median both allow, with that median.
 */
export function defocusOutliers(defocus: readonly number[], tiltAngles: readonly number[]): { index: number; expected: number }[] {
  const order = tiltAngles.map((_, j) => j).sort((a, b) => tiltAngles[a] - tiltAngles[b]);
  return order
    .flatMap((j, r) => {
      const around = [...order.slice(Math.max(0, r - DEFOCUS_NEIGHBOURS), r), ...order.slice(r + 1, r + 1 + DEFOCUS_NEIGHBOURS)].map((k) => defocus[k]);
      const expected = median(around);
      return around.length > 0 && Math.abs(defocus[j] - expected) > Math.max(DEFOCUS_OUTLIER_UM, DEFOCUS_OUTLIER_FRACTION * expected) ? [{ index: j, expected }] : [];
    })
    .sort((a, b) => a.index - b.index);
}

/**
 * A warning naming the tilts (numbers from 1 as loaded, with their angles) whose defocus defocusOutliers doubts,
 * or null: the phase flip would flip them at a defocus they were not taken at.
 */
export function defocusOutlierWarning(file: string, defocus: readonly number[], tiltAngles: readonly number[]): string | null {
  const outliers = defocusOutliers(defocus, tiltAngles);
  if (outliers.length === 0) return null;
  const each = outliers.map(({ index, expected }) => `${index + 1} (${tiltAngles[index]}°: ${defocus[index].toFixed(2)} µm where its neighbours have about ${expected.toFixed(2)})`).join(', ');
  return `${file}: the defocus of tilt${outliers.length === 1 ? '' : 's'} ${each} is far from its neighbours': a CTF fit that failed? The phase flip would use it as given; leave ${outliers.length === 1 ? 'that tilt' : 'those tilts'} out or correct the estimate`;
}

/** The microscope a CTF estimate was made for, as far as its file says. */
export interface CtfMicroscope {
  voltage?: number;
  cs?: number;
  amplitudeContrast?: number;
  source: string;
}

/**
 * IMOD ctfplotter's version-2 `.defocus` text for a stack: one line per view (views from 1) with its angle twice and
 * its defocus in nm, the version (2) after the first line's, as readImodDefocus reads it and ctfphaseflip takes it.
 */
export function formatImodDefocus(tiltAngles: readonly number[], defocusUm: readonly number[]): string {
  if (tiltAngles.length !== defocusUm.length) throw new RangeError(`formatImodDefocus: ${defocusUm.length} defocus values for ${tiltAngles.length} tilts`);
  return tiltAngles
    .map((angle, k) => `${k + 1}\t${k + 1}\t${angle.toFixed(2)}\t${angle.toFixed(2)}\t${(defocusUm[k] * 1000).toFixed(1)}${k === 0 ? '\t2' : ''}\n`)
    .join('');
}

/** IMOD's version-3 header flags (ctfplotter): which optional columns follow the defocus. */
const HAS_ASTIGMATISM = 1;
const ASTIGMATISM_IN_RADIANS = 2;
const HAS_PHASE = 4;
const PHASE_IN_RADIANS = 8;
const ANGLES_INVERTED = 16;
const HAS_CUT_ON = 32;

/** Whether a file name is a CTF estimate: an IMOD `.defocus`, or a `.txt` with "ctf" in its name (AreTomo's `_CTF.txt`, CTFFIND's output). */
export function isDefocusFile(name: string): boolean {
  // AreTomo3's tilt table STEM_TLT.txt is not one, whatever its stem.
  return /\.defocus$/i.test(name) || (/ctf[^/]*\.txt$/i.test(name) && !isAreTomoTiltFile(name));
}

/**
 * The CTF estimate to read among several of one drop: AreTomo3 writes `STEM_CTF.txt` and, with the same values in
 * IMOD's form, `STEM_CTF_Imod.txt`; of that pair the first is read and the other named as set aside. Any other
 * set of several is refused.
 */
export function pickDefocusFile<F extends { name: string }>(estimates: readonly F[]): { picked?: F; setAside?: F } {
  if (estimates.length < 2) return { picked: estimates[0] };
  const [a, b] = estimates;
  const imodForm = (f: F, other: F) => f.name.toLowerCase() === other.name.toLowerCase().replace(/\.txt$/, '_imod.txt');
  if (estimates.length === 2 && (imodForm(a, b) || imodForm(b, a))) return imodForm(a, b) ? { picked: b, setAside: a } : { picked: a, setAside: b };
  throw new Error(`several CTF estimates (${estimates.map((f) => f.name).join(', ')}): drop one`);
}

/** Whether a CTF estimate is in IMOD's form: a `.defocus`, or text whose first line is ctfplotter's version-3 header `flags 0 0 0 0 version`. */
function isImodForm(file: TextFile): boolean {
  if (/\.defocus$/i.test(file.name)) return true;
  const first = splitLines(file.text).find((line) => line.trim() !== '')?.trim().split(/\s+/) ?? [];
  if (first.length !== 6 || !first.every((w) => NUMBER.test(w))) return false;
  const [flags, ...rest] = first.map(Number);
  return Number.isInteger(flags) && rest.slice(0, 4).every((v) => v === 0) && Number.isInteger(rest[4]) && rest[4] >= 3;
}

/** A CTF estimate for a stack of `nSections` sections, read by its format; a bad line names the file and the line. */
export function readDefocusFile(file: TextFile, nSections: number): DefocusEstimate {
  const estimate = isImodForm(file) ? readImodDefocus(file, nSections) : readCtffind(file, nSections);
  const wrong = estimate.defocus.find((d) => !(d > 0 && Number.isFinite(d)));
  if (wrong !== undefined) throw new DefocusFileError(`${file.name}: a defocus of ${wrong} µm: the phase flip needs a finite underfocus (> 0)`);
  const wrongShift = estimate.phaseShift?.find((p) => !Number.isFinite(p));
  if (wrongShift !== undefined) throw new DefocusFileError(`${file.name}: a phase shift of ${wrongShift}: the phase flip needs a finite one`);
  return estimate;
}

/** The numbers of one line, or an error naming the file and line. */
function numbersOf(line: string, file: string, lineNumber: number, expect: string): number[] {
  const words = line.trim().split(/\s+/);
  if (!words.every((w) => NUMBER.test(w))) throw new DefocusFileError(`${file} line ${lineNumber}: expected ${expect}, found "${clip(line.trim())}"`);
  return words.map(Number);
}

interface Entry {
  /** 0-based section the value belongs to. */
  section: number;
  /** µm, each axis. */
  axes: [number, number];
  /** Radians, the first axis' angle from +x towards +y (CTFFIND's azimuth, ctfplotter's astigmatism angle). */
  azimuth: number;
  /** Radians. */
  phase: number;
  line: number;
}

function readImodDefocus(file: TextFile, nSections: number): DefocusEstimate {
  const warnings: string[] = [];
  const entries: Entry[] = [];
  const viewAngles: NonNullable<DefocusEstimate['viewAngles']> = [];
  let version = 0;
  let flags = 0;
  splitLines(file.text).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const values = numbersOf(raw, file.name, i + 1, 'view numbers, angles and a defocus in nm');
    if (entries.length === 0 && version === 0 && values.length >= 6) {
      version = values[5];
      // From version 3 the first line is a header: its first number holds the flags.
      if (version > 2) {
        flags = values[0];
        return;
      }
    }
    const astig = (flags & HAS_ASTIGMATISM) !== 0;
    const needed = 5 + (astig ? 2 : 0) + (flags & HAS_PHASE ? 1 : 0) + (flags & HAS_CUT_ON ? 1 : 0);
    if (values.length < needed) throw new DefocusFileError(`${file.name} line ${i + 1}: expected ${needed} numbers (views, angles, defocus${astig ? ', second defocus, astigmatism angle' : ''}), found ${values.length}`);
    const [start, end, , , defocus1] = values;
    const defocus2 = astig ? values[5] : defocus1;
    // ctfplotter writes the astigmatism's angle and the phase shift in degrees unless its flags say radians.
    const radians = (value: number, flag: number) => (flags & flag ? value : (value * Math.PI) / 180);
    const azimuth = astig ? radians(values[6], ASTIGMATISM_IN_RADIANS) : 0;
    const phase = flags & HAS_PHASE ? radians(values[astig ? 7 : 5], PHASE_IN_RADIANS) : 0;
    // A line's value belongs to its middle view (views from 1).
    const section = Math.floor((start + end) / 2) - 1;
    if (!Number.isInteger(start) || !Number.isInteger(end) || section < 0 || section >= nSections) {
      throw new DefocusFileError(`${file.name} line ${i + 1}: views ${start}–${end} are not views of a stack of ${nSections} sections`);
    }
    entries.push({ section, axes: [defocus1 / 1000, defocus2 / 1000], azimuth, phase, line: i + 1 });
    // Flag 16: the file's angles have the other sign to the stack's (ctfplotter run with inverted angles).
    const angleSign = flags & ANGLES_INVERTED ? -1 : 1;
    viewAngles.push({ line: i + 1, sections: [start - 1, end - 1], angles: [angleSign * values[2], angleSign * values[3]] });
  });
  if (entries.length === 0) throw new DefocusFileError(`${file.name} holds no defocus`);
  if (version < 2) warnings.push(`${file.name}: an IMOD defocus file older than version 2, whose view numbers can be low by one (an old ctfplotter bug): check them`);
  return { ...fromEntries(entries, nSections, file.name), viewAngles, warnings };
}

function readCtffind(file: TextFile, nSections: number): DefocusEstimate {
  const entries: Entry[] = [];
  splitLines(file.text).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const values = numbersOf(line, file.name, i + 1, 'an image number, two defoci in Å, an azimuth and a phase shift');
    if (values.length < 5) throw new DefocusFileError(`${file.name} line ${i + 1}: expected at least 5 numbers (image, defocus 1 and 2 in Å, azimuth, phase shift), found ${values.length}`);
    const [image, defocus1, defocus2, azimuth, phase] = values;
    if (!Number.isInteger(image) || image < 1 || image > nSections) throw new DefocusFileError(`${file.name} line ${i + 1}: image ${image} is not an image of a stack of ${nSections} sections`);
    entries.push({ section: image - 1, axes: [defocus1 / 1e4, defocus2 / 1e4], azimuth: (azimuth * Math.PI) / 180, phase, line: i + 1 });
  });
  if (entries.length === 0) throw new DefocusFileError(`${file.name} holds no defocus (CTFFIND or AreTomo rows: image, defocus 1, defocus 2, …)`);
  const missing = nSections - new Set(entries.map((e) => e.section)).size;
  if (missing > 0) throw new DefocusFileError(`${file.name} gives a defocus for ${nSections - missing} of the stack's ${nSections} sections`);
  const microscope = ctffindMicroscope(file);
  return { ...fromEntries(entries, nSections, file.name), ...(microscope && { microscope }), warnings: [] };
}

/**
 * The microscope CTFFIND's comment names (`acceleration voltage: 300.0 keV ; spherical aberration: 2.70 mm ;
 * amplitude contrast: 0.07`), each value only where it is a number in range; undefined when none is.
 */
function ctffindMicroscope(file: TextFile): CtfMicroscope | undefined {
  const header = splitLines(file.text).filter((line) => line.trim().startsWith('#')).join(' ');
  const valueOf = (pattern: RegExp, ok: (v: number) => boolean): number | undefined => {
    const found = pattern.exec(header);
    const value = found ? Number(found[1]) : NaN;
    return Number.isFinite(value) && ok(value) ? value : undefined;
  };
  const voltage = valueOf(/acceleration voltage:\s*([-+\d.eE]+)\s*keV/i, (v) => v > 0);
  const cs = valueOf(/spherical aberration:\s*([-+\d.eE]+)\s*mm/i, (v) => v >= 0);
  const amplitudeContrast = valueOf(/amplitude contrast:\s*([-+\d.eE]+)/i, (v) => v >= 0 && v < 1);
  if (voltage === undefined && cs === undefined && amplitudeContrast === undefined) return undefined;
  return { ...(voltage !== undefined && { voltage }), ...(cs !== undefined && { cs }), ...(amplitudeContrast !== undefined && { amplitudeContrast }), source: file.name };
}

/** How far (degrees) a line's angle may be from its view's in the series before the views are doubted. */
const VIEW_ANGLE_TOLERANCE = 0.5;

/**
 * A warning when an IMOD-form estimate's lines give tilt angles unlike those of the views they name in the series
 * (`angleOf`: a raw section's angle, undefined when unknown), as ctfphaseflip checks its views against its angle
 * file: its views may then not be this stack's (an old ctfplotter's off-by-one; AreTomo's IMOD folder, written
 * after dark views were removed, beside a stack that still has them). Null when they agree or cannot be compared.
 */
export function viewAngleWarning(estimate: DefocusEstimate, angleOf: (section: number) => number | undefined): string | null {
  const off = estimate.viewAngles?.find(({ sections, angles }) => sections.some((k, i) => {
    const angle = angleOf(k);
    return angle !== undefined && Math.abs(angle - angles[i]) > VIEW_ANGLE_TOLERANCE;
  }));
  if (!off) return null;
  const [first, last] = off.sections;
  const one = first === last;
  const span = (a: (number | undefined)[]) => a.slice(0, one ? 1 : 2).map((v) => (v === undefined ? '?' : `${v.toFixed(2)}°`)).join(' … ');
  const views = one ? `view ${first + 1}` : `views ${first + 1}–${last + 1}`;
  return `${estimate.file} line ${off.line}: ${views} at ${span(off.angles)}, where the series has ${span(off.sections.map(angleOf))}: its views may not be this stack's (an old ctfplotter's off-by-one, or dark views removed before it was written); the defocus is taken by view number`;
}

/**
 * Every section's mean defocus (and astigmatism, as its two components, and phase shift) from the entries:
 * interpolated linearly between them, the end values beyond.
 */
function fromEntries(entries: Entry[], nSections: number, file: string): Omit<DefocusEstimate, 'warnings'> {
  const sorted = [...entries].sort((a, b) => a.section - b.section);
  const twice = sorted.find((e, j) => j > 0 && e.section === sorted[j - 1].section);
  if (twice) throw new DefocusFileError(`${file} line ${twice.line}: a second defocus for section ${twice.section} (view ${twice.section + 1})`);
  const everySection = (value: (e: Entry) => number) =>
    Array.from({ length: nSections }, (_, k) => {
      const after = sorted.findIndex((e) => e.section >= k);
      if (after < 0) return value(sorted[sorted.length - 1]);
      if (after === 0 || sorted[after].section === k) return value(sorted[after]);
      const [a, b] = [sorted[after - 1], sorted[after]];
      return value(a) + ((value(b) - value(a)) * (k - a.section)) / (b.section - a.section);
    });
  const components = (e: Entry) => astigmatismComponents(e.axes[0] - e.axes[1], e.azimuth);
  return {
    file,
    defocus: everySection((e) => (e.axes[0] + e.axes[1]) / 2),
    astigmatism: Math.max(...entries.map((e) => Math.abs(e.axes[0] - e.axes[1]))),
    ...(entries.some((e) => e.axes[0] !== e.axes[1]) && {
      astigmaticAxes: { cos2: everySection((e) => components(e).cos2), sin2: everySection((e) => components(e).sin2) },
    }),
    ...(entries.some((e) => e.phase !== 0) && { phaseShift: everySection((e) => e.phase) }),
  };
}
