/** Units of the comparison views, pure (docs/conventions.md#frequency-and-resolution-units). */
import { resolutionLength } from '../../engine/metrics/fsc.ts';

export interface FrequencyUnit {
  /** Multiply a frequency in cycles/voxel by this to get the displayed unit. */
  scale: number;
  /** "1/Å" or "cycles/voxel". */
  label: string;
  /** Whether the pixel size is known (resolution in Å, else in voxels). */
  physical: boolean;
}

/** 1/Å when the pixel size (Å per voxel) is known, else cycles/voxel. */
export function frequencyUnit(pixelSize: number): FrequencyUnit {
  return pixelSize > 0 ? { scale: 1 / pixelSize, label: '1/Å', physical: true } : { scale: 1, label: 'cycles/voxel', physical: false };
}

/** The cycles/voxel of the Nyquist frequency: a resolution of 2 voxels. */
const NYQUIST = 0.5;

/**
 * "24.3 Å", "3.04 voxels", or, when the curve never drops below the threshold (resolutionAt's null), "beyond
 * Nyquist (16.0 Å)": the data support detail down to the sampling limit, not an unknown resolution.
 */
export function formatResolution(frequency: number | null, pixelSize: number): string {
  const length = resolutionLength(frequency ?? NYQUIST, pixelSize);
  if (length === null) return '—';
  const text = length >= 100 ? length.toFixed(0) : length >= 10 ? length.toFixed(1) : length.toFixed(2);
  const formatted = `${text} ${pixelSize > 0 ? 'Å' : 'voxels'}`;
  return frequency === null ? `beyond Nyquist (${formatted})` : formatted;
}
