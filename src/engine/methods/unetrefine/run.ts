/**
 * U-Net refinement (CryoGEN, IsoNet-style; docs/refine.md): the tomogram is normalised by its mean and std,
 * cut into overlapping cubes, the cubes run through the model in batches (./model.ts), and the outputs blended
 * with raised-cosine weights; the normalisation is undone at the end. Progress and cancel between batches.
 * A tomogram held in pieces (io/piecedVolume.ts) goes through whole, slab by slab of rows on both paths, and the
 * result is in pieces too when larger than one: no array is ever the whole of a large tomogram.
 * - CPU path (`refineWithModel`): cutting and blending in TypeScript (./cubes.ts), the model on ORT's wasm backend.
 * - GPU path (`refineOnGpu`): cutting and blending are WGSL kernels (./kernels.ts) on the engine's device, slab by
 *   slab of rows (cubes.ts planRefineSlabs), the cubes, batch and slabs fitted to the device (cubes.ts fitCubes).
 *   On a real adapter the model is ORT's WebGPU backend reading the cube buffer; on a fallback adapter ORT's wasm
 *   backend, the cubes read back and outputs written per batch (the kernels stay on the GPU: one code path for
 *   every adapter, and the same numbers as with a real GPU up to the model's backend).
 */
import type { EngineContext } from '../../context.ts';
import { readFloats, uploadBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { throwIfAborted, type Volume } from '../../types.ts';
import { fileOrderRuns, planPieces, volumePieces, type Tomogram } from '../../../io/piecedVolume.ts';
import { gaussianSmoothTomogram } from '../gaussian/run.ts';
import { meanStd } from '../preprocess.ts';
import type { RefinementRunner } from '../runner.ts';
import { allocateSlabbedTomogram, DEFAULT_MEMORY_BUDGET, forEachSlab, placeSlabVolume, slabVolume, stageOptions, type RunOptions } from '../slabs.ts';
import { contrastSigns, meanOfPassesInto, resolveContrast } from '../contrast.ts';
import type { UnetRefineFacts, UnetRefineParams } from './base.ts';
import { CubeBlender, cutCube, fitCubes, planCubes, planRefineSlabs, type RefineSlab, type Triple } from './cubes.ts';
import { SlabCubeKernels } from './kernels.ts';
import { RefineModel } from './model.ts';

/** What cutting and blending read of the parameters. */
type CubeParams = Pick<UnetRefineParams, 'cube' | 'overlap' | 'batchSize'>;

/** Seconds spent cutting cubes, in the model and blending: what the bench reports apart. */
export interface RefineTiming {
  cut: number;
  model: number;
  blend: number;
}

/**
 * A run's options; `slabRows` caps a slab's input rows below what memory allows (tests force slabs on tiny tomograms
 * with it); `sign` −1 runs the model on the negated tomogram and negates its output (a dense-dark tomogram).
 */
export type RefineOptions = RunOptions & { slabRows?: number; sign?: 1 | -1 };

/** What a refinement ran with: the cubes, overlap and batch (fitted to the device on the GPU path), and its slabs. */
export interface RefineRun {
  /** In pieces when larger than one (RunOptions.pieceBytes), as a reconstruction's. */
  volume: Tomogram;
  cubeSize: Triple;
  overlap: number;
  batchSize: number;
  /** Cubes evaluated; those on slab boundaries count once per slab. */
  cubes: number;
  slabs: number;
}

/**
 * The tomogram's mean and std, summed over its voxels in file order (the same sums whether pieced or not), the std
 * times `sign`: the model sees (x − mean)/(sign·std) and its output goes back through the same, so −1 negates both.
 */
function tomogramNormalisation(tomogram: Tomogram, sign: 1 | -1 = 1): { mean: number; std: number } {
  const { mean, std } = meanStd([...fileOrderRuns(tomogram)]);
  return { mean, std: sign * std };
}

/** A cube start moved by `dy` rows (into a slab's own rows). */
function shifted([x, y, z]: Triple, dy: number): Triple {
  return [x, y + dy, z];
}

function progressText(title: string, done: number, total: number, slab: RefineSlab, ny: number): string {
  return `${title}: ${done} / ${total} cubes, rows ${slab.output.y0}–${slab.output.y0 + slab.output.ny - 1} of ${ny}`;
}

/**
 * Refine a tomogram on the CPU path with an open model; `title` names the method in progress messages; `timing`
 * adds up the parts. Slab by slab of rows as on the GPU (cubes.ts planRefineSlabs), a slab's input rows at most one
 * piece's worth (RunOptions.pieceBytes), so no array is ever larger than a piece: each slab's input rows are copied
 * from the pieces that hold them, its cubes cut, run and blended, and its output rows written into the result's.
 */
export async function refineWithModel(
  model: Pick<RefineModel, 'run'>,
  tomogram: Tomogram,
  params: CubeParams,
  title: string,
  options: RefineOptions = {},
  timing: RefineTiming = { cut: 0, model: 0, blend: 0 },
): Promise<RefineRun> {
  const clock = () => performance.now() / 1000;
  const { nx, ny, nz, pixelSize } = tomogram;
  const { mean, std } = tomogramNormalisation(tomogram, options.sign);
  const plan = planCubes(tomogram, params.cube, params.overlap);
  const pieceRows = planPieces(nx, ny, nz, options.pieceBytes)[0].ny;
  const slabs = planRefineSlabs(plan, ny, Math.min(pieceRows, options.slabRows ?? Infinity));
  const total = slabs.reduce((n, slab) => n + slab.starts.length, 0);
  const cubeVoxels = plan.size[0] * plan.size[1] * plan.size[2];
  const volume = allocateSlabbedTomogram(nx, ny, nz, pixelSize, options.pieceBytes);
  let done = 0;
  for (const slab of slabs) {
    const input: Volume = { nx, ny: slab.input.ny, nz, pixelSize, data: slabVolume(tomogram, slab.input) };
    const blender = new CubeBlender({ nx, ny: slab.output.ny, nz }, plan.size, params.overlap);
    for (let first = 0; first < slab.starts.length; first += params.batchSize) {
      throwIfAborted(options.signal);
      const starts = slab.starts.slice(first, first + params.batchSize);
      let t = clock();
      const cubes = new Float32Array(starts.length * cubeVoxels);
      starts.forEach((start, b) => cutCube(input, mean, std, shifted(start, -slab.input.y0), plan.size, cubes, b * cubeVoxels));
      timing.cut += clock() - t;
      t = clock();
      const out = await model.run(cubes, starts.length, plan.size);
      timing.model += clock() - t;
      t = clock();
      starts.forEach((start, b) => blender.add(out, b * cubeVoxels, shifted(start, -slab.output.y0)));
      timing.blend += clock() - t;
      done += starts.length;
      options.onProgress?.({ fraction: done / total, message: progressText(title, done, total, slab, ny) });
    }
    const t = clock();
    placeSlabVolume(volume, slab.output, blender.result(mean, std));
    timing.blend += clock() - t;
  }
  return { volume, cubeSize: plan.size, overlap: params.overlap, batchSize: params.batchSize, cubes: total, slabs: slabs.length };
}

/**
 * Refine a tomogram on the GPU path with an open model (its backend: ./model.ts runOnGpu). Each slab's input rows
 * are uploaded from the pieces that hold them, its cubes cut, run and blended batch by batch, and its output rows
 * read back into the result's pieces. With `timing`, the queue is waited on after the cutting and after the
 * blending, so the parts are timed apart.
 */
export async function refineOnGpu(
  gpu: GpuContext,
  model: Pick<RefineModel, 'runOnGpu' | 'footprint'>,
  tomogram: Tomogram,
  params: CubeParams,
  title: string,
  options: RefineOptions = {},
  timing?: RefineTiming,
): Promise<RefineRun> {
  const clock = () => performance.now() / 1000;
  const { nx, ny, nz } = tomogram;
  const binding = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
  const fit = fitCubes(tomogram, params, model.footprint, binding, options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET);
  const plan = planCubes(tomogram, fit.cube, fit.overlap);
  const slabs = planRefineSlabs(plan, ny, Math.min(fit.maxInputRows, options.slabRows ?? Infinity));
  const total = slabs.reduce((n, slab) => n + slab.starts.length, 0);
  const normalisation = tomogramNormalisation(tomogram, options.sign);
  const volume = allocateSlabbedTomogram(nx, ny, nz, tomogram.pixelSize, options.pieceBytes);
  const settle = async (part: keyof RefineTiming, since: number) => {
    if (!timing) return;
    await gpu.device.queue.onSubmittedWorkDone();
    timing[part] += clock() - since;
  };
  let done = 0;
  await forEachSlab(
    gpu,
    slabs.map((slab) => slab.output),
    options.signal,
    async (_, index, scope) => {
      const slab = slabs[index];
      const input = scope.own(uploadBuffer(gpu, slabVolume(tomogram, slab.input), 'unetrefine.input'));
      const kernels = scope.own(new SlabCubeKernels(gpu, tomogram, slab, plan.size, fit.overlap, fit.batchSize, normalisation, input));
      for (let first = 0; first < slab.starts.length; first += fit.batchSize) {
        throwIfAborted(options.signal);
        const starts = slab.starts.slice(first, first + fit.batchSize);
        let t = clock();
        kernels.setBatch(starts);
        const cut = gpu.device.createCommandEncoder({ label: 'unetrefine.cut' });
        kernels.encodeCut(cut, starts.length);
        gpu.device.queue.submit([cut.finish()]);
        await settle('cut', t);
        t = clock();
        await model.runOnGpu(gpu, kernels.cubes, fit.batchSize, starts.length, plan.size, kernels.outputs);
        await settle('model', t);
        t = clock();
        const blend = gpu.device.createCommandEncoder({ label: 'unetrefine.blend' });
        kernels.encodeBlend(blend, starts.length);
        gpu.device.queue.submit([blend.finish()]);
        await settle('blend', t);
        done += starts.length;
        options.onProgress?.({ fraction: done / total, message: progressText(title, done, total, slab, ny) });
      }
      const t = clock();
      const finish = gpu.device.createCommandEncoder({ label: 'unetrefine.finish' });
      kernels.encodeFinish(finish);
      gpu.device.queue.submit([finish.finish()]);
      placeSlabVolume(volume, slab.output, await readFloats(gpu, kernels.sum, nx * slab.output.ny * nz));
      if (timing) timing.blend += clock() - t;
    },
  );
  return { volume, cubeSize: plan.size, overlap: fit.overlap, batchSize: fit.batchSize, cubes: total, slabs: slabs.length };
}

/** `a` ← the mean of the two passes `a` and `b`, piece by piece (both laid out alike: same size, same pieces). */
function averageInto(a: Tomogram, b: Tomogram): void {
  const bPieces = volumePieces(b);
  volumePieces(a).forEach(({ volume }, k) => meanOfPassesInto(volume.data, bPieces[k].volume.data));
}

/** The runner of both objectives: they differ only in the model they load. */
export function unetRefineRunner(title: string): RefinementRunner<UnetRefineParams, UnetRefineFacts> {
  return {
    async run(engine: EngineContext, tomogram, params, options) {
      if (!options.models) throw new Error(`${title} needs a model library to load ${params.model} from`);
      const bytes = await options.models.load(params.model);
      const model = await RefineModel.open(engine.path === 'gpu' ? engine.gpu : null, bytes, { wasmUrl: options.models.wasmUrl });
      try {
        const contrast = await resolveContrast(params.contrast, options.seriesPolarity);
        // A light smoothing first, where asked: the model then sees less of the noise it was not trained to remove.
        const input = params.inputSigma > 0 ? gaussianSmoothTomogram(tomogram, params.inputSigma, { signal: options.signal, pieceBytes: options.pieceBytes }) : tomogram;
        const refine = (sign: 1 | -1, stage: RunOptions) =>
          engine.path === 'gpu' ? refineOnGpu(engine.gpu, model, input, params, title, { ...stage, sign }) : refineWithModel(model, input, params, title, { ...stage, sign });
        const signs = contrastSigns(contrast);
        const runs: RefineRun[] = [];
        for (const [k, sign] of signs.entries()) {
          const stage = signs.length === 1 ? options : stageOptions(options, k / 2, (k + 1) / 2, k === 0 ? 'pass 1 of 2, as given' : 'pass 2 of 2, negated');
          runs.push(await refine(sign, stage));
        }
        const [run, negated] = runs;
        if (negated) averageInto(run.volume, negated.volume);
        return { volume: run.volume, facts: { backend: model.backend, cubes: run.cubes, cubeSize: run.cubeSize, overlap: run.overlap, slabs: run.slabs, ...contrast } };
      } finally {
        await model.release();
      }
    },
  };
}

export const CRYOGEN_RUNNER = unetRefineRunner('CryoGEN');
export const ISONET_RUNNER = unetRefineRunner('IsoNet-style');
