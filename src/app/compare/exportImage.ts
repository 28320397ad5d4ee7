/** Figure export from the page: PNG of canvases and SVG text, text files (CSV/JSON/SVG). */
import { downloadBlob } from '../util/download.ts';
import { PLOT_THEME } from './plotSvg.ts';

export function downloadText(text: string, fileName: string, mime: string): void {
  downloadBlob(new Blob([text], { type: `${mime};charset=utf-8` }), fileName);
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'));
}

/** Rasterise standalone SVG text (with width/height attributes) at `scale`× its size. */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2-D canvas context for the PNG');
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await canvasToPng(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export interface LabelledCanvas {
  canvas: HTMLCanvasElement;
  label: string;
  color?: string;
}

const LABEL_HEIGHT = 20;
const GAP = 4;

/** Canvases in a grid of `columns`, each under its label, with a title line: one PNG. */
export function composePng(items: LabelledCanvas[], columns: number, title: string): Promise<Blob> {
  if (items.length === 0) return Promise.reject(new Error('Nothing to export'));
  const cellW = Math.max(...items.map((i) => i.canvas.width));
  const cellH = Math.max(...items.map((i) => i.canvas.height));
  const cols = Math.max(1, Math.min(columns, items.length));
  const rows = Math.ceil(items.length / cols);
  const out = document.createElement('canvas');
  out.width = cols * cellW + (cols - 1) * GAP;
  out.height = LABEL_HEIGHT + rows * (cellH + LABEL_HEIGHT) + (rows - 1) * GAP;
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.reject(new Error('No 2-D canvas context for the PNG'));
  ctx.fillStyle = '#07090b';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.font = '13px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = PLOT_THEME.title;
  ctx.fillText(title, 6, LABEL_HEIGHT / 2);
  items.forEach((item, i) => {
    const x = (i % cols) * (cellW + GAP);
    const y = LABEL_HEIGHT + Math.floor(i / cols) * (cellH + LABEL_HEIGHT + GAP);
    ctx.fillStyle = item.color ?? PLOT_THEME.title;
    ctx.fillText(item.label, x + 6, y + LABEL_HEIGHT / 2);
    ctx.drawImage(item.canvas, x, y + LABEL_HEIGHT);
  });
  return canvasToPng(out);
}
