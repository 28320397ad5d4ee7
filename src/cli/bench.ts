/**
 * `wedgelab bench` (npm run bench): every method's own bench entry (methods/benches.ts: FBP and SIRT on WebGPU and
 * on the CPU path, against scikit-image's iradon timed in the same run, the coordinate network's step, the local network's patches and
 * model against FBP), then the 3-D FFT, dose weighting and the phase flip against numpy (benchDose.ts, benchPhaseFlip.ts),
 * lining up a tomogram made elsewhere against numpy's copy (benchImport.ts), reading an OME-Zarr tomogram against
 * zarr-python (benchZarr.ts), applying a stack alignment against scipy (benchAlign.ts), every tilt held out in turn with FBP
 * against one cross-validation per tilt (benchCvEach.ts), the 3-D view, the local network in the page, one batch of tiny series
 * against separate recon calls, and loading a real-size stack at bin 4 against a plain read (benchLoad.ts). Writes
 * bench/out/bench.json and a Markdown table (also printed).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchFft, FFT_BENCH_QUICK_SIZES, FFT_BENCH_SIZES, type FftBenchRow } from '../engine/gpu/fftBench.ts';
import type { BenchContext } from '../engine/methods/benchKit.ts';
import { BENCHES } from '../engine/methods/benches.ts';
import { METHODS, type MethodName } from '../engine/methods/registry.ts';
import { choiceFlag } from '../engine/methods/flags.ts';
import { nodePool } from '../engine/cpu/nodePool.ts';
import { benchCpuKernels, cpuKernelTable } from '../engine/cpu/kernelBench.ts';
import { batchTable, benchBatch } from './benchBatch.ts';
import { benchCvEach, cvEachTable } from './benchCvEach.ts';
import { benchDose, doseTable } from './benchDose.ts';
import { benchFsc, fscTable } from './benchFsc.ts';
import { benchTruth, truthTable } from './benchTruth.ts';
import { benchZarr, zarrTable } from './benchZarr.ts';
import { benchPhaseFlip, phaseFlipTable } from './benchPhaseFlip.ts';
import { benchCtfByDepth, ctfByDepthTable } from './benchCtfByDepth.ts';
import { benchImport, importTable } from './benchImport.ts';
import { alignTable, benchAlign } from './benchAlign.ts';
import { benchLoad, loadTable } from './benchLoad.ts';
import { benchLocalnetPage, type LocalnetPageRow } from './benchLocalnetPage.ts';
import { benchRender, type RenderBenchRow } from './benchRender.ts';
import { cliModelLibrary } from './models.ts';
import { openCliGpu } from './gpu.ts';
import { parseOptions } from './options.ts';

/**
 * A reference script of bench/ run with python3, its JSON output parsed; null when python3 or the script's modules
 * are missing. Debian's /usr/bin/python3 holds python3-skimage here; WEDGELAB_PYTHON names another interpreter (the
 * lent GPU machine's python3, bench/device/env.sh).
 */
function runPython(script: string, args: readonly (string | number)[]): unknown {
  try {
    const out = execFileSync(process.env.WEDGELAB_PYTHON ?? '/usr/bin/python3', [join(process.cwd(), 'bench', script), ...args.map(String)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out);
  } catch {
    return null;
  }
}

function fftTable(rows: FftBenchRow[]): string {
  const head = '| work | size | GPU (s) | CPU reference (s) | ratio | note |\n|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.what} | ${r.size} | ${r.gpuSeconds.toFixed(3)} | ${r.cpuSeconds.toFixed(3)} | ${r.ratio.toFixed(1)}× | ${r.note} |`)].join('\n');
}

function renderTable(rows: RenderBenchRow[]): string {
  const head = '| volume | mode | fps while turning | drawn as |\n|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.size} | ${r.mode} | ${r.fps.toFixed(1)} | ${r.display.replace(/\n/g, ' ')} |`)].join('\n');
}

function localnetPageTable(rows: LocalnetPageRow[]): string {
  const head = '| model | tomogram | tilts | run (label) | seconds | voxels/s | FBP (s) | local / FBP |\n|---|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) => `| ${r.model} | ${r.size} | ${r.nTilts} | ${r.label} | ${r.seconds.toPrecision(3)} | ${r.voxelsPerSecond.toPrecision(3)} | ${r.fbpSeconds.toPrecision(3)} | ${r.ratioToFbp.toPrecision(3)}× |`,
  );
  return [head, ...body].join('\n');
}

/** The bench's parts: every method's own bench, then the CPU projector kernels, the 3-D FFT, dose weighting, the phase flip, lining up, reading OME-Zarr, each tilt held out, the 3-D view, the local network in the page, the batch command and loading a real-size stack. */
export const BENCH_PARTS = [...METHODS.map((d) => d.name), 'cpu-kernels', 'fft', 'fsc', 'truth', 'dose', 'phaseflip', 'ctfdepth', 'import', 'zarr', 'align', 'cv-each', 'render', 'localnet-page', 'batch', 'load'] as const;
type Part = (typeof BENCH_PARTS)[number];
const MODEL_BACKENDS = ['auto', 'webgpu', 'wasm'] as const satisfies readonly BenchContext['modelBackend'][];

/** `--only fbp,sirt`: the parts named, each checked; all when unset. */
function partsOf(only: string | undefined): Part[] {
  if (only === undefined) return [...BENCH_PARTS];
  return only.split(',').map((name) => choiceFlag({ only: name.trim() }, 'only', BENCH_PARTS)!);
}

/** Each reference timed once per run, however many methods ask for it. */
function cachedPython(): BenchContext['python'] {
  const cache = new Map<string, unknown>();
  return (script, args) => {
    const key = [script, ...args].join(' ');
    if (!cache.has(key)) cache.set(key, runPython(script, args));
    return cache.get(key);
  };
}

/**
 * `wedgelab bench [--quick] [--only PART[,PART…]] [--model-backend auto|webgpu|wasm] [--out-dir DIR]`; the parts
 * are the methods' names (each method's own bench entry), cpu-kernels (the projector pair in TypeScript and in
 * WebAssembly SIMD, one thread), fft, fsc (the page's FSC against the one-array FSC), truth (the ground-truth scores against numpy and scikit-image), dose (dose weighting against numpy), phaseflip, ctfdepth (FBP by depth against
 * the 2-D flip then FBP), import, zarr (reading an OME-Zarr tomogram against zarr-python), cv-each (every tilt
 * held out in turn with FBP against one cross-validation per tilt), render, localnet-page, batch and load.
 * --model-backend: the model benches' onnxruntime-web backend ('auto': WebGPU on a real GPU, wasm on a software
 * adapter, as in the page).
 */
export async function benchCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, { quick: { type: 'boolean' }, only: { type: 'string' }, 'model-backend': { type: 'string' }, 'out-dir': { type: 'string' } });
  const quick = values.quick === true;
  const parts = new Set(partsOf(values.only as string | undefined));
  const outDir = (values['out-dir'] as string | undefined) ?? 'bench/out';
  const gpu = await openCliGpu();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const context: BenchContext = {
    quick,
    log,
    models: cliModelLibrary,
    modelBackend: choiceFlag(values, 'model-backend', MODEL_BACKENDS) ?? 'auto',
    python: cachedPython(),
    cpu: nodePool(),
  };
  const methods: Partial<Record<MethodName, object[]>> = {};
  const sections: string[] = [];
  for (const { name } of METHODS) {
    if (!parts.has(name)) continue;
    const bench = BENCHES[name];
    const rows = await bench.run(gpu, context);
    methods[name] = rows;
    sections.push(`\n${bench.title}\n\n${bench.table(rows)}`);
  }
  const cpuKernels = parts.has('cpu-kernels') ? benchCpuKernels({ quick, log }) : [];
  const fftRows = parts.has('fft') ? await benchFft(gpu, quick ? FFT_BENCH_QUICK_SIZES : FFT_BENCH_SIZES, { log }) : [];
  const fscRows = parts.has('fsc') ? await benchFsc(context) : [];
  const truthRows = parts.has('truth') ? await benchTruth(context) : [];
  const dose = parts.has('dose') ? await benchDose(gpu, context) : [];
  const phaseFlip = parts.has('phaseflip') ? await benchPhaseFlip(context) : [];
  const ctfByDepth = parts.has('ctfdepth') ? await benchCtfByDepth(context) : [];
  const imports = parts.has('import') ? await benchImport(context) : [];
  const zarrRows = parts.has('zarr') ? await benchZarr(context) : [];
  const alignRows = parts.has('align') ? await benchAlign(context) : [];
  const cvEach = parts.has('cv-each') ? await benchCvEach(gpu, context) : [];
  const renderSizes: [number, number, number][] = quick ? [[128, 128, 128]] : [[128, 128, 128], [256, 256, 256], [512, 512, 256]];
  const renderRows = parts.has('render') ? await benchRender(renderSizes, { softwareGpu: gpu.isFallbackAdapter, log }) : [];
  // In the page, whole runs: on a software adapter only a small tomogram (the voxel model needs ~0.5 ms a voxel there).
  const pageSizes: [number, number, number][] = quick || gpu.isFallbackAdapter ? [[64, 64, 32]] : [[128, 128, 128], [256, 256, 128], [512, 512, 256]];
  const localnetPage = parts.has('localnet-page') ? await benchLocalnetPage(pageSizes, { softwareGpu: gpu.isFallbackAdapter, log }) : [];
  const batch = parts.has('batch') ? await benchBatch(gpu, { quick, log }) : [];
  const load = parts.has('load') ? await benchLoad({ quick, log }) : [];
  const machine = `${gpu.description}${gpu.isFallbackAdapter ? ' (software fallback adapter)' : ''}; host ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; peak host RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
  await mkdir(outDir, { recursive: true });
  const gpuInfo = { description: gpu.description, deviceName: gpu.deviceName, vendor: gpu.vendor, architecture: gpu.architecture, fallback: gpu.isFallbackAdapter };
  const report = { date: new Date().toISOString(), machine, gpu: gpuInfo, methods, cpuKernels, fft: fftRows, fsc: fscRows, truth: truthRows, dose, phaseFlip, ctfByDepth, import: imports, zarr: zarrRows, align: alignRows, cvEach, render: renderRows, localnetPage, batch, load };
  await writeFile(join(outDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = [
    `Machine: ${machine}`,
    ...sections,
    cpuKernels.length ? `\nThe CPU path's projector pair on one thread: TypeScript against WebAssembly SIMD\n\n${cpuKernelTable(cpuKernels)}` : '',
    fftRows.length ? `\n3-D FFT and FSC\n\n${fftTable(fftRows)}` : '',
    fscRows.length ? `\nFSC as the page computes it (half spectra in pieces, CPU pool) against the one-array FSC (one thread), in the same run\n\n${fscTable(fscRows)}` : '',
    truthRows.length ? `\nScores against a ground truth (FSC, PSNR and its wedge sides, SSIM), both volumes in pieces, against numpy and scikit-image, in the same run\n\n${truthTable(truthRows)}` : '',
    dose.length ? `\nDose weighting (CPU: float64 FFT, one thread, and the CPU path's pool; GPU: float32, transfers included) against numpy's FFT of the same filter\n\n${doseTable(dose, context.cpu.threads)}` : '',
    phaseFlip.length ? `\nPhase flip (CTF correction; CPU pool: float64 FFT, a tilt per thread) against numpy's FFT of the same flip\n\n${phaseFlipTable(phaseFlip)}` : '',
    ctfByDepth.length ? `\nFBP correcting the CTF by depth (each tilt flipped per depth slab, on the CPU pool) against the 2-D flip then FBP, in the same run\n\n${ctfByDepthTable(ctfByDepth)}` : '',
    imports.length ? `\nLining a tomogram made elsewhere up with its tilts (XZY, z reversed; its own projections at −60°, 0° and 60° as the tilts) against numpy's copy of the same turn and scipy's zoom\n\n${importTable(imports)}` : '',
    zarrRows.length ? `\nReading an OME-Zarr tomogram (Blosc LZ4, byte shuffle, 256³ chunks, as zarr-python writes by default), its chunks decoded on the CPU pool and on one thread, against zarr-python reading it, in the same run\n\n${zarrTable(zarrRows)}` : '',
    alignRows.length ? `\nApplying a stack alignment (.xf, .aln) as the CPU path loads a series (a section a pool thread) against the plain TypeScript reference and scipy's affine_transform, in the same run\n\n${alignTable(alignRows)}` : '',
    cvEach.length ? `\nEvery tilt held out in turn with FBP (by linearity: the whole series' FBP less each tilt's own) against one cross-validation per tilt, in the same run\n\n${cvEachTable(cvEach)}` : '',
    renderRows.length ? `\n3-D view (chromium)\n\n${renderTable(renderRows)}` : '',
    localnetPage.length ? `\nLocal network in the page (chromium; the worker's own backend choice)\n\n${localnetPageTable(localnetPage)}` : '',
    batch.length ? `\nMany series: one batch against separate recon calls (FBP, no scores)\n\n${batchTable(batch)}` : '',
    load.length ? `\nLoading a stack from disk at bin 4 (as recon reads it) against a plain read of the same bytes\n\n${loadTable(load)}` : '',
  ].join('\n');
  await writeFile(join(outDir, 'bench.md'), `${markdown}\n`);
  process.stdout.write(`${markdown}\n`);
}
