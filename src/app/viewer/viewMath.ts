/**
 * Zoom/pan of one slice panel, independent of any graphics library. The slice covers
 * [0, w] × [0, h] in world units (one unit per pixel, v up); the view is fitted ("contain")
 * into a W × H CSS-pixel panel, then zoomed and panned.
 */
export interface PanelView {
  zoom: number;
  /** Pan in CSS pixels (screen right, screen down). */
  panX: number;
  panY: number;
}

export const IDENTITY_VIEW: PanelView = { zoom: 1, panX: 0, panY: 0 };

export interface ViewFrame {
  /** CSS pixels per slice pixel. */
  scale: number;
  /** World point at the panel's centre. */
  cx: number;
  cy: number;
}

export function viewFrame(view: PanelView, w: number, h: number, W: number, H: number): ViewFrame {
  const fit = w > 0 && h > 0 && W > 0 && H > 0 ? Math.min(W / w, H / h) * 0.96 : 1;
  const scale = fit * view.zoom;
  return { scale, cx: w / 2 - view.panX / scale, cy: h / 2 + view.panY / scale };
}

/** Camera bounds (left, right, top, bottom) in world units. */
export function cameraBounds(frame: ViewFrame, W: number, H: number): [number, number, number, number] {
  const hw = W / (2 * frame.scale);
  const hh = H / (2 * frame.scale);
  return [frame.cx - hw, frame.cx + hw, frame.cy + hh, frame.cy - hh];
}

export function screenToWorld(frame: ViewFrame, px: number, py: number, W: number, H: number): { u: number; v: number } {
  return { u: frame.cx + (px - W / 2) / frame.scale, v: frame.cy - (py - H / 2) / frame.scale };
}

/** Zoom by `factor` keeping the world point under (px, py) fixed. */
export function zoomViewAt(view: PanelView, w: number, h: number, W: number, H: number, px: number, py: number, factor: number): PanelView {
  const before = viewFrame(view, w, h, W, H);
  const anchor = screenToWorld(before, px, py, W, H);
  const zoom = Math.min(64, Math.max(0.25, view.zoom * factor));
  const scale = before.scale * (zoom / view.zoom);
  const cx = anchor.u - (px - W / 2) / scale;
  const cy = anchor.v + (py - H / 2) / scale;
  return { zoom, panX: (w / 2 - cx) * scale, panY: (cy - h / 2) * scale };
}
