/**
 * Each tilt of a stack multiplied, in 2-D Fourier space, by a real gain of its own that is even in frequency
 * (a function of |k|): the shared mechanism of dose weighting (doseWeighting.ts) and the simulator's CTF
 * (sim/ctf.ts). Runs on the CPU with the separable FFT of metrics/fourier.ts, two tilts per complex transform
 * (one as the real part, one as the imaginary part, separated again by the Hermitian symmetry of real images).
 */
import { fft3d, frequency, mirrorIndex } from './metrics/fourier.ts';

/** |k| in 1/Å at every index of an nx × ny DFT (x fastest, DFT order), for pixels of `pixelSize` Å. */
export function radialFrequencyMap(nx: number, ny: number, pixelSize: number): Float64Array {
  const map = new Float64Array(nx * ny);
  for (let jy = 0; jy < ny; jy++) {
    const fy = frequency(jy, ny) / pixelSize;
    for (let jx = 0; jx < nx; jx++) map[jx + nx * jy] = Math.hypot(frequency(jx, nx) / pixelSize, fy);
  }
  return map;
}

/**
 * A NEW array: each nx × ny tilt t of `data` multiplied in Fourier space by the gain that `fillGain(t, gain)`
 * writes at every DFT index (real and even in k, e.g. a function of radialFrequencyMap's |k|).
 */
export function filterTilts(data: Float32Array, nx: number, ny: number, nTilts: number, fillGain: (t: number, gain: Float64Array) => void): Float32Array {
  const out = new Float32Array(data.length);
  filterTiltRange(data, out, nx, ny, 0, nTilts, fillGain);
  return out;
}

/**
 * filterTilts for tilts [from, to) of `data`, written into the same tilts of `out` (which may be `data`: each pair
 * of tilts is read before it is written): the part of a stack one CPU pool thread does.
 */
export function filterTiltRange(data: Float32Array, out: Float32Array, nx: number, ny: number, from: number, to: number, fillGain: (t: number, gain: Float64Array) => void): void {
  const plane = nx * ny;
  const [re, im, outRe, outIm, gainA, gainB] = Array.from({ length: 6 }, () => new Float64Array(plane));
  for (let k = from; k < to; k += 2) {
    // Z = DFT(a + i·b) for tilts a = k and b = k + 1 (b = 0 when k is the range's last).
    const pair = k + 1 < to;
    re.set(data.subarray(k * plane, (k + 1) * plane));
    if (pair) im.set(data.subarray((k + 1) * plane, (k + 2) * plane));
    else im.fill(0);
    fft3d(re, im, nx, ny, 1);
    fillGain(k, gainA);
    if (pair) fillGain(k + 1, gainB);
    else gainB.set(gainA);
    // With A = (Z + conj Z(−f))/2 and B = (Z − conj Z(−f))/2i, the filtered Z' = H_a·A + i·H_b·B is
    // Z·(H_a + H_b)/2 + conj Z(−f)·(H_a − H_b)/2: both gains are real and even in f.
    for (let jy = 0; jy < ny; jy++) {
      const my = mirrorIndex(jy, ny);
      for (let jx = 0; jx < nx; jx++) {
        const i = jx + nx * jy;
        const m = mirrorIndex(jx, nx) + nx * my;
        const sum = (gainA[i] + gainB[i]) / 2;
        const diff = (gainA[i] - gainB[i]) / 2;
        outRe[i] = re[i] * sum + re[m] * diff;
        outIm[i] = im[i] * sum - im[m] * diff;
      }
    }
    fft3d(outRe, outIm, nx, ny, 1, true);
    out.set(outRe, k * plane);
    if (pair) out.set(outIm, (k + 1) * plane);
  }
}
