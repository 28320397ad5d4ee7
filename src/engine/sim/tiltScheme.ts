/**
 * Tilt schemes, angles in degrees, in stack order, which need not be sorted (docs/conventions.md#tilt-angles).
 */

/** Grid angles are rounded to 1e-9° so that e.g. −6 + 7·0.1 prints as 0.7, not 0.7000000000000002. */
const clean = (a: number) => Math.round(a * 1e9) / 1e9 + 0; // + 0 turns −0 into 0

function checkRange(min: number, max: number, step: number): void {
  if (![min, max, step].every(Number.isFinite)) throw new Error(`Tilt range needs finite numbers, got ${min}, ${max}, ${step}`);
  if (step <= 0) throw new Error(`Tilt step must be > 0, got ${step}`);
  if (min > max) throw new Error(`Tilt range minimum ${min} is greater than maximum ${max}`);
}

/**
 * min, min + step, … up to max, ascending. max is included when it lies on the grid
 * (within float error, 1e-6 of a step), e.g. tiltRange(−60, 60, 2) has 61 angles.
 */
export function tiltRange(min: number, max: number, step: number): number[] {
  checkRange(min, max, step);
  const n = Math.floor((max - min) / step + 1e-6) + 1;
  return Array.from({ length: n }, (_, i) => clean(min + i * step));
}

/**
 * Hagen dose-symmetric acquisition order over tiltRange(min, max, step): start at the grid angle
 * nearest 0°, then alternate groups of `groupSize` steps on the positive and the negative side
 * (positive first), e.g. step 3, group 2: 0, 3, 6, −3, −6, 9, 12, −9, −12, … When one side reaches
 * its end of the range, the rest of the other side follows in order. A permutation of tiltRange.
 */
export function doseSymmetric(min: number, max: number, step: number, groupSize = 2): number[] {
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new Error(`Dose-symmetric group size must be an integer ≥ 1, got ${groupSize}`);
  const angles = tiltRange(min, max, step);
  let start = 0;
  angles.forEach((a, i) => {
    const best = Math.abs(angles[start]);
    if (Math.abs(a) < best || (Math.abs(a) === best && a > angles[start])) start = i;
  });
  const positive = angles.slice(start + 1); // ascending away from the start
  const negative = angles.slice(0, start).reverse(); // descending away from the start
  const order = [angles[start]];
  let p = 0;
  let q = 0;
  while (p < positive.length || q < negative.length) {
    for (let k = 0; k < groupSize && p < positive.length; k++) order.push(positive[p++]);
    for (let k = 0; k < groupSize && q < negative.length; k++) order.push(negative[q++]);
  }
  return order;
}

/** Parse "MIN,MAX,STEP" (degrees; spaces allowed) into tiltRange(MIN, MAX, STEP). */
export function parseAngleSpec(spec: string): number[] {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length !== 3 || parts.some((s) => s === '')) {
    throw new Error(`Angle spec must be "MIN,MAX,STEP" in degrees (e.g. "-60,60,2"), got "${spec}"`);
  }
  const [min, max, step] = parts.map(Number);
  parts.forEach((s, i) => {
    if (!Number.isFinite([min, max, step][i])) throw new Error(`Angle spec "${spec}": "${s}" is not a number`);
  });
  return tiltRange(min, max, step);
}
