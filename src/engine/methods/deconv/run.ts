/**
 * CTF deconvolution (./base.ts) on the CPU pool: the tomogram's 3-D spectrum multiplied by the Wiener-like gain
 * (./gain.ts) at each DFT index's |k|, in pieces of rows (../../cpu/spectrumPasses.ts: the gain sampled on 65,536
 * radii and interpolated), so that a tomogram of any size the page holds can be filtered.
 */
import { cpuPoolOf } from '../../context.ts';
import { radialFilterTomogram } from '../../cpu/spectrumPasses.ts';
import type { RefinementRunner } from '../runner.ts';
import type { DeconvParams } from './base.ts';
import { deconvVoxelGain } from './gain.ts';

export const DECONV_RUNNER: RefinementRunner<DeconvParams, never> = {
  async run(engine, tomogram, params, options) {
    const { defocus } = params;
    if (defocus === undefined) throw new Error("CTF deconvolution needs the tilts' defocus: give it (--defocus-um; the page offers the series' mean where it came with a CTF estimate)");
    const { pixelSize } = tomogram;
    if (!(pixelSize > 0)) throw new Error("CTF deconvolution needs the tomogram's pixel size (its header gives none)");
    const volume = await radialFilterTomogram(tomogram, deconvVoxelGain({ ...params, defocus }, pixelSize), cpuPoolOf(engine), 'CTF deconvolution', options);
    options.onProgress?.({ fraction: 1, message: 'CTF deconvolution done' });
    return { volume };
  },
};
