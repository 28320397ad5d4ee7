/**
 * A tilt series from the files a researcher drops: one MRC stack (.mrc/.st/.ali/.mrcs,
 * optionally .gz) and one angle file (.tlt/.rawtlt/.mdoc). Every failure names the file
 * and what was expected against what was found.
 */
import type { TiltSeries } from './types.ts';
import { checkAngleCount, readAngleFile } from './angles.ts';
import type { MrcDtype } from './mrc.ts';
import { readMrcStack, type StackReadOptions } from './mrcStream.ts';
import { checkTiltAngles, checkValues, tiltAngleWarnings } from './tiltSeriesChecks.ts';

/** A dropped file: a browser File as `{ name: file.name, blob: file }`, or in Node `{ name, blob: await fs.openAsBlob(path) }`. */
export interface NamedBlob {
  name: string;
  blob: Blob;
}

/** How to load: binning at load, progress and cancel (see readMrcStack). */
export type TiltSeriesLoadOptions = Pick<StackReadOptions, 'bin' | 'onProgress' | 'signal'>;

export interface LoadedTiltSeries {
  tiltSeries: TiltSeries;
  stackName: string;
  angleName: string;
  mode: number;
  dtype: MrcDtype;
  /** Binned at load: bin × bin pixel blocks averaged (1 = as stored). */
  bin: number;
  /** The stack's size in its file, before binning. */
  original: { nx: number; ny: number };
  /** Of the file's values (before binning). */
  stats: { min: number; max: number; mean: number };
  warnings: string[];
}

const STACK = /\.(mrc|st|ali|mrcs|map)(\.gz)?$/i;
const ANGLES = /\.(tlt|rawtlt|mdoc)$/i;

export function isStackFile(name: string): boolean {
  return STACK.test(name);
}

export function isAngleFile(name: string): boolean {
  return ANGLES.test(name);
}

function pickOne(files: NamedBlob[], test: (name: string) => boolean, what: string): NamedBlob {
  const found = files.filter((f) => test(f.name));
  if (found.length === 0) throw new Error(`no ${what} among ${files.map((f) => f.name).join(', ') || 'the dropped files'}`);
  if (found.length > 1) throw new Error(`several ${what}s (${found.map((f) => f.name).join(', ')}): drop one tilt series at a time`);
  return found[0];
}

/**
 * The files of one tilt series in a drop: exactly one stack and one angle file; the others are kept aside, not
 * refused (a drop may hold a series' side files, e.g. IMOD's .xf or AreTomo's .aln, that a later reader can pick).
 */
export function sortDroppedFiles(files: NamedBlob[]): { stack: NamedBlob; angles: NamedBlob; others: NamedBlob[] } {
  const stack = pickOne(files, isStackFile, 'MRC stack (.mrc, .st, .ali, .mrcs, optionally .gz)');
  const angles = pickOne(files, isAngleFile, 'tilt-angle file (.tlt, .rawtlt or .mdoc) to go with the stack');
  return { stack, angles, others: files.filter((f) => f !== stack && f !== angles) };
}

/**
 * Read a dropped tilt series: the stack section by section (binned at load when options.bin > 1; readMrcStack),
 * the angles, and the checks a run would make, so that a series that loads is one the methods can reconstruct.
 */
export async function readTiltSeriesFiles(files: NamedBlob[], options: TiltSeriesLoadOptions = {}): Promise<LoadedTiltSeries> {
  const { stack, angles: angleFile, others } = sortDroppedFiles(files);
  // The angles first: a wrong angle file fails at once, not after a 4 GB stack is read.
  const angles = readAngleFile(angleFile.name, await angleFile.blob.text());
  const mrc = await readMrcStack(stack.blob, { ...options, name: stack.name });
  const { nx, ny, nz } = mrc;
  checkAngleCount(angles.tiltAngles, nz, angleFile.name, stack.name);
  const warnings = [...mrc.warnings];
  if (others.length) warnings.push(`ignored ${others.map((f) => f.name).join(', ')}: not an MRC stack or a tilt-angle file`);
  const bin = mrc.bin;
  // Å per pixel as stored; the angle file's pixel size is of the stack as stored too.
  let storedPixelSize = mrc.pixelSize[0] / bin;
  if (angles.pixelSize && (storedPixelSize === 0 || storedPixelSize === 1) && angles.pixelSize !== storedPixelSize) {
    warnings.push(`pixel size ${angles.pixelSize} Å taken from ${angleFile.name} (the MRC header says ${storedPixelSize || 'nothing'})`);
    storedPixelSize = angles.pixelSize;
  }
  const pixelSize = storedPixelSize * bin;
  const tiltSeries = { nx, ny, nTilts: nz, data: mrc.data, tiltAngles: angles.tiltAngles, pixelSize };
  // Refused now, at load, rather than at the first run.
  const named = (file: string, check: () => void) => {
    try {
      check();
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  named(angleFile.name, () => checkTiltAngles(angles.tiltAngles));
  named(stack.name, () => checkValues(tiltSeries));
  warnings.push(...tiltAngleWarnings(angles.tiltAngles).map((w) => `${angleFile.name}: ${w}`));
  return {
    tiltSeries,
    stackName: stack.name,
    angleName: angleFile.name,
    mode: mrc.header.mode,
    dtype: mrc.dtype,
    bin,
    original: { nx: mrc.header.nx, ny: mrc.header.ny },
    stats: { min: mrc.stats.min, max: mrc.stats.max, mean: mrc.stats.mean },
    warnings,
  };
}
