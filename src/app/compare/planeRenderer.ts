/**
 * One slice plane of one result on a 2-D canvas, for the comparison grid. The grid shows up to
 * six panels at once (plus difference images), so it stays off WebGL: six more WebGL contexts
 * next to the slice viewer's and the volume view's would approach the browser's limit. The
 * geometry (fit, zoom, pan, picking) is the slice viewer's own (viewer/viewMath.ts), so the
 * panels behave like the viewer's. Rendering is on demand, batched into one animation frame.
 */
import type { Slice } from '../../../workers/api.ts';
import type { CrosshairColors, SlicePoint } from '../viewer/types.ts';
import { IDENTITY_VIEW, screenToWorld, viewFrame, zoomViewAt, type PanelView } from '../viewer/viewMath.ts';
import { windowToRgba } from './colormap.ts';

const BACKGROUND = '#0a0c0f';

export interface PlaneRenderer {
  attach(canvas: HTMLCanvasElement): void;
  detach(): void;
  setSlice(slice: Slice | null): void;
  /** Grey-level window: lo → black, hi → white. */
  setWindow(lo: number, hi: number): void;
  setCrosshair(point: SlicePoint | null, colors?: CrosshairColors): void;
  setView(view: PanelView): void;
  /** Slice pixel (continuous) under a CSS-pixel point of the canvas, or null without a slice. */
  pick(px: number, py: number): SlicePoint | null;
  /** The view after zooming by `factor` about a CSS-pixel point (for a linked zoom), or null without a slice. */
  zoomed(px: number, py: number, factor: number): PanelView | null;
  /** Pan by CSS pixels. */
  panned(dx: number, dy: number): PanelView;
  renderNow(): void;
  canvas(): HTMLCanvasElement | null;
}

export function createPlaneRenderer(): PlaneRenderer {
  let canvas: HTMLCanvasElement | null = null;
  let observer: ResizeObserver | null = null;
  let frame = 0;
  let slice: Slice | null = null;
  let lo = 0;
  let hi = 1;
  let view: PanelView = { ...IDENTITY_VIEW };
  let crosshair: { point: SlicePoint; colors: CrosshairColors } | null = null;
  // The windowed slice as an image, rebuilt when the slice or the window changes.
  const image = typeof document !== 'undefined' ? document.createElement('canvas') : null;
  let imageStale = true;

  const cssSize = (): [number, number] => (canvas ? [Math.max(1, canvas.clientWidth), Math.max(1, canvas.clientHeight)] : [1, 1]);

  function rebuildImage(): void {
    imageStale = false;
    if (!image || !slice) return;
    image.width = slice.width;
    image.height = slice.height;
    const ctx = image.getContext('2d');
    if (!ctx) return;
    const pixels = windowToRgba(slice.data, slice.width, slice.height, lo, hi);
    ctx.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, slice.width, slice.height), 0, 0);
  }

  function render(): void {
    frame = 0;
    if (!canvas) return;
    const [W, H] = cssSize();
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const pw = Math.round(W * dpr);
    const ph = Math.round(H * dpr);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, W, H);
    if (!slice || !image) return;
    if (imageStale) rebuildImage();
    const f = viewFrame(view, slice.width, slice.height, W, H);
    // World (u, v), v up → screen: x = W/2 + (u − cx)·s, y = H/2 − (v − cy)·s.
    const sx = (u: number): number => W / 2 + (u - f.cx) * f.scale;
    const sy = (v: number): number => H / 2 - (v - f.cy) * f.scale;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, sx(0), sy(slice.height), slice.width * f.scale, slice.height * f.scale);
    if (crosshair) {
      const x = Math.round(sx(crosshair.point.u + 0.5)) + 0.5;
      const y = Math.round(sy(crosshair.point.v + 0.5)) + 0.5;
      ctx.lineWidth = 1;
      ctx.globalAlpha = 0.85;
      ctx.strokeStyle = crosshair.colors.vertical;
      ctx.beginPath();
      ctx.moveTo(x, sy(0));
      ctx.lineTo(x, sy(slice.height));
      ctx.stroke();
      ctx.strokeStyle = crosshair.colors.horizontal;
      ctx.beginPath();
      ctx.moveTo(sx(0), y);
      ctx.lineTo(sx(slice.width), y);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
  }

  const schedule = (): void => {
    if (!frame && canvas) frame = requestAnimationFrame(render);
  };

  return {
    attach(el) {
      this.detach();
      canvas = el;
      observer = new ResizeObserver(schedule);
      observer.observe(el);
      schedule();
    },
    detach() {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      observer?.disconnect();
      observer = null;
      canvas = null;
    },
    setSlice(next) {
      slice = next;
      imageStale = true;
      schedule();
    },
    setWindow(nextLo, nextHi) {
      if (nextLo === lo && nextHi === hi) return;
      lo = nextLo;
      hi = nextHi;
      imageStale = true;
      schedule();
    },
    setCrosshair(point, colors = { vertical: '#ffffff', horizontal: '#ffffff' }) {
      crosshair = point ? { point, colors } : null;
      schedule();
    },
    setView(next) {
      view = next;
      schedule();
    },
    pick(px, py) {
      if (!slice) return null;
      const [W, H] = cssSize();
      return screenToWorld(viewFrame(view, slice.width, slice.height, W, H), px, py, W, H);
    },
    zoomed(px, py, factor) {
      if (!slice) return null;
      const [W, H] = cssSize();
      return zoomViewAt(view, slice.width, slice.height, W, H, px, py, factor);
    },
    panned(dx, dy) {
      return { ...view, panX: view.panX + dx, panY: view.panY + dy };
    },
    renderNow() {
      if (frame) cancelAnimationFrame(frame);
      render();
    },
    canvas() {
      return canvas;
    },
  };
}
