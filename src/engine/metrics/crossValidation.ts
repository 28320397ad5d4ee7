/**
 * Scores without ground truth: held-out-tilt cross-validation and the odd/even split of a tilt
 * series (docs/conventions.md#held-out-tilt-cross-validation, #odd-even-fsc).
 */
import { bandMean, frc } from './frc.ts';
import { TRUST_BAND } from './trust.ts';
import { median } from '../../io/stats.ts';

export interface ProjectionScores {
  /** ‖p̂ − p‖² / ‖p‖² after both are standardised to mean 0, std 1. NaN when `measured` is constant. */
  nmse: number;
  /** Pearson correlation. NaN when either image is constant. */
  corr: number;
}

function standardise(v: ArrayLike<number>): Float64Array | null {
  const n = v.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  const std = Math.sqrt(ss / n);
  if (!(std > 0)) return null;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (v[i] - mean) / std;
  return out;
}

/**
 * Compare a reprojection `predicted` (p̂) with the measured tilt `measured` (p): both are
 * standardised to mean 0 and (population) std 1 first, then NMSE = ‖p̂ − p‖²/‖p‖² and the
 * Pearson correlation. With standardised inputs NMSE = 2·(1 − corr).
 */
export function projectionScores(predicted: ArrayLike<number>, measured: ArrayLike<number>): ProjectionScores {
  if (predicted.length !== measured.length) {
    throw new RangeError(`projectionScores: ${predicted.length} predicted values against ${measured.length} measured`);
  }
  if (measured.length === 0) return { nmse: NaN, corr: NaN };
  const p = standardise(measured);
  const q = standardise(predicted);
  if (p === null) return { nmse: NaN, corr: NaN };
  let se = 0;
  let pp = 0;
  let qp = 0;
  for (let i = 0; i < p.length; i++) {
    const qi = q === null ? 0 : q[i];
    se += (qi - p[i]) ** 2;
    pp += p[i] * p[i];
    qp += qi * p[i];
  }
  return { nmse: se / pp, corr: q === null ? NaN : qp / p.length };
}

/** Indices (stack order) of the even-indexed tilts 0, 2, 4, … and the odd-indexed tilts 1, 3, 5, … */
export function oddEvenSplit(tiltAngles: readonly number[]): { even: number[]; odd: number[] } {
  const even: number[] = [];
  const odd: number[] = [];
  tiltAngles.forEach((_, k) => (k % 2 === 0 ? even : odd).push(k));
  return { even, odd };
}

/** How each tilt agrees with the rest (tiltAgreement): its score, what its neighbours lead one to expect, and whether it falls short. */
export interface TiltAgreement {
  /** Per held-out tilt (in the report's order): its prediction's agreementScore. */
  score: number[];
  /** The median score of the nearest tilts by angle (AGREEMENT_NEIGHBOURS either side). */
  expected: number[];
  /** True where its score falls short of `expected` by more than the series' spread of shortfalls allows. */
  flagged: boolean[];
  /** The shortfall past which a tilt is flagged: max(MIN_SHORTFALL, the median shortfall + SPREADS robust spreads of them). */
  threshold: number;
}

/** Tilts either side (by angle) whose median is a tilt's expected score. */
export const AGREEMENT_NEIGHBOURS = 3;
/** A tilt is flagged past this many robust standard deviations (1.4826 × the median absolute deviation) … */
const SPREADS = 4;
/** … and never for a shortfall under this: on a clean series the spread is small, and a tenth is no fault. */
const MIN_SHORTFALL = 0.1;

/**
 * Which tilts agree with the others less than their neighbours do (crossValidateEachTilt's scores). A held-out
 * tilt's prediction worsens smoothly towards high tilts (thicker specimen, fewer neighbours on one side), so each is
 * compared with the median of the AGREEMENT_NEIGHBOURS nearest by angle either side, and flagged when it falls short of that
 * by more than the series' own spread of shortfalls allows: a tilt misaligned, blurred by drift, dark (few
 * electrons), or with a grid bar or contamination in it.
 */
export function tiltAgreement(tilts: readonly { angle: number; score: number }[]): TiltAgreement {
  const byAngle = tilts.map((t, i) => ({ i, angle: t.angle })).sort((a, b) => a.angle - b.angle);
  const rank = new Map(byAngle.map((t, r) => [t.i, r]));
  const score = tilts.map((t) => (Number.isFinite(t.score) ? t.score : 0));
  const expected = tilts.map((_, i) => {
    const r = rank.get(i) as number;
    const near = byAngle.slice(Math.max(0, r - AGREEMENT_NEIGHBOURS), r + AGREEMENT_NEIGHBOURS + 1).filter((t) => t.i !== i);
    return median(near.map((t) => score[t.i]));
  });
  const shortfall = score.map((v, i) => expected[i] - v);
  const centre = median(shortfall);
  const spread = 1.4826 * median(shortfall.map((d) => Math.abs(d - centre)));
  const threshold = Math.max(MIN_SHORTFALL, centre + SPREADS * spread);
  return { score, expected, flagged: shortfall.map((d) => d > threshold), threshold };
}

/** The flagged tilts' numbers (from 1, in stack order, as --exclude-tilts and Leave out take them), in the scores' order. */
export function flaggedTiltNumbers({ scores, agreement }: { scores: readonly { index: number }[]; agreement?: TiltAgreement }): number[] {
  return agreement ? scores.filter((_, i) => agreement.flagged[i]).map((s) => s.index + 1) : [];
}

/**
 * How well a held-out tilt's prediction agrees with the measured tilt: the mean FRC over 0 < f ≤ TRUST_BAND
 * (cycles/pixel), as the trust score compares. Per ring, so a blurred view (its shot noise unblurred) or one off by a
 * pixel scores lower, where a plain correlation, ruled by the lowest frequencies, barely moves (a simulated 1-pixel
 * shift: 0.76 against 0.81 neighbours by correlation, 0.59 against 0.73 by this).
 */
export function agreementScore(predicted: Float32Array, measured: Float32Array, nx: number, ny: number): number {
  const curve = frc(predicted, measured, nx, ny);
  return bandMean(curve, curve.frc, TRUST_BAND);
}
