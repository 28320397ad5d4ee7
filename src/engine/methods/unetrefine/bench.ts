/**
 * U-Net refinement's bench: voxels per second of the shipped model's refinement (cube cutting, model and
 * blending timed apart), with cutting and blending in TypeScript (the CPU path's) and as the GPU path's WGSL
 * kernels (the queue waited on after each part), and, in the same run, FBP of a tilt series of the same size;
 * their ratio says what the refinement adds to a reconstruction. The model's session is opened, and FBP's and the
 * kernels' shaders compiled, before timing.
 */
import { gpuEngine } from '../../context.ts';
import type { MethodBench } from '../benchKit.ts';
import { randomTiltSeries } from '../benchKit.ts';
import { reconstruct } from '../runners.ts';
import { DEFAULT_REFINE_MODEL } from './models.ts';
import { refineOnGpu, refineWithModel, type RefineTiming } from './run.ts';
import { RefineModel } from './model.ts';
import { CRYOGEN, ISONET } from './base.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';

export interface UnetRefineBenchRow {
  size: string;
  model: string;
  backend: string;
  /** Where cubes were cut and blended: 'TypeScript' (the CPU path's code) or 'WGSL' (the GPU path's kernels). */
  cutBlend: 'TypeScript' | 'WGSL';
  seconds: number;
  /** Million voxels per second of the whole refinement. */
  mVoxelsPerSecond: number;
  timing: RefineTiming;
  fbpSeconds: number;
  /** Refinement time over FBP time. */
  ratioToFbp: number;
}

function table(rows: UnetRefineBenchRow[]): string {
  const head =
    '| tomogram | model (backend) | cut and blend | refine (s) | M voxels/s | cut / model / blend (s) | FBP, 61 tilts (s) | refine ÷ FBP |\n|---|---|---|---|---|---|---|---|';
  return [
    head,
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.model} (${r.backend}) | ${r.cutBlend} | ${r.seconds.toFixed(2)} | ${r.mVoxelsPerSecond.toFixed(3)} | ${r.timing.cut.toFixed(2)} / ${r.timing.model.toFixed(2)} / ${r.timing.blend.toFixed(2)} | ${r.fbpSeconds.toFixed(2)} | ${r.ratioToFbp.toFixed(1)}× |`,
    ),
  ].join('\n');
}

export function unetRefineBench(definition: typeof CRYOGEN | typeof ISONET): MethodBench<UnetRefineBenchRow> {
  return {
    title: `${definition.title} U-Net refinement (shipped model), against FBP in the same run`,
    async run(gpu, context) {
      const sizes: [number, number, number][] = context.quick ? [[64, 64, 32]] : [[128, 128, 64], [256, 256, 128]];
      const name = DEFAULT_REFINE_MODEL[definition.name];
      const model = await RefineModel.open(gpu, await context.models.load(name), { backend: context.modelBackend, wasmUrl: context.models.wasmUrl });
      const rows: UnetRefineBenchRow[] = [];
      try {
        for (const [nx, ny, nz] of sizes) {
          const ts = randomTiltSeries(nx, ny, 61);
          const fbp = () => reconstruct(gpuEngine(gpu), ts, { method: 'fbp', params: { thickness: nz } });
          await fbp(); // compiles the shaders (minutes on a software adapter): not part of FBP's time
          let started = performance.now();
          const { volume } = await fbp();
          const fbpSeconds = (performance.now() - started) / 1000;
          const tomogram = wholeVolume(volume, 'The U-Net bench');
          const params = definition.defaults(volume);
          // A first GPU run compiles the kernels' shaders; on a fallback adapter the WGSL row's model is wasm too.
          await refineOnGpu(gpu, model, tomogram, params, definition.title);
          const runs: [UnetRefineBenchRow['cutBlend'], (timing: RefineTiming) => Promise<unknown>][] = [
            ['TypeScript', (timing) => refineWithModel(model, tomogram, params, definition.title, {}, timing)],
            ['WGSL', (timing) => refineOnGpu(gpu, model, tomogram, params, definition.title, {}, timing)],
          ];
          for (const [cutBlend, refine] of runs) {
            const timing: RefineTiming = { cut: 0, model: 0, blend: 0 };
            started = performance.now();
            await refine(timing);
            const seconds = (performance.now() - started) / 1000;
            const row = { size: `${nx}×${ny}×${nz}`, model: name, backend: model.backend, cutBlend, seconds, timing, fbpSeconds };
            rows.push({ ...row, mVoxelsPerSecond: (nx * ny * nz) / seconds / 1e6, ratioToFbp: seconds / fbpSeconds });
            context.log(`${name} ${nx}×${ny}×${nz}, ${cutBlend} cut and blend: ${seconds.toFixed(2)} s (FBP ${fbpSeconds.toFixed(2)} s)`);
          }
        }
      } finally {
        await model.release();
      }
      return rows;
    },
    table,
  };
}

export const CRYOGEN_BENCH = unetRefineBench(CRYOGEN);
export const ISONET_BENCH = unetRefineBench(ISONET);
