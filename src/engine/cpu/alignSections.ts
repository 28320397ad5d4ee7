/**
 * Applying a stack alignment on the CPU pool (align/loaded.ts on the CPU path): each section of a round resampled by
 * one thread, bilinear between raw pixel centres, the section's mean outside them: the definition in
 * docs/alignment.md at binning 1, as reference/alignment.ts computes it (float64 arithmetic, float32 samples).
 * Here the rows are sections.
 */

/** Sections [y0, y0 + rows) of `raw` (each rawNx × rawNy) resampled into the same sections of `out` (each nx × ny). */
export interface AlignSectionsTask {
  kernel: 'alignSections';
  y0: number;
  rows: number;
  raw: Float32Array;
  rawNx: number;
  rawNy: number;
  out: Float32Array;
  nx: number;
  ny: number;
  /** Six numbers a section, its map from centred aligned pixels to centred raw ones: xx, xy, yx, yy, x0, y0. */
  transforms: Float64Array;
}

export function alignSectionRows(task: AlignSectionsTask, from: number, to: number): void {
  for (let s = from; s < to; s++) alignSection(task, s);
}

function alignSection({ raw, rawNx, rawNy, out, nx, ny, transforms }: AlignSectionsTask, s: number): void {
  const src = raw.subarray(s * rawNx * rawNy, (s + 1) * rawNx * rawNy);
  const dest = out.subarray(s * nx * ny, (s + 1) * nx * ny);
  let sum = 0;
  for (let i = 0; i < src.length; i++) sum += src[i];
  const fill = sum / src.length;
  const [xx, xy, yx, yy, x0, y0] = transforms.subarray(6 * s, 6 * s + 6);
  // Raw coordinates from the raw image's corner: the map's centred result plus the raw centre.
  const [rawCx, rawCy] = [(rawNx - 1) / 2, (rawNy - 1) / 2];
  for (let y = 0; y < ny; y++) {
    const v = y - (ny - 1) / 2;
    for (let x = 0; x < nx; x++) {
      const u = x - (nx - 1) / 2;
      const tx = xx * u + xy * v + x0 + rawCx;
      const ty = yx * u + yy * v + y0 + rawCy;
      dest[y * nx + x] = tx < 0 || ty < 0 || tx > rawNx - 1 || ty > rawNy - 1 ? fill : bilinear(src, rawNx, rawNy, tx, ty);
    }
  }
}

function bilinear(src: Float32Array, nx: number, ny: number, tx: number, ty: number): number {
  const [xa, ya] = [Math.floor(tx), Math.floor(ty)];
  const [xb, yb] = [Math.min(xa + 1, nx - 1), Math.min(ya + 1, ny - 1)];
  const [fx, fy] = [tx - xa, ty - ya];
  const top = (1 - fx) * src[ya * nx + xa] + fx * src[ya * nx + xb];
  const bottom = (1 - fx) * src[yb * nx + xa] + fx * src[yb * nx + xb];
  return (1 - fy) * top + fy * bottom;
}
