/**
 * Tilt-angle files (docs/conventions.md#angle-files). Angles are in degrees and in stack order: entry k
 * belongs to section k of the tilt series, whether or not the angles are sorted
 * (dose-symmetric acquisitions are not).
 *
 *  - .tlt / .rawtlt (IMOD): one angle per line; blank lines and surrounding whitespace ignored.
 *  - .mdoc (SerialEM): `[ZValue = k]` sections each holding `TiltAngle = a`; the angle of
 *    section k is the one in `[ZValue = k]`, wherever that block sits in the file.
 *    PixelSpacing (Å) comes from the global header or, failing that, the sections.
 */

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

export function parseMdoc(text: string, name = 'mdoc file'): MdocInfo {
  let globalPixel: number | null = null;
  let sectionPixel: number | null = null;
  // Current section: null before the first [..] line (the global header).
  let section: { kind: string; z: number | null; line: number } | null = null;
  const tiltByZ = new Map<number, number>();
  const zLine = new Map<number, number>();

  const number = (value: string, key: string, line: number): number => {
    const first = value.trim().split(/\s+/)[0] ?? '';
    if (!NUMBER.test(first)) throw new AngleFileError(`${name} line ${line}: ${key} should be a number, found "${clip(value.trim())}"`);
    return Number(first);
  };

  splitLines(text).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const head = /^\[\s*([^=\]]+?)\s*(?:=\s*([^\]]*?))?\s*\]$/.exec(line);
    if (head) {
      const kind = head[1];
      let z: number | null = null;
      if (kind.toLowerCase() === 'zvalue') {
        z = number(head[2] ?? '', 'ZValue', lineNo);
        if (!Number.isInteger(z) || z < 0) throw new AngleFileError(`${name} line ${lineNo}: ZValue should be a section index ≥ 0, found ${z}`);
        if (zLine.has(z)) throw new AngleFileError(`${name} line ${lineNo}: [ZValue = ${z}] appears twice (first at line ${zLine.get(z)})`);
        zLine.set(z, lineNo);
      }
      section = { kind, z, line: lineNo };
      return;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!pair) return; // free text (SerialEM titles and notes) carries nothing we need
    const key = pair[1].toLowerCase();
    if (key === 'pixelspacing') {
      const value = number(pair[2], 'PixelSpacing', lineNo);
      if (section === null) globalPixel ??= value;
      else if (section.z !== null) sectionPixel ??= value;
    } else if (key === 'tiltangle' && section !== null && section.z !== null) {
      tiltByZ.set(section.z, number(pair[2], 'TiltAngle', lineNo));
    }
  });

  if (zLine.size === 0) throw new AngleFileError(`${name} has no [ZValue = k] sections, so no tilt angles`);
  const zs = [...zLine.keys()].sort((a, b) => a - b);
  for (const z of zs) {
    if (!tiltByZ.has(z)) throw new AngleFileError(`${name} line ${zLine.get(z)}: [ZValue = ${z}] has no TiltAngle`);
  }
  zs.forEach((z, k) => {
    if (z !== k) throw new AngleFileError(`${name}: ZValues should run 0, 1, 2, … without gaps, but section ${k} is missing`);
  });
  const pixelSize = globalPixel ?? sectionPixel;
  return { tiltAngles: zs.map((z) => tiltByZ.get(z) as number), pixelSize: pixelSize && pixelSize > 0 ? pixelSize : null };
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

/** Text from a file, made safe to echo: at most 40 characters, control characters (terminal escapes) shown as '?'. */
export function clip(text: string): string {
  const shown = Array.from(text.length > 40 ? text.slice(0, 40) : text, (c) => (c.charCodeAt(0) < 32 || (c.charCodeAt(0) >= 127 && c.charCodeAt(0) < 160) ? '?' : c)).join('');
  return text.length > 40 ? `${shown}…` : shown;
}
