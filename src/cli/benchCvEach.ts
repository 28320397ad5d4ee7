/**
 * Every tilt held out in turn with FBP (`wedgelab bench --only cv-each`): crossValidateEachTilt, which takes each
 * tilt's own term off the whole series' FBP (evaluation/crossValidation.ts), against the reference timed in the same
 * run: one cross-validation per tilt (a reconstruction of the other n − 1 each, what every other method does), on
 * the GPU path and on the CPU pool. The largest difference between their predictions is reported beside the times.
 */
import { relativeError } from '../engine/checks/kernelChecks.ts';
import { cpuEngine, gpuEngine, type EngineContext } from '../engine/context.ts';
import { crossValidate, crossValidateEachTilt } from '../engine/evaluation/crossValidation.ts';
import type { GpuContext } from '../engine/gpu/device.ts';
import { randomTiltSeries, type BenchContext } from '../engine/methods/benchKit.ts';

export interface CvEachBenchRow {
  path: string;
  size: string;
  nTilts: number;
  seconds: number;
  /** One cross-validation per tilt. */
  referenceSeconds: number;
  /** Reference time over ours: above 1, ours is faster. */
  speedup: number;
  /** The largest of every tilt's max |ours − reference| / max |reference|. */
  relativeDifference: number;
}

const TILTS = 41;

function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  return run().then((value) => ({ value, seconds: (performance.now() - started) / 1000 }));
}

async function benchOnePath(engine: EngineContext, path: string, n: number, nz: number, log: (line: string) => void): Promise<CvEachBenchRow> {
  const ts = randomTiltSeries(n, n, TILTS);
  const recipe = { method: 'fbp' as const, params: { thickness: nz } };
  const ours = await timed(() => crossValidateEachTilt(engine, ts, recipe));
  const reference = await timed(async () => {
    const predictions = [];
    for (let k = 0; k < TILTS; k++) predictions.push((await crossValidate(engine, ts, recipe, [k])).scores[0].predicted);
    return predictions;
  });
  const relativeDifference = Math.max(...reference.value.map((predicted, k) => relativeError(ours.value.scores[k].predicted, predicted)));
  const row = { path, size: `${n}×${n}×${nz}`, nTilts: TILTS, seconds: ours.seconds, referenceSeconds: reference.seconds, speedup: reference.seconds / ours.seconds, relativeDifference };
  log(`each tilt held out, FBP, ${row.size}, ${TILTS} tilts, ${path}: ${row.seconds.toFixed(2)} s; one CV per tilt ${row.referenceSeconds.toFixed(2)} s (${row.speedup.toFixed(1)}×)`);
  return row;
}

export async function benchCvEach(gpu: GpuContext, context: Pick<BenchContext, 'quick' | 'log' | 'cpu'>): Promise<CvEachBenchRow[]> {
  const rows: CvEachBenchRow[] = [];
  const gpuPath = `WebGPU on ${gpu.description}${gpu.isFallbackAdapter ? ' (software)' : ''}`;
  const cpuPath = `CPU, ${context.cpu.threads} thread${context.cpu.threads === 1 ? '' : 's'}`;
  for (const [n, nz] of context.quick ? [[64, 32]] : [[64, 32], [128, 64], [256, 64]]) {
    rows.push(await benchOnePath(gpuEngine(gpu), gpuPath, n, nz, context.log));
    rows.push(await benchOnePath(cpuEngine(context.cpu), cpuPath, n, nz, context.log));
  }
  return rows;
}

export function cvEachTable(rows: CvEachBenchRow[]): string {
  return [
    '| path | tomogram | tilts | each held out (s) | one CV per tilt, reference (s) | speed-up | largest relative difference |\n|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.path} | ${r.size} | ${r.nTilts} | ${r.seconds.toFixed(2)} | ${r.referenceSeconds.toFixed(2)} | ${r.speedup.toFixed(1)}× | ${r.relativeDifference.toExponential(1)} |`),
  ].join('\n');
}
