/**
 * What the slice viewer component needs from a renderer. The three.js implementation lives
 * in orthoRenderer.ts; React code only sees this interface.
 */
import type { Slice, SliceAxis } from '../../../workers/api.ts';

export const SLICE_AXES: readonly SliceAxis[] = ['xy', 'xz', 'yz'];

/** Slice-pixel coordinates: u to the right, v upwards (row 0 of a slice is at the bottom). */
export interface SlicePoint {
  u: number;
  v: number;
}

export interface CrosshairColors {
  /** Line at constant u (vertical). */
  vertical: string;
  /** Line at constant v (horizontal). */
  horizontal: string;
}

export interface SliceRenderer {
  /** Build the GPU side on these canvases (replacing any earlier ones). */
  attach(canvases: Record<SliceAxis, HTMLCanvasElement>): void;
  /** Free the GPU side; the model (slices, window, views) is kept for a later attach(). */
  detach(): void;
  setSlice(axis: SliceAxis, slice: Slice): void;
  clearSlices(): void;
  /** Grey-level window: lo maps to the colour map's first entry, hi to its last. */
  setWindow(lo: number, hi: number): void;
  /** The colour map: a 256-entry RGB lookup table (compare/colormap.ts); grey until set. */
  setColormap(lut: Uint8ClampedArray): void;
  /** CSS pixels per slice pixel of a panel as last drawn (zoom included), or null before it shows a slice. */
  cssPerPixel(axis: SliceAxis): number | null;
  /** Called after every redraw (zoom, pan, resize, new slice); returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Crosshair through slice pixel (u, v) (integer pixel indices). */
  setCrosshair(axis: SliceAxis, point: SlicePoint, colors: CrosshairColors): void;
  /** Slice pixel (continuous) under a point given in CSS pixels from the canvas's top-left, or null without a slice. */
  pick(axis: SliceAxis, px: number, py: number): SlicePoint | null;
  zoomAt(axis: SliceAxis, px: number, py: number, factor: number): void;
  panBy(axis: SliceAxis, dxCss: number, dyCss: number): void;
  resetViews(): void;
  /** Render now (synchronously) — for reading pixels back. */
  renderNow(): void;
  canvas(axis: SliceAxis): HTMLCanvasElement | null;
}
