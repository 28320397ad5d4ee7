/**
 * Local learned reconstruction (CryoLithe, docs/background.md#cryolithe) with a pretrained ONNX model.
 *
 * 1. The stack is normalised by one global mean and std (the bias-free network is scale-equivariant, so
 *    one scale for the whole stack keeps the relative intensities), then every row is filtered along x with
 *    the cosine-windowed ramp, zero-padded to a power of two ≥ 2·nx (filters.ts).
 * 2. For every voxel (voxel variant, 1 output) or every point of the bior3.1 half grid (wavelet variant,
 *    8 outputs: 8× fewer model queries), the P × P patch of every tilt around (u, v) is cut on the GPU
 *    (methods/localnet/patches.ts) and fed to the model (methods/localnet/model.ts) in batches.
 * 3. Voxel outputs are the tomogram; sub-band outputs go through the inverse wavelet (methods/localnet/wavelet3d.ts).
 *    Either way the result is multiplied by the stack's std, back to its units: models are trained to give
 *    (ground truth − its mean) / std (cli/trainingPatches.ts).
 *
 * Slabs along the tilt axis as in FBP (slabs.ts): a slab of tomogram rows needs the same detector rows
 * plus a halo of ⌊P/2⌋ + 1 rows on either side, which its patches reach; the halo rows are filtered with the
 * slab (rows are filtered independently). The wavelet variant's slabs start at even rows, so each slab's
 * outputs come from whole half-grid rows (one half row is evaluated by both neighbouring slabs).
 */
import { filterResponse, paddedLength } from '../../filters.ts';
import { effectiveAngles, tiltTrig } from '../../geometry.ts';
import { formatBytes } from '../../../io/bytes.ts';
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import { assertDeviceAlive, type GpuContext } from '../../gpu/device.ts';
import { PatchExtractor, patchBytesPerPoint } from './patches.ts';
import { RowFilterPlan, rowFilterWorkBytes } from '../../gpu/kernels/rowFilter.ts';
import { InverseWavelet3d } from './wavelet3d.ts';
import { withGpuScope } from '../../gpu/scope.ts';
import { throwIfAborted, type TiltSeries, type Volume } from '../../types.ts';
import { forEachRow, isPieced, rowReader, type Tomogram } from '../../../io/piecedVolume.ts';
import { stackMeanStd, subtractConstant } from '../preprocess.ts';
import type { ReconstructionRunner } from '../runner.ts';
import { reconstructLocalnetCpu } from './cpu.ts';
import { allocateSlabbedTomogram, DEFAULT_MEMORY_BUDGET, forEachSlab, placeSlabVolume, planSlabsForDevice, slabTilts, stageOptions, type RunOptions } from '../slabs.ts';
import { FSC_HANDOVER, handedOver, handoverProblem, handsOver, type LocalnetFacts, type LocalnetParams, type ModelRunParams } from './base.ts';
import { patchReach, slabPlan, type PatchGrid } from './grid.ts';
import { LocalModel } from './model.ts';
import { stackPolarity } from '../../polarity.ts';
import { cpuPoolOf, type EngineContext } from '../../context.ts';
import { sharedBytes, type CpuPool } from '../../cpu/pool.ts';
import { fbpPathOf } from '../fbp/run.ts';
import { fbpOn } from '../fbp/path.ts';
import { combineHandover, filterCone, fscWeights, type RadialWeight } from './fbpHandover.ts';
import { filterTomogram } from '../../cpu/spectrumPasses.ts';
import { fft3dTooLarge } from '../../bufferLimits.ts';
import { largestDimension } from '../../metrics/fsc.ts';
import { halvesFsc } from '../../evaluation/halves.ts';
import { radialFilterGpu } from './fbpHandoverGpu.ts';

/**
 * The model's own activations per point, in units of the point's patch bytes. CryoLithe's set-MLP widens
 * each 21-pixel patch row to 64–128 features per tilt, about 6× a patch; 8× leaves room. Used only to
 * size automatic batches.
 */
const ACTIVATION_FACTOR = 8;
/** Larger batches gain little and make progress and cancelling coarse. */
const MAX_AUTO_BATCH = 65536;

/** Detector rows [r0, r1) that the patches of a grid's rows reach (bilinear neighbours included). */
function sourceRows(grid: PatchGrid, patch: number, nyDet: number): { r0: number; r1: number } {
  const { before, after } = patchReach(patch);
  const centre = (nyDet - 1) / 2;
  const lo = grid.origin[1] + centre - before;
  const hi = grid.origin[1] + grid.step[1] * (grid.gy - 1) + centre + after;
  return { r0: Math.max(0, Math.floor(lo)), r1: Math.min(nyDet, Math.floor(hi) + 2) };
}

/** Batch size: the user's, or what half the budget holds with the model's activations, within the binding limit. */
export function batchSize(gpu: GpuContext, requested: number, perPoint: number, budget: number, largestSlab: number): number {
  const byBinding = Math.floor(Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize) / perPoint);
  const auto = Math.floor(budget / 2 / (perPoint * (1 + ACTIVATION_FACTOR)));
  const batch = Math.min(requested > 0 ? requested : Math.min(auto, MAX_AUTO_BATCH), byBinding, largestSlab);
  if (batch < 1) {
    throw new Error(
      `the patches of one point take ${formatBytes(perPoint)}, more than this GPU can hold (budget ${formatBytes(budget)}, ` +
        `binding limit ${formatBytes(gpu.limits.maxStorageBufferBindingSize)}): bin the tilts or use a model with smaller patches`,
    );
  }
  return batch;
}

/**
 * What every slab of a run shares: the stack's one mean and std, the filter, the angles the model is given
 * and the (cos θ, sin θ) of every tilt on the GPU (destroy `trig` when done).
 */
export interface LocalnetInput {
  mean: number;
  std: number;
  response: Float32Array;
  angles: Float32Array;
  trig: GPUBuffer;
}

export function prepareLocalnetInput(gpu: GpuContext, ts: TiltSeries, invertAngles: boolean): LocalnetInput {
  const { mean, std } = stackMeanStd(ts);
  return {
    mean,
    std,
    response: filterResponse({ name: 'cosine' }, paddedLength(ts.nx)),
    angles: Float32Array.from(effectiveAngles(ts.tiltAngles, invertAngles)),
    trig: uploadBuffer(gpu, tiltTrig(ts.tiltAngles, invertAngles), 'localnet.trig'),
  };
}

/** A patch extractor over the normalised, filtered detector rows that `grid`'s patches reach. */
export interface SlabPatches {
  extractor: PatchExtractor;
  destroy(): void;
}

/**
 * Normalise (one global mean and std) and filter the detector rows `grid` reaches, on the GPU (the filter
 * is submitted here), and make an extractor of `batch` points over them. The one preparation shared by
 * reconstruction and `wedgelab training-patches`, so that training sees exactly the model's inputs.
 */
export function slabPatches(gpu: GpuContext, ts: TiltSeries, input: LocalnetInput, grid: PatchGrid, patch: number, batch: number): SlabPatches {
  const { nx, ny, nTilts } = ts;
  const { r0, r1 } = sourceRows(grid, patch, ny);
  const rows = slabTilts(ts, { y0: r0, ny: r1 - r0 });
  for (let i = 0; i < rows.length; i++) rows[i] = (rows[i] - input.mean) / input.std;
  const tilts = uploadBuffer(gpu, rows, 'localnet.tilts');
  const filter = new RowFilterPlan(gpu, tilts, nTilts * (r1 - r0), nx, input.response);
  const source = { nTilts, nDet: nx, nRows: r1 - r0, rowOffset: r0, nyDet: ny };
  const extractor = new PatchExtractor(gpu, source, grid, patch, batch, input.trig, tilts);
  const encoder = gpu.device.createCommandEncoder({ label: 'localnet.filter' });
  filter.encode(encoder);
  gpu.device.queue.submit([encoder.finish()]);
  return {
    extractor,
    destroy: () => {
      for (const resource of [tilts, filter, extractor]) resource.destroy();
    },
  };
}

/**
 * Reconstruct an already binned tilt series with a local model; the tomogram is nx × ny × thickness, in pieces
 * when larger than options.pieceBytes (each slab is placed into the pieces that hold its rows).
 * The variant follows the model: 1 output per point → voxels, 8 → bior3.1 sub-bands on the half grid.
 */
export async function reconstructLocalnet(gpu: GpuContext, ts: TiltSeries, params: ModelRunParams, model: LocalModel, options: RunOptions = {}): Promise<Tomogram> {
  const { nx, ny, nTilts } = ts;
  const nz = params.thickness;
  const wavelet = model.outputs === 8;
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
  const L = paddedLength(nx);

  // Per tomogram row: its tilt rows, their filter work, the output row and (wavelet) its coefficients.
  const tiltBytes = nTilts * nx * 4;
  const workBytes = rowFilterWorkBytes(nTilts * 2, L) / 2;
  const volumeBytes = nx * nz * 4;
  let slabs = planSlabsForDevice(gpu, ny, tiltBytes + workBytes + 3 * volumeBytes, Math.max(tiltBytes, workBytes / 2, 2 * volumeBytes), budget / 2);
  if (wavelet && slabs.length > 1) {
    const rows = Math.max(2, slabs[0].ny - (slabs[0].ny % 2));
    slabs = Array.from({ length: Math.ceil(ny / rows) }, (_, i) => ({ y0: i * rows, ny: Math.min(rows, ny - i * rows) }));
  }
  const plans = slabs.map((slab) => slabPlan(slab, nx, ny, nz, wavelet));
  const perPoint = patchBytesPerPoint(nTilts, model.patch);
  const batch = batchSize(gpu, params.batchSize, perPoint, budget, Math.max(...plans.map((p) => p.points)));
  const totalPoints = plans.reduce((sum, p) => sum + p.points, 0);
  let pointsDone = 0;

  const volume = allocateSlabbedTomogram(nx, ny, nz, ts.pixelSize, options.pieceBytes);
  await withGpuScope(async (run) => {
    const input = prepareLocalnetInput(gpu, ts, params.invertAngles);
    run.own(input.trig);
    await forEachSlab(gpu, slabs, options.signal, async (slab, index, scope) => {
      const plan = plans[index];
      const { grid } = plan;
      const { extractor } = scope.own(slabPatches(gpu, ts, input, grid, model.patch, batch));
      const slabVolume = scope.own(storageBuffer(gpu, nx * slab.ny * nz * 4, 'localnet.volume'));
      // The model writes voxels straight into the slab volume, or sub-bands into their own buffer.
      const outputs = wavelet ? scope.own(storageBuffer(gpu, plan.points * 8 * 4, 'localnet.coefficients')) : slabVolume;
      const inverse = wavelet
        ? scope.own(new InverseWavelet3d(gpu, { nx, ny: slab.ny, nz, y0: slab.y0, mx: grid.gx, myHeld: grid.gy, mz: grid.gz, ky0: plan.ky0 }, outputs, slabVolume))
        : null;
      for (let start = 0; start < plan.points; start += batch) {
        throwIfAborted(options.signal);
        assertDeviceAlive(gpu);
        options.onProgress?.({
          fraction: pointsDone / totalPoints,
          message: `Local model (${model.backend}): rows ${slab.y0}–${slab.y0 + slab.ny - 1} of ${ny}, ${wavelet ? 'half-grid points' : 'voxels'} ${start}–${Math.min(plan.points, start + batch) - 1} of ${plan.points}`,
        });
        const count = Math.min(batch, plan.points - start);
        const encoder = gpu.device.createCommandEncoder({ label: 'localnet.patches' });
        extractor.encode(encoder, start, count);
        gpu.device.queue.submit([encoder.finish()]);
        await model.run(extractor.patches, batch, input.angles, outputs, start * model.outputs, count);
        pointsDone += count;
      }
      if (inverse) {
        const encoder = gpu.device.createCommandEncoder({ label: 'localnet.inverseWavelet' });
        inverse.encode(encoder);
        gpu.device.queue.submit([encoder.finish()]);
      }
      // Back to the stack's units: the model maps normalised inputs to voxels divided by the stack's std.
      const values = await readFloats(gpu, slabVolume, nx * slab.ny * nz);
      for (let i = 0; i < values.length; i++) values[i] *= input.std;
      placeSlabVolume(volume, slab, values);
      options.onSlabDone?.(volume, slab.y0 + slab.ny);
    });
  });
  options.onProgress?.({ fraction: 1, message: 'Local model done' });
  return volume;
}

/**
 * The cosine FBP of all tilts and the FSC hand-over's per-shell weights, from the cosine FBPs of the even- and the
 * odd-indexed tilts (either held in pieces). FBP is π/N times a sum over tilts, each filtered (and mean-subtracted)
 * on its own, and the hand-over's FBP is not dose weighted, so the whole series' FBP is the halves' weighted by
 * their tilt counts: two FBPs instead of three. The sum is made in the even half's own arrays.
 */
export async function fbpAndFscWeights(ts: TiltSeries, cosineFbp: (series: TiltSeries) => Promise<Tomogram>, pool: CpuPool): Promise<{ fbp: Tomogram; weight: RadialWeight }> {
  const halves: { volume: Tomogram; nTilts: number }[] = [];
  const { fsc } = await halvesFsc(
    ts,
    async (half) => {
      const volume = await cosineFbp(half);
      halves.push({ volume, nTilts: half.nTilts });
      return volume;
    },
    pool,
    FSC_HANDOVER,
  );
  const [a, b] = halves;
  const [rowA, rowB] = [rowReader(a.volume), rowReader(b.volume)];
  forEachRow(a.volume, (y, z) => {
    const [ra, rb] = [rowA(y, z), rowB(y, z)];
    for (let x = 0; x < ra.length; x++) ra[x] = (a.nTilts * ra[x] + b.nTilts * rb[x]) / ts.nTilts;
  });
  return { fbp: a.volume, weight: { shells: fscWeights(fsc) } };
}

/**
 * The model's tomogram with its measured side moved toward the cosine FBP of the same tilts (./fbpHandover.ts):
 * below params.fbpBelow, or weighted by the FBP's own odd/even FSC (params.fbpFsc: the FBPs of the even- and
 * the odd-indexed tilts, which make the whole one) and then, with params.fscSigma, smoothed where that FSC is
 * low; the FBP's scale factor with it. Any size: the tomograms may be held in pieces (radialFilterOnPath).
 */
export async function handOverToFbp(engine: EngineContext, ts: TiltSeries, params: LocalnetParams, tomogram: Tomogram, options: RunOptions): Promise<{ volume: Tomogram; fbpScale: number }> {
  // Each of its steps (its FBPs, then the low-passes) takes an equal share of the bar, saying what it does.
  const handing = `Local model: handing ${handedOver(params)} over to FBP`;
  options.onProgress?.({ fraction: 0, message: handing });
  const fbpParams = { ...params, filter: { name: 'cosine' as const }, doseWeighting: false };
  const smoothing = params.fbpFsc && params.fscSigma > 0;
  const steps = (params.fbpFsc ? 2 : 1) + (smoothing ? 3 : 2);
  let stepsBegun = 0;
  const nextStep = (): RunOptions => ({
    signal: options.signal,
    memoryBudgetBytes: options.memoryBudgetBytes,
    pieceBytes: options.pieceBytes,
    onProgress: stageOptions(options, stepsBegun / steps, ++stepsBegun / steps, handing).onProgress,
  });
  // The model never sees the stack's mean (it normalises first); the FBP must not either. FBP of a constant is not
  // zero (the zero-padded ramp filter turns each row's ends into a bowl across the tomogram), so an offset, such as
  // an int16 stack near −32 700, would otherwise be handed over. One constant for the whole stack, so the FBP of
  // all tilts is still the tilt-count-weighted sum of its halves' FBPs.
  const { mean } = stackMeanStd(ts);
  const cosineFbp = (series: TiltSeries) => {
    const centred = subtractConstant(series, mean);
    return fbpOn(fbpPathOf(engine), centred, fbpParams, nextStep());
  };
  const pool = cpuPoolOf(engine);
  const { fbp, weight } = params.fbpFsc ? await fbpAndFscWeights(ts, cosineFbp, pool) : { fbp: await cosineFbp(ts), weight: { below: params.fbpBelow } };
  throwIfAborted(options.signal);
  const angles = effectiveAngles(ts.tiltAngles, params.invertAngles);
  const filter = (volumes: Tomogram[], cone: readonly number[] | null, w: RadialWeight) => radialFilterOnPath(engine, volumes, cone, w, pool, volumes.map(nextStep));
  const [lowFbp, lowModel] = await filter([fbp, tomogram], angles, weight);
  const { volume: handed, scale } = combineHandover(tomogram, lowFbp, lowModel, fbp);
  if (!(smoothing && 'shells' in weight)) return { volume: handed, fbpScale: scale };
  const [smoothed] = await filter([handed], null, { shells: weight.shells, floorSigma: params.fscSigma });
  return { volume: smoothed, fbpScale: scale };
}

/**
 * W∗v for each of `volumes` (one size): on the GPU (./fbpHandoverGpu.ts) when the run is on it, they are each one
 * array and their spectrum fits one binding; otherwise on the CPU pool in pieces (../../cpu/spectrumPasses.ts), the
 * same W at every DFT index, for tomograms of any size. `options`: each volume's (its progress; the GPU's says none).
 */
async function radialFilterOnPath(engine: EngineContext, volumes: Tomogram[], angles: readonly number[] | null, weight: RadialWeight, pool: CpuPool, options: RunOptions[]): Promise<Tomogram[]> {
  const [first] = volumes;
  const { nx, ny, nz, pixelSize } = first;
  if (engine.path === 'gpu' && !volumes.some(isPieced) && !fft3dTooLarge(engine.gpu.limits, nx, ny, nz)) {
    const filtered = await radialFilterGpu(engine.gpu, volumes as Volume[], angles, weight);
    return filtered.map((data) => ({ nx, ny, nz, pixelSize, data }));
  }
  // The cone in shared memory: every round's task reads it.
  const gain = { kind: 'weighted' as const, weight, nMax: largestDimension(first), cone: sharedBytes(filterCone(first, angles)) };
  const out: Tomogram[] = [];
  for (const [k, volume] of volumes.entries()) out.push(await filterTomogram(volume, gain, pool, 'low-pass', options[k]));
  return out;
}

/** The model's pass's share of a run's progress bar when the hand-over to FBP follows (its two or three FBPs and low-passes take far less time than the model). */
const MODEL_PASS_SHARE = 0.9;

/** Opens the run's model (from the run's model library), reconstructs, and names the model's patch size, variant, backend and the stack's contrast. */
export const LOCALNET_RUNNER: ReconstructionRunner<LocalnetParams, LocalnetFacts> = {
  async run(engine, ts, params, options) {
    const gpu = engine.path === 'gpu' ? engine.gpu : null;
    if (!options.models) throw new Error('the local network needs a model library (the worker or the CLI provides one)');
    // A hand-over the run could not finish is refused before the model runs, not after it.
    const problem = handoverProblem(params, ts);
    if (problem) throw new Error(problem);
    const model = await LocalModel.open(gpu, await options.models.load(params.model), { wasmUrl: options.models.wasmUrl, oddPart: !params.asTrained });
    try {
      // With a hand-over, the model's pass takes most of the bar and the hand-over's steps the rest.
      const modelPass = handsOver(params) ? stageOptions(options, 0, MODEL_PASS_SHARE) : options;
      const volume = engine.path === 'gpu' ? await reconstructLocalnet(engine.gpu, ts, params, model, modelPass) : await reconstructLocalnetCpu(engine.pool, ts, params, model, modelPass);
      const { polarity } = stackPolarity(ts);
      const facts = { patch: model.patch, outputs: model.outputs, backend: model.backend, odd: model.odd, polarity };
      if (!handsOver(params)) return { volume, facts };
      const handed = await handOverToFbp(engine, ts, params, volume, stageOptions(options, MODEL_PASS_SHARE, 1));
      return { volume: handed.volume, facts: { ...facts, fbpScale: handed.fbpScale } };
    } finally {
      await model.release();
    }
  },
};
