/**
 * A tilt series from the files a researcher drops: one MRC stack (.mrc/.st/.ali/.mrcs,
 * optionally .gz) and one angle file (.tlt/.rawtlt/.mdoc). Every failure names the file
 * and what was expected against what was found.
 */
import type { TiltSeries } from './types.ts';
import { checkAngleCount, readAngleFile } from './angles.ts';
import { mrcInfo, readMrc, type MrcDtype } from './mrc.ts';
import { checkTiltAngles, checkValues, tiltAngleWarnings } from './tiltSeriesChecks.ts';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface LoadedTiltSeries {
  tiltSeries: TiltSeries;
  stackName: string;
  angleName: string;
  mode: number;
  dtype: MrcDtype;
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

function pickOne(files: NamedBytes[], test: (name: string) => boolean, what: string): NamedBytes {
  const found = files.filter((f) => test(f.name));
  if (found.length === 0) throw new Error(`no ${what} among ${files.map((f) => f.name).join(', ') || 'the dropped files'}`);
  if (found.length > 1) throw new Error(`several ${what}s (${found.map((f) => f.name).join(', ')}): drop one tilt series at a time`);
  return found[0];
}

export function readTiltSeriesFiles(files: NamedBytes[]): LoadedTiltSeries {
  const stack = pickOne(files, isStackFile, 'MRC stack (.mrc, .st, .ali, .mrcs, optionally .gz)');
  const angleFile = pickOne(files, isAngleFile, 'tilt-angle file (.tlt, .rawtlt or .mdoc) to go with the stack');
  const mrc = readMrc(stack.bytes, { name: stack.name });
  const { nx, ny, nz } = mrc.header;
  const angles = readAngleFile(angleFile.name, new TextDecoder().decode(angleFile.bytes));
  checkAngleCount(angles.tiltAngles, nz, angleFile.name, stack.name);
  const warnings = [...mrc.warnings];
  let pixelSize = mrc.pixelSize[0];
  if (angles.pixelSize && (pixelSize === 0 || pixelSize === 1) && angles.pixelSize !== pixelSize) {
    warnings.push(`pixel size ${angles.pixelSize} Å taken from ${angleFile.name} (the MRC header says ${pixelSize || 'nothing'})`);
    pixelSize = angles.pixelSize;
  }
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
  const info = mrcInfo(mrc);
  return {
    tiltSeries,
    stackName: stack.name,
    angleName: angleFile.name,
    mode: mrc.header.mode,
    dtype: mrc.dtype,
    stats: { min: info.min, max: info.max, mean: info.mean },
    warnings,
  };
}
