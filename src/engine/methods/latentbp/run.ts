/**
 * The latent back-projection network's synthesis (models/synth/train.py is the torch twin of every step here):
 * normalise the series (one mean and std), pad it to a multiple of 4, encode each tilt, back-project the C latent
 * channels at the tilts' angles (weight 1/K) into a latent volume ceil(thickness/4) deep, refine it, project it
 * at the new angles (weight 1/D), decode, crop and scale back. A series of any size goes through in bands of rows
 * along the tilt axis (./bands.ts: each step works on the band's rows and its halo, so the band's own rows come out
 * as from the whole series), and ORT takes the tilts in batches when a band's do not fit at once. One band loop
 * for both engine paths: the projection steps and where the latent tensors live are ./latentProjection.ts's.
 * The network learnt dense matter bright: a dense-dark series runs negated, a series of both signs twice (../contrast.ts).
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { EngineContext } from '../../context.ts';
import { appendTilts } from '../../evaluation/tiltSubsets.ts';
import { outputValues, type SessionOptions } from '../../onnx/session.ts';
import { throwIfAborted, type TiltSeries } from '../../types.ts';
import { stackPolarity } from '../../polarity.ts';
import { contrastSigns, meanOfPassesInto, resolveContrast } from '../contrast.ts';
import type { TiltSynthesisRunner } from '../runner.ts';
import { stackMeanStd } from '../preprocess.ts';
import type { RunOptions } from '../slabs.ts';
import { CPU_LIMITS, HALOS, planBands, type Band, type Halos } from './bands.ts';
import type { LatentbpFacts, LatentbpParams } from './base.ts';
import { latentBand, type LatentBand, type LatentRun } from './latentProjection.ts';
import { LATENT_FACTOR, LatentbpNetwork } from './network.ts';

/** The series' mean and population std (the network's normalisation), and its size padded to multiples of 4. */
interface Normalisation {
  mean: number;
  std: number;
  height: number;
  width: number;
}

function normalisation(ts: TiltSeries): Normalisation {
  const { mean, std } = stackMeanStd(ts);
  const pad = (n: number) => Math.ceil(n / LATENT_FACTOR) * LATENT_FACTOR;
  return { mean, std, height: pad(ts.ny), width: pad(ts.nx) };
}

/** The encoder's input: tilts [k0, k1) of the band's encoded rows, normalised and zero-padded, [n, 1, 4 · rows, width]. */
function encoderInput(ts: TiltSeries, norm: Normalisation, band: Band, k0: number, k1: number): ort.Tensor {
  const { nx, ny } = ts;
  const rows = LATENT_FACTOR * band.encoded.ny;
  const row0 = LATENT_FACTOR * band.encoded.y0;
  const data = new Float32Array((k1 - k0) * rows * norm.width);
  for (let k = k0; k < k1; k++)
    for (let y = row0; y < Math.min(ny, row0 + rows); y++)
      for (let x = 0; x < nx; x++) data[((k - k0) * rows + y - row0) * norm.width + x] = (ts.data[(k * ny + y) * nx + x] - norm.mean) / norm.std;
  return new ort.Tensor('float32', data, [k1 - k0, 1, rows, norm.width]);
}

/** The decoder's output for new tilts [n0, n1) of the band's projected rows: its core rows, cropped and scaled back, into `added` [N, ny, nx]. */
function placeDecoded(added: Float32Array, decoded: Float32Array, ts: TiltSeries, norm: Normalisation, band: Band, n0: number, n1: number): void {
  const { nx, ny } = ts;
  const rows = LATENT_FACTOR * band.projected.ny;
  const row0 = LATENT_FACTOR * band.projected.y0;
  const core0 = LATENT_FACTOR * band.core.y0;
  const coreEnd = Math.min(ny, core0 + LATENT_FACTOR * band.core.ny);
  for (let n = n0; n < n1; n++)
    for (let y = core0; y < coreEnd; y++)
      for (let x = 0; x < nx; x++) added[(n * ny + y) * nx + x] = decoded[((n - n0) * rows + y - row0) * norm.width + x] * norm.std + norm.mean;
}

/** One band: its tilts encoded batch by batch, back-projected, refined, projected and decoded batch by batch into `added`. */
async function synthesiseBand(network: LatentbpNetwork, latent: LatentBand, ts: TiltSeries, norm: Normalisation, band: Band, batch: number, added: Float32Array, signal?: AbortSignal): Promise<void> {
  for (let k0 = 0; k0 < ts.nTilts; k0 += batch) {
    throwIfAborted(signal);
    const k1 = Math.min(ts.nTilts, k0 + batch);
    await latent.putTilts(k0, await network.run('encoder', encoderInput(ts, norm, band, k0, k1)));
  }
  throwIfAborted(signal);
  const volume = await latent.backProject();
  await latent.setRefined(await network.run('refiner', volume.tensor));
  volume.release();
  const nNew = added.length / (ts.ny * ts.nx);
  for (let n0 = 0; n0 < nNew; n0 += batch) {
    throwIfAborted(signal);
    const n1 = Math.min(nNew, n0 + batch);
    const projections = await latent.project(n0, n1);
    placeDecoded(added, await outputValues(await network.run('decoder', projections.tensor)), ts, norm, band, n0, n1);
    projections.release();
  }
}

/** How a synthesis runs besides its options: ORT's backend, and (tests only, to show they are needed) the bands' halos. */
export interface LatentbpTuning {
  backend?: SessionOptions['backend'];
  halos?: Halos;
}

/** New tilts at `params.angles` from the series, by the network; the series with them appended, and what ran. */
export async function synthesiseLatentbp(
  engine: EngineContext,
  ts: TiltSeries,
  params: LatentbpParams,
  options: RunOptions = {},
  { backend = 'auto', halos = HALOS }: LatentbpTuning = {},
): Promise<{ tiltSeries: TiltSeries; facts: LatentbpFacts }> {
  if (!options.models) throw new Error('the latent back-projection network needs a model library (the worker or the CLI provides one)');
  const { signal } = options;
  const progress = (fraction: number, message: string) => options.onProgress?.({ fraction, message });
  const network = await LatentbpNetwork.open(engine.path === 'gpu' ? engine.gpu : null, options.models, params.model, backend);
  try {
    const contrast = await resolveContrast(params.contrast, options.seriesPolarity ?? (() => stackPolarity(ts).polarity));
    const nNew = params.angles.length;
    const norm = normalisation(ts);
    const run: LatentRun = { channels: await network.channels(), w: norm.width / LATENT_FACTOR, depth: Math.ceil(params.thickness / LATENT_FACTOR), measured: ts.tiltAngles, added: params.angles };
    const shape = { ...run, h: norm.height / LATENT_FACTOR, nTilts: ts.nTilts, nNew };
    const { bands, batch } = planBands(engine.path === 'gpu' ? engine.gpu.limits : CPU_LIMITS, options.memoryBudgetBytes, shape, halos);
    // One pass per sign, the std taken with it (−1: the network sees the series negated and its output is negated
    // back); with both, their mean is the odd part.
    const passes = contrastSigns(contrast).map((sign) => ({ norm: { ...norm, std: sign * norm.std }, added: new Float32Array(nNew * ts.ny * ts.nx) }));
    const steps = passes.length * bands.length;
    for (const [p, pass] of passes.entries()) {
      for (const [index, band] of bands.entries()) {
        const [from, to] = [LATENT_FACTOR * band.core.y0, Math.min(ts.ny, LATENT_FACTOR * (band.core.y0 + band.core.ny)) - 1];
        const negated = pass.norm.std < 0 ? ', negated' : '';
        progress((p * bands.length + index) / steps, `Rows ${from}–${to} of ${ts.ny} (band ${index + 1} of ${bands.length}${negated}; ORT ${network.backend}, ${batch} tilt${batch === 1 ? '' : 's'} a call): encoding, back-projecting, refining, projecting, decoding`);
        const latent = latentBand(engine, network.backend, run, band, signal);
        try {
          await synthesiseBand(network, latent, ts, pass.norm, band, batch, pass.added, signal);
        } finally {
          latent.release();
        }
      }
    }
    const [{ added }, negated] = passes;
    if (negated) meanOfPassesInto(added, negated.added);
    progress(1, 'Latent back-projection done');
    const newTilts = { nx: ts.nx, ny: ts.ny, nTilts: nNew, data: added, tiltAngles: params.angles, pixelSize: ts.pixelSize };
    return { tiltSeries: appendTilts(ts, newTilts), facts: { channels: run.channels, backend: network.backend, ...contrast } };
  } finally {
    await network.release();
  }
}

export const LATENTBP_RUNNER: TiltSynthesisRunner<LatentbpParams, LatentbpFacts> = {
  run: (engine, ts, params, options) => synthesiseLatentbp(engine, ts, params, options),
};
