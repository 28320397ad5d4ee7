/**
 * Fourier ring correlation of two 2-D images (docs/conventions.md#frc).
 *
 * An nx × ny image is the nx × ny × 1 volume, so its rings are the FSC's shells at kz = 0 (fsc.ts): ring r
 * holds the DFT pixels with round(|k|·n_max) = r, k in cycles/pixel per axis (numpy's fftfreq), n_max =
 * max(nx, ny); rings are 1/n_max wide and run 0 … floor(n_max/2) (Nyquist), the corners beyond belong to
 * none, half-integer ties round to even. FRC[r] = Re Σ F_a·conj(F_b) / sqrt(Σ|F_a|²·Σ|F_b|²) over the
 * pixels of ring r (both halves of the DFT), 0 where a denominator is 0. The FSC's code computes it: one
 * definition, one implementation.
 */
import { fsc } from './fsc.ts';

export interface FrcCurve {
  /** Ring frequency in cycles/pixel: r / max(nx, ny), r = 0 … floor(max(nx, ny)/2). */
  frequencies: number[];
  frc: number[];
  /** DFT pixels per ring (both halves). */
  counts: number[];
}

/** FRC of two nx × ny images stored x fastest. */
export function frc(a: Float32Array, b: Float32Array, nx: number, ny: number): FrcCurve {
  if (a.length !== nx * ny || b.length !== nx * ny) {
    throw new RangeError(`FRC needs two ${nx} × ${ny} images (${nx * ny} pixels), got ${a.length} and ${b.length}`);
  }
  const image = (data: Float32Array) => ({ nx, ny, nz: 1, data, pixelSize: 0 });
  const curves = fsc(image(a), image(b));
  return { frequencies: curves.shells, frc: curves.fsc, counts: curves.counts };
}

/**
 * Mean of the FRC over the rings with 0 < frequency ≤ `maxFrequency` (cycles/pixel), each ring weighted by
 * its pixel count, so that every DFT pixel of the band counts once. Ring 0 (the means' product sign) is left
 * out. NaN when the band holds no ring.
 */
export function bandMean(curve: Pick<FrcCurve, 'frequencies' | 'counts'>, values: readonly number[], maxFrequency: number): number {
  let sum = 0;
  let weight = 0;
  curve.frequencies.forEach((f, r) => {
    if (f > 0 && f <= maxFrequency) {
      sum += curve.counts[r] * values[r];
      weight += curve.counts[r];
    }
  });
  return weight > 0 ? sum / weight : NaN;
}
