/**
 * The local network timed in the real page (`wedgelab bench --only localnet-page`): the worker runs each
 * shipped model with the backend it picks there, onnxruntime-web's WebGPU backend on a real GPU and wasm
 * on a software adapter; FBP (cosine) of the
 * same simulated 61-tilt series in the same page for the ratio. Times are the results' own elapsed times
 * (worker side, whole runs: patches, model, inverse wavelet, read-back).
 */
import type { ResultSummary } from '../../workers/api.ts';
import { LOCAL_MODELS } from '../engine/methods/localnet/models.ts';
import { tiltRange } from '../engine/sim/tiltScheme.ts';
import { withWorkbenchPage } from './benchRender.ts';

export interface LocalnetPageRow {
  model: string;
  size: string;
  nTilts: number;
  /** The label's backend ('webgpu' or 'wasm'), as the run reported it. */
  label: string;
  seconds: number;
  voxelsPerSecond: number;
  fbpSeconds: number;
  ratioToFbp: number;
}

export async function benchLocalnetPage(sizes: [number, number, number][], options: { softwareGpu: boolean; log: (line: string) => void }): Promise<LocalnetPageRow[]> {
  return withWorkbenchPage(options.softwareGpu, async (page) => {
    const rows: LocalnetPageRow[] = [];
    for (const size of sizes) {
      options.log(`localnet page bench ${size.join('×')}: simulating…`);
      await page.evaluate(([s, angles]) => window.wedgelab.loadDemo({ size: s, tiltAngles: angles }), [size, tiltRange(-60, 60, 2)] as const);
      const run = async (request: Parameters<typeof window.wedgelab.run>[0]): Promise<ResultSummary> =>
        page.evaluate(async (r) => {
          const id = await window.wedgelab.run(r);
          const result = window.wedgelab.results().find((x) => x.id === id);
          if (!result) throw new Error(`no result ${id}`);
          return result;
        }, request);
      const common = { thickness: size[2], binning: 1 };
      const fbp = await run({ method: 'fbp', params: { ...common, filter: { name: 'cosine' } } });
      for (const { name } of LOCAL_MODELS) {
        const result = await run({ method: 'localnet', params: { ...common, model: name } });
        const seconds = result.elapsedMs / 1000;
        rows.push({
          model: name,
          size: size.join('×'),
          nTilts: 61,
          label: result.label,
          seconds,
          voxelsPerSecond: (size[0] * size[1] * size[2]) / seconds,
          fbpSeconds: fbp.elapsedMs / 1000,
          ratioToFbp: result.elapsedMs / fbp.elapsedMs,
        });
        options.log(`  ${name}: ${seconds.toFixed(1)} s (${result.label})`);
      }
    }
    return rows;
  });
}
