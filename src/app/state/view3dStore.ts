/**
 * 3-D view settings: which results are shown side by side, the render mode, the camera
 * (one shared camera while "link cameras" is on, else one per result), the transfer function
 * (shared, or per result while "link transfer functions" is off), clip box and slab.
 */
import { create } from 'zustand';
import { DEFAULT_CAMERA, type CameraState } from '../volume3d/camera.ts';
import { FULL_BOX, type Box3, type FormatPreference } from '../volume3d/pyramid.ts';
import { DEFAULT_TF, type TransferFunction } from '../volume3d/transferFunction.ts';
import type { Projection, RenderMode } from '../volume3d/types.ts';

export type ViewMode = 'slices' | '3d';

/** Show only z in [from, to] (normalised), moved as one piece by its position slider. */
export interface Slab {
  enabled: boolean;
  from: number;
  to: number;
}

export const MAX_PANELS = 4;

export interface View3dState {
  viewMode: ViewMode;
  /** Results shown next to the selected one. */
  compareIds: string[];
  mode: RenderMode;
  steps: number;
  /** Isosurface threshold: mean + isoSigma · std. */
  isoSigma: number;
  projection: Projection;
  linkCameras: boolean;
  camera: CameraState;
  cameras: Record<string, CameraState>;
  linkTf: boolean;
  tf: TransferFunction;
  tfs: Record<string, TransferFunction>;
  /** The panel the transfer-function editor works on when the TFs are not linked. */
  focusedId: string | null;
  clip: Box3;
  slab: Slab;
  showPlanes: boolean;
  format: FormatPreference;
  /** "Full resolution" requested for this box (clip ∩ slab at the time), or null for the overview. */
  detail: Box3 | null;
  /** Log-scaled histogram (0…1 per bin) over the window, per result, from its panel. */
  histograms: Record<string, number[]>;

  setViewMode(mode: ViewMode): void;
  toggleCompare(id: string, on: boolean): void;
  setMode(mode: RenderMode): void;
  setSteps(steps: number): void;
  setIsoSigma(sigma: number): void;
  setProjection(projection: Projection): void;
  setLinkCameras(link: boolean, shownIds: string[]): void;
  updateCamera(id: string, update: (camera: CameraState) => CameraState): void;
  /** Set the camera of every shown view. */
  setAllCameras(camera: CameraState, shownIds: string[]): void;
  setLinkTf(link: boolean, shownIds: string[]): void;
  setTf(id: string | null, tf: TransferFunction): void;
  focus(id: string): void;
  setClip(clip: Box3): void;
  setSlab(slab: Slab): void;
  setShowPlanes(show: boolean): void;
  setFormat(format: FormatPreference): void;
  setDetail(box: Box3 | null): void;
  setHistogram(id: string, heights: number[]): void;
}

export const cameraFor = (state: View3dState, id: string): CameraState => (state.linkCameras ? state.camera : (state.cameras[id] ?? state.camera));
export const tfFor = (state: View3dState, id: string): TransferFunction => (state.linkTf ? state.tf : (state.tfs[id] ?? state.tf));

export const useView3dStore = create<View3dState>()((set, get) => ({
  viewMode: 'slices',
  compareIds: [],
  mode: 'mip',
  steps: 128,
  isoSigma: 2,
  projection: 'perspective',
  linkCameras: true,
  camera: DEFAULT_CAMERA,
  cameras: {},
  linkTf: true,
  tf: DEFAULT_TF,
  tfs: {},
  focusedId: null,
  clip: FULL_BOX,
  slab: { enabled: false, from: 0.25, to: 0.75 },
  showPlanes: true,
  format: 'auto',
  detail: null,
  histograms: {},

  setViewMode(viewMode) {
    set({ viewMode });
  },
  toggleCompare(id, on) {
    const ids = get().compareIds.filter((x) => x !== id);
    set({ compareIds: on ? [...ids, id].slice(-(MAX_PANELS - 1)) : ids });
  },
  setMode(mode) {
    set({ mode });
  },
  setSteps(steps) {
    set({ steps: Math.max(8, Math.min(1024, Math.round(steps))) });
  },
  setIsoSigma(isoSigma) {
    set({ isoSigma });
  },
  setProjection(projection) {
    set({ projection });
  },
  setLinkCameras(link, shownIds) {
    const state = get();
    if (link) {
      // Everyone follows the view the user worked on last.
      const source = state.focusedId && shownIds.includes(state.focusedId) ? state.focusedId : shownIds[0];
      set({ linkCameras: true, camera: source ? cameraFor(state, source) : state.camera });
    } else {
      set({ linkCameras: false, cameras: Object.fromEntries(shownIds.map((id) => [id, state.camera])) });
    }
  },
  updateCamera(id, update) {
    const state = get();
    if (state.linkCameras) set({ camera: update(state.camera), focusedId: id });
    else set({ cameras: { ...state.cameras, [id]: update(cameraFor(state, id)) }, focusedId: id });
  },
  setAllCameras(camera, shownIds) {
    set({ camera, cameras: Object.fromEntries(shownIds.map((id) => [id, camera])) });
  },
  setLinkTf(link, shownIds) {
    const state = get();
    if (link) {
      const source = state.focusedId && shownIds.includes(state.focusedId) ? state.focusedId : shownIds[0];
      set({ linkTf: true, tf: source ? tfFor(state, source) : state.tf });
    } else {
      set({ linkTf: false, tfs: Object.fromEntries(shownIds.map((id) => [id, state.tf])) });
    }
  },
  setTf(id, tf) {
    const state = get();
    if (state.linkTf || !id) set({ tf });
    else set({ tfs: { ...state.tfs, [id]: tf } });
  },
  focus(focusedId) {
    if (get().focusedId !== focusedId) set({ focusedId });
  },
  setClip(clip) {
    set({ clip });
  },
  setSlab(slab) {
    set({ slab });
  },
  setShowPlanes(showPlanes) {
    set({ showPlanes });
  },
  setFormat(format) {
    set({ format });
  },
  setDetail(detail) {
    set({ detail });
  },
  setHistogram(id, heights) {
    set((state) => ({ histograms: { ...state.histograms, [id]: heights } }));
  },
}));
