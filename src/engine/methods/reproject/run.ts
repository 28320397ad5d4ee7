/** Reprojection: a SIRT tomogram of the series, projected at the new angles and appended to the stack. */
import type { GpuContext } from '../../gpu/device.ts';
import { appendTilts } from '../../evaluation/tiltSubsets.ts';
import type { TiltSeries } from '../../types.ts';
import { forwardProjectGpu } from '../projection.ts';
import { requireGpu } from '../../context.ts';
import type { TiltSynthesisRunner } from '../runner.ts';
import { SIRT } from '../sirt/base.ts';
import { reconstructSirt } from '../sirt/run.ts';
import type { RunOptions } from '../slabs.ts';
import type { ReprojectParams } from './base.ts';

/** The series with tilts at `params.angles` appended: projections of its SIRT tomogram there. */
export async function reprojectTilts(gpu: GpuContext, ts: TiltSeries, params: ReprojectParams, options: RunOptions = {}): Promise<TiltSeries> {
  const sirt = SIRT.defaults(ts, { thickness: params.thickness, iterations: params.iterations });
  // SIRT is nearly all of the work: it fills the bar to 95 %, the projection the rest.
  const onProgress = options.onProgress;
  // In pieces when large (io/piecedVolume.ts): the projection reads them slab by slab.
  const { volume } = await reconstructSirt(gpu, ts, sirt, { ...options, onProgress: onProgress && ((p) => onProgress({ ...p, fraction: 0.95 * p.fraction })) });
  onProgress?.({ fraction: 0.95, message: `Projecting the tomogram at ${params.angles.length} new angles` });
  const added = await forwardProjectGpu(gpu, volume, params.angles, { signal: options.signal, memoryBudgetBytes: options.memoryBudgetBytes });
  onProgress?.({ fraction: 1, message: 'Reprojection done' });
  return appendTilts(ts, added);
}

export const REPROJECT_RUNNER: TiltSynthesisRunner<ReprojectParams, never> = {
  run: async (engine, ts, params, options) => ({ tiltSeries: await reprojectTilts(requireGpu(engine, 'Reprojection'), ts, params, options) }),
};
