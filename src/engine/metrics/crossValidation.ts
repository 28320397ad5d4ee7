/**
 * Scores without ground truth: held-out-tilt cross-validation and the odd/even split of a tilt
 * series (docs/conventions.md#held-out-tilt-cross-validation, #odd-even-fsc).
 */

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
