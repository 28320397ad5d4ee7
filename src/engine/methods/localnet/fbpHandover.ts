/**
 * Hand the local model's measured side over to FBP (docs/localnet.md#fbp-hand-over).
 *
 * An 11-pixel patch cannot see large-scale content (the ice layer, its depth profile), so the model predicts
 * the measured data's lowest frequencies worse than FBP does; and on clean data FBP's measured side is better than
 * the model's at every frequency. The result keeps the model on the missing side of the wedge cone
 * (docs/conventions.md#wedge-cone) and, on the measured side, moves it toward the cosine FBP's coefficients
 * scaled by one least-squares factor onto the model's:
 *
 *     result = m + W∗(a·f − m),   W(k) = taper(|k|)·measured(kx, kz),   a = Σ W·Re(F̄·M) / Σ W·|F|²
 *
 * with m the model's tomogram, f the FBP's. The radial taper (RadialWeight) is either a raised cosine below a
 * fixed `fbpBelow` cycles/voxel, or (`fbpFsc`) 2F/(1 + F) clipped to [0, 1], F the odd/even FSC of the cosine
 * FBP in |k|'s shell: the FSC of the whole from that of its halves, a Wiener-like weight that follows the data's
 * own noise without a ground truth (docs/localnet.md#fsc-weighted-hand-over).
 * FBP over a limited tilt range is 1/(range/180°) too strong on its measured side (the π/N weight), and the
 * model's amplitudes are its own, so a is fitted, not assumed.
 * W is real and even, so g = W∗f and h = W∗m are real volumes and, by Parseval, a = ⟨g, m⟩ / ⟨g, f⟩: the work
 * is two low-passes (a 3-D FFT, a product, an inverse FFT each; here on the CPU, ./fbpHandoverGpu.ts on the
 * GPU) and dot products, result = m + a·g − h.
 *
 * After the FSC-weighted hand-over, `fscSigma` σ > 0 smooths that result as a whole (every direction, the missing
 * side too) by S(k) = max(w(|k|), G_σ(|k|)), G_σ the Gaussian of σ voxels: a frequency the data's FSC says is
 * measured (w near 1) is kept, one it says is noise is smoothed as by the Gaussian alone. A fixed σ helps noisy
 * data and costs on clean data; this one follows the data (docs/localnet.md#smoothing-that-follows-the-fsc).
 */
import { frequency } from '../../metrics/fourier.ts';
import { largestDimension, roundHalfEven, wedgeMaskXZ } from '../../metrics/fsc.ts';
import type { Volume } from '../../types.ts';
import { filterVolume } from '../../volumeFourierFilter.ts';
import { allocateLike, forEachRow, rowReader, type Tomogram } from '../../../io/piecedVolume.ts';

/** The taper runs over [TAPER_START, TAPER_END]·fbpBelow: W is 1 below, 0 above, ½ at fbpBelow. */
export const TAPER_START = 2 / 3;
export const TAPER_END = 4 / 3;

/** Raised-cosine taper of |k| (cycles/voxel) for a hand-over below `fbpBelow`. */
export function handoverTaper(f: number, fbpBelow: number): number {
  const lo = TAPER_START * fbpBelow;
  const hi = TAPER_END * fbpBelow;
  if (f <= lo) return 1;
  if (f >= hi) return 0;
  return 0.5 * (1 + Math.cos((Math.PI * (f - lo)) / (hi - lo)));
}

/**
 * A radial weight of |k|: the raised cosine below `below` cycles/voxel, or one weight per FSC shell (index
 * round(|k|·n_max), ../../metrics/fsc.ts; frequencies past the last shell, the corners, take the last one), floored
 * by a Gaussian of σ `floorSigma` voxels when given: max(shell weight, G(|k|)), the FSC smoothing (fscSigma).
 */
export type RadialWeight = { below: number } | { shells: Float32Array; floorSigma?: number };

/** A Gaussian of σ voxels in Fourier space at f cycles/voxel: exp(−2π²σ²f²), 1 at f = 0. */
function gaussianResponse(f: number, sigma: number): number {
  return Math.exp(-2 * Math.PI * Math.PI * sigma * sigma * f * f);
}

/**
 * Per-shell weights 2F/(1 + F), clipped to [0, 1], from an odd/even FSC curve F; shell 0 weighs 0. That shell is
 * the mean alone, one coefficient whose FSC is ±1 by the sign of two near-zero means (the FBP is of the centred
 * stack), so it says nothing: the result keeps the model's mean, which models are trained to leave out.
 */
export function fscWeights(fsc: readonly number[]): Float32Array {
  return Float32Array.from(fsc, (F, shell) => (shell === 0 ? 0 : Math.min(1, Math.max(0, (2 * F) / (1 + F))) || 0));
}

/** The radial weight at |k| = f cycles/voxel, n_max the volume's largest dimension. */
export function radialWeight(weight: RadialWeight, f: number, nMax: number): number {
  if ('below' in weight) return handoverTaper(f, weight.below);
  const shell = weight.shells[Math.min(roundHalfEven(f * nMax), weight.shells.length - 1)];
  return weight.floorSigma ? Math.max(shell, gaussianResponse(f, weight.floorSigma)) : shell;
}

/**
 * The wedge cone's measured side in (kx, kz) (1 measured), for the tilt angles the reconstruction used; with no
 * angles, every direction (the FSC smoothing filters the whole tomogram).
 */
export function filterCone(volume: Pick<Volume, 'nx' | 'ny' | 'nz'>, angles: readonly number[] | null): Uint8Array {
  return angles ? wedgeMaskXZ(volume, angles) : new Uint8Array(volume.nx * volume.nz).fill(1);
}

/**
 * W∗v on the CPU (float64 FFT): `volume` filtered by W(k) = radial weight × the measured side of the cone
 * (the hand-over's low-pass), or the radial weight alone when `angles` is null.
 */
export function radialFilterCpu(volume: Volume, angles: readonly number[] | null, weight: RadialWeight): Float32Array {
  const { nx, ny, nz } = volume;
  const nMax = largestDimension(volume);
  const cone = filterCone(volume, angles);
  return filterVolume(volume.data, nx, ny, nz, (jx, jy, jz) => {
    if (!cone[jx + nx * jz]) return 0;
    const kx = frequency(jx, nx);
    const ky = frequency(jy, ny);
    const kz = frequency(jz, nz);
    return radialWeight(weight, Math.sqrt(kx * kx + ky * ky + kz * kz), nMax);
  });
}

/**
 * m + a·g − h with a = ⟨g, m⟩ / ⟨g, f⟩ (float64 sums), g = W∗f, h = W∗m: the model's tomogram with its
 * lowest measured frequencies taken from FBP. Returns the volume, held in the model's pieces when it is pieced
 * (any of the four may be), and a (0 when g is zero: nothing to hand over).
 */
export function combineHandover(model: Tomogram, lowFbp: Tomogram, lowModel: Tomogram, fbp: Tomogram): { volume: Tomogram; scale: number } {
  const [m, g, h, f] = [model, lowFbp, lowModel, fbp].map(rowReader);
  let gm = 0;
  let gf = 0;
  forEachRow(model, (y, z) => {
    const [mr, gr, fr] = [m(y, z), g(y, z), f(y, z)];
    for (let x = 0; x < mr.length; x++) {
      gm += gr[x] * mr[x];
      gf += gr[x] * fr[x];
    }
  });
  const scale = gf > 0 ? gm / gf : 0;
  const volume = allocateLike(model);
  const out = rowReader(volume);
  forEachRow(model, (y, z) => {
    const [row, mr, gr, hr] = [out(y, z), m(y, z), g(y, z), h(y, z)];
    for (let x = 0; x < row.length; x++) row[x] = mr[x] + scale * gr[x] - hr[x];
  });
  return { volume, scale };
}
