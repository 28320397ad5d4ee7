/** Slice-viewer settings: the linked cursor per result, the contrast and the colour map. */
import { create } from 'zustand';
import type { SliceColormap } from '../compare/colormap.ts';
import type { Voxel } from '../viewer/axes.ts';

export type ContrastSetting =
  | { mode: 'percentile'; low: number; high: number }
  | { mode: 'window'; width: number; level: number };

export interface ViewerState {
  cursors: Record<string, Voxel>;
  contrast: ContrastSetting;
  colormap: SliceColormap;
  setCursor(resultId: string, voxel: Voxel): void;
  setContrast(contrast: ContrastSetting): void;
  setColormap(colormap: SliceColormap): void;
}

export const DEFAULT_PERCENTILES = { low: 1, high: 99 };

export const useViewerStore = create<ViewerState>()((set) => ({
  cursors: {},
  contrast: { mode: 'percentile', ...DEFAULT_PERCENTILES },
  colormap: 'grey',
  setCursor(resultId, voxel) {
    set((state) => ({ cursors: { ...state.cursors, [resultId]: voxel } }));
  },
  setContrast(contrast) {
    set({ contrast });
  },
  setColormap(colormap) {
    set({ colormap });
  },
}));
