/** PNG of the three slice panels side by side, each with its label. */
import type { SliceAxis } from '../../../workers/api.ts';
import type { SliceRenderer } from './types.ts';
import { SLICE_AXES } from './types.ts';
import { AXIS_COLORS } from './axes.ts';

const LABEL_HEIGHT = 22;
const GAP = 4;

export function slicesToPng(renderer: SliceRenderer, labels: Record<SliceAxis, string>, title: string): Promise<Blob> {
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
    x += canvas.width + GAP;
  });
  return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'));
}
