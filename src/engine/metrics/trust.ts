/**
 * The trust score's arithmetic (docs/trust.md): given the measured held-out tilts and two methods' predictions
 * of them (a method's and FBP's reprojections), the FRC of each prediction with the measurement per ring,
 * averaged over the held-out tilts, its band summary, and the verdict. Pure CPU; the reconstructions that make
 * the predictions are evaluation/trust.ts's.
 *
 * Why FRC and not the held-out NMSE: NMSE after standardising rewards a washed-out prediction (a blur removes
 * the noise the prediction cannot match anyway, so its error falls), while the FRC of a ring is unchanged by a
 * radially symmetric blur (a positive scale per ring) and falls to −1 for a contrast-inverted prediction.
 */
import { bandMean, frc } from './frc.ts';

/**
 * Upper edge of the summary band, in cycles/pixel of the (binned) tilts; ring 0 is left out (it is only the
 * sign of the means' product). Half Nyquist, because one tilt carries 1/N of the dose: above it the measured
 * tilt is mostly noise, every prediction's FRC there is near 0, and those rings hold three quarters of the
 * pixels inside Nyquist, so a pixel-weighted mean over all rings would measure the noise, not the method.
 */
export const TRUST_BAND = 0.25;

/**
 * The smallest difference of band means called a difference: a hundredth of a correlation, below what anyone
 * would act on. Above it the tolerance follows the measured noise of the difference (trustTolerance).
 */
export const TRUST_TOLERANCE_FLOOR = 0.01;

/** The held-out tilts the page and `wedgelab trust` choose by default: every 4th by angle, the extremes kept in. */
export const DEFAULT_TRUST_HELD_OUT = 'every:4';

export type TrustVerdict = 'better' | 'same' | 'worse';

/** A held-out tilt: which, and each prediction's band mean of its FRC with the measured tilt. */
export interface TrustTilt {
  index: number;
  /** Degrees, as in the angle file. */
  angle: number;
  summaryMethod: number;
  summaryFbp: number;
}

export interface TrustScores {
  heldOut: TrustTilt[];
  /** Ring frequencies in cycles/pixel of the binned tilts (frc.ts), with their pixel counts. */
  frequencies: number[];
  counts: number[];
  /** FRC of the prediction with the measured tilt per ring, the mean over the held-out tilts. */
  frcMethod: number[];
  frcFbp: number[];
  /** Upper edge of the summary band, cycles/pixel. */
  band: number;
  /** Pixel-count-weighted mean of the FRC over the rings 0 < f ≤ band. */
  summaryMethod: number;
  summaryFbp: number;
  /** summaryMethod − summaryFbp. */
  difference: number;
  /** |difference| ≤ tolerance is "same" (trustTolerance). */
  tolerance: number;
  verdict: TrustVerdict;
}

/** One held-out tilt with the measurement and both predictions, nx × ny, x fastest. */
export interface TrustPair {
  index: number;
  angle: number;
  measured: Float32Array;
  predictedMethod: Float32Array;
  predictedFbp: Float32Array;
}

/**
 * The noise of the difference: twice the standard error of the mean per-tilt difference (sample standard
 * deviation / √T), so that a difference the choice of held-out tilts could make is not called one; never below
 * TRUST_TOLERANCE_FLOOR (and the floor alone with one held-out tilt, which has no spread).
 */
export function trustTolerance(differences: readonly number[]): number {
  const n = differences.length;
  if (n < 2) return TRUST_TOLERANCE_FLOOR;
  const mean = differences.reduce((s, d) => s + d, 0) / n;
  const variance = differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1);
  return Math.max(TRUST_TOLERANCE_FLOOR, 2 * Math.sqrt(variance / n));
}

export function trustVerdict(difference: number, tolerance: number): TrustVerdict {
  if (difference > tolerance) return 'better';
  if (difference < -tolerance) return 'worse';
  return 'same';
}

/** The verdict in short, for a badge: "better than FBP", "same as FBP", "worse than FBP". */
export function versusFbp(verdict: TrustVerdict): string {
  return verdict === 'same' ? 'same as FBP' : `${verdict} than FBP`;
}

/** The verdict in the user's words. */
export function verdictText(verdict: TrustVerdict): string {
  return `${versusFbp(verdict)} on your data`;
}

/** Score both predictions of every held-out tilt against the measured tilt. */
export function compareWithFbp(pairs: readonly TrustPair[], nx: number, ny: number): TrustScores {
  if (pairs.length === 0) throw new Error('the trust score needs at least one held-out tilt');
  const curves = pairs.map((p) => ({ method: frc(p.predictedMethod, p.measured, nx, ny), fbp: frc(p.predictedFbp, p.measured, nx, ny) }));
  const rings = curves[0].method;
  // Every tilt has the same rings, so the mean curve's band mean is the mean of the tilts' band means.
  const meanCurve = (pick: (c: (typeof curves)[number]) => number[]) => rings.frc.map((_, r) => curves.reduce((s, c) => s + pick(c)[r], 0) / curves.length);
  const frcMethod = meanCurve((c) => c.method.frc);
  const frcFbp = meanCurve((c) => c.fbp.frc);
  const heldOut = pairs.map((p, t) => ({
    index: p.index,
    angle: p.angle,
    summaryMethod: bandMean(rings, curves[t].method.frc, TRUST_BAND),
    summaryFbp: bandMean(rings, curves[t].fbp.frc, TRUST_BAND),
  }));
  const summaryMethod = bandMean(rings, frcMethod, TRUST_BAND);
  const summaryFbp = bandMean(rings, frcFbp, TRUST_BAND);
  const difference = summaryMethod - summaryFbp;
  const tolerance = trustTolerance(heldOut.map((t) => t.summaryMethod - t.summaryFbp));
  return {
    heldOut,
    frequencies: rings.frequencies,
    counts: rings.counts,
    frcMethod,
    frcFbp,
    band: TRUST_BAND,
    summaryMethod,
    summaryFbp,
    difference,
    tolerance,
    verdict: trustVerdict(difference, tolerance),
  };
}
