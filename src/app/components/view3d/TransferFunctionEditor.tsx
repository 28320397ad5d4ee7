import { useEffect, useRef } from 'react';
import { addPoint, colormapColor, movePoint, normalizePoints, opacityAt, removePoint, type TfPoint, type TransferFunction } from '../../volume3d/transferFunction.ts';

const PAD = 7;
const STRIP = 9;
const HIT_RADIUS = 9;

interface Layout {
  w: number;
  h: number;
}

const toPx = ({ w, h }: Layout, p: TfPoint): [number, number] => [PAD + p.x * (w - 2 * PAD), PAD + (1 - p.a) * (h - 2 * PAD - STRIP)];
const fromPx = ({ w, h }: Layout, px: number, py: number): TfPoint => ({
  x: Math.min(1, Math.max(0, (px - PAD) / (w - 2 * PAD))),
  a: Math.min(1, Math.max(0, 1 - (py - PAD) / (h - 2 * PAD - STRIP))),
});

function nearest(layout: Layout, points: TfPoint[], px: number, py: number): number {
  let best = -1;
  let bestD = HIT_RADIUS;
  points.forEach((p, i) => {
    const [x, y] = toPx(layout, p);
    const d = Math.hypot(x - px, y - py);
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function draw(canvas: HTMLCanvasElement, tf: TransferFunction, heights: number[] | undefined): Layout {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(40, canvas.clientWidth);
  const h = Math.max(40, canvas.clientHeight);
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const layout = { w, h };
  const ctx = canvas.getContext('2d');
  if (!ctx) return layout;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = '#0f1318';
  ctx.fillRect(0, 0, w, h);
  const plotH = h - 2 * PAD - STRIP;
  const plotW = w - 2 * PAD;
  // Histogram (log counts) of the shown volume over the window.
  if (heights?.length) {
    ctx.fillStyle = '#2a3440';
    const bw = plotW / heights.length;
    heights.forEach((v, i) => ctx.fillRect(PAD + i * bw, PAD + plotH * (1 - v), Math.max(1, bw - 0.5), plotH * v));
  }
  // Colour map strip.
  for (let i = 0; i < plotW; i++) {
    const [r, g, b] = colormapColor(tf.colormap, i / Math.max(1, plotW - 1));
    ctx.fillStyle = `rgb(${r * 255}, ${g * 255}, ${b * 255})`;
    ctx.fillRect(PAD + i, h - PAD - STRIP + 2, 1.5, STRIP - 2);
  }
  // Opacity curve.
  const points = normalizePoints(tf.points);
  ctx.beginPath();
  for (let i = 0; i <= plotW; i += 2) {
    const x = i / plotW;
    const [px, py] = toPx(layout, { x, a: opacityAt(points, x) });
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
  ctx.strokeStyle = '#4aa3ff';
  ctx.lineWidth = 1.5;
  ctx.stroke();
  ctx.lineTo(PAD + plotW, PAD + plotH);
  ctx.lineTo(PAD, PAD + plotH);
  ctx.closePath();
  ctx.fillStyle = 'rgba(74, 163, 255, 0.12)';
  ctx.fill();
  for (const p of points) {
    const [px, py] = toPx(layout, p);
    ctx.beginPath();
    ctx.arc(px, py, 4, 0, 2 * Math.PI);
    ctx.fillStyle = '#d8dee6';
    ctx.fill();
    ctx.strokeStyle = '#0a0c0f';
    ctx.stroke();
  }
  return layout;
}

/**
 * The opacity curve over the histogram: drag a point to move it, click empty space to add
 * one, double-click (or right-click) an inner point to remove it.
 */
export function TransferFunctionEditor({ tf, heights, onChange }: { tf: TransferFunction; heights: number[] | undefined; onChange: (tf: TransferFunction) => void }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const layout = useRef<Layout>({ w: 240, h: 120 });
  const dragging = useRef<number | null>(null);
  const points = normalizePoints(tf.points);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    layout.current = draw(canvas, tf, heights);
    const observer = new ResizeObserver(() => {
      layout.current = draw(canvas, tf, heights);
    });
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [tf, heights]);

  const local = (event: React.PointerEvent | React.MouseEvent): [number, number] => {
    const rect = event.currentTarget.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };

  return (
    <canvas
      ref={canvasRef}
      className="tf-editor"
      data-testid="tf-editor"
      onPointerDown={(event) => {
        if (event.button !== 0) return;
        const [px, py] = local(event);
        let index = nearest(layout.current, points, px, py);
        if (index < 0) {
          const p = fromPx(layout.current, px, py);
          const added = addPoint(points, p.x, p.a);
          index = added.index;
          onChange({ ...tf, points: added.points });
        }
        dragging.current = index;
        event.currentTarget.setPointerCapture(event.pointerId);
      }}
      onPointerMove={(event) => {
        if (dragging.current === null) return;
        const [px, py] = local(event);
        const p = fromPx(layout.current, px, py);
        onChange({ ...tf, points: movePoint(points, dragging.current, p.x, p.a) });
      }}
      onPointerUp={(event) => {
        dragging.current = null;
        if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
      }}
      onDoubleClick={(event) => {
        const [px, py] = local(event);
        const index = nearest(layout.current, points, px, py);
        if (index > 0 && index < points.length - 1) onChange({ ...tf, points: removePoint(points, index) });
      }}
      onContextMenu={(event) => {
        event.preventDefault();
        const [px, py] = local(event);
        const index = nearest(layout.current, points, px, py);
        if (index > 0 && index < points.length - 1) onChange({ ...tf, points: removePoint(points, index) });
      }}
    />
  );
}
