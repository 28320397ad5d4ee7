/**
 * CTF deconvolution's gain (./base.ts), on its own so that the reference (../../reference/deconv.ts) and the
 * tests evaluate it without loading the runner.
 */
import { ctfCurve, MICROSCOPE_300KV } from '../../ctf.ts';
import type { DeconvParams } from './base.ts';

/** The parameters a gain is made from: the defocus given (a run without one is refused before). */
export type DeconvGainParams = DeconvParams & { defocus: number };

/**
 * The gain at a fraction `f` of Nyquist (0–1) of a tomogram with `pixelSize` Å voxels: C·SNR/(C²·SNR + 1), which is
 * C/(C² + 1/SNR) without dividing by an SNR of 0 (the gain is 0 there: at f = 0, below the high-pass's start).
 * C = −CTF (positive at the lowest frequencies, Q there, so that the tomogram keeps its contrast), |CTF| for
 * phase-flipped tilts; SNR = 10^(3·strength)·exp(−100·falloff·f/p)·(1 − cos(π·min(1, f/highpass))).
 */
export function deconvGain(params: DeconvGainParams, pixelSize: number): (f: number) => number {
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

/** The gain at a DFT index |k| cycles/voxel from the origin: f = |k| over Nyquist's 0.5 cycles/voxel, each axis's own frequencies; the corners past Nyquist take its gain. */
export function deconvVoxelGain(params: DeconvGainParams, pixelSize: number): (k: number) => number {
  const gain = deconvGain(params, pixelSize);
  return (k) => gain(Math.min(1, 2 * k));
}
