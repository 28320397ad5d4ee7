/**
 * Binning a tilt image by averaging b × b pixel blocks, as IMOD's newstack -bin and binvol do. The right and bottom
 * edge pixels that do not fill a whole block are dropped: floor(nx / b) × floor(ny / b) pixels out (IMOD's
 * newstack too makes floor(n / b) pixels; it centres the binned image on the original, where we keep the origin at
 * the first pixel). The one implementation of binning: the stack reader bins each section as it arrives
 * (mrcStream.ts) and the methods' `binning` parameter bins a loaded series (engine/methods/preprocess.ts), so a
 * stack binned at load equals one binned before the reconstruction, value for value; the page's tilt preview is
 * binned here too.
 *
 * Why averaging and not Fourier cropping: one pass over each section as it is read, no FFT of a 4k image, memory
 * known in advance (the binned stack only); averaging attenuates high frequencies slightly (a sinc) but does not
 * ring, and it is what IMOD users expect of "bin 4".
 */

/**
 * The smallest binning that makes an nx × ny image at most `maxSide` pixels along both axes: for a preview that
 * needs no more pixels than it is shown with (a 4096² tilt is 64 MiB as float32; binned 8× for a 512-pixel
 * preview, 1 MiB).
 */
export function binningToFit(nx: number, ny: number, maxSide: number): number {
  // floor(n / b) ≤ maxSide exactly when b > n / (maxSide + 1).
  return Math.floor(Math.max(nx, ny) / (maxSide + 1)) + 1;
}

/** Binned size of an n-pixel axis: edge pixels that do not fill a block are dropped. */
export function binnedLength(n: number, b: number): number {
  return Math.floor(n / b);
}

/**
 * Add the b × b block averages of one nx × ny image (`image`, x fastest) to `out` from `outOffset`
 * (binnedLength(nx, b) × binnedLength(ny, b) values, x fastest). `out` must hold zeros there: each of a block's b
 * rows adds its share (the float32 sums are part of the result, so every binning goes through here).
 */
export function binImageInto(image: Float32Array, nx: number, ny: number, b: number, out: Float32Array, outOffset: number): void {
  const bx = binnedLength(nx, b);
  const by = binnedLength(ny, b);
  const scale = 1 / (b * b);
  for (let y = 0; y < by; y++) {
    const outRow = outOffset + y * bx;
    for (let dy = 0; dy < b; dy++) {
      const inRow = (y * b + dy) * nx;
      for (let x = 0; x < bx; x++) {
        let sum = 0;
        for (let dx = 0; dx < b; dx++) sum += image[inRow + x * b + dx];
        out[outRow + x] += sum * scale;
      }
    }
  }
}
