/** Axis tick math for the comparison plots and the Fourier canvas. Pure, no DOM. */

/** A "nice" step (1, 2, 2.5 or 5 × 10^k) that splits `span` into about `count` intervals. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Multiples of a nice step inside [min, max] (inclusive, with a little tolerance). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const step = niceStep(max - min, count);
  const eps = step * 1e-9;
  const first = Math.ceil((min - eps) / step);
  const last = Math.floor((max + eps) / step);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) {
    // Round away floating-point dust (0.30000000000000004 → 0.3); -0 → 0.
    const value = Number((i * step).toPrecision(12));
    ticks.push(value === 0 ? 0 : value);
  }
  return ticks;
}

/** Decimals enough to tell ticks `step` apart. */
export function tickDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  let decimals = 0;
  while (decimals < 10 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6 * 10 ** decimals * step) decimals++;
  return decimals;
}

/** Tick labels of one axis with a common number of decimals ("0.00", "0.05", "0.10"); minus sign as "−". */
export function formatTicks(ticks: number[]): string[] {
  if (ticks.length === 0) return [];
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(ticks[0]) || 1;
  const decimals = tickDecimals(step);
  return ticks.map((t) => t.toFixed(decimals).replace(/^-/, '−').replace(/^−(0\.?0*)$/, '$1'));
}
