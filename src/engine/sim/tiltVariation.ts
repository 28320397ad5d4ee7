/**
 * Per-tilt degradations of a simulated tilt series, so that training data varies the way real stacks do
 * (issue #15): every tilt blurred by its own Gaussian (defocus spread, drift and beam damage blur some tilts
 * more than others), and a noise level that differs from tilt to tilt (the path through a slab grows as
 * 1/cos θ, so high tilts carry less signal per electron; dose and drift vary too).
 */
import { gaussianSmooth } from '../methods/gaussian/run.ts';
import type { Rng } from './random.ts';

export interface TiltVariation {
  /** Gaussian σ (detector pixels) of each tilt's blur, stack order; 0 = sharp. */
  blurSigma: number[];
  /** Relative noise σ of each tilt, stack order; the series' SNR stays as asked (noise.ts normalises them). */
  noiseScale: number[];
}

/** A random variation for tiltAngles (degrees): blur 0–1 px plus up to 0.6 px growing as 1/cos θ, noise ∝ (1/cos θ)^γ, γ ∈ [0, 1], each tilt jittered. */
export function drawTiltVariation(rng: Rng, tiltAngles: readonly number[]): TiltVariation {
  const base = rng.uniform(0, 1);
  const growth = rng.uniform(0, 0.6);
  const gamma = rng.uniform(0, 1);
  const secant = tiltAngles.map((a) => 1 / Math.cos((a * Math.PI) / 180));
  return {
    blurSigma: secant.map((s) => Math.round((base + growth * (s - 1) + rng.uniform(0, 0.3)) * 1000) / 1000),
    noiseScale: secant.map((s) => Math.round(s ** gamma * Math.exp(0.2 * rng.normal()) * 1000) / 1000),
  };
}

/** A NEW array: each nx × ny tilt of `data` smoothed by its own Gaussian (edges extended by the nearest pixel). */
export function blurTilts(data: Float32Array, nx: number, ny: number, blurSigma: readonly number[]): Float32Array {
  const plane = nx * ny;
  if (blurSigma.length * plane !== data.length) throw new RangeError(`blurTilts: ${blurSigma.length} σ for ${data.length / plane} tilts`);
  const out = data.slice();
  blurSigma.forEach((sigma, t) => {
    if (!(sigma > 0)) return;
    // One tilt as a volume one voxel deep: the z pass of the 3-D smoothing is then the identity.
    const tilt = gaussianSmooth({ nx, ny, nz: 1, data: data.subarray(t * plane, (t + 1) * plane), pixelSize: 0 }, sigma);
    out.set(tilt.data, t * plane);
  });
  return out;
}
