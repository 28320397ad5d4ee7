/**
 * window.wedgelab3d: what tests and the bench need from the 3-D view, nothing more. The
 * volume data comes straight from the engine worker (not from the renderer), so checks
 * against it are independent of the rendering.
 */
import type { DisplayVolume } from '../../../workers/api.ts';
import { getEngine } from '../engineClient.ts';
import { panel, panelIds, type PanelInfo } from './panelRegistry.ts';
import type { Vec3 } from './pyramid.ts';
import type { FpsMeasurement, RenderMode } from './types.ts';

export interface WedgeLab3dHook {
  /** The 3-D panels on screen: result id, title, requested maxVoxels, pyramid level and window. */
  panels(): { id: string; title: string; display: PanelInfo['display'] }[];
  /** The engine's getVolume(), unchanged. */
  getVolume(resultId: string, maxVoxels: number): Promise<DisplayVolume>;
  /** Canvas pixel (drawing buffer, y down) of a normalised point of a panel's volume. */
  project(resultId: string, point: Vec3): [number, number] | null;
  /** Resolves when every panel shows a still frame of its current state. */
  whenStill(): Promise<void>;
  /** Frames per second of `frames` interactive frames while turning, per panel (or one panel). */
  measureFps(frames?: number, mode?: RenderMode, resultId?: string): (FpsMeasurement & { id: string })[];
}

declare global {
  interface Window {
    wedgelab3d: WedgeLab3dHook;
  }
}

export function installView3dHook(): void {
  if (typeof window === 'undefined' || window.wedgelab3d) return;
  window.wedgelab3d = {
    panels: () => panelIds().map((id) => ({ id, title: panel(id)?.title ?? '', display: panel(id)?.display ?? null })),
    getVolume: (resultId, maxVoxels) => getEngine().getVolume(resultId, maxVoxels),
    project: (resultId, point) => panel(resultId)?.renderer.project(point) ?? null,
    whenStill: async () => {
      await Promise.all(panelIds().map((id) => panel(id)?.renderer.whenStill()));
    },
    measureFps: (frames = 20, mode, resultId) =>
      (resultId ? [resultId] : panelIds()).flatMap((id) => {
        const info = panel(id);
        return info ? [{ id, ...info.renderer.measureFps(frames, mode) }] : [];
      }),
  };
}
