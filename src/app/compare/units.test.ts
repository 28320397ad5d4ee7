import { describe, expect, it } from 'vitest';
import { formatResolution, frequencyUnit } from './units.ts';
import { resolutionLength } from '../../engine/metrics/fsc.ts';

describe('frequency and resolution units', () => {
  it('uses 1/Å when the pixel size is known, else cycles/voxel', () => {
    expect(frequencyUnit(8)).toEqual({ scale: 0.125, label: '1/Å', physical: true });
    expect(frequencyUnit(0)).toEqual({ scale: 1, label: 'cycles/voxel', physical: false });
  });

  it('turns a frequency into a length: pixel size / frequency', () => {
    expect(resolutionLength(0.25, 8)).toBe(32);
    expect(resolutionLength(0.25, 0)).toBe(4);
    expect(resolutionLength(null, 8)).toBeNull();
    expect(resolutionLength(0, 8)).toBeNull();
    expect(formatResolution(0.25, 8)).toBe('32.0 Å');
    expect(formatResolution(0.5, 8)).toBe('16.0 Å');
    expect(formatResolution(0.3, 0)).toBe('3.33 voxels');
    expect(formatResolution(0.01, 8)).toBe('800 Å');
    expect(formatResolution(null, 8)).toBe('beyond Nyquist (16.0 Å)');
    expect(formatResolution(null, 0)).toBe('beyond Nyquist (2.00 voxels)');
    expect(formatResolution(0, 8)).toBe('—');
  });
});
