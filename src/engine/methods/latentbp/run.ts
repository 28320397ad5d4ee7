/**
 * The latent back-projection network's synthesis (models/synth/train.py is the torch twin of every step here):
 * normalise the series (one mean and std), pad it to a multiple of 4, encode each tilt, back-project the C latent
 * channels at the tilts' angles (weight 1/K) into a latent volume ceil(thickness/4) deep, refine it, project it
 * at the new angles (weight 1/D), decode, crop and scale back. The projector is the engine's own, one pass per
 * channel at the latent grid (C passes of the existing kernels: a C-channel kernel is the next step).
 */
import { requireGpu } from '../../context.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { appendTilts } from '../../evaluation/tiltSubsets.ts';
import type { TiltSeries } from '../../types.ts';
import { backProjectGpu, forwardProjectGpu } from '../projection.ts';
import type { TiltSynthesisRunner } from '../runner.ts';
import type { RunOptions } from '../slabs.ts';
import type { LatentbpFacts, LatentbpParams } from './base.ts';
import { LATENT_FACTOR, LatentbpNetwork } from './network.ts';

/** The series' tilts minus their mean over their population std, zero-padded to H × W (multiples of 4), [K, H, W]. */
export function normalisedPadded(ts: TiltSeries): { data: Float32Array; height: number; width: number; mean: number; std: number } {
  const { nx, ny, nTilts } = ts;
  let sum = 0;
  for (const v of ts.data) sum += v;
  const mean = sum / ts.data.length;
  let squares = 0;
  for (const v of ts.data) squares += (v - mean) ** 2;
  const std = Math.sqrt(squares / ts.data.length) || 1;
  const height = Math.ceil(ny / LATENT_FACTOR) * LATENT_FACTOR;
  const width = Math.ceil(nx / LATENT_FACTOR) * LATENT_FACTOR;
  const data = new Float32Array(nTilts * height * width);
  for (let k = 0; k < nTilts; k++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) data[(k * height + y) * width + x] = (ts.data[(k * ny + y) * nx + x] - mean) / std;
  return { data, height, width, mean, std };
}

/** Channel c of [N, C, plane] as its own [N, plane] array. */
function channel(data: Float32Array, n: number, channels: number, plane: number, c: number): Float32Array {
  const out = new Float32Array(n * plane);
  for (let i = 0; i < n; i++) out.set(data.subarray((i * channels + c) * plane, (i * channels + c + 1) * plane), i * plane);
  return out;
}

/** Place [N, plane] as channel c of [N, C, plane], times `weight`. */
function placeChannel(target: Float32Array, source: Float32Array, n: number, channels: number, plane: number, c: number, weight: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < plane; j++) target[(i * channels + c) * plane + j] = weight * source[i * plane + j];
}

/** New tilts at `params.angles` from the series, by the network; the series with them appended, and what ran. */
export async function synthesiseLatentbp(
  gpu: GpuContext,
  ts: TiltSeries,
  params: LatentbpParams,
  options: RunOptions = {},
): Promise<{ tiltSeries: TiltSeries; facts: LatentbpFacts }> {
  if (!options.models) throw new Error('the latent back-projection network needs a model library (the worker or the CLI provides one)');
  const progress = (fraction: number, message: string) => options.onProgress?.({ fraction, message });
  const network = await LatentbpNetwork.open(options.models, params.model);
  try {
    const { data, height, width, mean, std } = normalisedPadded(ts);
    const [h, w, depth, nTilts, nNew] = [height / LATENT_FACTOR, width / LATENT_FACTOR, Math.ceil(params.thickness / LATENT_FACTOR), ts.nTilts, params.angles.length];
    progress(0, `Encoding ${nTilts} tilts`);
    const { latent, channels } = await network.encode(data, nTilts, height, width);
    const volume = new Float32Array(channels * depth * h * w);
    for (let c = 0; c < channels; c++) {
      options.signal?.throwIfAborted();
      progress(0.2 + (0.3 * c) / channels, `Back-projecting latent channel ${c + 1} of ${channels}`);
      const latentTilts = { nx: w, ny: h, nTilts, data: channel(latent, nTilts, channels, h * w, c), tiltAngles: ts.tiltAngles, pixelSize: 0 };
      placeChannel(volume, (await backProjectGpu(gpu, latentTilts, depth, { signal: options.signal })).data, 1, channels, depth * h * w, c, 1 / nTilts);
    }
    progress(0.5, 'Refining the latent volume');
    const refined = await network.refine(volume, [channels, depth, h, w]);
    const projections = new Float32Array(nNew * channels * h * w);
    for (let c = 0; c < channels; c++) {
      options.signal?.throwIfAborted();
      progress(0.6 + (0.3 * c) / channels, `Projecting latent channel ${c + 1} of ${channels} at ${nNew} angles`);
      const latentVolume = { nx: w, ny: h, nz: depth, data: refined.subarray(c * depth * h * w, (c + 1) * depth * h * w), pixelSize: 0 };
      placeChannel(projections, (await forwardProjectGpu(gpu, latentVolume, params.angles, { signal: options.signal })).data, nNew, channels, h * w, c, 1 / depth);
    }
    progress(0.9, `Decoding ${nNew} tilts`);
    const decoded = await network.decode(projections, [nNew, channels, h, w]);
    const { nx, ny } = ts;
    const added = new Float32Array(nNew * ny * nx);
    for (let k = 0; k < nNew; k++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) added[(k * ny + y) * nx + x] = decoded[(k * height + y) * width + x] * std + mean;
    progress(1, 'Latent back-projection done');
    const newTilts = { nx, ny, nTilts: nNew, data: added, tiltAngles: params.angles, pixelSize: ts.pixelSize };
    return { tiltSeries: appendTilts(ts, newTilts), facts: { channels, backend: network.backend } };
  } finally {
    await network.release();
  }
}

export const LATENTBP_RUNNER: TiltSynthesisRunner<LatentbpParams, LatentbpFacts> = {
  run: (engine, ts, params, options) => synthesiseLatentbp(requireGpu(engine, 'The latent back-projection network'), ts, params, options),
};
