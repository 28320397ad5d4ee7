/** Figures from canvases: panels under their labels and a title, drawn into one canvas and encoded as PNG. */

export interface LabelledCanvas {
  canvas: HTMLCanvasElement;
  label: string;
  /** The label's colour (a result's, an axis's); the title's when not given. */
  color?: string;
}

const BACKGROUND = '#0a0c0f';
const TEXT = '#d8dee6';
/** Height of a line of text and the gap between panels, in pixels, for panels up to 600 pixels high. */
const LINE_HEIGHT = 22;
const GAP = 4;

export interface Figure {
  canvas: HTMLCanvasElement;
  context: CanvasRenderingContext2D;
  /** Where each panel's image lies (its top-left corner), in the order the panels were given. */
  cells: { x: number; y: number }[];
}

/**
 * The panels in a grid of `columns`, each under its label, below a title line. The text grows with panels over
 * 600 pixels high (a 3-D view exported at 2× or 4×), so that it stays readable beside them.
 */
export function composeFigure(panels: readonly LabelledCanvas[], columns: number, title: string): Figure {
  if (panels.length === 0) throw new Error('Nothing to export');
  const cellW = Math.max(...panels.map((p) => p.canvas.width));
  const cellH = Math.max(...panels.map((p) => p.canvas.height));
  const scale = Math.max(1, cellH / 600);
  const line = Math.round(LINE_HEIGHT * scale);
  const cols = Math.max(1, Math.min(columns, panels.length));
  const rows = Math.ceil(panels.length / cols);
  const canvas = document.createElement('canvas');
  canvas.width = cols * cellW + (cols - 1) * GAP;
  canvas.height = line + rows * (cellH + line) + (rows - 1) * GAP;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2-D canvas context for the PNG');
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.font = `${Math.round(13 * scale)}px system-ui, sans-serif`;
  context.textBaseline = 'middle';
  context.fillStyle = TEXT;
  context.fillText(title, 6 * scale, line / 2);
  const cells = panels.map((panel, i) => {
    const x = (i % cols) * (cellW + GAP);
    const y = line + Math.floor(i / cols) * (cellH + line + GAP);
    context.fillStyle = panel.color ?? TEXT;
    context.fillText(panel.label, x + 6 * scale, y + line / 2);
    context.drawImage(panel.canvas, x, y + line);
    return { x, y: y + line };
  });
  return { canvas, context, cells };
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'));
}
