/**
 * The 3-D panels on screen, by result id: for the side-by-side PNG export and the
 * window.wedgelab3d automation hook.
 */
import type { VolumeRenderer } from './types.ts';

export interface PanelInfo {
  renderer: VolumeRenderer;
  title: string;
  /** maxVoxels the panel asked the worker for, the level it got, its window (z-scores). */
  display: { maxVoxels: number; factor: number; description: string; zLo: number; zHi: number } | null;
}

const panels = new Map<string, PanelInfo>();

export function registerPanel(resultId: string, info: PanelInfo): () => void {
  panels.set(resultId, info);
  return () => {
    if (panels.get(resultId) === info) panels.delete(resultId);
  };
}

export function updatePanel(resultId: string, patch: Partial<PanelInfo>): void {
  const info = panels.get(resultId);
  if (info) Object.assign(info, patch);
}

export function panel(resultId: string): PanelInfo | undefined {
  return panels.get(resultId);
}

export function panelIds(): string[] {
  return [...panels.keys()];
}
