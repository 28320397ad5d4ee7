/**
 * Reconstruction filters (docs/conventions.md#filters).
 *
 * Every filter is the frequency response of the discrete Ram-Lak kernel
 * (h[0] = 1/4, h[odd k] = −1/(πk)², 0 at even k ≠ 0) on the zero-padded row length,
 * multiplied by a window. Frequencies f are in cycles per pixel, |f| ≤ 0.5.
 */
import { fft, nextPowerOfTwo } from './fft/cpuFft.ts';

export const FILTER_NAMES = ['ram-lak', 'shepp-logan', 'cosine', 'hamming', 'hann', 'radial'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export interface FilterSpec {
  name: FilterName;
  /** IMOD-style radial filter: cutoff and Gaussian falloff σ, both in cycles/pixel. */
  cutoff?: number;
  falloff?: number;
}

/** IMOD's (eTomo's) default radial filter parameters. */
export const RADIAL_DEFAULTS = { cutoff: 0.35, falloff: 0.035 };

/**
 * A radial filter given in cycles per pixel of a series (IMOD's tilt.com, loaded), as the filter of a run at
 * `binning`: a binned pixel spans `binning` of the series', so the same frequencies are `binning` times as many
 * cycles per pixel; past Nyquist (0.5) the window passes the whole band, and the values stop there. Four
 * significant digits.
 */
export function radialAtBinning(radial: { cutoff: number; falloff: number }, binning: number): FilterSpec {
  const at = (value: number) => Number(Math.min(0.5, value * binning).toPrecision(4));
  return { name: 'radial', cutoff: at(radial.cutoff), falloff: at(radial.falloff) };
}

/** A filter with a radial filter's unset cutoff and falloff given their defaults (RADIAL_DEFAULTS). */
function withRadialDefaults(filter: FilterSpec): FilterSpec {
  return filter.name === 'radial' ? { ...filter, cutoff: filter.cutoff ?? RADIAL_DEFAULTS.cutoff, falloff: filter.falloff ?? RADIAL_DEFAULTS.falloff } : filter;
}

/** Whether two filters filter alike (withRadialDefaults). */
export function sameFilter(a: FilterSpec, b: FilterSpec): boolean {
  const [x, y] = [withRadialDefaults(a), withRadialDefaults(b)];
  return x.name === y.name && x.cutoff === y.cutoff && x.falloff === y.falloff;
}

function isFilterName(name: string): name is FilterName {
  return (FILTER_NAMES as readonly string[]).includes(name);
}

/** Other tools' spellings (IMOD, ASTRA, scikit-image, TomoPy) of the same filters. */
const FILTER_ALIASES: Readonly<Record<string, FilterName>> = {
  ramp: 'ram-lak',
  ramlak: 'ram-lak',
  'ram_lak': 'ram-lak',
  shepp: 'shepp-logan',
  shepplogan: 'shepp-logan',
  'shepp_logan': 'shepp-logan',
  cos: 'cosine',
  hanning: 'hann',
};

/** The canonical filter for a name as people type it (any case), or undefined. */
export function filterByName(name: string): FilterName | undefined {
  const key = name.trim().toLowerCase();
  return isFilterName(key) ? key : FILTER_ALIASES[key];
}

/** Padded row length for filtering: a power of two ≥ 2·nx, so the circular convolution never wraps. */
export function paddedLength(nx: number): number {
  return nextPowerOfTwo(2 * nx);
}

/** Window multiplying the Ram-Lak response at |f| (cycles/pixel). */
export function filterWindow(spec: FilterSpec, f: number): number {
  const a = Math.abs(f);
  switch (spec.name) {
    case 'ram-lak':
      return 1;
    case 'shepp-logan':
      return a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a);
    case 'cosine':
      return Math.cos(Math.PI * a);
    case 'hamming':
      return 0.54 + 0.46 * Math.cos(2 * Math.PI * a);
    case 'hann':
      return 0.5 + 0.5 * Math.cos(2 * Math.PI * a);
    case 'radial': {
      const cutoff = spec.cutoff ?? RADIAL_DEFAULTS.cutoff;
      const falloff = spec.falloff ?? RADIAL_DEFAULTS.falloff;
      if (a <= cutoff) return 1;
      return falloff > 0 ? Math.exp(-((a - cutoff) ** 2) / (2 * falloff * falloff)) : 0;
    }
  }
}

/** Frequency (cycles/sample) of DFT bin j of length n. */
export function binFrequency(j: number, n: number): number {
  return (j <= n / 2 ? j : j - n) / n;
}

/** Real frequency response, length `length` (DFT bin order), of the windowed Ram-Lak filter. */
export function filterResponse(spec: FilterSpec, length: number): Float32Array {
  const re = new Float64Array(length);
  const im = new Float64Array(length);
  re[0] = 0.25;
  for (let k = 1; k < length / 2; k += 2) {
    const h = -1 / (Math.PI * k) ** 2;
    re[k] = h;
    re[length - k] = h;
  }
  fft(re, im);
  const response = new Float32Array(length);
  for (let j = 0; j < length; j++) response[j] = re[j] * filterWindow(spec, binFrequency(j, length));
  return response;
}
