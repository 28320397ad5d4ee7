/** PNG of the three slice panels side by side, each with its label and, with a known pixel size, its scale bar. */
import type { SliceAxis } from '../../../workers/api.ts';
import type { SliceRenderer } from './types.ts';
import { SLICE_AXES } from './types.ts';
import { AXIS_COLORS } from './axes.ts';
import { scaleBar } from './scaleBar.ts';
import { canvasToPng, composeFigure } from '../util/figure.ts';

/** The panel's scale bar, as on screen, in the canvas's own pixels (device pixels). */
function drawScaleBar(ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement, cssPerPixel: number | null, pixelSize: number, x: number, y: number): void {
  const bar = scaleBar(pixelSize, cssPerPixel ?? 0);
  if (!bar) return;
  const ratio = canvas.width / Math.max(1, canvas.clientWidth);
  const [left, bottom] = [x + 10 * ratio, y + canvas.height - 8 * ratio];
  ctx.fillStyle = '#f2f4f7';
  ctx.fillRect(left, bottom - 3 * ratio, bar.css * ratio, 3 * ratio);
  ctx.fillText(bar.label, left, bottom - 12 * ratio);
}

/** pixelSize in Å per voxel; 0 (unknown) draws no scale bars. */
export function slicesToPng(renderer: SliceRenderer, labels: Record<SliceAxis, string>, title: string, pixelSize: number): Promise<Blob> {
  renderer.renderNow();
  const canvases = SLICE_AXES.map((axis) => renderer.canvas(axis));
  if (canvases.some((c) => !c)) return Promise.reject(new Error('The slice viewer is not ready'));
  const panels = SLICE_AXES.map((axis, i) => ({ canvas: canvases[i] as HTMLCanvasElement, label: labels[axis], color: AXIS_COLORS[axis] }));
  const { canvas, context, cells } = composeFigure(panels, panels.length, title);
  SLICE_AXES.forEach((axis, i) => drawScaleBar(context, panels[i].canvas, renderer.cssPerPixel(axis), pixelSize, cells[i].x, cells[i].y));
  return canvasToPng(canvas);
}
