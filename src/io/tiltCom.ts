/**
 * IMOD's command file for its reconstruction program tilt (etomo's tilt.com, tilta.com, …): the views it leaves
 * out and the angle offset it adds are applied at load, so that a tomogram made here from the same aligned stack
 * uses the tilts IMOD's did; its thickness and radial filter are shown; what changes IMOD's geometry and is not
 * done here (local alignments, an X-axis tilt, a shift, a log) is said in one warning.
 *
 * Format (tilt's own documentation, IMOD autodoc tilt.adoc): a `$tilt` line, then one entry a line, `NAME value`.
 * With `$tilt -StandardInput` every line is an entry; the older form takes the input and output file names on the
 * two lines after `$tilt`. Input ends at the next `$` line, `DONE` or `EndInput`; `#` starts a comment line.
 * Views are numbered from 1 in the input (aligned) stack: view v is section v − 1.
 */
import { parseNumberList } from './numberList.ts';

export interface TiltComEntry<T> {
  value: T;
  /** "tilt.com line 20 (EXCLUDELIST2)". */
  source: string;
}

export interface TiltCom {
  file: string;
  /** The stack it reconstructs (InputProjections, or the older form's first line), when named. */
  input: TiltComEntry<string> | null;
  /** The angle file it reads (TILTFILE). */
  tiltFile: TiltComEntry<string> | null;
  /** Views (from 1) it leaves out: every EXCLUDE, EXCLUDELIST and EXCLUDELIST2 entry, sorted, each once. */
  excluded: TiltComEntry<number[]> | null;
  /** Views (from 1) it keeps (INCLUDE): tilt refuses these beside an exclude list, and so does this reader. */
  included: TiltComEntry<number[]> | null;
  /** Degrees added to every tilt angle (OFFSET's first value; positive turns the sections anticlockwise). */
  angleOffset: TiltComEntry<number> | null;
  /** THICKNESS, in pixels of the original images (IMOD scales it down by IMAGEBINNED). */
  thickness: TiltComEntry<number> | null;
  /** IMAGEBINNED: the input stack's binning relative to the original images; 1 when not given. */
  imageBinned: number;
  /** RADIAL: the radial filter's cutoff and Gaussian fall-off (cycles/pixel when the cutoff is ≤ 1, else Fourier pixels). */
  radial: TiltComEntry<[number, number]> | null;
  /** FalloffIsTrueSigma 1 (etomo writes it since IMOD 4.10): RADIAL's fall-off is the Gaussian's σ, not IMOD's older measure. */
  falloffIsTrueSigma: boolean;
  /** Entries that change tilt's result and are not applied here, each with its line: "LOCALFILE (line 8)". */
  notApplied: string[];
}

export class TiltComError extends Error {}

/** Entries whose values are lists of views to leave out (tilt reads EXCLUDE and EXCLUDELIST as EXCLUDELIST2). */
const EXCLUDE_ENTRIES = new Set(['exclude', 'excludelist', 'excludelist2']);

/** Entries that change the tomogram's geometry or values and that this loader does not apply, with what they do. */
const NOT_APPLIED: Record<string, string> = {
  localfile: 'local alignments',
  xtiltfile: 'per-view X-axis tilts, none where its file holds only zeros',
  zfactorfile: 'per-view Z factors',
  compress: 'per-view compression',
  log: 'a logarithm of the data',
  replicate: 'replicated views',
  angles: 'tilt angles given in the file',
};

/** Entries that are not applied where their values are all 0 (etomo writes them so). */
const NOT_APPLIED_UNLESS_ZERO: Record<string, string> = {
  xaxistilt: 'an X-axis tilt',
  shift: 'a shift of the reconstructed slices',
  fakesirtiterations: 'a SIRT-like filter in place of the radial weighting',
  hamminglikefilter: 'a Hamming-like filter in place of the radial weighting',
  flatfilterfraction: 'a flat filter mixed into the radial weighting',
};

/** The line that starts tilt's input: `$tilt`, alone or with options (`$tilt -StandardInput`). */
const TILT_LINE = /^\s*\$tilt(\s|$)/i;

/** Whether a command file runs tilt: etomo writes many others beside it (newst.com, align.com, …). */
export function runsTilt(text: string): boolean {
  return text.split(/\r?\n/).some((line) => TILT_LINE.test(line));
}

/** A whitespace- or comma-separated list of numbers; null when any is not one. */
function numbers(text: string): number[] | null {
  const values = text.trim().split(/[\s,]+/).map(Number);
  return values.every(Number.isFinite) ? values : null;
}

/** The entries after the `$tilt` line (line numbers from 1), up to the end of tilt's input. */
function tiltEntries(text: string, file: string): { lines: { key: string; value: string; line: number }[]; input: TiltComEntry<string> | null } {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => TILT_LINE.test(line));
  if (start < 0) throw new TiltComError(`${file}: no $tilt line: not a command file for IMOD's tilt`);
  const standardInput = /-StandardInput/i.test(lines[start]);
  const entries: { key: string; value: string; line: number }[] = [];
  const positional: { value: string; line: number }[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith('$')) break;
    if (line === '' || line.startsWith('#')) continue;
    // The older form names the input and output files on the first two lines.
    if (!standardInput && positional.length < 2) {
      positional.push({ value: line, line: i + 1 });
      continue;
    }
    const [key, ...rest] = line.split(/\s+/);
    if (/^(done|endinput)$/i.test(key)) break;
    entries.push({ key: key.toLowerCase(), value: rest.join(' '), line: i + 1 });
  }
  const named = entries.find((e) => e.key === 'inputprojections');
  const input = named ? { value: named.value, source: `${file} line ${named.line} (InputProjections)` } : positional[0] ? { value: positional[0].value, source: `${file} line ${positional[0].line}` } : null;
  return { lines: entries, input };
}

/** Parse a tilt command file; a value that is not what its entry takes is an error naming the file and the line. */
export function parseTiltCom(text: string, file: string): TiltCom {
  const { lines, input } = tiltEntries(text, file);
  const com: TiltCom = { file, input, tiltFile: null, excluded: null, included: null, angleOffset: null, thickness: null, imageBinned: 1, radial: null, falloffIsTrueSigma: false, notApplied: [] };
  const where = (e: { key: string; line: number }, name: string) => `${file} line ${e.line} (${name})`;
  const fail = (e: { key: string; value: string; line: number }, name: string, wants: string): never => {
    throw new TiltComError(`${where(e, name)}: "${e.value}" is not ${wants}`);
  };
  const exclude: number[] = [];
  const include: number[] = [];
  const listSources: string[] = [];
  for (const e of lines) {
    const name = e.key.toUpperCase();
    if (EXCLUDE_ENTRIES.has(e.key) || e.key === 'include') {
      if (e.value === '') continue; // etomo writes an empty EXCLUDELIST when none is left out
      const views = parseNumberList(e.value) ?? fail(e, name, 'a list of view numbers from 1 (1-3,41)');
      (e.key === 'include' ? include : exclude).push(...views);
      listSources.push(where(e, name));
    } else if (e.key === 'offset') {
      const [angle, dx = 0] = numbers(e.value) ?? fail(e, 'OFFSET', 'an angle offset in degrees');
      com.angleOffset = { value: angle, source: where(e, 'OFFSET') };
      if (dx !== 0) com.notApplied.push(`OFFSET's tilt-axis offset of ${dx} pixels (line ${e.line})`);
    } else if (e.key === 'thickness') {
      const [value] = numbers(e.value) ?? fail(e, 'THICKNESS', 'a thickness in pixels');
      if (!(value > 0)) fail(e, 'THICKNESS', 'a thickness in pixels');
      com.thickness = { value, source: where(e, 'THICKNESS') };
    } else if (e.key === 'imagebinned') {
      const [value] = numbers(e.value) ?? fail(e, 'IMAGEBINNED', 'a binning');
      if (!(value >= 1)) fail(e, 'IMAGEBINNED', 'a binning');
      com.imageBinned = value;
    } else if (e.key === 'radial') {
      const [cutoff, sigma = 0] = numbers(e.value) ?? fail(e, 'RADIAL', 'a cutoff and a fall-off');
      com.radial = { value: [cutoff, sigma], source: where(e, 'RADIAL') };
    } else if (e.key === 'falloffistruesigma') {
      com.falloffIsTrueSigma = (numbers(e.value) ?? fail(e, 'FalloffIsTrueSigma', '0 or 1'))[0] !== 0;
    } else if (e.key === 'tiltfile') {
      com.tiltFile = { value: e.value, source: where(e, 'TILTFILE') };
    } else if (e.key in NOT_APPLIED) {
      com.notApplied.push(`${name} (${NOT_APPLIED[e.key]}, line ${e.line})`);
    } else if (e.key in NOT_APPLIED_UNLESS_ZERO && (numbers(e.value) ?? [1]).some((v) => v !== 0)) {
      com.notApplied.push(`${name} ${e.value} (${NOT_APPLIED_UNLESS_ZERO[e.key]}, line ${e.line})`);
    }
  }
  if (exclude.length > 0 && include.length > 0) throw new TiltComError(`${file}: both views to include and views to exclude (${listSources.join(', ')}): tilt takes one or the other`);
  const sorted = (views: number[]) => [...new Set(views)].sort((a, b) => a - b);
  if (exclude.length > 0) com.excluded = { value: sorted(exclude), source: listSources.join(', ') };
  if (include.length > 0) com.included = { value: sorted(include), source: listSources.join(', ') };
  return com;
}

/** The base name of a path as tilt.com writes it (file names may carry a directory). */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
