/**
 * Angle presets of the tilt-synthesis methods (the Add tilts panel, docs/synthesis.md): the angles a series lacks,
 * found from its own tilt angles. Both work on the distinct angles sorted, and on the series' step, the median of
 * the differences between neighbours (robust to a few withheld or doubled tilts). Degrees throughout.
 */

/** Angles closer than this are one angle (degrees): .tlt files round to 0.01° or so. */
const SAME_ANGLE = 1e-3;

/** A gap wider than this many median steps is filled. */
export const GAP_FACTOR = 1.5;

/** Rounded to 1e-6°, so that continuing a step of 3° gives 63, not 62.99999999999999. */
const tidy = (angle: number) => Math.round(angle * 1e6) / 1e6 + 0;

function distinctSorted(tiltAngles: readonly number[]): number[] {
  const sorted = [...tiltAngles].sort((a, b) => a - b);
  return sorted.filter((a, i) => i === 0 || a - sorted[i - 1] > SAME_ANGLE);
}

/** The median difference between neighbouring distinct angles: the series' step. */
export function medianStep(tiltAngles: readonly number[]): number {
  const angles = distinctSorted(tiltAngles);
  if (angles.length < 2) throw new Error('the series needs at least two distinct tilt angles to have a step');
  const steps = angles.slice(1).map((a, i) => a - angles[i]).sort((a, b) => a - b);
  const mid = steps.length >> 1;
  return steps.length % 2 === 1 ? steps[mid] : (steps[mid - 1] + steps[mid]) / 2;
}

/**
 * The series' step continued beyond its last angle on both sides, up to ±limit: for −60…+60° at 3° and limit 69,
 * 63, −63, 66, −66, 69, −69 (each side in turn, outwards, so a symmetric series reads "±63, ±66, ±69").
 */
export function extendAngles(tiltAngles: readonly number[], limit: number): number[] {
  if (!(limit > 0 && limit < 90)) throw new Error(`extend to ±${limit}°: the limit must be strictly between 0° and 90°`);
  const angles = distinctSorted(tiltAngles);
  const step = medianStep(angles);
  const [low, high] = [angles[0], angles[angles.length - 1]];
  const added: number[] = [];
  for (let k = 1; high + k * step <= limit + SAME_ANGLE || low - k * step >= -limit - SAME_ANGLE; k++) {
    if (high + k * step <= limit + SAME_ANGLE) added.push(tidy(high + k * step));
    if (low - k * step >= -limit - SAME_ANGLE) added.push(tidy(low - k * step));
  }
  if (added.length === 0) throw new Error(`the series already reaches ±${limit}° (${tidy(low)}…${tidy(high)}° at a ${tidy(step)}° step)`);
  return added;
}

/**
 * Angles in the gaps wider than GAP_FACTOR × the median step, ascending: each gap is cut into the whole number of
 * steps nearest its width (at least two), so a gap of two steps gets the angle in its middle.
 */
export function fillGapAngles(tiltAngles: readonly number[]): number[] {
  const angles = distinctSorted(tiltAngles);
  const step = medianStep(angles);
  const added: number[] = [];
  angles.slice(1).forEach((next, i) => {
    const gap = next - angles[i];
    if (gap <= GAP_FACTOR * step) return;
    const parts = Math.max(2, Math.round(gap / step));
    for (let j = 1; j < parts; j++) added.push(tidy(angles[i] + (j * gap) / parts));
  });
  if (added.length === 0) throw new Error(`no gap wider than ${GAP_FACTOR} × the series' ${tidy(step)}° step`);
  return added;
}
