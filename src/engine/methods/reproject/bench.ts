/**
 * Reprojection's bench: the whole synthesis (SIRT, then the new tilts) on the GPU, and the new tilts' projection
 * against the CPU reference projector on the same tomogram size, timed in the same run (on a few rows, scaled).
 */
import { forwardProjectCpu } from '../../reference/projector.ts';
import { randomTiltSeries, type MethodBench } from '../benchKit.ts';
import { reprojectTilts } from './run.ts';

export interface ReprojectBenchRow {
  size: string;
  nTilts: number;
  added: number;
  iterations: number;
  seconds: number;
  /** The CPU reference projector's time for the added tilts of the whole tomogram. */
  referenceProjectionSeconds: number;
}

const ADDED = [63, -63, 66, -66, 69, -69];
/** Rows of the tomogram the CPU reference projects; its time is scaled to all rows. */
const REFERENCE_ROWS = 4;

function table(rows: ReprojectBenchRow[]): string {
  const head = '| tomogram | tilts | added | SIRT it | synthesis (s) | CPU reference projection of the added tilts (s) |\n|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.size} | ${r.nTilts} | ${r.added} | ${r.iterations} | ${r.seconds.toFixed(2)} | ${r.referenceProjectionSeconds.toFixed(2)} |`)].join('\n');
}

export const REPROJECT_BENCH: MethodBench<ReprojectBenchRow> = {
  title: 'Reprojection (SIRT, then 6 new tilts at ±63…±69°)',
  async run(gpu, context) {
    const sizes: [number, number, number][] = context.quick ? [[128, 128, 64]] : [[256, 256, 128], [512, 512, 256]];
    const iterations = 2;
    const rows: ReprojectBenchRow[] = [];
    for (const [nx, ny, nz] of sizes) {
      const params = { angles: ADDED, thickness: nz, iterations };
      await reprojectTilts(gpu, randomTiltSeries(nx, 2, 61), params); // compile pipelines outside the timing
      const started = performance.now();
      await reprojectTilts(gpu, randomTiltSeries(nx, ny, 61), params);
      const seconds = (performance.now() - started) / 1000;
      const slab = { nx, ny: REFERENCE_ROWS, nz, pixelSize: 1, data: new Float32Array(nx * REFERENCE_ROWS * nz).fill(1) };
      const cpuStarted = performance.now();
      forwardProjectCpu(slab, ADDED);
      const referenceProjectionSeconds = ((performance.now() - cpuStarted) / 1000) * (ny / REFERENCE_ROWS);
      rows.push({ size: `${nx}×${ny}×${nz}`, nTilts: 61, added: ADDED.length, iterations, seconds, referenceProjectionSeconds });
      context.log(`Reprojection ${nx}×${ny}×${nz}: ${seconds.toFixed(2)} s`);
    }
    return rows;
  },
  table,
};
