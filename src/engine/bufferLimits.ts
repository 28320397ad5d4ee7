/**
 * What a GPU buffer bound whole must fit, without GPU code, so that a page can say it before a run with the words
 * the run throws (methods/localnet/base.ts's hand-over check; gpu/kernels/fft3d.ts's assertFft3dFits).
 */
import { formatBytes } from '../io/bytes.ts';

/** The two WebGPU limits a buffer bound whole must fit: a device's GPUSupportedLimits, or the page's GpuInfo. */
export interface BufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/**
 * Why a GPU with these limits cannot bind the complex buffer (8 bytes per voxel) of an nx × ny × nz 3-D FFT, or null:
 * gpu/kernels/fft3d.ts holds the whole spectrum in one buffer.
 */
export function fft3dTooLarge(limits: BufferLimits, nx: number, ny: number, nz: number): string | null {
  const bytes = nx * ny * nz * 8;
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (bytes <= limit) return null;
  return `3-D FFT of ${nx}×${ny}×${nz} needs a ${formatBytes(bytes)} complex buffer (8 bytes per voxel), but this GPU binds at most ${formatBytes(limit)} per buffer (maxStorageBufferBindingSize ${formatBytes(limits.maxStorageBufferBindingSize)}, maxBufferSize ${formatBytes(limits.maxBufferSize)})`;
}
