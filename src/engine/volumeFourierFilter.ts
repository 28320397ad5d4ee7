/**
 * A volume multiplied, in 3-D Fourier space, by a real gain of its own at every DFT index: the shared mechanism
 * of the local network's radial filters (methods/localnet/fbpHandover.ts) and the simulator's CTF on a ground
 * truth (sim/ctf.ts); the volume counterpart of tiltFourierFilter.ts. CPU, float64, the separable FFT of
 * metrics/fourier.ts.
 */
import { fft3d } from './metrics/fourier.ts';

/**
 * A NEW array: the nx × ny × nz volume `data` (x fastest), zero-padded in z to `depth` slices (so that a filter's
 * tails do not wrap around through it), multiplied by `gainAt(jx, jy, jz)` at each DFT index of the padded
 * transform, and its first nz slices after the inverse transform. The gain must be even in k (real output).
 */
export function filterVolume(
  data: Float32Array,
  nx: number,
  ny: number,
  nz: number,
  gainAt: (jx: number, jy: number, jz: number) => number,
  depth = nz,
): Float32Array {
  const re = new Float64Array(nx * ny * depth);
  const im = new Float64Array(re.length);
  re.set(data);
  fft3d(re, im, nx, ny, depth);
  for (let jz = 0, i = 0; jz < depth; jz++) {
    for (let jy = 0; jy < ny; jy++) {
      for (let jx = 0; jx < nx; jx++, i++) {
        const gain = gainAt(jx, jy, jz);
        re[i] *= gain;
        im[i] *= gain;
      }
    }
  }
  fft3d(re, im, nx, ny, depth, true);
  return Float32Array.from(re.subarray(0, nx * ny * nz));
}
