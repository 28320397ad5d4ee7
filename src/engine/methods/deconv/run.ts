/**
 * CTF deconvolution on the CPU (./base.ts): the tomogram's 3-D spectrum multiplied by the Wiener-like gain at each
 * frequency (float64, the separable FFT of metrics/fourier.ts), as one array. The gain is computed at each DFT
 * index's own |k| (tom_deconv samples it on 2048 points along the radius and interpolates).
 */
import { ctfCurve, MICROSCOPE_300KV } from '../../ctf.ts';
import { frequency } from '../../metrics/fourier.ts';
import { throwIfAborted, type Volume } from '../../types.ts';
import { filterVolume } from '../../volumeFourierFilter.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';
import type { RefinementRunner } from '../runner.ts';
import type { DeconvParams } from './base.ts';

/**
 * The gain at a fraction `f` of Nyquist (0–1) of a tomogram with `pixelSize` Å voxels: C·SNR/(C²·SNR + 1), which is
 * C/(C² + 1/SNR) without dividing by an SNR of 0 (the gain is 0 there: at f = 0, below the high-pass's start).
 * C = −CTF (positive at the lowest frequencies, Q there, so that the tomogram keeps its contrast), |CTF| for
 * phase-flipped tilts; SNR = 10^(3·strength)·exp(−100·falloff·f/p)·(1 − cos(π·min(1, f/highpass))).
 */
export function deconvGain(params: DeconvParams & { defocus: number }, pixelSize: number): (f: number) => number {
  const microscope = { ...MICROSCOPE_300KV, voltage: params.voltage };
  const transfer = ctfCurve(params.defocus, microscope);
  const level = 10 ** (3 * params.strength);
  return (f) => {
    const c = -transfer(f / (2 * pixelSize));
    const C = params.phaseFlipped ? Math.abs(c) : c;
    const snr = level * Math.exp((-100 * params.snrFalloff * f) / pixelSize) * (1 - Math.cos(Math.PI * Math.min(1, f / params.highpass)));
    return (C * snr) / (C * C * snr + 1);
  };
}

/** The volume deconvolved (a new array): each DFT index at f = |k| over Nyquist's 0.5 cycles/voxel, per axis's own frequencies; the corners past Nyquist take its gain. */
export function deconvolve(volume: Volume, params: DeconvParams & { defocus: number }): Float32Array {
  const { nx, ny, nz, pixelSize } = volume;
  const gain = deconvGain(params, pixelSize);
  const [fx, fy, fz] = [nx, ny, nz].map((n) => Float64Array.from({ length: n }, (_, j) => (2 * frequency(j, n)) ** 2));
  return filterVolume(volume.data, nx, ny, nz, (jx, jy, jz) => gain(Math.min(1, Math.sqrt(fx[jx] + fy[jy] + fz[jz]))));
}

export const DECONV_RUNNER: RefinementRunner<DeconvParams, never> = {
  async run(_engine, tomogram, params, options) {
    const { defocus } = params;
    if (defocus === undefined) throw new Error("CTF deconvolution needs the tilts' defocus: give it (--defocus-um; the page offers the series' mean where it came with a CTF estimate)");
    const volume = wholeVolume(tomogram, 'CTF deconvolution');
    const { nx, ny, nz, pixelSize } = volume;
    if (!(pixelSize > 0)) throw new Error("CTF deconvolution needs the tomogram's pixel size (its header gives none)");
    throwIfAborted(options.signal);
    options.onProgress?.({ fraction: 0, message: 'CTF deconvolution: filtering the spectrum' });
    const data = deconvolve(volume, { ...params, defocus });
    options.onProgress?.({ fraction: 1, message: 'CTF deconvolution done' });
    return { volume: { nx, ny, nz, pixelSize, data } };
  },
};
