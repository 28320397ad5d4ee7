/**
 * What the 3-D view's React components need from a volume renderer. The three.js ray
 * marcher lives in threeVolumeRenderer.ts; components only see this interface.
 */
import type { CameraState } from './camera.ts';
import type { Box3, DeviceLimits, Dims, TextureFormat, Vec3, VoxelRegion } from './pyramid.ts';
import type { TransferFunction } from './transferFunction.ts';

export type RenderMode = 'mip' | 'dvr' | 'iso';
export const RENDER_MODES: readonly { id: RenderMode; label: string }[] = [
  { id: 'mip', label: 'MIP' },
  { id: 'dvr', label: 'Volume (DVR)' },
  { id: 'iso', label: 'Isosurface' },
];

export type Projection = 'perspective' | 'orthographic';

/** A block of a result ready for upload. */
export interface VolumeData {
  /** Values of the uploaded block, x fastest. */
  data: Float32Array;
  /** Size of the block in voxels of its pyramid level. */
  dims: Dims;
  /** Pyramid factor of the block (1 = full resolution). */
  factor: number;
  /** Size of the whole result at full resolution. */
  fullSize: Dims;
  /** Which full-resolution voxels the block covers. */
  region: VoxelRegion;
  /** Statistics of the whole result: texture values are z-scores (v − mean) / std. */
  mean: number;
  std: number;
  format: TextureFormat;
}

export type Quality = 'interactive' | 'still';

export interface RenderStats {
  quality: Quality;
  /** Frames per second while the view moves, null when not measured yet. */
  fps: number | null;
  /** GPU time of the last still frame (read back), ms. */
  stillMs: number | null;
  /** Samples per ray across the volume's x extent in the frame shown. */
  samples: number;
  width: number;
  height: number;
  /** Why nothing (or not everything) can be shown, or null. */
  error: string | null;
}

export interface FpsMeasurement {
  mode: RenderMode;
  frames: number;
  fps: number;
  msPerFrame: number;
  width: number;
  height: number;
  samples: number;
}

export interface VolumeRenderer {
  /** Build the WebGL side on this canvas; the model (volume, settings) survives detach(). */
  attach(canvas: HTMLCanvasElement): void;
  detach(): void;
  setVolume(volume: VolumeData | null): void;
  /** Display window in z-score units: zLo maps to x = 0 of the transfer function, zHi to 1. */
  setWindow(zLo: number, zHi: number): void;
  setMode(mode: RenderMode): void;
  /** Samples per ray across the volume's x extent while moving (a still frame takes twice as many). */
  setSteps(steps: number): void;
  /** Isosurface threshold in σ: mean + t·std. */
  setIsoThreshold(sigma: number): void;
  setTransferFunction(tf: TransferFunction): void;
  /** Normalised box to show (clip box ∩ slab). */
  setClip(box: Box3): void;
  /** Linked slice cursor, normalised (voxel centres), or null to hide the plane outlines. */
  setSlicePlanes(cursor: Vec3 | null): void;
  setCamera(camera: CameraState): void;
  setProjection(projection: Projection): void;
  /** Volume units (x extent = 1) per CSS pixel at the focus, for panning. */
  unitsPerPixel(): number;
  onStats(listener: (stats: RenderStats) => void): () => void;
  /** Render the still frame now (synchronously). */
  renderNow(): void;
  /** Resolves once a still frame of the current state is on the canvas. */
  whenStill(): Promise<void>;
  /** A copy of the view rendered at `scale` × its size (clamped to the device's limits). */
  snapshot(scale: number): HTMLCanvasElement;
  /** Render `frames` interactive frames while turning the volume; restores the view. */
  measureFps(frames: number, mode?: RenderMode): FpsMeasurement;
  /** Canvas drawing-buffer pixel (x right, y down) of a normalised volume point, or null. */
  project(point: Vec3): [number, number] | null;
  /** Turntable video of one turn (MediaRecorder + canvas.captureStream). */
  recordTurntable(seconds: number): Promise<Blob>;
  canvas(): HTMLCanvasElement | null;
  limits(): Pick<DeviceLimits, 'maxTextureSize' | 'max3dTextureSize'> | null;
}
