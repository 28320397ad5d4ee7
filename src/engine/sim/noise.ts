/**
 * Additive Gaussian noise at a given SNR (docs/conventions.md#noise-level):
 *   SNR_dB = 10·log10(var(signal) / var(noise)),
 * with var(signal) over the whole noise-free tilt series, i.e. the whole array passed in.
 * Sums run in float64 so that large series do not lose precision.
 */
import { Rng } from './random.ts';

/** Population variance in float64 (two-pass: mean first, then squared deviations). */
export function variance(data: ArrayLike<number>): number {
  const n = data.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i] - mean;
    ss += d * d;
  }
  return ss / n;
}

/** Noise standard deviation for the requested SNR: σ = sqrt(var(signal) / 10^(snrDb/10)). */
export function noiseSigma(signalVariance: number, snrDb: number): number {
  return Math.sqrt(signalVariance / 10 ** (snrDb / 10));
}

/**
 * A NEW array: data + N(0, σ²) per element, σ from the SNR over all of `data`. +∞ dB adds nothing.
 * With `tiltScale` (one relative σ per plane of data.length / tiltScale.length values), plane t gets
 * σ·s_t / rms(s), so that the noise's total power, and with it the series' SNR, stays as asked.
 */
export function addGaussianNoise(data: Float32Array, snrDb: number, seed: number, tiltScale?: readonly number[]): Float32Array {
  if (Number.isNaN(snrDb)) throw new Error('SNR (dB) must be a number');
  const sigma = noiseSigma(variance(data), snrDb);
  const plane = tiltScale ? data.length / tiltScale.length : data.length;
  if (!Number.isInteger(plane)) throw new RangeError(`addGaussianNoise: ${tiltScale?.length} scales for ${data.length} values`);
  const rms = tiltScale ? Math.sqrt(tiltScale.reduce((sum, s) => sum + s * s, 0) / tiltScale.length) : 1;
  const out = new Float32Array(data.length);
  const rng = new Rng(seed);
  for (let i = 0; i < data.length; i++) {
    const scale = tiltScale ? tiltScale[Math.floor(i / plane)] / rms : 1;
    out[i] = data[i] + sigma * scale * rng.normal();
  }
  return out;
}

/** Measured SNR in dB of `noisy` against `clean` (the noise is noisy − clean). */
export function measureSnrDb(clean: ArrayLike<number>, noisy: ArrayLike<number>): number {
  if (clean.length !== noisy.length) throw new Error(`Length mismatch: ${clean.length} vs ${noisy.length}`);
  const noise = new Float64Array(clean.length);
  for (let i = 0; i < clean.length; i++) noise[i] = noisy[i] - clean[i];
  return 10 * Math.log10(variance(clean) / variance(noise));
}
