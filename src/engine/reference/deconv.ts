/**
 * Reference of CTF deconvolution: the whole tomogram as one array through the one-array Fourier filter
 * (../volumeFourierFilter.ts, float64 throughout), the gain evaluated at each DFT index (not interpolated). The pooled filter in pieces
 * (../cpu/spectrumPasses.ts) is checked against it in the unit tests and in the page; numpy's filter, written apart,
 * checks both (bench/deconv_reference.py).
 */
import { frequency } from '../metrics/fourier.ts';
import { deconvVoxelGain, type DeconvGainParams } from '../methods/deconv/gain.ts';
import type { Volume } from '../types.ts';
import { filterVolume } from '../volumeFourierFilter.ts';

export function deconvolveReference(volume: Volume, params: DeconvGainParams): Float32Array {
  const { nx, ny, nz, pixelSize } = volume;
  const gain = deconvVoxelGain(params, pixelSize);
  const [fx, fy, fz] = [nx, ny, nz].map((n) => Float64Array.from({ length: n }, (_, j) => frequency(j, n) ** 2));
  return filterVolume(volume.data, nx, ny, nz, (jx, jy, jz) => gain(Math.sqrt(fx[jx] + fy[jy] + fz[jz])));
}
