/**
 * U-Net refinement (CryoGEN, IsoNet-style; docs/refine.md): the tomogram is normalised by its mean and std,
 * cut into overlapping cubes (./cubes.ts), the cubes run through the model in batches (./model.ts), and the
 * outputs blended with raised-cosine weights; the normalisation is undone at the end. Progress and cancel
 * between batches. Cutting and blending run on the CPU in plain TypeScript (WGSL kernels for them are not
 * written yet); on the GPU path the model runs on onnxruntime-web's WebGPU backend from CPU tensors.
 */
import type { EngineContext } from '../../context.ts';
import { throwIfAborted, type Volume } from '../../types.ts';
import { stackMeanStd } from '../preprocess.ts';
import type { RefinementRunner } from '../runner.ts';
import type { RunOptions } from '../slabs.ts';
import type { UnetRefineFacts, UnetRefineParams } from './base.ts';
import { CubeBlender, cutCube, planCubes } from './cubes.ts';
import { RefineModel } from './model.ts';

/** Seconds spent cutting cubes, in the model and blending: what the bench reports apart. */
export interface RefineTiming {
  cut: number;
  model: number;
  blend: number;
}

/** Refine a tomogram with an open model; `title` names the method in progress messages; `timing` adds up the parts. */
export async function refineWithModel(
  model: Pick<RefineModel, 'run'>,
  tomogram: Volume,
  params: UnetRefineParams,
  title: string,
  options: RunOptions = {},
  timing: RefineTiming = { cut: 0, model: 0, blend: 0 },
): Promise<Volume> {
  const clock = () => performance.now() / 1000;
  const { mean, std } = stackMeanStd(tomogram);
  const plan = planCubes(tomogram, params.cube, params.overlap);
  const cubeVoxels = plan.size[0] * plan.size[1] * plan.size[2];
  const blender = new CubeBlender(tomogram, plan.size, params.overlap);
  for (let first = 0; first < plan.starts.length; first += params.batchSize) {
    throwIfAborted(options.signal);
    const starts = plan.starts.slice(first, first + params.batchSize);
    let t = clock();
    const cubes = new Float32Array(starts.length * cubeVoxels);
    starts.forEach((start, b) => cutCube(tomogram, mean, std, start, plan.size, cubes, b * cubeVoxels));
    timing.cut += clock() - t;
    t = clock();
    const out = await model.run(cubes, starts.length, plan.size);
    timing.model += clock() - t;
    t = clock();
    starts.forEach((start, b) => blender.add(out, b * cubeVoxels, start));
    timing.blend += clock() - t;
    const done = first + starts.length;
    options.onProgress?.({ fraction: done / plan.starts.length, message: `${title}: ${done} / ${plan.starts.length} cubes` });
  }
  const t = clock();
  const data = blender.result(mean, std);
  timing.blend += clock() - t;
  return { ...tomogram, data };
}

/** The runner of both objectives: they differ only in the model they load. */
export function unetRefineRunner(title: string): RefinementRunner<UnetRefineParams, UnetRefineFacts> {
  return {
    async run(engine: EngineContext, tomogram, params, options) {
      if (!options.models) throw new Error(`${title} needs a model library to load ${params.model} from`);
      const bytes = await options.models.load(params.model);
      const model = await RefineModel.open(engine.path === 'gpu' ? engine.gpu : null, bytes, { wasmUrl: options.models.wasmUrl });
      try {
        const volume = await refineWithModel(model, tomogram, params, title, options);
        return { volume, facts: { backend: model.backend, cubes: planCubes(tomogram, params.cube, params.overlap).starts.length } };
      } finally {
        await model.release();
      }
    },
  };
}

export const CRYOGEN_RUNNER = unetRefineRunner('CryoGEN');
export const ISONET_RUNNER = unetRefineRunner('IsoNet-style');
