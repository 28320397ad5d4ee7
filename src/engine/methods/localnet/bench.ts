/**
 * Timings of the local network for the bench command, on both engine paths in the same run: voxels per second
 * of each model, split into patch extraction and the model, and FBP of the same tilt series on the same path for
 * the ratio. WebGPU (./run.ts): the WGSL patch kernel, awaited per batch, and onnxruntime-web (with the patches'
 * read-back on the wasm backend). The CPU path (./cpu.ts, docs/cpu.md): the patches on the pool, the model on
 * onnxruntime-web's wasm backend. The patch kernel's CPU reference (../reference/patches.ts) is timed on a few
 * points too.
 *
 * A model call costs the same at any point, so the timing may be sampled: when `samplePoints` is below a
 * tomogram's points, whole rows along the tilt axis holding about that many points are timed and the row
 * scales them up (its note says so). SwiftShader + wasm need ~0.2–0.5 ms per call here, an hour for 256 ×
 * 256 × 128 voxels; the CPU path's model is on wasm everywhere, so its rows are always sampled. The model runs on the backend LocalModel picks (WebGPU on a real adapter, wasm on a
 * fallback one) unless `backend` names one.
 */
import type { CpuPool } from '../../cpu/pool.ts';
import { storageBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { patchBytesPerPoint } from './patches.ts';
import { LocalModel, type LocalModelOptions } from './model.ts';
import { extractPatchesCpu } from '../../reference/patches.ts';
import { slabPlan, type PatchGrid } from './grid.ts';
import { tiltTrig } from '../../geometry.ts';
import type { TiltSeries } from '../../types.ts';
import { reconstructFbp } from '../fbp/run.ts';
import { reconstructFbpCpu } from '../fbp/cpu.ts';
import { cpuBatch, cutPatchesOnPool, evaluatePatches, patchBatch, prepareLocalnetCpuInput } from './cpu.ts';
import { cpuEngine, describeEngine, gpuEngine, type EngineContext } from '../../context.ts';
import { batchSize, handOverToFbp, prepareLocalnetInput, slabPatches } from './run.ts';
import { FBP } from '../fbp/base.ts';
import { randomTiltSeries, type MethodBench } from '../benchKit.ts';
import { DEFAULT_MEMORY_BUDGET } from '../slabs.ts';
import { LOCALNET, SUGGESTED_FSC_SIGMA, variantOf } from './base.ts';
import { LOCAL_MODELS } from './models.ts';

export interface LocalnetBenchRow {
  model: string;
  /** The engine's path, in words (WebGPU on …, CPU, N threads). */
  path: string;
  variant: 'voxel' | 'wavelet';
  backend: string;
  /** nx×ny×nz of the tomogram. */
  size: string;
  nTilts: number;
  /** Model calls of the whole tomogram (voxels, or half-grid points). */
  points: number;
  /** Calls timed (all, or a sample of whole rows). */
  timedPoints: number;
  batch: number;
  /** Whole tomogram, scaled from the timed points. */
  patchSeconds: number;
  modelSeconds: number;
  voxelsPerSecond: number;
  /** FBP of the same series on the same path. */
  fbpSeconds: number;
  /** Local network time / FBP time. */
  ratioToFbp: number;
  /** The FSC-weighted hand-over to FBP (fbpFsc) and the FSC smoothing (the page's σ) on the same path, after the model: the same for every model. */
  fscHandoverSeconds: number;
  /** The patch kernel's CPU reference for the same points, scaled the same way. */
  patchCpuSeconds: number;
  note: string;
}

export interface LocalnetBenchModel {
  name: string;
  bytes: Uint8Array;
}

/** Model calls the CPU path's rows hold (its model is on wasm on every machine). */
const CPU_SAMPLE_POINTS = 16384;
/** Points the CPU reference of the patch kernel extracts (it is slow: ~nTilts·P² bilinear reads per point). */
const CPU_REFERENCE_POINTS = 256;

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** One model on one tilt series: rows of about `samplePoints` points timed, scaled to the tomogram. */
async function benchOne(gpu: GpuContext, ts: TiltSeries, nz: number, model: LocalModel, samplePoints: number) {
  const { nx, ny } = ts;
  const wavelet = model.outputs === 8;
  const whole = slabPlan({ y0: 0, ny }, nx, ny, nz, wavelet);
  const perRow = whole.points / whole.grid.gy;
  // Whole rows (even ones for the wavelet variant, whose slabs start on even rows).
  const rows = Math.min(ny, Math.max(wavelet ? 2 : 1, Math.ceil(samplePoints / perRow) * (wavelet ? 2 : 1)));
  const plan = slabPlan({ y0: 0, ny: rows }, nx, ny, nz, wavelet);
  // The batch a `recon` takes unless told (0: sized from the memory budget), so the bench times what users get.
  const batch = batchSize(gpu, 0, patchBytesPerPoint(ts.nTilts, model.patch), DEFAULT_MEMORY_BUDGET, plan.points);
  const input = prepareLocalnetInput(gpu, ts, false);
  const prepared = slabPatches(gpu, ts, input, plan.grid, model.patch, batch);
  const target = storageBuffer(gpu, batch * model.outputs * 4, 'bench.localnet.out');
  let [patchSeconds, modelSeconds] = [0, 0];
  try {
    // Warm-up outside the timing: the first wasm run grows onnxruntime's memory for the batch (~3× slower).
    await model.run(prepared.extractor.patches, batch, input.angles, target, 0, 1);
    for (let start = 0; start < plan.points; start += batch) {
      const count = Math.min(batch, plan.points - start);
      patchSeconds += await seconds(async () => {
        const encoder = gpu.device.createCommandEncoder({ label: 'bench.localnet.patches' });
        prepared.extractor.encode(encoder, start, count);
        gpu.device.queue.submit([encoder.finish()]);
        await gpu.device.queue.onSubmittedWorkDone();
      });
      modelSeconds += await seconds(() => model.run(prepared.extractor.patches, batch, input.angles, target, 0, count));
    }
  } finally {
    prepared.destroy();
    target.destroy();
    input.trig.destroy();
  }
  const scale = whole.points / plan.points;
  return { points: whole.points, timedPoints: plan.points, batch, patchSeconds: patchSeconds * scale, modelSeconds: modelSeconds * scale, grid: plan.grid };
}

/** One model on the CPU path: whole rows of the grid holding about `samplePoints` points, timed, scaled to the tomogram. */
async function benchOneCpu(pool: CpuPool, ts: TiltSeries, nz: number, model: LocalModel, samplePoints: number) {
  const whole = slabPlan({ y0: 0, ny: ts.ny }, ts.nx, ts.ny, nz, model.outputs === 8).grid;
  const perRow = whole.gx * whole.gz;
  const grid = { ...whole, gy: Math.min(whole.gy, Math.max(1, Math.ceil(samplePoints / perRow))) };
  const [points, timedPoints] = [perRow * whole.gy, perRow * grid.gy];
  const input = await prepareLocalnetCpuInput(pool, ts, false);
  const batch = Math.min(timedPoints, cpuBatch(model, ts.nTilts));
  const patches = patchBatch(input, model.patch, batch);
  // Warm-up outside the timing, as on the other path (onnxruntime's memory for the batch, the threads' JIT).
  await cutPatchesOnPool(pool, input, grid, model.patch, 0, batch, patches);
  await evaluatePatches(model, input, patches, batch);
  let [patchSeconds, modelSeconds] = [0, 0];
  for (let first = 0; first < timedPoints; first += batch) {
    const count = Math.min(batch, timedPoints - first);
    patchSeconds += await seconds(() => cutPatchesOnPool(pool, input, grid, model.patch, first, count, patches));
    modelSeconds += await seconds(() => evaluatePatches(model, input, patches, batch));
  }
  const scale = points / timedPoints;
  return { points, timedPoints, batch, patchSeconds: patchSeconds * scale, modelSeconds: modelSeconds * scale, grid };
}

/** The patch kernel's CPU reference on a few points of the same grid, scaled to `points`. */
function patchCpuSeconds(ts: TiltSeries, grid: PatchGrid, patch: number, points: number): number {
  // The source is the raw stack here (values do not change the work); the rows are all of the detector.
  const source = { data: ts.data, nTilts: ts.nTilts, nDet: ts.nx, nRows: ts.ny, rowOffset: 0, nyDet: ts.ny };
  const started = performance.now();
  extractPatchesCpu(source, tiltTrig(ts.tiltAngles), grid, patch, 0, CPU_REFERENCE_POINTS);
  return ((performance.now() - started) / 1000) * (points / CPU_REFERENCE_POINTS);
}

type BenchTiming = Awaited<ReturnType<typeof benchOne>>;

/** One table row from a model's timing on one path. */
function benchRow(name: string, model: LocalModel, path: string, size: [number, number, number], ts: TiltSeries, r: BenchTiming, fbpSeconds: number, fscHandoverSeconds: number): LocalnetBenchRow {
  const total = r.patchSeconds + r.modelSeconds;
  const sampled = r.timedPoints < r.points;
  return {
    model: name,
    path,
    variant: variantOf(model.outputs),
    backend: model.backend,
    size: size.join('×'),
    nTilts: ts.nTilts,
    points: r.points,
    timedPoints: r.timedPoints,
    batch: r.batch,
    patchSeconds: r.patchSeconds,
    modelSeconds: r.modelSeconds,
    voxelsPerSecond: (size[0] * size[1] * size[2]) / total,
    fbpSeconds,
    ratioToFbp: total / fbpSeconds,
    fscHandoverSeconds,
    patchCpuSeconds: patchCpuSeconds(ts, r.grid, model.patch, r.points),
    note: sampled ? `rows holding ${r.timedPoints.toLocaleString('en')} of ${r.points.toLocaleString('en')} points timed, scaled` : 'whole tomogram timed',
  };
}

/** FBP (cosine filter) of the series on one path, after a two-row run outside the timing (pipelines, threads, JIT). */
async function fbpSeconds(run: (ts: TiltSeries) => Promise<unknown>, ts: TiltSeries): Promise<number> {
  await run({ ...ts, ny: 2, data: ts.data.subarray(0, ts.nx * 2 * ts.nTilts) });
  return seconds(() => run(ts));
}

/** The FSC-weighted hand-over and smoothing on one path, of a random "model" tomogram of the case's size (its values do not change the work). */
async function fscHandoverSeconds(engine: EngineContext, ts: TiltSeries, nz: number): Promise<number> {
  const tomogram = { nx: ts.nx, ny: ts.ny, nz, pixelSize: ts.pixelSize, data: Float32Array.from({ length: ts.nx * ts.ny * nz }, (_, i) => Math.sin(i)) };
  const params = LOCALNET.defaults(ts, { thickness: nz, fbpFsc: true, fscSigma: SUGGESTED_FSC_SIGMA });
  return seconds(() => handOverToFbp(engine, ts, params, tomogram, {}));
}

export async function benchLocalnet(
  gpu: GpuContext,
  pool: CpuPool,
  cases: { size: [number, number, number]; tiltSeries: TiltSeries }[],
  models: LocalnetBenchModel[],
  options: { samplePoints: number; backend?: LocalModelOptions['backend']; log?: (line: string) => void },
): Promise<LocalnetBenchRow[]> {
  const rows: LocalnetBenchRow[] = [];
  const [gpuPath, cpuPath] = [describeEngine(gpuEngine(gpu)), describeEngine(cpuEngine(pool))];
  for (const { size, tiltSeries: ts } of cases) {
    const nz = size[2];
    const fbp = FBP.defaults(ts, { thickness: nz, filter: { name: 'cosine' } });
    const fbpGpu = await fbpSeconds((series) => reconstructFbp(gpu, series, fbp), ts);
    const fbpCpu = await fbpSeconds((series) => reconstructFbpCpu(pool, series, fbp), ts);
    const handoverGpu = await fscHandoverSeconds(gpuEngine(gpu), ts, nz);
    const handoverCpu = await fscHandoverSeconds(cpuEngine(pool), ts, nz);
    for (const { name, bytes } of models) {
      const paths = [
        { path: gpuPath, fbp: fbpGpu, handover: handoverGpu, open: () => LocalModel.open(gpu, bytes, { backend: options.backend }), time: (m: LocalModel) => benchOne(gpu, ts, nz, m, options.samplePoints) },
        { path: cpuPath, fbp: fbpCpu, handover: handoverCpu, open: () => LocalModel.open(null, bytes), time: (m: LocalModel) => benchOneCpu(pool, ts, nz, m, Math.min(options.samplePoints, CPU_SAMPLE_POINTS)) },
      ];
      for (const { path, fbp: fbpTime, handover, open, time } of paths) {
        const model = await open();
        try {
          const r = await time(model);
          rows.push(benchRow(name, model, path, size, ts, r, fbpTime, handover));
          options.log?.(`localnet ${name} ${size.join('×')} on ${path}: patches ${r.patchSeconds.toFixed(1)} s, model ${r.modelSeconds.toFixed(1)} s${r.timedPoints < r.points ? ' (scaled)' : ''}`);
        } finally {
          await model.release();
        }
      }
    }
  }
  return rows;
}

function localnetTable(rows: LocalnetBenchRow[]): string {
  const head =
    `| model | path | backend | tomogram | tilts | model calls | patches (s) | model (s) | voxels/s | FBP (s) | local / FBP | FSC hand-over, σ ${SUGGESTED_FSC_SIGMA} (s) | patch CPU reference (s) | note |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`;
  const body = rows.map(
    (r) =>
      `| ${r.model} (${r.variant}) | ${r.path} | ${r.backend} | ${r.size} | ${r.nTilts} | ${r.points.toLocaleString('en')} | ${r.patchSeconds.toPrecision(3)} | ${r.modelSeconds.toPrecision(3)} | ${r.voxelsPerSecond.toPrecision(3)} | ${r.fbpSeconds.toPrecision(3)} | ${r.ratioToFbp.toPrecision(3)}× | ${r.fscHandoverSeconds.toPrecision(3)} | ${r.patchCpuSeconds.toPrecision(3)} | ${r.note} |`,
  );
  return [head, ...body].join('\n');
}

/** The shipped models on 61 tilts; on a software adapter rows of about 16 k model calls are timed and scaled. */
export const LOCALNET_BENCH: MethodBench<LocalnetBenchRow> = {
  title: 'Local network on WebGPU and on the CPU path (shipped models; FBP with the cosine filter on the same path in the same run)',
  async run(gpu, context) {
    const sizes: [number, number, number][] = context.quick ? [[64, 64, 32]] : [[128, 128, 128], [256, 256, 128]];
    const cases = sizes.map((size) => ({ size, tiltSeries: randomTiltSeries(size[0], size[1], 61) }));
    const models = await Promise.all(LOCAL_MODELS.map(async (m) => ({ name: m.name, bytes: await context.models.load(m.name) })));
    const samplePoints = gpu.isFallbackAdapter || context.quick ? 16384 : Infinity;
    return benchLocalnet(gpu, context.cpu, cases, models, { samplePoints, backend: context.modelBackend, log: context.log });
  },
  table: localnetTable,
};
