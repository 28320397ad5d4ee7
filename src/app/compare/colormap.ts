/** Colour and grey-level mapping of images drawn on 2-D canvases. Pure: works on typed arrays. */

/** Control points of matplotlib's "inferno" (t = 0, 0.125, …, 1), linearly interpolated. */
const INFERNO: [number, number, number][] = [
  [0, 0, 4],
  [31, 12, 72],
  [85, 15, 109],
  [136, 34, 106],
  [186, 54, 85],
  [227, 89, 51],
  [249, 140, 10],
  [249, 201, 50],
  [252, 255, 164],
];

export function inferno(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [INFERNO[i], INFERNO[i + 1]];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** A 256-entry RGB lookup table. */
export function buildLut(map: (t: number) => [number, number, number] = inferno): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(map(i / 255), i * 3);
  return lut;
}

const GREY_LUT = buildLut((t) => {
  const g = Math.round(t * 255);
  return [g, g, g];
});

/** The slice viewer's colour maps: grey, grey inverted (dense = dark on raw cryo-ET contrast, or the reverse), inferno. */
export const SLICE_COLORMAPS = {
  grey: GREY_LUT,
  inverted: buildLut((t) => {
    const g = Math.round((1 - t) * 255);
    return [g, g, g];
  }),
  inferno: buildLut(inferno),
} as const;
export type SliceColormap = keyof typeof SLICE_COLORMAPS;

/**
 * Window `data` (width × height, x fastest, row 0 = bottom) into RGBA pixels with row 0 at
 * the top of the image, i.e. flipped so that v points up on screen. lo → first LUT entry, hi → last.
 */
export function windowToRgba(
  data: ArrayLike<number>,
  width: number,
  height: number,
  lo: number,
  hi: number,
  lut: Uint8ClampedArray = GREY_LUT,
  out: Uint8ClampedArray = new Uint8ClampedArray(width * height * 4),
): Uint8ClampedArray {
  const span = hi - lo;
  const scale = span > 0 ? 255 / span : 0;
  for (let y = 0; y < height; y++) {
    const src = (height - 1 - y) * width;
    const dst = y * width * 4;
    for (let x = 0; x < width; x++) {
      const v = data[src + x];
      let k = Number.isFinite(v) ? Math.round((v - lo) * scale) : 0;
      if (span <= 0) k = v >= hi ? 255 : 0;
      k = k < 0 ? 0 : k > 255 ? 255 : k;
      const o = dst + x * 4;
      out[o] = lut[k * 3];
      out[o + 1] = lut[k * 3 + 1];
      out[o + 2] = lut[k * 3 + 2];
      out[o + 3] = 255;
    }
  }
  return out;
}

/** Mean 0, population std 1 (constant input → zeros). */
export function standardise(data: ArrayLike<number>): Float32Array {
  const n = data.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += data[i];
  mean /= n || 1;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (data[i] - mean) ** 2;
  const std = Math.sqrt(ss / (n || 1));
  const out = new Float32Array(n);
  if (std > 0) for (let i = 0; i < n; i++) out[i] = (data[i] - mean) / std;
  return out;
}
