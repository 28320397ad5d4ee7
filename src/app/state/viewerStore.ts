/** Slice-viewer settings: the linked cursor per result, and the contrast. */
import { create } from 'zustand';
import type { Voxel } from '../viewer/axes.ts';

export type ContrastSetting =
  | { mode: 'percentile'; low: number; high: number }
  | { mode: 'window'; width: number; level: number };

export interface ViewerState {
  cursors: Record<string, Voxel>;
  contrast: ContrastSetting;
  setCursor(resultId: string, voxel: Voxel): void;
  setContrast(contrast: ContrastSetting): void;
}

export const DEFAULT_PERCENTILES = { low: 1, high: 99 };

export const useViewerStore = create<ViewerState>()((set) => ({
  cursors: {},
  contrast: { mode: 'percentile', ...DEFAULT_PERCENTILES },
  setCursor(resultId, voxel) {
    set((state) => ({ cursors: { ...state.cursors, [resultId]: voxel } }));
  },
  setContrast(contrast) {
    set({ contrast });
  },
}));
