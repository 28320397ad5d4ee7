/**
 * The latent back-projection network's bench: a whole synthesis of 12 new tilts (±63…±78°, 3° apart)
 * with the shipped model, beside the reprojection baseline (SIRT, 20 iterations) on the same series, timed in the
 * same run. The ONNX parts run on the backend --model-backend names (auto: WebGPU on a real adapter, wasm on a
 * fallback one; ./network.ts); the table says which.
 */
import { randomTiltSeries, type MethodBench } from '../benchKit.ts';
import { reprojectTilts } from '../reproject/run.ts';
import { DEFAULT_SYNTH_MODEL } from './models.ts';
import { synthesiseLatentbp } from './run.ts';

export interface LatentbpBenchRow {
  size: string;
  nTilts: number;
  added: number;
  /** onnxruntime-web's backend that ran the three parts. */
  backend: string;
  seconds: number;
  /** The reprojection baseline on the same series (SIRT 20 iterations, then the new tilts). */
  reprojectSeconds: number;
}

const ADDED = [63, -63, 66, -66, 69, -69, 72, -72, 75, -75, 78, -78];

function table(rows: LatentbpBenchRow[]): string {
  const head = '| series | tilts | added | ONNX backend | latent back-projection (s) | reprojection, SIRT 20 it (s) |\n|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.size} | ${r.nTilts} | ${r.added} | ${r.backend} | ${r.seconds.toFixed(2)} | ${r.reprojectSeconds.toFixed(2)} |`)].join('\n');
}

export const LATENTBP_BENCH: MethodBench<LatentbpBenchRow> = {
  title: `Latent back-projection network (${DEFAULT_SYNTH_MODEL}, 12 new tilts at ±63…±78°; reprojection in the same run)`,
  async run(gpu, context) {
    const sizes: [number, number, number][] = context.quick ? [[64, 64, 32]] : [[128, 128, 64], [256, 256, 128]];
    const rows: LatentbpBenchRow[] = [];
    for (const [nx, ny, nz] of sizes) {
      const ts = randomTiltSeries(nx, ny, 41);
      const params = { angles: ADDED, thickness: nz, model: DEFAULT_SYNTH_MODEL };
      await synthesiseLatentbp(gpu, randomTiltSeries(nx, 4, 41), params, { models: context.models }, context.modelBackend); // compile and load outside the timing
      const started = performance.now();
      const { facts } = await synthesiseLatentbp(gpu, ts, params, { models: context.models }, context.modelBackend);
      const seconds = (performance.now() - started) / 1000;
      const baseline = performance.now();
      await reprojectTilts(gpu, ts, { angles: ADDED, thickness: nz, iterations: 20 });
      const reprojectSeconds = (performance.now() - baseline) / 1000;
      rows.push({ size: `${nx}×${ny}, thickness ${nz}`, nTilts: 41, added: ADDED.length, backend: facts.backend, seconds, reprojectSeconds });
      context.log(`Latent back-projection ${nx}×${ny} (${facts.backend}): ${seconds.toFixed(2)} s (reprojection ${reprojectSeconds.toFixed(2)} s)`);
    }
    return rows;
  },
  table,
};
