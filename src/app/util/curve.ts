/** Geometry of the small line plots (SIRT residuals, training loss). Pure. */

/** A point of a curve: 0-based index and value. */
export interface CurvePoint {
  i: number;
  v: number;
}

/**
 * At most about 2 × `buckets` points of a long curve: the lowest and highest of each bucket, in
 * order, so that the drawn line keeps the curve's envelope (a 50 000-step loss on 240 pixels).
 */
export function decimate(values: number[], buckets: number): CurvePoint[] {
  const n = values.length;
  if (n <= 2 * buckets) return values.map((v, i) => ({ i, v }));
  const out: CurvePoint[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      if (values[i] < values[lo]) lo = i;
      if (values[i] > values[hi]) hi = i;
    }
    for (const i of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) out.push({ i, v: values[i] });
  }
  return out;
}

/**
 * The y range [lo, hi] of a plot with 5 % margins, in the plotted units: the values, or their
 * log10 with `log` (then non-positive values are left out); a linear range does not go below 0.
 */
export function plotRange(values: number[], log: boolean): [number, number] {
  const shown = values.filter((v) => Number.isFinite(v) && (!log || v > 0)).map((v) => (log ? Math.log10(v) : v));
  if (shown.length === 0) return [0, 1];
  const max = Math.max(...shown);
  const min = Math.min(...shown);
  const lo = log ? min - (max - min) * 0.05 : Math.max(0, min - (max - min) * 0.05);
  if (max <= lo) return log ? [lo - 0.5, lo + 0.5] : [lo, lo + 1];
  return [lo, max + (max - lo) * 0.05];
}
