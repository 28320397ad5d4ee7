/**
 * Hand the local model's lowest measured frequencies over to FBP (docs/localnet.md#fbp-hand-over).
 *
 * An 11-pixel patch cannot see large-scale content (the ice layer, its depth profile), so the model predicts
 * the measured data's lowest frequencies worse than FBP does. The result keeps the model everywhere except on
 * the wedge cone's measured side (docs/conventions.md#wedge-cone) below `fbpBelow` cycles/voxel, where it takes
 * the cosine FBP's coefficients scaled by one least-squares factor onto the model's:
 *
 *     result = m + W∗(a·f − m),   W(k) = taper(|k|)·measured(kx, kz),   a = Σ W·Re(F̄·M) / Σ W·|F|²
 *
 * with m the model's tomogram, f the FBP's. FBP over a limited tilt range is 1/(range/180°) too strong on its
 * measured side (the π/N weight), and the model's amplitudes are its own, so a is fitted, not assumed.
 * W is real and even, so g = W∗f and h = W∗m are real volumes and, by Parseval, a = ⟨g, m⟩ / ⟨g, f⟩: the work
 * is two low-passes (a 3-D FFT, a product, an inverse FFT each; here on the CPU, ./fbpHandoverGpu.ts on the
 * GPU) and dot products, result = m + a·g − h.
 */
import { fft3d, frequency } from '../../metrics/fourier.ts';
import { wedgeMaskXZ } from '../../metrics/fsc.ts';
import type { Volume } from '../../types.ts';

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

/** W∗v on the CPU (float64 FFT): `volume` low-passed by the hand-over weight. */
export function measuredLowPassCpu(volume: Volume, angles: readonly number[], fbpBelow: number): Float32Array {
  const { nx, ny, nz, data } = volume;
  const re = Float64Array.from(data);
  const im = new Float64Array(re.length);
  fft3d(re, im, nx, ny, nz);
  const cone = wedgeMaskXZ(volume, angles);
  for (let jz = 0; jz < nz; jz++) {
    const kz = frequency(jz, nz);
    for (let jy = 0; jy < ny; jy++) {
      const ky = frequency(jy, ny);
      for (let jx = 0; jx < nx; jx++) {
        const kx = frequency(jx, nx);
        const w = cone[jx + nx * jz] ? handoverTaper(Math.sqrt(kx * kx + ky * ky + kz * kz), fbpBelow) : 0;
        const i = jx + nx * (jy + ny * jz);
        re[i] *= w;
        im[i] *= w;
      }
    }
  }
  fft3d(re, im, nx, ny, nz, true);
  return Float32Array.from(re);
}

/**
 * m + a·g − h with a = ⟨g, m⟩ / ⟨g, f⟩ (float64 sums), g = W∗f, h = W∗m: the model's tomogram with its
 * lowest measured frequencies taken from FBP. Returns the volume and a (0 when g is zero: nothing to hand over).
 */
export function combineHandover(model: Float32Array, lowFbp: Float32Array, lowModel: Float32Array, fbp: Float32Array): { data: Float32Array; scale: number } {
  let gm = 0;
  let gf = 0;
  for (let i = 0; i < model.length; i++) {
    gm += lowFbp[i] * model[i];
    gf += lowFbp[i] * fbp[i];
  }
  const scale = gf > 0 ? gm / gf : 0;
  const data = new Float32Array(model.length);
  for (let i = 0; i < model.length; i++) data[i] = model[i] + scale * lowFbp[i] - lowModel[i];
  return { data, scale };
}
