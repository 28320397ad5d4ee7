/** PNG of one 3-D view or of the side-by-side grid, each panel labelled. */

const LABEL_HEIGHT = 24;
const GAP = 4;

export interface LabelledImage {
  canvas: HTMLCanvasElement;
  label: string;
}

export function composeGrid(images: LabelledImage[], title: string): HTMLCanvasElement {
  const columns = images.length <= 1 ? 1 : 2;
  const rows = Math.ceil(images.length / columns);
  const cellW = Math.max(...images.map((i) => i.canvas.width));
  const cellH = Math.max(...images.map((i) => i.canvas.height));
  const scale = Math.max(1, cellH / 600);
  const label = Math.round(LABEL_HEIGHT * scale);
  const out = document.createElement('canvas');
  out.width = columns * cellW + GAP * (columns - 1);
  out.height = label + rows * (cellH + label) + GAP * (rows - 1);
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('No 2-D canvas context for the PNG');
  ctx.fillStyle = '#0a0c0f';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.font = `${Math.round(13 * scale)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#d8dee6';
  ctx.fillText(title, 6 * scale, label / 2);
  images.forEach((image, i) => {
    const x = (i % columns) * (cellW + GAP);
    const y = label + Math.floor(i / columns) * (cellH + label + GAP);
    ctx.fillStyle = '#8a96a3';
    ctx.fillText(image.label, x + 6 * scale, y + label / 2);
    ctx.drawImage(image.canvas, x, y + label);
  });
  return out;
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'));
}
