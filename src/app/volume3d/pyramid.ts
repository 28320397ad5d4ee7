/**
 * Client side of the display pyramid: how many voxels to ask the worker for (device and
 * memory limits), which texture format to upload, the "full resolution for the clip box"
 * plan, and the conversions to texture data (half floats, 8-bit). Pure: no WebGL, no DOM.
 */

export type Dims = [number, number, number];
export type Vec3 = [number, number, number];

/** What the page learnt about the WebGL2 device (see deviceLimits.ts). */
export interface DeviceLimits {
  webgl2: boolean;
  maxTextureSize: number;
  max3dTextureSize: number;
  /** Unmasked renderer string when the browser tells it. */
  renderer: string;
  /** A software rasteriser (SwiftShader, llvmpipe, WARP): smaller volumes, fewer samples. */
  software: boolean;
  /** navigator.deviceMemory (GiB, coarse) or null. */
  deviceMemoryGb: number | null;
}

export const DEFAULT_DISPLAY_VOXELS = 256 ** 3;
export const SOFTWARE_DISPLAY_VOXELS = 128 ** 3;
const MIN_DISPLAY_VOXELS = 32 ** 3;

export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i.test(renderer);
}

/** Display budget in voxels: 256³ on a GPU, 128³ on a software renderer, less when memory is small. */
export function displayBudget(limits: Pick<DeviceLimits, 'software' | 'deviceMemoryGb'>): number {
  let voxels = limits.software ? SOFTWARE_DISPLAY_VOXELS : DEFAULT_DISPLAY_VOXELS;
  // Per displayed voxel: a float32 copy in the page and up to 2 bytes of texture. Spend at
  // most 1/32 of the device's memory on one volume.
  if (limits.deviceMemoryGb && limits.deviceMemoryGb > 0) voxels = Math.min(voxels, Math.floor((limits.deviceMemoryGb * 2 ** 30) / 32 / 6));
  return Math.max(MIN_DISPLAY_VOXELS, voxels);
}

/** Budget for a full-resolution clip region: four times the display budget. */
export function regionBudget(limits: Pick<DeviceLimits, 'software' | 'deviceMemoryGb'>): number {
  return 4 * displayBudget(limits);
}

/** Largest float32 volume (voxels) the page fetches whole from the worker. */
export function pageBudget(limits: Pick<DeviceLimits, 'deviceMemoryGb'>): number {
  const bytes = limits.deviceMemoryGb && limits.deviceMemoryGb > 0 ? (limits.deviceMemoryGb * 2 ** 30) / 16 : 2 ** 28;
  return Math.floor(bytes / 4);
}

export function voxelsAtFactor(dims: Dims, f: number): number {
  return Math.ceil(dims[0] / f) * Math.ceil(dims[1] / f) * Math.ceil(dims[2] / f);
}

/** The worker's rule: the smallest integer factor that brings the volume to at most maxVoxels. */
export function pyramidFactor(dims: Dims, maxVoxels: number): number {
  let f = 1;
  while (voxelsAtFactor(dims, f) > maxVoxels) f++;
  return f;
}

function fitsTexture(dims: Dims, max3d: number): boolean {
  return dims.every((n) => n <= max3d);
}

/**
 * maxVoxels to pass to getVolume() for the overview of a result: within the budget, and
 * downsampled far enough that every side fits MAX_3D_TEXTURE_SIZE. Passing exactly the voxel
 * count of the wanted level makes the worker pick that level.
 */
export function overviewRequest(full: Dims, limits: DeviceLimits, budget = displayBudget(limits)): { maxVoxels: number; factor: number } {
  let f = pyramidFactor(full, budget);
  const max3d = Math.max(1, limits.max3dTextureSize);
  while (!fitsTexture(levelDims(full, f), max3d)) f++;
  return { maxVoxels: voxelsAtFactor(full, f), factor: f };
}

export function levelDims(full: Dims, f: number): Dims {
  return [Math.ceil(full[0] / f), Math.ceil(full[1] / f), Math.ceil(full[2] / f)];
}

/** An axis-aligned box in normalised volume coordinates (0…1 along each axis). */
export interface Box3 {
  min: Vec3;
  max: Vec3;
}

export const FULL_BOX: Box3 = { min: [0, 0, 0], max: [1, 1, 1] };

export function intersectBoxes(a: Box3, b: Box3): Box3 {
  const min = a.min.map((v, i) => Math.max(v, b.min[i])) as Vec3;
  const max = a.max.map((_, i) => Math.max(min[i], Math.min(a.max[i], b.max[i]))) as Vec3;
  return { min, max };
}

export function isFullBox(box: Box3): boolean {
  return box.min.every((v) => v <= 0) && box.max.every((v) => v >= 1);
}

/** A block of voxels [start, end) along each axis. */
export interface VoxelRegion {
  start: Dims;
  end: Dims;
}

export function regionSize(region: VoxelRegion): Dims {
  return [region.end[0] - region.start[0], region.end[1] - region.start[1], region.end[2] - region.start[2]];
}

/** The voxels a normalised box touches (at least one per axis). */
export function regionOfBox(box: Box3, dims: Dims): VoxelRegion {
  const start = [0, 0, 0] as Dims;
  const end = [0, 0, 0] as Dims;
  for (let i = 0; i < 3; i++) {
    const n = dims[i];
    start[i] = Math.min(n - 1, Math.max(0, Math.floor(box.min[i] * n + 1e-9)));
    end[i] = Math.max(start[i] + 1, Math.min(n, Math.ceil(box.max[i] * n - 1e-9)));
  }
  return { start, end };
}

export interface DetailPlan {
  /** Pyramid level to fetch (1 = full resolution). */
  factor: number;
  /** maxVoxels for getVolume(). */
  fetchMaxVoxels: number;
  /** The region in full-resolution voxels (aligned to the factor). */
  region: VoxelRegion;
  /** The same region in voxels of the fetched level. */
  levelRegion: VoxelRegion;
}

/**
 * The finest level at which the clip box fits: the region within the texture budget and
 * MAX_3D_TEXTURE_SIZE, and the whole level small enough to fetch into the page. Null when
 * even the overview level is needed (nothing finer fits).
 */
export function planDetail(full: Dims, box: Box3, limits: DeviceLimits, overviewFactor: number): DetailPlan | null {
  const budget = regionBudget(limits);
  const page = pageBudget(limits);
  const max3d = Math.max(1, limits.max3dTextureSize);
  const fullRegion = regionOfBox(box, full);
  for (let f = 1; f < overviewFactor; f++) {
    if (voxelsAtFactor(full, f) > page) continue;
    const levelRegion: VoxelRegion = {
      start: fullRegion.start.map((s) => Math.floor(s / f)) as Dims,
      end: fullRegion.end.map((e, i) => Math.min(Math.ceil(full[i] / f), Math.ceil(e / f))) as Dims,
    };
    const size = regionSize(levelRegion);
    if (size[0] * size[1] * size[2] > budget || !fitsTexture(size, max3d)) continue;
    const region: VoxelRegion = {
      start: levelRegion.start.map((s) => s * f) as Dims,
      end: levelRegion.end.map((e, i) => Math.min(full[i], e * f)) as Dims,
    };
    return { factor: f, fetchMaxVoxels: voxelsAtFactor(full, f), region, levelRegion };
  }
  return null;
}

/** Copy a block out of an x-fastest volume. */
export function extractRegion(data: Float32Array, dims: Dims, region: VoxelRegion): Float32Array {
  const [nx, ny] = dims;
  const [sx, sy, sz] = regionSize(region);
  const out = new Float32Array(sx * sy * sz);
  let o = 0;
  for (let z = region.start[2]; z < region.end[2]; z++)
    for (let y = region.start[1]; y < region.end[1]; y++) {
      const row = (z * ny + y) * nx;
      out.set(data.subarray(row + region.start[0], row + region.end[0]), o);
      o += sx;
    }
  return out;
}

export type TextureFormat = 'u8' | 'half';
export type FormatPreference = 'auto' | TextureFormat;

/** Half floats (exact z-scores) unless the texture would pass 256 MiB, then 8-bit. */
export function chooseFormat(preference: FormatPreference, voxels: number): TextureFormat {
  if (preference !== 'auto') return preference;
  return voxels * 2 > 256 * 2 ** 20 ? 'u8' : 'half';
}

function fractionText(f: number): string {
  return f === 1 ? 'full resolution' : `1/${f} resolution`;
}

/** E.g. "8-bit, 1/2 resolution" or "half-float, full resolution, clip region". */
export function describeTexture(format: TextureFormat, factor: number, clipRegion = false): string {
  return `${format === 'u8' ? '8-bit' : 'half-float'}, ${fractionText(factor)}${clipRegion ? ', clip region' : ''}`;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a number (round to nearest). */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const e = ((x >>> 23) & 0xff) - 127 + 15;
  let m = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (m ? 0x200 : 0);
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    m = (m | 0x800000) >>> (1 - e);
    if (m & 0x1000) m += 0x2000;
    return sign | (m >>> 13);
  }
  const half = sign | (e << 10) | (m >>> 13);
  return m & 0x1000 ? half + 1 : half;
}

/** Texture data as half-float z-scores: (v − mean) / std. */
export function toHalfZScores(data: Float32Array, mean: number, std: number): Uint16Array {
  const out = new Uint16Array(data.length);
  const inv = std > 0 ? 1 / std : 1;
  for (let i = 0; i < data.length; i++) {
    const z = (data[i] - mean) * inv;
    out[i] = floatToHalf(Number.isFinite(z) ? Math.max(-65000, Math.min(65000, z)) : 0);
  }
  return out;
}

/** Texture data as bytes: z-scores zLo…zHi → 0…255 (clamped). */
export function quantize8(data: Float32Array, mean: number, std: number, zLo: number, zHi: number): Uint8Array {
  const out = new Uint8Array(data.length);
  const lo = mean + zLo * std;
  const width = (zHi - zLo) * std;
  const scale = width > 0 ? 255 / width : 0;
  for (let i = 0; i < data.length; i++) {
    const q = (data[i] - lo) * scale;
    out[i] = q <= 0 || Number.isNaN(q) ? 0 : q >= 255 ? 255 : Math.round(q);
  }
  return out;
}

/** Mean and standard deviation of a (sub)volume. */
export function meanStd(data: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isFinite(v)) sq += (v - mean) ** 2;
  }
  return { mean, std: n ? Math.sqrt(sq / n) : 0 };
}
