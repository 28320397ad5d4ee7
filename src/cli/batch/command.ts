/**
 * `wedgelab batch`: many tilt series, several methods each, unattended and resumable. A series and method is done
 * when its tomogram and its row exist: both are written under temporary names and renamed when complete, so a
 * killed run leaves nothing that looks finished, and running the same batch again skips what is done. A failed
 * series is recorded with its reason and the batch goes on. With --slurm it writes (and with --submit submits) a
 * job array, one task per series.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { crossValidateAsAsked } from '../../engine/evaluation/crossValidation.ts';
import { flaggedTiltNumbers } from '../../engine/metrics/crossValidation.ts';
import { ODD_EVEN_SPLITS, oddEvenFsc, type OddEvenSplit } from '../../engine/evaluation/oddEven.ts';
import type { HalfSeries } from '../../engine/evaluation/halves.ts';
import { FRAME_HALVES, type FrameHalf } from '../../io/relionStar.ts';
import type { LoadedTiltSeries } from '../../io/tiltSeriesFiles.ts';
import { isEachTilt, parseHeldOut, withoutTilts } from '../../engine/evaluation/tiltSubsets.ts';
import { alignLoadedTiltSeries } from '../../engine/align/loaded.ts';
import { describeEngine, type EngineContext } from '../../engine/context.ts';
import { commonDefaults } from '../../engine/methods/common.ts';
import { choiceFlag, intFlag, requireFlag, UsageError, type FlagValues } from '../../engine/methods/flags.ts';
import { isOffsetFree, type RequestOf } from '../../engine/methods/registry.ts';
import type { Progress, TiltSeries } from '../../engine/types.ts';
import { lineUpTomogram, type LineUp } from '../../engine/importedTomogram.ts';
import { plainProjector } from '../../engine/projectionMatch.ts';
import { truthScores } from '../../engine/metrics/truthScores.ts';
import { resolutionAt, resolutionLength, resolutionUnit } from '../../engine/metrics/fsc.ts';
import { fscOfTomograms } from '../../engine/cpu/spectrumPasses.ts';
import { cpuPoolOf } from '../../engine/context.ts';
import { readMrcVolume } from '../../io/mrcStream.ts';
import type { Tomogram } from '../../io/piecedVolume.ts';
import { openFile } from '../openFile.ts';
import { finiteOrNull, linedUpSizeFlags } from '../metrics.ts';
import { writeTomogram } from '../outputs.ts';
import { openCliEngine } from '../engine.ts';
import { METHOD_OPTIONS, methodRequests } from '../methodFlags.ts';
import { checkModelPaths, cliModelLibrary } from '../models.ts';
import { parseOptions } from '../options.ts';
import { progressPrinter, replaceProgressLine } from '../progress.ts';
import { binningAtLoad, leaveOutTilts, MICROSCOPE_OPTIONS, microscopeFlags, phaseFlipOfFile, readTiltSeriesPaths, reconstructInto, thinnerThanSpecimen, warnIfFlipChangesNothing, warnOffset, warnUnflipped } from '../recon.ts';
import type { MicroscopeOverride } from '../../engine/phaseFlip.ts';
import { effectiveAngles } from '../../engine/geometry.ts';
import { mergeRows, readRow, writeRow, type BatchRow } from './rows.ts';
import { listSeries, type SeriesEntry } from './series.ts';
import { submitSlurm, writeSlurmScripts, type SlurmOptions } from './slurm.ts';

const OPTIONS = {
  ...METHOD_OPTIONS,
  list: { type: 'string' },
  methods: { type: 'string' },
  'out-dir': { type: 'string' },
  format: { type: 'string' },
  jobs: { type: 'string' },
  progress: { type: 'string' },
  scores: { type: 'string' },
  halves: { type: 'string' },
  frames: { type: 'string' },
  'phase-flip': { type: 'boolean' },
  ...MICROSCOPE_OPTIONS,
  drop: { type: 'string' },
  'retry-failed': { type: 'boolean' },
  'task-index': { type: 'string' },
  merge: { type: 'boolean' },
  'no-merge': { type: 'boolean' },
  slurm: { type: 'boolean' },
  submit: { type: 'boolean' },
  partition: { type: 'string' },
  time: { type: 'string' },
  mem: { type: 'string' },
  gpus: { type: 'string' },
  throttle: { type: 'string' },
} as const;

/** Options that shape the SLURM scripts, not a task's run, and the list (tasks read the scripts' own): left out of the command each task runs. */
const SLURM_ONLY = new Set(['slurm', 'submit', 'partition', 'time', 'mem', 'gpus', 'throttle', 'task-index', 'progress', 'list']);
const SWITCHES = new Set(Object.entries(OPTIONS).flatMap(([name, o]) => (o.type === 'boolean' ? [name] : [])));

const SCORES = ['cv', 'oddeven', 'truth', 'pipeline'] as const;
type Score = (typeof SCORES)[number];

/** How each tomogram is written: an MRC file, or an OME-Zarr folder (io/omeZarr.ts: a pyramid, for viewers such as napari). */
const FORMATS = ['mrc', 'ome-zarr'] as const;
const EXTENSIONS: Record<(typeof FORMATS)[number], string> = { mrc: '.mrc', 'ome-zarr': '.ome.zarr' };

interface Batch {
  outDir: string;
  /** Each tomogram's file name after its method: METHOD.mrc or METHOD.ome.zarr (--format). */
  extension: string;
  methods: { name: string; request: RequestOf<'reconstruction'> }[];
  scores: Set<Score>;
  /** How the odd/even score halves each series: by tilt, or by movie frame (its even- and odd-frame sums). */
  halves: OddEvenSplit;
  /** Every series read from the sums of only its even or its odd movie frames (--frames: half tomograms). */
  frames?: FrameHalf;
  /** Every series phase flipped for its defocus as it is read (--phase-flip; a series without one fails saying so), at `microscope` (--voltage, --cs, --amplitude-contrast). */
  phaseFlip: boolean;
  microscope: MicroscopeOverride;
  /** --invert-angles, a flag the methods share: the tilt angles the methods, the lining up and the flip's defocus gradient use. */
  invertAngles: boolean;
  drop: string;
  retryFailed: boolean;
  json: boolean;
  quiet: boolean;
  engine: EngineContext;
  version: string;
}

/** The batch's own arguments for its SLURM tasks: without the SLURM options and the list, --out-dir made absolute. */
function taskArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') ? args[i].slice(2).split(/=(.*)/s) : [null, undefined];
    const takesValue = flag !== null && !SWITCHES.has(flag) && inline === undefined;
    const value = takesValue ? args[++i] : inline;
    if (flag === null) out.push(args[i]);
    else if (SLURM_ONLY.has(flag)) continue;
    else if (flag === 'out-dir') out.push(`--${flag}`, resolve(value ?? ''));
    else out.push(`--${flag}`, ...(value === undefined ? [] : [value]));
  }
  return out;
}

async function packageVersion(): Promise<string> {
  const text = await readFile(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** What a run's progress counts from 0 to 1: the reconstruction, then each score, which runs the method again. */
type Stage = 'reconstruction' | 'cv' | 'oddeven' | 'truth';

/** A line of progress: a bar on the terminal (a line per tenth in a log), or a JSON line on stdout with --progress json. */
function reporter(batch: Batch, series: string, method: string, stage: Stage): (p: Progress) => void {
  if (batch.json) return (p) => process.stdout.write(`${JSON.stringify({ event: 'progress', series, method, stage, fraction: p.fraction, message: p.message })}\n`);
  const bar = progressPrinter(batch.quiet);
  const named = stage === 'reconstruction' ? method : `${method} ${stage}`;
  return (p) => bar({ ...p, message: `${series} ${named}: ${p.message}` });
}

function announce(batch: Batch, event: 'done' | 'failed' | 'skipped', row: Pick<BatchRow, 'series' | 'method'> & Partial<BatchRow>): void {
  if (batch.json) process.stdout.write(`${JSON.stringify({ event, ...row })}\n`);
  else if (!batch.quiet || event === 'failed') {
    const detail = event === 'failed' ? `: ${row.error}` : event === 'done' ? ` in ${row.seconds?.toFixed(2)} s` : ' (already done)';
    // On a terminal the line replaces the run's progress bar; in a log it follows the progress lines.
    replaceProgressLine(`${row.series} ${row.method}: ${event}${detail}`);
  }
}

/** Whether a series and method needs running: not when its row says done and its tomogram is there, nor when it failed (unless retried). */
async function needsRun(batch: Batch, series: string, method: string): Promise<boolean> {
  const row = await readRow(batch.outDir, series, method);
  if (!row) return true;
  if (row.status === 'failed') return batch.retryFailed;
  return !(row.output && (await stat(join(batch.outDir, row.output)).catch(() => null)));
}

/** Reconstruct, write the tomogram, score it; the row of the run. */
async function runOne(batch: Batch, entry: SeriesEntry, series: LoadedSeries, method: Batch['methods'][number]): Promise<BatchRow> {
  const { ts } = series;
  const options = (stage: Stage) => ({ onProgress: reporter(batch, entry.name, method.name, stage), models: cliModelLibrary });
  const started = performance.now();
  const output = join(entry.name, `${method.name}${batch.extension}`);
  const result = await reconstructInto(output, batch.engine, ts, method.request, options('reconstruction'));
  const thinner = thinnerThanSpecimen(series.specimenThickness, result.params, ts.nx);
  if (thinner) process.stderr.write(`warning: ${entry.name} ${method.name}: ${thinner}\n`);
  await writeTomogram(join(batch.outDir, output), result.volume, [result.label, `from ${series.source}`]);
  const seconds = (performance.now() - started) / 1000;
  const row: BatchRow = { series: entry.name, method: method.name, status: 'done', output, label: result.label, seconds, gpu: describeEngine(batch.engine), version: batch.version, params: JSON.stringify(result.params), finishedAt: '' };
  if (batch.scores.has('cv')) {
    const cv = await crossValidateAsAsked(batch.engine, ts, method.request, batch.drop, options('cv'));
    Object.assign(row, { cvNmse: cv.meanNmse, cvCorr: cv.meanCorr, ...(cv.agreement && { cvFlaggedTilts: flaggedTiltNumbers(cv).join(',') }) });
  }
  if (batch.scores.has('oddeven')) {
    const report = await oddEvenFsc(batch.engine, series.frameHalf ? { read: series.frameHalf } : ts, method.request, options('oddeven'));
    Object.assign(row, { oddEvenRes0143: resolutionLength(report.res0143, report.pixelSize), oddEvenRes05: resolutionLength(report.res05, report.pixelSize), resolutionUnit: resolutionUnit(report.pixelSize), oddEvenHalves: report.split });
  }
  // The tomogram and the references lined up with the series may be held in pieces: the FSCs run on the CPU threads.
  const tomogram = result.volume;
  const angles = effectiveAngles(ts.tiltAngles, result.params.invertAngles);
  const pool = cpuPoolOf(batch.engine);
  const scores = series.truth && sameSize(entry, method.name, series.truth, tomogram, 'scored against') ? await truthScores(tomogram, series.truth.volume, angles, pool, options('truth')) : null;
  if (series.truth && scores) {
    const { pixelSize } = series.truth.volume;
    Object.assign(row, {
      truthPsnr: finiteOrNull(scores.psnr),
      truthPsnrMeasured: finiteOrNull(scores.psnrWedge),
      truthPsnrMissing: finiteOrNull(scores.psnrWedgeMissing),
      truthSsim: scores.ssim,
      truthRes0143: resolutionLength(scores.res0143, pixelSize),
      resolutionUnit: resolutionUnit(pixelSize),
    });
  }
  if (series.pipeline && sameSize(entry, method.name, series.pipeline, tomogram, 'compared with')) {
    const curves = await fscOfTomograms(tomogram, series.pipeline.volume, undefined, pool);
    const { pixelSize } = series.pipeline.volume;
    Object.assign(row, {
      pipelineFile: series.pipeline.file,
      pipelineRes0143: resolutionLength(resolutionAt(curves, 0.143), pixelSize),
      pipelineRes05: resolutionLength(resolutionAt(curves, 0.5), pixelSize),
      resolutionUnit: resolutionUnit(pixelSize),
    });
  }
  const halves = series.pipelineHalves;
  if (halves) {
    const { files, res0143, res05, pixelSize } = halves;
    Object.assign(row, { pipelineHalves: files, pipelineHalvesRes0143: resolutionLength(res0143, pixelSize), pipelineHalvesRes05: resolutionLength(res05, pixelSize), resolutionUnit: resolutionUnit(pixelSize) });
  }
  return row;
}

/**
 * Whether a tomogram has the size of a reference lined up with its series (`what` it is to the tomogram: "scored
 * against", "compared with"); of another size (--thickness, --bin) it is not, said on stderr with what to change:
 * the tomogram itself is as asked, and its row stays done.
 */
function sameSize(entry: SeriesEntry, method: string, reference: LinedUp, volume: Tomogram, what: string): boolean {
  const { nx, ny, nz } = reference.volume;
  if (volume.nx === nx && volume.ny === ny && volume.nz === nz) return true;
  process.stderr.write(
    `warning: ${entry.name} ${method}: not ${what} ${reference.file}, ${nx}×${ny}×${nz} as lined up with the tilts at binning ${reference.binning}, the tomogram ` +
      `${volume.nx}×${volume.ny}×${volume.nz}: make it at that size (${linedUpSizeFlags(reference)})\n`,
  );
  return false;
}

/** A series as its methods run on it, and what its tomograms' headers say it came from. */
interface LoadedSeries {
  ts: TiltSeries;
  source: string;
  /** With --halves frames: either frame half, read as the series was (the odd/even score's halves). */
  frameHalf?: HalfSeries;
  /** Its ground truth (the truth score), lined up with it; absent without one. */
  truth?: LinedUp;
  /** A pipeline's tomogram of it (the pipeline score), lined up with it; absent without one. */
  pipeline?: LinedUp;
  /** The FSC of a pipeline's two half tomograms of it (the pipeline score; halvesFsc); absent without both. */
  pipelineHalves?: HalvesFsc;
  /** The specimen's thickness AreTomo measured (its .aln), in the pixels as loaded: a thinner tomogram is warned of. */
  specimenThickness?: LoadedTiltSeries['specimenThickness'];
}

/** A tomogram of a series lined up with it (linedUpFile): the volume, its file's name, the tilts' binning it is at, and what lining it up found. */
interface LinedUp {
  volume: Tomogram;
  file: string;
  binning: number;
  lineUp: LineUp;
}

/** A pipeline's two half tomograms' FSC: their files, where it crosses 0.143 and 0.5 (cycles/voxel), and their pixel size. */
interface HalvesFsc {
  files: string;
  res0143: number | null;
  res05: number | null;
  pixelSize: number;
}

/**
 * The series of a list entry, binned at load by `bin`, aligned, without the tilts its fourth column names; with
 * --halves frames, refused at once when its frame halves are not all there, and able to read either.
 */
async function loadSeries(batch: Batch, entry: SeriesEntry, bin: number): Promise<LoadedSeries> {
  const sidePaths = [...(entry.angles ? [entry.angles] : []), ...entry.sideFiles];
  const series = { bin, frames: batch.frames, relionSeries: entry.relionSeries };
  const loaded = await readTiltSeriesPaths(entry.stack, sidePaths, series);
  if (batch.halves === 'frames' && !loaded.frameHalves) throw new Error(`${entry.stack}: --halves frames needs every tilt's even- and odd-frame sums on disk: a RELION table's (rlnMicrographNameEven/Odd), or STEM_EVN and STEM_ODD stacks beside the stack`);
  const aligned = await alignLoadedTiltSeries(batch.engine, loaded);
  const excluded = leaveOutTilts(aligned, entry.excludeTilts, 'tilts to leave out', entry.stack, (list) => `${list} in a list's fourth column`);
  const ts = await flippedIfAsked(batch, entry.stack, excluded?.tiltSeries ?? aligned, true);
  const frameHalf: HalfSeries = async (which) => {
    const half = await alignLoadedTiltSeries(batch.engine, await readTiltSeriesPaths(entry.stack, sidePaths, { ...series, frames: which, quiet: true }));
    return flippedIfAsked(batch, entry.stack, excluded ? withoutTilts(half, entry.excludeTilts, 'tilts to leave out').tiltSeries : half);
  };
  const source = [entry.stack, excluded?.label, batch.phaseFlip && 'phase-flipped'].filter(Boolean).join(', ');
  // Lined up at the angles the methods use.
  const { invertAngles } = batch;
  const asUsed = { ...ts, tiltAngles: effectiveAngles(ts.tiltAngles, invertAngles) };
  const truth = batch.scores.has('truth') && entry.groundTruth ? await linedUpFile(entry.groundTruth, asUsed, batch.quiet, 'scored against') : undefined;
  const pipeline = batch.scores.has('pipeline') && entry.pipelineTomogram ? await linedUpFile(entry.pipelineTomogram, asUsed, batch.quiet, 'compared with') : undefined;
  const pipelineHalves = batch.scores.has('pipeline') && entry.pipelineHalves ? await halvesFsc(entry.pipelineHalves, asUsed, batch) : undefined;
  const { specimenThickness } = loaded;
  return { ts, source, specimenThickness, ...(batch.halves === 'frames' && { frameHalf }), ...(truth && { truth }), ...(pipeline && { pipeline }), ...(pipelineHalves && { pipelineHalves }) };
}

/**
 * A pipeline's two half tomograms of the series, the first lined up with its tilts and the second as the first was
 * (engine/importedTomogram.ts LineUpOptions.like), and their FSC: the pipeline's own odd/even FSC. Absent, said on
 * stderr, where either cannot be lined up.
 */
async function halvesFsc([even, odd]: [string, string], ts: TiltSeries, { quiet, engine }: Batch): Promise<HalvesFsc | undefined> {
  const what = 'compared with its other half';
  const first = await linedUpFile(even, ts, quiet, what);
  const second = first && (await linedUpFile(odd, ts, quiet, what, first.lineUp));
  if (!first || !second) return undefined;
  const curves = await fscOfTomograms(first.volume, second.volume, undefined, cpuPoolOf(engine));
  return { files: `${first.file}, ${second.file}`, res0143: resolutionAt(curves, 0.143), res05: resolutionAt(curves, 0.5), pixelSize: first.volume.pixelSize };
}

/**
 * A tomogram of the series beside its stack (a simulation's ground truth, a pipeline's tomogram) lined up with its
 * tilts (`ts`, at the angles its methods use) as the page lines one up (engine/importedTomogram.ts): a file that
 * cannot be is said on stderr (not `what` the tomograms), and the series runs without that score.
 */
async function linedUpFile(path: string, ts: TiltSeries, quiet: boolean, what: string, like?: LineUp): Promise<LinedUp | undefined> {
  const file = basename(path);
  try {
    const read = await readMrcVolume((await openFile(path)).blob, { name: file, permissive: true });
    const { volume, binning, reading, lineUp } = await lineUpTomogram(read.volume, ts, file, plainProjector, { remarks: read.warnings, like });
    if (!quiet) process.stderr.write(`${path}: ${reading}\n`);
    return { volume, file, binning, lineUp };
  } catch (error) {
    process.stderr.write(`warning: ${path} not ${what}: ${(error as Error).message}\n`);
    return undefined;
  }
}

/** With --phase-flip, the series phase flipped for its defocus, as recon flips it (a failure naming the stack); `warn`: said when the flip changes nothing. */
async function flippedIfAsked(batch: Batch, stack: string, ts: TiltSeries, warn = false): Promise<TiltSeries> {
  if (!batch.phaseFlip) return ts;
  const flipped = await phaseFlipOfFile(ts, stack, batch.engine, { microscope: batch.microscope, invertAngles: batch.invertAngles });
  if (warn && !batch.quiet) warnIfFlipChangesNothing(flipped, stack);
  return flipped.tiltSeries;
}

/** Every method of one series; a series that cannot be read fails each of its methods with the reason. */
async function runSeries(batch: Batch, entry: SeriesEntry): Promise<void> {
  const todo = [];
  for (const method of batch.methods) {
    if (await needsRun(batch, entry.name, method.name)) todo.push(method);
    else announce(batch, 'skipped', { series: entry.name, method: method.name });
  }
  if (todo.length === 0) return;
  // Binned at load when every method asks for one binning (they share the common flags): memory for the binned
  // stack only, and the methods run at binning 1 on it (binningAtLoad).
  const binnings = new Set(todo.map((method) => binningAtLoad(method.request).bin));
  const bin = binnings.size === 1 ? [...binnings][0] : 1;
  let series: LoadedSeries | null = null;
  let loadError = '';
  try {
    series = await loadSeries(batch, entry, bin);
  } catch (error) {
    loadError = (error as Error).message;
  }
  const ts = series?.ts ?? null;
  // Once a series, when any of its methods leaves the offset in (commonDefaults: the flag's one default) and its
  // result depends on it (batch scores no trust, so an offset-free method's FBP baseline is not run).
  const exposed = ts && todo.find((method) => !isOffsetFree(method.request.method) && !commonDefaults(ts, method.request.params ?? {}).subtractMean);
  if (ts && exposed) warnOffset({ method: exposed.request.method, params: { subtractMean: false } }, ts, entry.stack);
  if (ts) warnUnflipped(todo.map((method) => method.request), ts, entry.stack);
  for (const method of todo) {
    let row: BatchRow;
    try {
      if (!series) throw new Error(loadError);
      row = await runOne(batch, entry, series, withTruthThickness(bin > 1 ? { ...method, request: binningAtLoad(method.request).request } : method, series));
    } catch (error) {
      const message = ((error as Error).message ?? String(error)).replace(/\s+/g, ' ');
      row = { series: entry.name, method: method.name, status: 'failed', error: message, gpu: describeEngine(batch.engine), version: batch.version, finishedAt: '' };
    }
    row.finishedAt = new Date().toISOString();
    await writeRow(batch.outDir, row);
    announce(batch, row.status, row);
  }
}

/** Without --thickness, a series with a ground truth is reconstructed at its thickness, as the page's form does. */
function withTruthThickness(method: Batch['methods'][number], series: LoadedSeries): Batch['methods'][number] {
  const { params } = method.request;
  if (!series.truth || params?.thickness !== undefined) return method;
  return { ...method, request: { ...method.request, params: { ...params, thickness: series.truth.volume.nz } } };
}

/** `--jobs N` series at a time (they share the GPU; reading one series overlaps another's GPU work). */
async function runAll(batch: Batch, entries: SeriesEntry[], jobs: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < entries.length) await runSeries(batch, entries[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(jobs, entries.length) }, worker));
}

function slurmOptions(values: FlagValues): SlurmOptions {
  return {
    partition: values.partition as string | undefined,
    time: (values.time as string | undefined) ?? '4:00:00',
    mem: (values.mem as string | undefined) ?? '32G',
    gpus: intFlag(values, 'gpus') ?? 1,
    throttle: intFlag(values, 'throttle') ?? 0,
  };
}

/** The series a task runs: all, or the --task-index'th (SLURM_ARRAY_TASK_ID in an array task), counting from 0. */
function seriesOfTask(values: FlagValues, entries: SeriesEntry[]): SeriesEntry[] {
  const fromEnv = process.env.SLURM_ARRAY_TASK_ID;
  const index = intFlag(values, 'task-index') ?? (fromEnv === undefined ? undefined : intFlag({ 'task-index': fromEnv }, 'task-index'));
  if (index === undefined) return entries;
  if (index < 0 || index >= entries.length) throw new UsageError(`--task-index ${index}: the list has ${entries.length} series (0–${entries.length - 1})`);
  return [entries[index]];
}

export async function batchCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const outDir = resolve(requireFlag(values, 'out-dir'));
  if (values.merge) {
    const rows = await mergeRows(outDir);
    process.stderr.write(`${rows.length} rows → ${join(outDir, 'metrics.csv')}\n`);
    return;
  }
  // The arguments first, so a mistake is told at once; then the GPU, before the model check and any file read:
  // without one, the process restarts itself on the software adapter, and would otherwise check and read (and
  // warn) twice.
  if (values.method !== undefined) throw new UsageError('batch takes --methods, a comma list (e.g. fbp,sirt), not --method');
  const methods = methodRequests(values, 'reconstruction', requireFlag(values, 'methods').split(',').map((m) => m.trim()));
  const scoreText = (values.scores as string | undefined) ?? 'cv,oddeven,truth';
  const scores = new Set(scoreText === 'none' ? [] : scoreText.split(',').map((s) => choiceFlag({ scores: s.trim() }, 'scores', SCORES)!));
  const drop = (values.drop as string | undefined) ?? '0';
  if (!isEachTilt(drop)) parseHeldOut(drop);
  const halves = choiceFlag(values, 'halves', ODD_EVEN_SPLITS) ?? 'tilts';
  const extension = EXTENSIONS[choiceFlag(values, 'format', FORMATS) ?? 'mrc'];
  const frames = choiceFlag(values, 'frames', FRAME_HALVES);
  if (frames && halves === 'frames') throw new UsageError('--halves frames reads both frame halves: leave out --frames');
  const microscope = microscopeFlags(values);
  const list = requireFlag(values, 'list');
  const requests = methods.map((m) => m.request);
  // SLURM's tasks open their own engines; the model files are checked here all the same.
  const engine = values.slurm ? await checkModelPaths(requests).then(() => null) : (await openCliEngine(values, requests)).engine;
  const entries = await listSeries(list);
  if (values.slurm) {
    const paths = await writeSlurmScripts(outDir, taskArgs(args), entries, slurmOptions(values));
    process.stderr.write(`SLURM scripts for ${entries.length} series: ${paths.array}, then ${paths.merge}\n`);
    if (values.submit) {
      const jobs = await submitSlurm(paths);
      process.stdout.write(`${JSON.stringify({ ...jobs, series: entries.length })}\n`);
    }
    return;
  }
  const batch: Batch = {
    outDir,
    extension,
    methods,
    scores,
    halves,
    ...(frames && { frames }),
    phaseFlip: values['phase-flip'] === true,
    microscope,
    invertAngles: methods.some((method) => method.request.params?.invertAngles === true),
    drop,
    retryFailed: values['retry-failed'] === true,
    json: choiceFlag(values, 'progress', ['bar', 'json'] as const) === 'json',
    quiet: values.quiet === true,
    engine: engine!,
    version: await packageVersion(),
  };
  await runAll(batch, seriesOfTask(values, entries), intFlag(values, 'jobs') ?? 1);
  if (values['no-merge']) return;
  const rows = await mergeRows(outDir);
  const failed = rows.filter((r) => r.status === 'failed').length;
  process.stderr.write(`${rows.length - failed} done, ${failed} failed → ${join(outDir, 'metrics.csv')}\n`);
}
