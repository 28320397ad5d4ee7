/** Drawing plain images on 2-D canvases. */
import { windowToRgba } from '../compare/colormap.ts';

/** Draw `data` (width × height, x fastest, row 0 at the bottom) in grey from lo to hi, at its own size. */
export function drawGrey(canvas: HTMLCanvasElement, data: ArrayLike<number>, width: number, height: number, lo: number, hi: number): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const pixels = windowToRgba(data, width, height, lo, hi);
  ctx.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
}
