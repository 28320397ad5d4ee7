/**
 * Tilts synthesised by reprojection: a SIRT tomogram of the series, projected at the new angles. The simplest
 * tilt synthesis, and the baseline a learned one has to beat: it adds no information, the new tilts are what
 * the measured ones imply. Page-safe; the runner is ./run.ts.
 */
import { defaultThickness } from '../common.ts';
import type { MethodDefinition } from '../definition.ts';
import { UsageError, type FlagValues } from '../flags.ts';

export interface ReprojectParams {
  /** Tilt angles to add, degrees, in the order they are appended to the stack. */
  angles: number[];
  /** Thickness of the intermediate tomogram, in pixels. */
  thickness: number;
  /** SIRT iterations of the intermediate tomogram. */
  iterations: number;
}

/** "63, -63, 66" or "±63, ±66" (also "+-63"): the angles, each ± giving both signs, positive first. */
export function parseAngleList(text: string): number[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .flatMap((item) => {
      const pair = /^(±|\+-|\+\/-)(.*)$/.exec(item);
      const value = Number(pair ? pair[2] : item);
      if (!Number.isFinite(value)) throw new UsageError(`"${item}" is not an angle: use a list such as ±63,±66 or 63,-63`);
      return pair ? [value, -value] : [value];
    });
}

/** The tilt synthesis methods' check of the angles to add: at least one, each strictly inside ±90°. */
export function checkAnglesToAdd(angles: readonly number[]): void {
  if (angles.length === 0) throw new Error('no tilt angles to add: name them, e.g. ±63, ±66');
  const bad = angles.find((a) => !(Math.abs(a) < 90));
  if (bad !== undefined) throw new Error(`tilt angle ${bad}° to add: angles must be strictly between −90° and 90°`);
}

/** The list back in its short form: "±63, ±66" where both signs follow each other. */
export function angleListText(angles: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < angles.length; i++) {
    const pair = i + 1 < angles.length && angles[i] > 0 && angles[i + 1] === -angles[i];
    parts.push(pair ? `±${angles[i]}` : String(angles[i]));
    if (pair) i++;
  }
  return parts.join(', ');
}

export const REPROJECT: MethodDefinition<'reproject', 'tiltSynthesis', ReprojectParams> = {
  name: 'reproject',
  kind: 'tiltSynthesis',
  title: 'Reprojection',
  menuLabel: 'Reprojection: SIRT tomogram projected at new angles',
  help:
    'Synthesises tilts at new angles by reconstructing the series with SIRT and projecting the tomogram there (the same ' +
    'projector as every method). The new tilts are appended to the stack. They hold nothing the measured tilts do not: ' +
    'this is the baseline a learned tilt synthesis has to beat, and beyond the measured range it shows what the missing ' +
    'wedge leaves out.',
  defaults: (input, partial = {}) => ({
    angles: partial.angles ?? [],
    thickness: partial.thickness ?? defaultThickness(input),
    iterations: partial.iterations ?? 20,
  }),
  validate(p) {
    checkAnglesToAdd(p.angles);
    if (!Number.isInteger(p.thickness) || p.thickness < 1) throw new Error(`thickness must be a whole number ≥ 1 (got ${p.thickness})`);
    if (!Number.isInteger(p.iterations) || p.iterations < 1) throw new Error(`SIRT needs at least 1 iteration (got ${p.iterations})`);
  },
  paramText: (p) => `${angleListText(p.angles)}°, SIRT ${p.iterations} it, thickness ${p.thickness}`,
  flags: [
    { name: 'add', value: 'ANGLES', parse: 'string', help: 'tilt angles to add, degrees: a list such as ±63,±66,±69 or 63,-63', defaultText: 'none: required' },
    { name: 'thickness', value: 'NZ', parse: 'int', param: 'thickness', help: 'thickness of the tomogram that is reprojected', defaultText: 'a quarter of the width' },
    { name: 'iterations', value: 'K', parse: 'int', param: 'iterations', help: 'SIRT iterations of that tomogram' },
  ],
  readFlags: (values: FlagValues) => (typeof values.add === 'string' ? { angles: parseAngleList(values.add) } : {}),
  formDefaults: () => ({ angles: [63, -63, 66, -66, 69, -69], thickness: 64, iterations: 20 }),
};
