/**
 * Transfer functions for the 3-D view, as plain data: a piecewise-linear opacity curve over
 * the normalised intensity x ∈ [0, 1] (0 = bottom of the display window, 1 = top), a colour
 * map, the background and an "invert values" switch (for raw cryo-ET contrast, where density
 * is dark). Everything here is pure: the renderer uploads buildLut()'s bytes as a 256 × 1 texture.
 */

export interface TfPoint {
  /** Normalised intensity, 0…1. */
  x: number;
  /** Opacity per reference step, 0…1. */
  a: number;
}

export type ColormapName = 'grey' | 'grey-inverted' | 'hot' | 'viridis' | 'ice';
export type Background = 'dark' | 'light';

export interface TransferFunction {
  points: TfPoint[];
  colormap: ColormapName;
  background: Background;
  /** Flip the data (x → 1 − x) before the look-up: MIP becomes a minimum projection. */
  invert: boolean;
}

type Rgb = [number, number, number];

export const COLORMAPS: Record<ColormapName, { label: string; stops: [number, Rgb][] }> = {
  grey: { label: 'Grey', stops: [[0, [0, 0, 0]], [1, [1, 1, 1]]] },
  'grey-inverted': { label: 'Grey, inverted', stops: [[0, [1, 1, 1]], [1, [0, 0, 0]]] },
  hot: {
    label: 'Hot',
    stops: [
      [0, [0.04, 0, 0]],
      [0.35, [0.85, 0.1, 0]],
      [0.7, [1, 0.8, 0.1]],
      [1, [1, 1, 1]],
    ],
  },
  viridis: {
    label: 'Viridis',
    stops: [
      [0, [0.267, 0.005, 0.329]],
      [0.25, [0.229, 0.322, 0.546]],
      [0.5, [0.128, 0.567, 0.551]],
      [0.75, [0.369, 0.789, 0.383]],
      [1, [0.993, 0.906, 0.144]],
    ],
  },
  ice: {
    label: 'Ice',
    stops: [
      [0, [0.02, 0.02, 0.08]],
      [0.4, [0.1, 0.3, 0.65]],
      [0.75, [0.45, 0.8, 0.95]],
      [1, [0.95, 1, 1]],
    ],
  },
};

export const BACKGROUNDS: Record<Background, string> = { dark: '#0a0c0f', light: '#f2f1ec' };

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : Number.isNaN(v) ? 0 : v);

/** Colour of a map at t ∈ [0, 1], linear between stops. */
export function colormapColor(name: ColormapName, t: number): Rgb {
  const stops = COLORMAPS[name].stops;
  const x = clamp01(t);
  for (let i = 1; i < stops.length; i++) {
    const [x1, c1] = stops[i];
    if (x <= x1) {
      const [x0, c0] = stops[i - 1];
      const f = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
      return [c0[0] + (c1[0] - c0[0]) * f, c0[1] + (c1[1] - c0[1]) * f, c0[2] + (c1[2] - c0[2]) * f];
    }
  }
  return [...stops[stops.length - 1][1]];
}

/** Sorted, clamped points with an end point at x = 0 and at x = 1. */
export function normalizePoints(points: readonly TfPoint[]): TfPoint[] {
  const sorted = points.map((p) => ({ x: clamp01(p.x), a: clamp01(p.a) })).sort((p, q) => p.x - q.x);
  if (sorted.length === 0) return [{ x: 0, a: 0 }, { x: 1, a: 1 }];
  if (sorted[0].x > 0) sorted.unshift({ x: 0, a: sorted[0].a });
  if (sorted[sorted.length - 1].x < 1) sorted.push({ x: 1, a: sorted[sorted.length - 1].a });
  return sorted;
}

/** The opacity curve at x: linear between points, constant beyond the ends. */
export function opacityAt(points: readonly TfPoint[], x: number): number {
  if (points.length === 0) return 0;
  if (x <= points[0].x) return points[0].a;
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    if (x <= p.x) {
      const q = points[i - 1];
      return p.x > q.x ? q.a + ((p.a - q.a) * (x - q.x)) / (p.x - q.x) : p.a;
    }
  }
  return points[points.length - 1].a;
}

export const LUT_SIZE = 256;

/** RGBA bytes, LUT_SIZE × 1: entry i is the colour map and opacity curve at x = i / (LUT_SIZE − 1). */
export function buildLut(tf: TransferFunction, size = LUT_SIZE): Uint8Array {
  const points = normalizePoints(tf.points);
  const lut = new Uint8Array(size * 4);
  for (let i = 0; i < size; i++) {
    const x = size > 1 ? i / (size - 1) : 0;
    const [r, g, b] = colormapColor(tf.colormap, x);
    lut[4 * i] = Math.round(r * 255);
    lut[4 * i + 1] = Math.round(g * 255);
    lut[4 * i + 2] = Math.round(b * 255);
    lut[4 * i + 3] = Math.round(clamp01(opacityAt(points, x)) * 255);
  }
  return lut;
}

/** Move point `index` to (x, a): the end points keep their x, inner points stay between their neighbours. */
export function movePoint(points: readonly TfPoint[], index: number, x: number, a: number): TfPoint[] {
  const out = points.map((p) => ({ ...p }));
  if (index < 0 || index >= out.length) return out;
  const last = out.length - 1;
  let nx = clamp01(x);
  if (index === 0) nx = 0;
  else if (index === last) nx = 1;
  else nx = Math.min(out[index + 1].x - 1e-3, Math.max(out[index - 1].x + 1e-3, nx));
  out[index] = { x: nx, a: clamp01(a) };
  return out;
}

/** Add a point (kept sorted); returns the new list and the new point's index. */
export function addPoint(points: readonly TfPoint[], x: number, a: number): { points: TfPoint[]; index: number } {
  const p = { x: clamp01(x), a: clamp01(a) };
  const out = [...points.map((q) => ({ ...q })), p].sort((q, r) => q.x - r.x);
  return { points: out, index: out.indexOf(p) };
}

/** Remove an inner point (the end points stay). */
export function removePoint(points: readonly TfPoint[], index: number): TfPoint[] {
  if (index <= 0 || index >= points.length - 1) return points.map((p) => ({ ...p }));
  return points.filter((_, i) => i !== index).map((p) => ({ ...p }));
}

export interface TfPreset {
  id: string;
  label: string;
  tf: TransferFunction;
}

export const TF_PRESETS: readonly TfPreset[] = [
  {
    id: 'grey',
    label: 'Grey ramp',
    tf: { colormap: 'grey', background: 'dark', invert: false, points: [{ x: 0, a: 0 }, { x: 0.45, a: 0 }, { x: 1, a: 0.7 }] },
  },
  {
    id: 'cryo',
    label: 'Cryo-ET: dark on light',
    tf: { colormap: 'grey-inverted', background: 'light', invert: false, points: [{ x: 0, a: 0 }, { x: 0.45, a: 0 }, { x: 1, a: 0.7 }] },
  },
  {
    id: 'cryo-raw',
    label: 'Cryo-ET raw contrast (inverted data)',
    tf: { colormap: 'grey-inverted', background: 'light', invert: true, points: [{ x: 0, a: 0 }, { x: 0.45, a: 0 }, { x: 1, a: 0.7 }] },
  },
  {
    id: 'dense',
    label: 'Dense features (hot)',
    tf: { colormap: 'hot', background: 'dark', invert: false, points: [{ x: 0, a: 0 }, { x: 0.6, a: 0 }, { x: 0.8, a: 0.35 }, { x: 1, a: 1 }] },
  },
  {
    id: 'viridis',
    label: 'Viridis, soft',
    tf: { colormap: 'viridis', background: 'dark', invert: false, points: [{ x: 0, a: 0 }, { x: 0.3, a: 0 }, { x: 0.7, a: 0.15 }, { x: 1, a: 0.6 }] },
  },
];

export function presetById(id: string): TransferFunction {
  const preset = TF_PRESETS.find((p) => p.id === id) ?? TF_PRESETS[0];
  return { ...preset.tf, points: preset.tf.points.map((p) => ({ ...p })) };
}

export const DEFAULT_TF: TransferFunction = presetById('grey');

/**
 * Counts of values in `bins` equal bins over [lo, hi]; values outside go to the end bins
 * (so the window's clipped tails stay visible), non-finite values are skipped.
 */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins = 128, maxSamples = 1 << 20): Uint32Array {
  const counts = new Uint32Array(Math.max(1, bins));
  const n = counts.length;
  const width = hi - lo;
  if (!(width > 0)) return counts;
  const scale = n / width;
  const stride = Math.max(1, Math.floor(values.length / maxSamples));
  for (let i = 0; i < values.length; i += stride) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const b = Math.floor((v - lo) * scale);
    counts[b < 0 ? 0 : b >= n ? n - 1 : b]++;
  }
  return counts;
}

/** Bar heights 0…1 on a log scale (log1p), so rare bright features still show. */
export function histogramHeights(counts: ArrayLike<number>): number[] {
  let max = 0;
  for (let i = 0; i < counts.length; i++) max = Math.max(max, Math.log1p(counts[i]));
  return Array.from({ length: counts.length }, (_, i) => (max > 0 ? Math.log1p(counts[i]) / max : 0));
}
