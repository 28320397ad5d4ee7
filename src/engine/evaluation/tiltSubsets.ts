/** Choosing, extracting and joining tilts of a series: held-out tilts for cross-validation, odd/even halves, added tilts. */
import { parseNumberList } from '../../io/numberList.ts';
import { MIN_TILTS } from '../../io/tiltSeriesChecks.ts';
import type { TiltSeries } from '../types.ts';

/** The tilts at the given stack indices, in the given order. */
export function subsetTilts(ts: TiltSeries, indices: readonly number[]): TiltSeries {
  const plane = ts.nx * ts.ny;
  const data = new Float32Array(indices.length * plane);
  indices.forEach((k, j) => data.set(ts.data.subarray(k * plane, (k + 1) * plane), j * plane));
  const { accumulatedDose, exposureDose, defocus, phaseShift, astigmatism, defocusColumn, ...rest } = ts;
  return {
    ...rest,
    nTilts: indices.length,
    data,
    tiltAngles: indices.map((k) => ts.tiltAngles[k]),
    // Each kept tilt keeps its own doses (what it received before and during its exposure).
    ...(accumulatedDose && { accumulatedDose: indices.map((k) => accumulatedDose[k]) }),
    ...(exposureDose && { exposureDose: indices.map((k) => exposureDose[k]) }),
    ...(defocus && { defocus: indices.map((k) => defocus[k]) }),
    ...(phaseShift && { phaseShift: indices.map((k) => phaseShift[k]) }),
    ...(astigmatism && { astigmatism: { cos2: indices.map((k) => astigmatism.cos2[k]), sin2: indices.map((k) => astigmatism.sin2[k]) } }),
    ...(defocusColumn && { defocusColumn: indices.map((k) => defocusColumn[k]) }),
  };
}

/**
 * Tilt numbers as IMOD's EXCLUDELIST writes them: from 1, in stack order, a–b for a range, commas or spaces
 * between ("1-3,41"; io/numberList.ts). `what` names the list in errors (a flag or a field). Sorted, each once.
 */
export function parseTiltNumbers(text: string, what: string): number[] {
  const numbers = parseNumberList(text);
  if (!numbers) throw new Error(`${what} "${text}": give tilt numbers from 1, as 1-3,41`);
  return numbers;
}

/** How a series without those tilts is named, in headers and data set names: "without tilts 1, 2, 41". */
export function withoutTiltsLabel(numbers: readonly number[]): string {
  return `without tilt${numbers.length === 1 ? '' : 's'} ${numbers.join(', ')}`;
}

/**
 * The series without the tilts numbered `numbers` (from 1, in stack order: as the page's tilt preview and
 * `wedgelab info` count them; any order, repeats ignored), what was left out in words, "3 (-54.0°), 41 (60.0°)",
 * and the series' label, "without tilts 3, 41". Each kept tilt keeps its angle and doses. Throws, naming `what`,
 * for a number that is not a tilt of the series or when fewer than MIN_TILTS remain.
 */
export function withoutTilts(ts: TiltSeries, numbers: readonly number[], what: string): { tiltSeries: TiltSeries; leftOut: string; label: string } {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const notTilts = sorted.filter((n) => !Number.isInteger(n) || n < 1);
  if (notTilts.length > 0) throw new Error(`${what}: ${notTilts.join(', ')} is not a tilt number (they count from 1)`);
  const past = sorted.filter((n) => n > ts.nTilts);
  if (past.length > 0) throw new Error(`${what}: tilt ${past.join(', ')} is past the series' ${ts.nTilts} tilts`);
  const kept = remainingIndices(ts.nTilts, sorted.map((n) => n - 1));
  if (kept.length < MIN_TILTS) throw new Error(`${what}: leaving out ${sorted.length} of ${ts.nTilts} tilts leaves ${kept.length}, and a tomogram needs at least ${MIN_TILTS}`);
  const leftOut = describeLeftOut(sorted.map((n) => ({ number: n, angle: ts.tiltAngles[n - 1] })));
  return { tiltSeries: subsetTilts(ts, kept), leftOut, label: withoutTiltsLabel(sorted) };
}

/** Tilts left out in words, each with its angle: "3 (-54.0°), 41 (60.0°)". */
export function describeLeftOut(tilts: readonly { number: number; angle: number }[]): string {
  return tilts.map((t) => `${t.number} (${t.angle.toFixed(1)}°)`).join(', ');
}

/** Stack indices not in `dropped`. */
export function remainingIndices(nTilts: number, dropped: readonly number[]): number[] {
  const drop = new Set(dropped);
  return Array.from({ length: nTilts }, (_, k) => k).filter((k) => !drop.has(k));
}

function nearestTilt(tiltAngles: readonly number[], angle: number): number {
  let best = 0;
  tiltAngles.forEach((a, k) => {
    if (Math.abs(a - angle) < Math.abs(tiltAngles[best] - angle)) best = k;
  });
  return best;
}

/** Whether a held-out spec is "each": every tilt held out in turn, one reconstruction each (crossValidateEachTilt). */
export const isEachTilt = (spec: string) => spec.trim().toLowerCase() === 'each';

/** Refuses "each" for a series whose n − 1 tilts left at a time are too few to reconstruct, as heldOutTilts refuses. */
export function checkEachTilt(nTilts: number): void {
  if (nTilts - 1 < MIN_TILTS) throw new Error(`held-out tilts "each" leave ${nTilts - 1} of ${nTilts} tilts at a time: too few to reconstruct`);
}

/**
 * Which tilts to hold out: "0" (the tilt nearest 0°), "±15" or "+-15" (the tilts nearest +15° and −15°),
 * a plain angle list "12,-30", or "every:K" (every K-th tilt in angle order, starting from the second:
 * the most negative tilt always stays in, the most positive one unless (n − 1) mod K = 1). Throws with the
 * spec named when nothing sensible remains.
 */
export function heldOutTilts(tiltAngles: readonly number[], spec: string): number[] {
  const held = parseHeldOut(spec);
  let indices: number[];
  if ('every' in held) {
    const byAngle = tiltAngles.map((a, k) => [a, k] as const).sort((p, q) => p[0] - q[0]);
    indices = byAngle.filter((_, rank) => rank % held.every === 1).map(([, k]) => k);
  } else {
    indices = [...new Set(held.angles.map((a) => nearestTilt(tiltAngles, a)))];
  }
  if (indices.length === 0 || tiltAngles.length - indices.length < MIN_TILTS) {
    throw new Error(`held-out tilts "${spec}" leave ${tiltAngles.length - indices.length} of ${tiltAngles.length} tilts: too few to reconstruct`);
  }
  return indices;
}

/**
 * A held-out spec read on its own, before any series is at hand (heldOutTilts above): every K-th tilt, or the
 * angles whose nearest tilts are held out (a ± pair is its two angles). Throws with the spec named.
 */
export function parseHeldOut(spec: string): { every: number } | { angles: number[] } {
  const text = spec.trim();
  if (isEachTilt(text)) throw new Error(`held-out tilts "${spec}": every tilt in turn is cross-validation's alone (wedgelab cv or batch --drop each, the page's Cross-validation tab); here use an angle (0), a pair (±15), a list (12,-30) or every:K`);
  const every = /^every:(\d+)$/i.exec(text);
  if (every) {
    const K = Number(every[1]);
    if (K < 2) throw new Error(`held-out tilts "${spec}": every:K needs K ≥ 2`);
    return { every: K };
  }
  const pair = /^(±|\+-|\+\/-)\s*(\d+(\.\d+)?)$/.exec(text);
  if (pair) return { angles: [Number(pair[2]), -Number(pair[2])] };
  const angles = text.split(',').map(Number);
  if (text === '' || angles.some((a) => !Number.isFinite(a))) throw new Error(`held-out tilts "${spec}": use an angle (0), a pair (±15), a list (12,-30) or every:K`);
  return { angles };
}

/** The series with `added`'s tilts appended after its own (same detector), in stack order. */
export function appendTilts(ts: TiltSeries, added: TiltSeries): TiltSeries {
  if (added.nx !== ts.nx || added.ny !== ts.ny) throw new Error(`tilts of ${added.nx} × ${added.ny} cannot join a series of ${ts.nx} × ${ts.ny}`);
  const data = new Float32Array(ts.data.length + added.data.length);
  data.set(ts.data);
  data.set(added.data, ts.data.length);
  const { accumulatedDose, exposureDose, defocus, phaseShift, astigmatism, defocusColumn, ...rest } = ts;
  const addedAstigmatism = added.astigmatism;
  const zeros = (n: number) => new Array<number>(n).fill(0);
  return {
    ...rest,
    nTilts: ts.nTilts + added.nTilts,
    data,
    tiltAngles: [...ts.tiltAngles, ...added.tiltAngles],
    // Per-tilt doses survive only when both series carry them: synthesised tilts were never exposed.
    ...(accumulatedDose && added.accumulatedDose && { accumulatedDose: [...accumulatedDose, ...added.accumulatedDose] }),
    ...(exposureDose && added.exposureDose && { exposureDose: [...exposureDose, ...added.exposureDose] }),
    // Likewise a defocus and what goes with it: a synthesised tilt went through no microscope.
    ...(defocus && added.defocus && { defocus: [...defocus, ...added.defocus] }),
    ...(phaseShift && added.phaseShift && { phaseShift: [...phaseShift, ...added.phaseShift] }),
    // With a defocus on both sides, a side without astigmatism or a moved column has none: zeros.
    ...(defocus && added.defocus && (astigmatism || addedAstigmatism) && {
      astigmatism: {
        cos2: [...(astigmatism?.cos2 ?? zeros(ts.nTilts)), ...(addedAstigmatism?.cos2 ?? zeros(added.nTilts))],
        sin2: [...(astigmatism?.sin2 ?? zeros(ts.nTilts)), ...(addedAstigmatism?.sin2 ?? zeros(added.nTilts))],
      },
    }),
    ...(defocus && added.defocus && (defocusColumn || added.defocusColumn) && { defocusColumn: [...(defocusColumn ?? zeros(ts.nTilts)), ...(added.defocusColumn ?? zeros(added.nTilts))] }),
  };
}
