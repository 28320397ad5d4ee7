/**
 * A tilt's Thon rings against its CTF estimate (docs/metadata.md#checking-an-estimate-against-the-tilt): what
 * ctfplotter and CTFFIND show to judge a fit. The tilt's power spectrum, averaged over overlapping windowed tiles
 * (Welch), in log, with each ring's mean taken off so that only the rings' modulation is left; beside it the
 * estimate's CTF² flattened alike; and their correlation over the band where the rings are, the estimate's score.
 * For an astigmatic estimate, also the score with its two axes swapped (the angle turned 90°): when that one is the
 * higher, the estimate's angle is not this tilt's (a frame turned by an alignment, or another convention).
 *
 * CPU, float64, a few tiles' FFTs: for one tilt of the preview at a time.
 */
import { astigmaticTerm, ctfSquaredAt, firstFlippedFrequency, type Microscope } from './ctf.ts';
import { astigmatismAxes } from '../io/astigmatism.ts';
import { fft3d, frequency } from './metrics/fourier.ts';
import { shellIndex } from './metrics/fsc.ts';

/** Tiles are at most this many pixels a side (a power of two: the spectrum's sampling, 1/(TILE·p)). */
const TILE = 256;

export interface ThonRingInput {
  /** One tilt, nx × ny, x fastest. */
  tilt: Float32Array;
  nx: number;
  ny: number;
  /** Å per pixel. */
  pixelSize: number;
  /** µm under focus, the mean of the axes. */
  defocus: number;
  /** The tilt's astigmatism components (io/types.ts Astigmatism), µm; 0 and 0 without. */
  cos2: number;
  sin2: number;
  /** Radians a phase plate adds. */
  phaseShift: number;
  microscope: Microscope;
}

export interface ThonRings {
  /** Pixels a side of both images, DC at (size/2, size/2), x fastest. */
  size: number;
  /** The tilt's flattened log power spectrum. */
  spectrum: Float32Array;
  /** The estimate's CTF², flattened alike. */
  model: Float32Array;
  /** Correlation of the two over the band (Pearson), and the band in 1/Å. */
  score: number;
  band: [number, number];
  /** With astigmatism: the score with the axes swapped. */
  swappedScore?: number;
  /**
   * Both, averaged along the rings into profiles over the band, as ctfplotter plots them: each pixel at the frequency
   * whose ring it lies on at the mean defocus (f·√(defocus along its direction / mean)), so that an astigmatic
   * estimate's ellipses average as circles; one point per 1/(size·p).
   */
  profile: { frequencies: number[]; spectrum: number[]; model: number[] };
  /**
   * The mean defocus (µm) within ±30 % of the estimate's, in 0.5 % steps, whose rings agree best with the tilt's over
   * the same band (the estimate's astigmatism kept), and that agreement: a check of the estimate, not a fit of it.
   */
  best: { defocus: number; score: number };
}

/** The scan of ThonRings.best: ±30 % of the estimate in 0.5 % steps. */
const SCAN = Array.from({ length: 121 }, (_, j) => 0.7 + 0.005 * j);

/** The tile side for an nx × ny tilt: TILE, or the largest power of two that fits. */
export function tileSize(nx: number, ny: number): number {
  let size = TILE;
  while (size > Math.min(nx, ny)) size /= 2;
  return size;
}

/** Tiles along each axis at most: a 4k tilt's spectrum from 8 × 8 of its 31 × 31 half-overlapping tiles, spread over it. */
const MAX_TILES = 8;

/**
 * The tilt's power spectrum: |FFT|² averaged over size² tiles overlapping by half (at most MAX_TILES an axis, spread
 * evenly over the tilt), each less its mean and Hann-windowed; DC at the centre.
 */
export function tiltPowerSpectrum(tilt: Float32Array, nx: number, ny: number, size: number): Float64Array {
  const hann = Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / size));
  const power = new Float64Array(size * size);
  const starts = (n: number) => {
    const count = Math.floor((n - size) / (size / 2)) + 1;
    if (count <= MAX_TILES) return Array.from({ length: count }, (_, k) => (k * size) / 2);
    return Array.from({ length: MAX_TILES }, (_, k) => Math.round((k * (n - size)) / (MAX_TILES - 1)));
  };
  for (const y0 of starts(ny)) {
    for (const x0 of starts(nx)) {
      const re = new Float64Array(size * size);
      let mean = 0;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) mean += tilt[x0 + x + nx * (y0 + y)];
      mean /= size * size;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) re[x + size * y] = (tilt[x0 + x + nx * (y0 + y)] - mean) * hann[x] * hann[y];
      const im = new Float64Array(size * size);
      fft3d(re, im, size, size, 1);
      for (let i = 0; i < re.length; i++) power[shifted(i, size)] += re[i] * re[i] + im[i] * im[i];
    }
  }
  return power;
}

/** Where DFT index i of a size² transform lies with DC moved to the centre. */
function shifted(i: number, size: number): number {
  const [jx, jy] = [i % size, Math.floor(i / size)];
  return ((jx + size / 2) % size) + size * ((jy + size / 2) % size);
}

/** Each centred pixel's ring (the FSC's shell index, round |k|·size) and its frequency components in cycles per pixel. */
function centredFrequencies(size: number): { kx: Float64Array; ky: Float64Array; ring: Int32Array } {
  const kx = new Float64Array(size * size);
  const ky = new Float64Array(size * size);
  const ring = new Int32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = x + size * y;
      kx[i] = frequency((x + size / 2) % size, size);
      ky[i] = frequency((y + size / 2) % size, size);
      ring[i] = shellIndex(kx[i], ky[i], 0, size);
    }
  }
  return { kx, ky, ring };
}

/** `values` less the mean of its ring, each pixel: the rings' modulation without their smooth envelope. */
function flattened(values: Float64Array, ring: Int32Array): Float32Array {
  const rings = ring.reduce((most, r) => Math.max(most, r), 0) + 1;
  const [sum, count] = [new Float64Array(rings), new Float64Array(rings)];
  values.forEach((v, i) => {
    sum[ring[i]] += v;
    count[ring[i]] += 1;
  });
  return Float32Array.from(values, (v, i) => v - sum[ring[i]] / count[ring[i]]);
}

/** CTF² at every centred pixel (frequencies kx, ky in cycles per pixel) for a defocus, astigmatism and phase shift. */
function ctfSquared(input: Omit<ThonRingInput, 'tilt' | 'nx' | 'ny'>, kx: Float64Array, ky: Float64Array): Float64Array {
  const { pixelSize, defocus, cos2, sin2, phaseShift, microscope } = input;
  const squaredAt = ctfSquaredAt(microscope, phaseShift);
  return kx.map((x, i) => squaredAt(defocus + astigmaticTerm(x, ky[i], cos2, sin2), (x * x + ky[i] * ky[i]) / pixelSize ** 2));
}

/** Pearson correlation of a and b over the pixels `inBand` keeps. */
function correlation(a: Float32Array, b: Float32Array, inBand: (i: number) => boolean): number {
  let [n, ma, mb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) if (inBand(i)) [n, ma, mb] = [n + 1, ma + a[i], mb + b[i]];
  [ma, mb] = [ma / n, mb / n];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    if (!inBand(i)) continue;
    [ab, aa, bb] = [ab + (a[i] - ma) * (b[i] - mb), aa + (a[i] - ma) ** 2, bb + (b[i] - mb) ** 2];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * The tilt's Thon rings and the estimate's, and how well they agree: over the band from 0.8 × the first zero's
 * frequency (the lowest: along the axis further from focus) to 0.9 × Nyquist, where the rings are. Null where that band is empty
 * (the first zero past Nyquist at this pixel size: no rings to see).
 */
export function thonRings(input: ThonRingInput): ThonRings | null {
  const { tilt, nx, ny, pixelSize, defocus, cos2, sin2, phaseShift, microscope } = input;
  const size = tileSize(nx, ny);
  const half = astigmatismAxes(cos2, sin2).difference / 2;
  const band: [number, number] = [0.8 * firstFlippedFrequency(defocus + half, microscope, phaseShift), 0.9 / (2 * pixelSize)];
  if (!(band[0] < band[1])) return null;
  const { kx, ky, ring } = centredFrequencies(size);
  const spectrum = flattened(tiltPowerSpectrum(tilt, nx, ny, size).map((p) => Math.log(p + 1e-30)), ring);
  const inBand = (i: number) => {
    const f = Math.hypot(kx[i], ky[i]) / pixelSize;
    return f >= band[0] && f <= band[1];
  };
  const modelAt = (c: number, s: number) => flattened(ctfSquared({ ...input, cos2: c, sin2: s }, kx, ky), ring);
  const model = modelAt(cos2, sin2);
  const swapped = half > 0 ? { swappedScore: correlation(spectrum, modelAt(-cos2, -sin2), inBand) } : {};
  const profile = ringProfile({ spectrum, model }, input, kx, ky, size, band);
  const best = scanDefocus(spectrum, input, { kx, ky, ring }, inBand);
  return { size, spectrum, model, score: correlation(spectrum, model, inBand), band, ...swapped, profile, best };
}

/**
 * ThonRings.best: the band's pixels only (each ring's mean over them), the model's CTF² for each scanned defocus
 * from the pixels' f² and astigmatic terms, made once.
 */
function scanDefocus(spectrum: Float32Array, input: ThonRingInput, grid: ReturnType<typeof centredFrequencies>, inBand: (i: number) => boolean): ThonRings['best'] {
  const { pixelSize, defocus, cos2, sin2, phaseShift, microscope } = input;
  const pixels = Array.from({ length: spectrum.length }, (_, i) => i).filter(inBand);
  const f2 = pixels.map((i) => (grid.kx[i] ** 2 + grid.ky[i] ** 2) / pixelSize ** 2);
  const along = pixels.map((i) => astigmaticTerm(grid.kx[i], grid.ky[i], cos2, sin2));
  const ring = Int32Array.from(pixels, (i) => grid.ring[i]);
  const data = Float32Array.from(pixels, (i) => spectrum[i]);
  const squaredAt = ctfSquaredAt(microscope, phaseShift);
  const everyPixel = () => true;
  const scores = SCAN.map((factor) => correlation(data, flattened(Float64Array.from(f2, (f, j) => squaredAt(factor * defocus + along[j], f)), ring), everyPixel));
  const top = scores.indexOf(Math.max(...scores));
  return { defocus: SCAN[top] * defocus, score: scores[top] };
}

/** ThonRings.profile: the two images' means over the pixels of each ring at the mean defocus, within the band. */
function ringProfile(images: { spectrum: Float32Array; model: Float32Array }, input: ThonRingInput, kx: Float64Array, ky: Float64Array, size: number, band: [number, number]): ThonRings['profile'] {
  const { pixelSize, defocus, cos2, sin2 } = input;
  const step = 1 / (size * pixelSize);
  const [first, last] = [Math.ceil(band[0] / step), Math.floor(band[1] / step)];
  const count = Math.max(0, last - first + 1);
  const [spectrum, model, n] = [new Float64Array(count), new Float64Array(count), new Float64Array(count)];
  kx.forEach((x, i) => {
    const along = astigmaticTerm(x, ky[i], cos2, sin2);
    const bin = Math.round((Math.hypot(x, ky[i]) * Math.sqrt(Math.max(0, (defocus + along) / defocus))) / pixelSize / step) - first;
    if (bin < 0 || bin >= count) return;
    [spectrum[bin], model[bin], n[bin]] = [spectrum[bin] + images.spectrum[i], model[bin] + images.model[i], n[bin] + 1];
  });
  const kept = Array.from({ length: count }, (_, j) => j).filter((j) => n[j] > 0);
  return { frequencies: kept.map((j) => (first + j) * step), spectrum: kept.map((j) => spectrum[j] / n[j]), model: kept.map((j) => model[j] / n[j]) };
}
