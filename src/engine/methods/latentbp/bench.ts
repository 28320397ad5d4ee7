/**
 * The latent back-projection network's bench: a whole synthesis of 12 new tilts (±63…±78°, 3° apart)
 * with the shipped model in one band, the same in bands of rows (a 16 MiB budget instead of the default 384 MiB;
 * ./bands.ts), and the reprojection baseline (SIRT, 20 iterations) on the same series, timed in the same run. The
 * ONNX parts run on the backend --model-backend names (auto: WebGPU on a real adapter, wasm on a fallback one;
 * ./network.ts); the table says which.
 */
import { gpuEngine } from '../../context.ts';
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
  /** The banded run: its bands and tilts per ORT call (the progress message's), and its time. */
  banded: string;
  bandedSeconds: number;
  /** The reprojection baseline on the same series (SIRT 20 iterations, then the new tilts). */
  reprojectSeconds: number;
}

const ADDED = [63, -63, 66, -66, 69, -69, 72, -72, 75, -75, 78, -78];
const BANDED_BUDGET = 16 * 2 ** 20;

function table(rows: LatentbpBenchRow[]): string {
  const head =
    '| series | tilts | added | ONNX backend | latent back-projection, one band (s) | in bands: plan | in bands (s) | reprojection, SIRT 20 it (s) |\n|---|---|---|---|---|---|---|---|';
  return [
    head,
    ...rows.map(
      (r) => `| ${r.size} | ${r.nTilts} | ${r.added} | ${r.backend} | ${r.seconds.toFixed(2)} | ${r.banded} | ${r.bandedSeconds.toFixed(2)} | ${r.reprojectSeconds.toFixed(2)} |`,
    ),
  ].join('\n');
}

export const LATENTBP_BENCH: MethodBench<LatentbpBenchRow> = {
  title: `Latent back-projection network (${DEFAULT_SYNTH_MODEL}, 12 new tilts at ±63…±78°; in bands with a 16 MiB budget; reprojection in the same run)`,
  async run(gpu, context) {
    const sizes: [number, number, number][] = context.quick ? [[64, 64, 32]] : [[128, 128, 64], [256, 256, 128]];
    const engine = gpuEngine(gpu);
    const rows: LatentbpBenchRow[] = [];
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return (performance.now() - started) / 1000;
    };
    for (const [nx, ny, nz] of sizes) {
      const ts = randomTiltSeries(nx, ny, 41);
      const params = { angles: ADDED, thickness: nz, model: DEFAULT_SYNTH_MODEL };
      const tuning = { backend: context.modelBackend };
      const { facts } = await synthesiseLatentbp(engine, randomTiltSeries(nx, 4, 41), params, { models: context.models }, tuning); // compile and load outside the timing
      const seconds = await timed(() => synthesiseLatentbp(engine, ts, params, { models: context.models }, tuning));
      let last = '';
      const onProgress = ({ message }: { message: string }) => void (message.startsWith('Rows') && (last = message));
      const bandedSeconds = await timed(() => synthesiseLatentbp(engine, ts, params, { models: context.models, onProgress, memoryBudgetBytes: BANDED_BUDGET }, tuning));
      const reprojectSeconds = await timed(() => reprojectTilts(gpu, ts, { angles: ADDED, thickness: nz, iterations: 20 }));
      // The last band's message says how many bands and tilts per ORT call: "(band 3 of 3; ORT wasm, 2 tilts a call)".
      const [, bands, batch] = /of (\d+); ORT \w+, (\d+) tilts? a call/.exec(last) ?? [];
      const banded = `${bands} bands, ${batch} tilts a call`;
      rows.push({ size: `${nx}×${ny}, thickness ${nz}`, nTilts: 41, added: ADDED.length, backend: facts.backend, seconds, banded, bandedSeconds, reprojectSeconds });
      context.log(`Latent back-projection ${nx}×${ny} (${facts.backend}): ${seconds.toFixed(2)} s; bands (${banded}): ${bandedSeconds.toFixed(2)} s (reprojection ${reprojectSeconds.toFixed(2)} s)`);
    }
    return rows;
  },
  table,
};
