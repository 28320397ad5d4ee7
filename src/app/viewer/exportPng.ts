/** PNG of the three slice panels side by side, each with its label and, with a known pixel size, its scale bar. */
import type { SliceAxis } from '../../../workers/api.ts';
import type { SliceRenderer } from './types.ts';
import { SLICE_AXES } from './types.ts';
import { AXIS_COLORS } from './axes.ts';
import { scaleBar } from './scaleBar.ts';

const LABEL_HEIGHT = 22;
const GAP = 4;

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
  const sources = canvases as HTMLCanvasElement[];
  const height = Math.max(...sources.map((c) => c.height));
  const width = sources.reduce((sum, c) => sum + c.width, 0) + GAP * (sources.length - 1);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height + LABEL_HEIGHT * 2;
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.reject(new Error('No 2-D canvas context for the PNG'));
  ctx.fillStyle = '#0a0c0f';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.font = '13px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#d8dee6';
  ctx.fillText(title, 6, LABEL_HEIGHT / 2);
  let x = 0;
  SLICE_AXES.forEach((axis, i) => {
    const canvas = sources[i];
    ctx.fillStyle = AXIS_COLORS[axis];
    ctx.fillText(labels[axis], x + 6, LABEL_HEIGHT * 1.5);
    ctx.drawImage(canvas, x, LABEL_HEIGHT * 2);
    drawScaleBar(ctx, canvas, renderer.cssPerPixel(axis), pixelSize, x, LABEL_HEIGHT * 2);
    x += canvas.width + GAP;
  });
  return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'));
}
