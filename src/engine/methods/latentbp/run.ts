/**
 * The latent back-projection network's synthesis (models/synth/train.py is the torch twin of every step here):
 * normalise the series (one mean and std), pad it to a multiple of 4, encode each tilt, back-project the C latent
 * channels at the tilts' angles (weight 1/K) into a latent volume ceil(thickness/4) deep, refine it, project it
 * at the new angles (weight 1/D), decode, crop and scale back. Between the encoder and the decoder the latent
 * tensors stay in GPU buffers, projected by the engine's projector C channels at a time (./network.ts says
 * where ORT runs). A latent volume too large for one slab is refined in slabs of rows along the tilt axis, each
 * with REFINER_HALO rows of its neighbours on either side, so that its own rows come out as from the whole volume.
 */
import { requireGpu } from '../../context.ts';
import { storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { SlabProjector } from '../../gpu/kernels/projector.ts';
import { withGpuScope } from '../../gpu/scope.ts';
import { appendTilts } from '../../evaluation/tiltSubsets.ts';
import { tiltTrig, type Slab } from '../../geometry.ts';
import type { SessionOptions } from '../../onnx/session.ts';
import type { TiltSeries } from '../../types.ts';
import type { TiltSynthesisRunner } from '../runner.ts';
import { forEachSlab, planSlabsForDevice, type RunOptions } from '../slabs.ts';
import type { LatentbpFacts, LatentbpParams } from './base.ts';
import { LATENT_FACTOR, LatentbpNetwork } from './network.ts';

/**
 * Rows of latent context a refined row depends on on each side: the refiner is two residual blocks of two
 * 3 × 3 × 3 convolutions each (models/synth/train.py, Refiner: every model it makes, shipped or yours), one row per
 * convolution. A slab refined with fewer gives other numbers at its edges (latentbp.test.ts: 4e-3 with 3 rows).
 */
const REFINER_HALO = 4;

/**
 * Latent-volume copies one row costs on the GPU in a slab: the back-projected volume, the refined one, and about
 * four activations inside the refiner (on ORT's WebGPU backend).
 */
const VOLUME_COPIES_PER_ROW = 6;

/** A slab of latent rows: the rows it keeps (`core`) and the rows refined for them (`rows`, core plus halo, clipped). */
interface LatentSlab {
  core: Slab;
  rows: Slab;
}

/**
 * Slabs of the h latent rows such that a slab with its halo holds at most `rowsThatFit` rows (one slab, no halo,
 * when all fit); at least one core row each, even if its halo then exceeds the budget.
 */
function latentSlabs(h: number, rowsThatFit: number): LatentSlab[] {
  const core = rowsThatFit >= h ? h : Math.max(1, rowsThatFit - 2 * REFINER_HALO);
  const slabs: LatentSlab[] = [];
  for (let y0 = 0; y0 < h; y0 += core) {
    const ny = Math.min(core, h - y0);
    const from = Math.max(0, y0 - REFINER_HALO);
    const to = Math.min(h, y0 + ny + REFINER_HALO);
    slabs.push({ core: { y0, ny }, rows: { y0: from, ny: to - from } });
  }
  return slabs;
}

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

/** New tilts at `params.angles` from the series, by the network; the series with them appended, and what ran. */
export async function synthesiseLatentbp(
  gpu: GpuContext,
  ts: TiltSeries,
  params: LatentbpParams,
  options: RunOptions = {},
  backend: SessionOptions['backend'] = 'auto',
): Promise<{ tiltSeries: TiltSeries; facts: LatentbpFacts }> {
  if (!options.models) throw new Error('the latent back-projection network needs a model library (the worker or the CLI provides one)');
  const progress = (fraction: number, message: string) => options.onProgress?.({ fraction, message });
  const network = await LatentbpNetwork.open(gpu, options.models, params.model, backend);
  try {
    const { data, height, width, mean, std } = normalisedPadded(ts);
    const [h, w, depth, nTilts, nNew] = [height / LATENT_FACTOR, width / LATENT_FACTOR, Math.ceil(params.thickness / LATENT_FACTOR), ts.nTilts, params.angles.length];
    progress(0, `Encoding ${nTilts} tilts (${network.backend})`);
    const decoded = await withGpuScope(async (run) => {
      const { latent, channels } = await network.encode(data, nTilts, height, width);
      run.own(latent);
      const projections = run.own(storageBuffer(gpu, nNew * channels * h * w * 4, 'latentbp.projections'));
      const measuredTrig = run.own(uploadBuffer(gpu, tiltTrig(ts.tiltAngles), 'latentbp.trig'));
      const newTrig = run.own(uploadBuffer(gpu, tiltTrig(params.angles), 'latentbp.newTrig'));
      const rowBytes = channels * depth * w * 4;
      const rowsThatFit = planSlabsForDevice(gpu, h, VOLUME_COPIES_PER_ROW * rowBytes, rowBytes, options.memoryBudgetBytes)[0].ny;
      const slabs = latentSlabs(h, rowsThatFit);
      await forEachSlab(gpu, slabs.map((s) => s.core), options.signal, async (core, index, scope) => {
        const { rows } = slabs[index];
        progress(0.1 + (0.8 * index) / slabs.length, `Latent rows ${core.y0}–${core.y0 + core.ny - 1} of ${h}: back-projecting, refining, projecting`);
        // Back-project the slab's rows (with halo) of all C channels from the whole latent tilts, weight 1/K.
        const volume = scope.own(storageBuffer(gpu, channels * depth * rows.ny * w * 4, 'latentbp.volume'));
        const shape = { nx: w, nz: depth, nDet: w, channels, tiltRows: h };
        const back = scope.own(new SlabProjector(gpu, { ...shape, ny: rows.ny, nTilts, tiltRow0: rows.y0 }, measuredTrig, latent.buffer, volume, 1 / nTilts));
        const encoder = gpu.device.createCommandEncoder({ label: 'latentbp.backProject' });
        back.encodeBackProject(encoder);
        gpu.device.queue.submit([encoder.finish()]);
        const refined = scope.own(await network.refine(volume, [channels, depth, rows.ny, w]));
        // Project only the core rows of the refined slab, weight 1/D, into their rows of the whole projections.
        const forwardShape = { ...shape, ny: core.ny, nTilts: nNew, tiltRow0: core.y0, volumeRows: rows.ny, volumeRow0: core.y0 - rows.y0 };
        const forward = scope.own(new SlabProjector(gpu, forwardShape, newTrig, projections, refined.buffer, 1 / depth));
        const projectEncoder = gpu.device.createCommandEncoder({ label: 'latentbp.forwardProject' });
        forward.encodeForwardProject(projectEncoder);
        gpu.device.queue.submit([projectEncoder.finish()]);
      });
      progress(0.9, `Decoding ${nNew} tilts`);
      return { channels, tilts: await network.decode(projections, [nNew, channels, h, w]) };
    });
    const { nx, ny } = ts;
    const added = new Float32Array(nNew * ny * nx);
    for (let k = 0; k < nNew; k++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) added[(k * ny + y) * nx + x] = decoded.tilts[(k * height + y) * width + x] * std + mean;
    progress(1, 'Latent back-projection done');
    const newTilts = { nx, ny, nTilts: nNew, data: added, tiltAngles: params.angles, pixelSize: ts.pixelSize };
    return { tiltSeries: appendTilts(ts, newTilts), facts: { channels: decoded.channels, backend: network.backend } };
  } finally {
    await network.release();
  }
}

export const LATENTBP_RUNNER: TiltSynthesisRunner<LatentbpParams, LatentbpFacts> = {
  run: (engine, ts, params, options) => synthesiseLatentbp(requireGpu(engine, 'The latent back-projection network'), ts, params, options),
};
