/**
 * Tilts of a loaded series that look dark by their pixels' means: a blocked, empty or badly underexposed view,
 * which a user will want to leave out. The rule is the one the loader applies to an .mdoc's MinMaxMean
 * (io/angles.ts darkTiltsByMean), here on the data, for a series without an .mdoc; nothing is left out by it,
 * only pointed out.
 */
import { DARK_FRACTION, darkTiltsByMean } from '../io/angles.ts';
import { tiltMeans } from './methods/preprocess.ts';
import type { TiltSeries } from './types.ts';

export interface DarkTiltHint {
  /** From 1, in stack order: as the tilt preview and --exclude-tilts count. */
  number: number;
  /** Degrees. */
  angle: number;
  /** Its mean / cos θ as a percentage of the median of that ratio. */
  percent: number;
}

/** The series' tilts that look dark; none where the rule does not apply (signed or normalised data). */
export function darkTiltsInData(ts: Pick<TiltSeries, 'nx' | 'ny' | 'nTilts' | 'data' | 'tiltAngles'>): DarkTiltHint[] {
  return darkTiltsOfMeans(tiltMeans(ts), ts.tiltAngles);
}

/** The same from each tilt's mean, in tilt order (`wedgelab info` has them from its streamed read). */
export function darkTiltsOfMeans(means: readonly number[], tiltAngles: readonly number[]): DarkTiltHint[] {
  const dark = darkTiltsByMean(means, tiltAngles) ?? [];
  return dark.map(({ index, percent }) => ({ number: index + 1, angle: tiltAngles[index], percent }));
}

/** "tilts 1 (-60.0°, 3%), 41 (60.0°, 12%) look dark: …" (each with its percentage of the median), for the page and the command line. */
export function describeDarkTilts(hints: readonly DarkTiltHint[]): string {
  const each = hints.map((h) => `${h.number} (${h.angle.toFixed(1)}°, ${h.percent.toFixed(0)}%)`).join(', ');
  return `tilt${hints.length === 1 ? '' : 's'} ${each} look${hints.length === 1 ? 's' : ''} dark: a mean below ${100 * DARK_FRACTION}% of the median, allowing for the 1/cos θ path`;
}
