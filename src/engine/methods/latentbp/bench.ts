/**
 * The latent back-projection network's bench: a whole synthesis of 12 new tilts (±63…±78°, 3° apart) with the
 * shipped model in one band; the same with a quarter of the memory that band needs (./bands.ts plans fewer tilts
 * per ORT call, then bands of rows); the same on the CPU path (the engine's CPU projector on its pool, ORT on
 * wasm); and the reprojection baseline (SIRT, 20 iterations) on the same series, timed in the same run. The ONNX
 * parts of the GPU runs use the backend --model-backend names (auto: WebGPU on a real adapter, wasm on a fallback
 * one; ./network.ts); the table says which.
 */
import { cpuEngine, gpuEngine } from '../../context.ts';
import { randomTiltSeries, type MethodBench } from '../benchKit.ts';
import { reprojectTilts } from '../reproject/run.ts';
import { bandRowBytes } from './bands.ts';
import { DEFAULT_SYNTH_MODEL } from './models.ts';
import { synthesiseLatentbp } from './run.ts';

export interface LatentbpBenchRow {
  size: string;
  nTilts: number;
  added: number;
  /** onnxruntime-web's backend that ran the three parts. */
  backend: string;
  seconds: number;
  /** The run in a quarter of the memory: its bands and tilts per ORT call, and its time. */
  banded: string;
  bandedSeconds: number;
  /** The CPU path's run (ORT on wasm). */
  cpuSeconds: number;
  /** The reprojection baseline on the same series (SIRT 20 iterations, then the new tilts). */
  reprojectSeconds: number;
}

const ADDED = [63, -63, 66, -66, 69, -69, 72, -72, 75, -75, 78, -78];
const N_TILTS = 41;

function table(rows: LatentbpBenchRow[]): string {
  const head =
    '| series | tilts | added | ONNX backend | one band (s) | ¼ memory: plan | ¼ memory (s) | CPU path (s) | reprojection, SIRT 20 it (s) |\n|---|---|---|---|---|---|---|---|---|';
  const line = (r: LatentbpBenchRow) =>
    `| ${r.size} | ${r.nTilts} | ${r.added} | ${r.backend} | ${r.seconds.toFixed(2)} | ${r.banded} | ${r.bandedSeconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.reprojectSeconds.toFixed(2)} |`;
  return [head, ...rows.map(line)].join('\n');
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export const LATENTBP_BENCH: MethodBench<LatentbpBenchRow> = {
  title: `Latent back-projection network (${DEFAULT_SYNTH_MODEL}, 12 new tilts at ±63…±78°; in a quarter of one band's memory, on the CPU path, and reprojection in the same run)`,
  async run(gpu, context) {
    const sizes: [number, number, number][] = context.quick ? [[64, 64, 32]] : [[128, 128, 64], [256, 256, 128]];
    const [engine, cpu] = [gpuEngine(gpu), cpuEngine(context.cpu)];
    const rows: LatentbpBenchRow[] = [];
    for (const [nx, ny, nz] of sizes) {
      const ts = randomTiltSeries(nx, ny, N_TILTS);
      const params = { angles: ADDED, thickness: nz, model: DEFAULT_SYNTH_MODEL, contrast: 'dense-bright' as const };
      const tuning = { backend: context.modelBackend };
      const options = { models: context.models };
      // Compile, load and start the CPU pool's threads outside the timing.
      const { facts } = await synthesiseLatentbp(engine, randomTiltSeries(nx, 4, N_TILTS), params, options, tuning);
      await synthesiseLatentbp(cpu, randomTiltSeries(nx, 4, N_TILTS), params, options);
      const seconds = await timed(() => synthesiseLatentbp(engine, ts, params, options, tuning));
      const shape = { h: ny / 4, w: nx / 4, depth: nz / 4, channels: facts.channels, nTilts: N_TILTS, nNew: ADDED.length };
      const memoryBudgetBytes = (bandRowBytes(shape, Math.max(N_TILTS, ADDED.length)) * shape.h) / 4;
      let last = '';
      const onProgress = ({ message }: { message: string }) => void (message.startsWith('Rows') && (last = message));
      const bandedSeconds = await timed(() => synthesiseLatentbp(engine, ts, params, { ...options, onProgress, memoryBudgetBytes }, tuning));
      // The last band's message says how many bands and tilts per ORT call: "(band 3 of 3; ORT wasm, 2 tilts a call)".
      const [, bands, batch] = /of (\d+); ORT \w+, (\d+) tilts? a call/.exec(last) ?? [];
      const banded = `${bands} band${bands === '1' ? '' : 's'}, ${batch} tilts a call`;
      const cpuSeconds = await timed(() => synthesiseLatentbp(cpu, ts, params, options));
      const reprojectSeconds = await timed(() => reprojectTilts(gpu, ts, { angles: ADDED, thickness: nz, iterations: 20 }));
      rows.push({ size: `${nx}×${ny}, thickness ${nz}`, nTilts: N_TILTS, added: ADDED.length, backend: facts.backend, seconds, banded, bandedSeconds, cpuSeconds, reprojectSeconds });
      context.log(`Latent back-projection ${nx}×${ny} (${facts.backend}): ${seconds.toFixed(2)} s; ¼ memory (${banded}) ${bandedSeconds.toFixed(2)} s; CPU path ${cpuSeconds.toFixed(2)} s (reprojection ${reprojectSeconds.toFixed(2)} s)`);
    }
    return rows;
  },
  table,
};
