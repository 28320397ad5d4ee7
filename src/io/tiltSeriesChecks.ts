/**
 * What makes a tilt series unusable (an error naming where) or suspicious (a warning saying why), checked when it
 * is loaded and again before every run: a series that loads is one the methods can reconstruct.
 */
import type { TiltSeries } from './types.ts';

/** The fewest tilts a tomogram can be made from: with two, every voxel along a ray between them is undetermined. */
export const MIN_TILTS = 3;

/**
 * Values beyond this size overflow float32 arithmetic in the filters and projectors (sums of hundreds of values,
 * times filter gains): the tomogram would be NaN. Real data are many orders of magnitude below.
 */
export const MAX_SAFE_VALUE = 1e30;

/** Angles must be finite, strictly inside ±90° (at 90° a parallel-beam tilt sees the slab edge-on), at least MIN_TILTS, and not all the same. */
export function checkTiltAngles(tiltAngles: readonly number[]): void {
  if (tiltAngles.length === 0) throw new Error('the tilt series has no tilt angles');
  tiltAngles.forEach((a, k) => {
    if (!Number.isFinite(a) || Math.abs(a) >= 90) {
      throw new Error(`tilt angle ${k + 1} is ${a}°: angles must be finite and strictly between −90° and 90°`);
    }
  });
  if (tiltAngles.length < MIN_TILTS) throw new Error(`the tilt series has ${tiltAngles.length} tilt${tiltAngles.length === 1 ? '' : 's'}: a tomogram needs at least ${MIN_TILTS}`);
  if (tiltAngles.every((a) => a === tiltAngles[0])) throw new Error(`all ${tiltAngles.length} tilts are at ${tiltAngles[0]}°: a tomogram needs tilts at different angles`);
}

/** NaN, infinite or overflowing values would spread through every voxel they touch: refuse them by place. */
export function checkValues(ts: TiltSeries): void {
  const plane = ts.nx * ts.ny;
  for (let i = 0; i < ts.data.length; i++) {
    const v = ts.data[i];
    if (Number.isFinite(v) && Math.abs(v) <= MAX_SAFE_VALUE) continue;
    const where = `projection ${Math.floor(i / plane) + 1} at x ${i % ts.nx}, y ${Math.floor((i % plane) / ts.nx)}`;
    if (!Number.isFinite(v)) throw new Error(`the tilt series holds a non-finite value (${v}) in ${where}`);
    throw new Error(`the tilt series holds ${v.toExponential(2)} in ${where}: values beyond ±${MAX_SAFE_VALUE.toExponential(0)} overflow the reconstruction's float32 sums; rescale the stack`);
  }
}

/** Usable but suspicious angles: repeated ones, and ones that look like radians. */
export function tiltAngleWarnings(tiltAngles: readonly number[]): string[] {
  const warnings: string[] = [];
  const seen = new Map<number, number>();
  tiltAngles.forEach((a, k) => {
    const first = seen.get(a);
    if (first === undefined) seen.set(a, k);
    else warnings.push(`tilts ${first + 1} and ${k + 1} are both at ${a}°: repeated angles weigh that direction twice`);
  });
  const span = Math.max(...tiltAngles.map(Math.abs));
  if (tiltAngles.length >= 5 && span > 0 && span <= Math.PI / 2) {
    warnings.push(`the tilt angles span only ±${span.toFixed(3)}°: if they are radians, convert them to degrees (WedgeLab reads degrees)`);
  }
  return warnings;
}
