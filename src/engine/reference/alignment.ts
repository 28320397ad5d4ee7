/**
 * Plain TypeScript reference of applying a stack alignment (../align/resample.ts is tested against it),
 * written from the definitions in docs/alignment.md, in float64:
 *   aligned(p) = mean over the bin × bin sub-pixels q of p of raw(T(q)), T the section's map to raw pixels,
 *   raw(r) bilinear between pixel centres, the section's mean outside them.
 */
import type { StackAlignment } from '../../io/alignmentFiles.ts';
import type { SectionStack } from '../align/geometry.ts';

function bilinear(raw: SectionStack, section: number, tx: number, ty: number, fill: number): number {
  const { nx, ny, data } = raw;
  if (tx < 0 || ty < 0 || tx > nx - 1 || ty > ny - 1) return fill;
  const x0 = Math.floor(tx);
  const y0 = Math.floor(ty);
  const x1 = Math.min(x0 + 1, nx - 1);
  const y1 = Math.min(y0 + 1, ny - 1);
  const fx = tx - x0;
  const fy = ty - y0;
  const at = (x: number, y: number) => data[(section * ny + y) * nx + x];
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0)) + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1));
}

export function alignStackCpu(raw: SectionStack, alignment: Pick<StackAlignment, 'transforms' | 'keptSections'>, bin = 1, outputSize = { nx: raw.nx, ny: raw.ny }): SectionStack {
  const nx = Math.floor(outputSize.nx / bin);
  const ny = Math.floor(outputSize.ny / bin);
  const n = alignment.keptSections.length;
  const data = new Float32Array(nx * ny * n);
  alignment.keptSections.forEach((section, k) => {
    const t = alignment.transforms[k];
    let sum = 0;
    for (let i = 0; i < raw.nx * raw.ny; i++) sum += raw.data[section * raw.nx * raw.ny + i];
    const fill = sum / (raw.nx * raw.ny);
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        let value = 0;
        for (let j = 0; j < bin; j++) {
          for (let i = 0; i < bin; i++) {
            // Centred coordinate of the sub-pixel in the unbinned aligned image of nx·bin × ny·bin pixels.
            const u = x * bin + i - (nx * bin - 1) / 2;
            const v = y * bin + j - (ny * bin - 1) / 2;
            const rx = t.xx * u + t.xy * v + t.x0;
            const ry = t.yx * u + t.yy * v + t.y0;
            value += bilinear(raw, section, rx + (raw.nx - 1) / 2, ry + (raw.ny - 1) / 2, fill);
          }
        }
        data[(k * ny + y) * nx + x] = value / (bin * bin);
      }
    }
  });
  return { nx, ny, nSections: n, data };
}
