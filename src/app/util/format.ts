/** Small formatting helpers for the panels. */

export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(2);
  return Number(value.toPrecision(digits)).toString();
}

export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatAngle(deg: number): string {
  return `${deg >= 0 ? '+' : '−'}${Math.abs(deg).toFixed(1)}°`;
}

export function formatSize(...dims: number[]): string {
  return dims.join(' × ');
}

/** Values at the given percentiles (0–100) of a sample, by sorting a strided subsample. */
export function samplePercentiles(data: ArrayLike<number>, percentiles: number[], maxSamples = 65_536): number[] {
  const stride = Math.max(1, Math.floor(data.length / maxSamples));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += stride) {
    const v = data[i];
    if (Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return percentiles.map(() => 0);
  sample.sort((a, b) => a - b);
  return percentiles.map((p) => {
    const pos = Math.min(sample.length - 1, Math.max(0, (p / 100) * (sample.length - 1)));
    const lo = Math.floor(pos);
    const hi = Math.min(sample.length - 1, lo + 1);
    return sample[lo] + (sample[hi] - sample[lo]) * (pos - lo);
  });
}
