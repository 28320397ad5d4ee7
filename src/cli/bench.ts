/**
 * `wedgelab bench` (npm run bench): FBP and SIRT timings on this machine's GPU (or SwiftShader),
 * with scikit-image's iradon timed in the same run as the reference; the 3-D FFT, the 3-D view, the
 * coordinate network's step and the local network (patches and model, against FBP). Writes
 * bench/out/bench.json and a Markdown table (also printed).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { reconstruct } from '../engine/methods/index.ts';
import type { MethodRequest } from '../engine/methods/params.ts';
import { benchFft, FFT_BENCH_QUICK_SIZES, FFT_BENCH_SIZES, type FftBenchRow } from '../engine/gpu/fftBench.ts';
import { DEFAULT_MEMORY_BUDGET } from '../engine/methods/slabs.ts';
import { Rng } from '../engine/sim/random.ts';
import { tiltRange } from '../engine/sim/tiltScheme.ts';
import type { GpuContext } from '../engine/gpu/device.ts';
import type { TiltSeries } from '../engine/types.ts';
import { benchLocalnetPage, type LocalnetPageRow } from './benchLocalnetPage.ts';
import { benchRender, type RenderBenchRow } from './benchRender.ts';
import { benchCoordnet, COORDNET_BENCH_SIZES, type CoordnetBenchRow } from '../engine/methods/coordnetBench.ts';
import { benchLocalnet, type LocalnetBenchRow } from '../engine/methods/localnetBench.ts';
import { LOCAL_MODELS } from '../engine/onnx/catalogue.ts';
import type { LocalModelOptions } from '../engine/onnx/session.ts';
import { cliModelLibrary } from './models.ts';
import { openCliGpu } from './gpu.ts';
import { choiceOption, parseOptions } from './options.ts';

interface Case {
  size: [number, number, number];
  nTilts: number;
  request: MethodRequest;
}

interface Row {
  method: string;
  size: string;
  nTilts: number;
  seconds: number;
  /** Million voxel-tilt updates per second: nx·ny·nz·nTilts per projector pass (SIRT: 2K + 3 passes). */
  mUpdatesPerSecond: number;
  gpuBudgetMiB: number;
  referenceSeconds: number | null;
  referenceName: string;
  speedup: number | null;
}

function randomTiltSeries(nx: number, ny: number, nTilts: number): TiltSeries {
  const rng = new Rng(7);
  const data = new Float32Array(nx * ny * nTilts);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(0, 1);
  return { nx, ny, nTilts, data, tiltAngles: tiltRange(-60, 60, 120 / (nTilts - 1)), pixelSize: 1 };
}

/**
 * scikit-image iradon on a few slices, extrapolated to ny slices; null when python3-skimage is missing.
 * Debian's /usr/bin/python3 holds python3-skimage here; WEDGELAB_PYTHON names another interpreter (the lent
 * GPU machine's python3, bench/device/env.sh).
 */
function iradonSeconds(nx: number, ny: number, nTilts: number, slices: number): number | null {
  try {
    const out = execFileSync(process.env.WEDGELAB_PYTHON ?? '/usr/bin/python3', [join(process.cwd(), 'bench/iradon_reference.py'), String(nx), String(nTilts), String(slices)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return (JSON.parse(out) as { secondsPerSlice: number }).secondsPerSlice * ny;
  } catch {
    return null;
  }
}

function table(rows: Row[], machine: string): string {
  const head = '| method | size (nx×ny×nz) | tilts | time (s) | M updates/s | GPU slab budget (MiB) | reference | reference time (s) | speed-up |\n|---|---|---|---|---|---|---|---|---|';
  const fmt = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toFixed(d));
  const body = rows.map(
    (r) => `| ${r.method} | ${r.size} | ${r.nTilts} | ${fmt(r.seconds)} | ${fmt(r.mUpdatesPerSecond, 0)} | ${r.gpuBudgetMiB} | ${r.referenceName} | ${fmt(r.referenceSeconds)} | ${fmt(r.speedup, 1)}× |`,
  );
  return [`Machine: ${machine}`, '', head, ...body].join('\n');
}

function fftTable(rows: FftBenchRow[]): string {
  const head = '| work | size | GPU (s) | CPU reference (s) | ratio | note |\n|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.what} | ${r.size} | ${r.gpuSeconds.toFixed(3)} | ${r.cpuSeconds.toFixed(3)} | ${r.ratio.toFixed(1)}× | ${r.note} |`)].join('\n');
}

/** FBP and SIRT against scikit-image. */
async function benchReconstruction(gpu: GpuContext, quick: boolean): Promise<Row[]> {
  const sizes: [number, number, number][] = quick ? [[128, 128, 64]] : [[256, 256, 128], [512, 512, 256]];
  const cases: Case[] = sizes.flatMap((size) => [
    { size, nTilts: 61, request: { method: 'fbp', params: { thickness: size[2], filter: { name: 'ram-lak' } } } },
    { size, nTilts: 61, request: { method: 'sirt', params: { thickness: size[2], iterations: quick ? 3 : 2 } } },
  ]);
  const rows: Row[] = [];
  const referenceCache = new Map<string, number | null>();
  for (const c of cases) {
    const [nx, ny, nz] = c.size;
    const ts = randomTiltSeries(nx, ny, c.nTilts);
    await reconstruct(gpu, randomTiltSeries(nx, 2, c.nTilts), c.request); // compile pipelines outside the timing
    const started = performance.now();
    await reconstruct(gpu, ts, c.request);
    const seconds = (performance.now() - started) / 1000;
    // SIRT with K iterations runs K + 2 forward and K + 1 back-projections (weights, updates, final residual).
    const passes = c.request.method === 'sirt' ? 2 * (c.request.params?.iterations ?? 1) + 3 : 1;
    const updates = nx * ny * nz * c.nTilts * passes;
    const key = `${nx}x${ny}x${c.nTilts}`;
    if (!referenceCache.has(key)) referenceCache.set(key, iradonSeconds(nx, ny, c.nTilts, quick ? 4 : 8));
    const fbpReference = referenceCache.get(key) ?? null;
    // iradon is FBP: for SIRT, compare one SIRT iteration pair with one FBP (same back-projection work per pass).
    const referenceSeconds = fbpReference === null ? null : fbpReference * passes;
    rows.push({
      method: c.request.method === 'sirt' ? `SIRT ${c.request.params?.iterations} it` : 'FBP ram-lak',
      size: `${nx}×${ny}×${nz}`,
      nTilts: c.nTilts,
      seconds,
      mUpdatesPerSecond: updates / seconds / 1e6,
      gpuBudgetMiB: DEFAULT_MEMORY_BUDGET / 2 ** 20,
      referenceSeconds,
      referenceName: c.request.method === 'sirt' ? `skimage iradon × ${passes} passes` : 'skimage iradon',
      speedup: referenceSeconds === null ? null : referenceSeconds / seconds,
    });
    process.stderr.write(`${rows[rows.length - 1].method} ${rows[rows.length - 1].size}: ${seconds.toFixed(2)} s\n`);
  }
  return rows;
}

function renderTable(rows: RenderBenchRow[]): string {
  const head = '| volume | mode | fps while turning | drawn as |\n|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.size} | ${r.mode} | ${r.fps.toFixed(1)} | ${r.display.replace(/\n/g, ' ')} |`)].join('\n');
}

function coordnetTable(rows: CoordnetBenchRow[]): string {
  const head =
    '| tomogram | tilts | slab voxels | s per step | first slab (2000 steps) | whole run (min) | CPU reference s per step | GFLOP/s | note |\n|---|---|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) =>
      `| ${r.size} | ${r.nTilts} | ${r.slabVoxels} | ${r.stepSeconds.toPrecision(3)} | ${(r.firstSlabSeconds / 60).toPrecision(3)} min | ${r.totalMinutes.toPrecision(3)} | ${r.cpuStepSeconds.toPrecision(3)} | ${r.gigaFlopPerSecond.toPrecision(3)} | ${r.note} |`,
  );
  return [head, ...body].join('\n');
}

function localnetTable(rows: LocalnetBenchRow[]): string {
  const head =
    '| model | backend | tomogram | tilts | model calls | patches (s) | model (s) | voxels/s | FBP (s) | local / FBP | patch CPU reference (s) | note |\n|---|---|---|---|---|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) =>
      `| ${r.model} (${r.variant}) | ${r.backend} | ${r.size} | ${r.nTilts} | ${r.points.toLocaleString('en')} | ${r.patchSeconds.toPrecision(3)} | ${r.modelSeconds.toPrecision(3)} | ${r.voxelsPerSecond.toPrecision(3)} | ${r.fbpSeconds.toPrecision(3)} | ${r.ratioToFbp.toPrecision(3)}× | ${r.patchCpuSeconds.toPrecision(3)} | ${r.note} |`,
  );
  return [head, ...body].join('\n');
}

/** The shipped local models on 61 tilts; on a software adapter rows of about 16 k model calls are timed and scaled. */
async function localnetRows(gpu: GpuContext, quick: boolean, backend: LocalModelOptions['backend'], log: (line: string) => void): Promise<LocalnetBenchRow[]> {
  const sizes: [number, number, number][] = quick ? [[64, 64, 32]] : [[128, 128, 128], [256, 256, 128]];
  const cases = sizes.map((size) => ({ size, tiltSeries: randomTiltSeries(size[0], size[1], 61) }));
  const models = await Promise.all(LOCAL_MODELS.map(async (m) => ({ name: m.name, bytes: await cliModelLibrary.load(m.name) })));
  return benchLocalnet(gpu, cases, models, { samplePoints: gpu.isFallbackAdapter || quick ? 16384 : Infinity, backend, log });
}

function localnetPageTable(rows: LocalnetPageRow[]): string {
  const head = '| model | tomogram | tilts | run (label) | seconds | voxels/s | FBP (s) | local / FBP |\n|---|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) => `| ${r.model} | ${r.size} | ${r.nTilts} | ${r.label} | ${r.seconds.toPrecision(3)} | ${r.voxelsPerSecond.toPrecision(3)} | ${r.fbpSeconds.toPrecision(3)} | ${r.ratioToFbp.toPrecision(3)}× |`,
  );
  return [head, ...body].join('\n');
}

const PARTS = ['recon', 'fft', 'render', 'coordnet', 'localnet', 'localnet-page'] as const;
const MODEL_BACKENDS = ['auto', 'webgpu', 'wasm'] as const satisfies readonly LocalModelOptions['backend'][];

/**
 * `wedgelab bench [--quick] [--only recon|fft|render|coordnet|localnet|localnet-page] [--model-backend auto|webgpu|wasm] [--out-dir DIR]`
 * --model-backend: the local-network bench's onnxruntime-web backend ('auto': WebGPU on a real GPU, wasm on
 * a software adapter, as in the page).
 */
export async function benchCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, { quick: { type: 'boolean' }, only: { type: 'string' }, 'model-backend': { type: 'string' }, 'out-dir': { type: 'string' } });
  const quick = values.quick === true;
  const only = choiceOption(values, 'only', PARTS);
  const backend = choiceOption(values, 'model-backend', MODEL_BACKENDS) ?? 'auto';
  const part = (name: (typeof PARTS)[number]) => only === undefined || only === name;
  const outDir = (values['out-dir'] as string | undefined) ?? 'bench/out';
  const gpu = await openCliGpu();
  const rows = part('recon') ? await benchReconstruction(gpu, quick) : [];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const fftRows = part('fft') ? await benchFft(gpu, quick ? FFT_BENCH_QUICK_SIZES : FFT_BENCH_SIZES, { log }) : [];
  const renderSizes: [number, number, number][] = quick ? [[128, 128, 128]] : [[128, 128, 128], [256, 256, 256], [512, 512, 256]];
  const renderRows = part('render') ? await benchRender(renderSizes, { softwareGpu: gpu.isFallbackAdapter, log }) : [];
  const coordnetRows = part('coordnet') ? await benchCoordnet(gpu, quick ? [64] : COORDNET_BENCH_SIZES, { log }) : [];
  const localnet = part('localnet') ? await localnetRows(gpu, quick, backend, log) : [];
  // In the page, whole runs: on a software adapter only a small tomogram (the voxel model needs ~0.5 ms a voxel there).
  const pageSizes: [number, number, number][] = quick || gpu.isFallbackAdapter ? [[64, 64, 32]] : [[128, 128, 128], [256, 256, 128], [512, 512, 256]];
  const localnetPage = part('localnet-page') ? await benchLocalnetPage(pageSizes, { softwareGpu: gpu.isFallbackAdapter, log }) : [];
  const machine = `${gpu.description}${gpu.isFallbackAdapter ? ' (software fallback adapter)' : ''}; host ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; peak host RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
  await mkdir(outDir, { recursive: true });
  const report = { date: new Date().toISOString(), machine, gpu: { description: gpu.description, vendor: gpu.vendor, architecture: gpu.architecture, fallback: gpu.isFallbackAdapter }, rows, fft: fftRows, render: renderRows, coordnet: coordnetRows, localnet, localnetPage };
  await writeFile(join(outDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = [
    rows.length ? table(rows, machine) : `Machine: ${machine}`,
    fftRows.length ? `\n3-D FFT and FSC\n\n${fftTable(fftRows)}` : '',
    renderRows.length ? `\n3-D view (chromium)\n\n${renderTable(renderRows)}` : '',
    coordnetRows.length ? `\nCoordinate network (SIREN 256×4, slabs of 8 rows)\n\n${coordnetTable(coordnetRows)}` : '',
    localnet.length ? `\nLocal network (shipped models; FBP with the cosine filter in the same run)\n\n${localnetTable(localnet)}` : '',
    localnetPage.length ? `\nLocal network in the page (chromium; the worker's own backend choice)\n\n${localnetPageTable(localnetPage)}` : '',
  ].join('\n');
  await writeFile(join(outDir, 'bench.md'), `${markdown}\n`);
  process.stdout.write(`${markdown}\n`);
}
