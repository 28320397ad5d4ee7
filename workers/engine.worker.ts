/**
 * The engine worker: owns the GPU device, the loaded tilt series and the results, and
 * exposes EngineWorkerApi through comlink. Everything heavy happens here, off the UI thread.
 */
import * as Comlink from 'comlink';
import { cpuEngine, describeEngine, gpuEngine, type EngineContext } from '../src/engine/context.ts';
import type { CpuPool } from '../src/engine/cpu/pool.ts';
import { chooseEnginePath, WEBGPU_HINT, type EngineChoice } from '../src/engine/enginePath.ts';
import { openGpu, type GpuContext } from '../src/engine/gpu/device.ts';
import { crossValidateAsAsked } from '../src/engine/evaluation/crossValidation.ts';
import { oddEvenFsc, type OddEvenSplit } from '../src/engine/evaluation/oddEven.ts';
import type { Half } from '../src/engine/evaluation/halves.ts';
import { describeLeftOut, heldOutTilts, withoutTilts, withoutTiltsLabel } from '../src/engine/evaluation/tiltSubsets.ts';
import { recipeMethods } from '../src/engine/evaluation/recipe.ts';
import { trustScore } from '../src/engine/evaluation/trust.ts';
import { DEFAULT_TRUST_HELD_OUT } from '../src/engine/metrics/trust.ts';
import { methodDefinition, type MethodName } from '../src/engine/methods/registry.ts';
import { resolveOnTiltSeries, resolveRefinement, runReconstruction, runRefinement, runTiltSynthesis } from '../src/engine/methods/runners.ts';
import { pagePool } from './cpuPool.ts';
import { poolChunkDecoder } from '../src/engine/cpu/chunkDecoder.ts';
import { fourierSection } from '../src/engine/metrics/fourierSection.ts';
import { resolutionAt, type FscCurves } from '../src/engine/metrics/fsc.ts';
import { fscOfTomograms } from '../src/engine/cpu/spectrumPasses.ts';
import { differenceOf } from '../src/engine/metrics/quality.ts';
import { truthScores } from '../src/engine/metrics/truthScores.ts';
import { forwardProject } from '../src/engine/methods/projection.ts';
import { DEMO_DEFAULTS, DEMO_DEFAULTS_SOFTWARE_GPU, simulateTiltSeries } from '../src/engine/sim/simulate.ts';
import { CancelledError, type Progress, type TiltSeries } from '../src/engine/types.ts';
import type { RunOptions } from '../src/engine/methods/slabs.ts';
import { seriesChecks } from '../src/engine/seriesChecks.ts';
import { lineUpTomogram, tiltSeriesInstead, type LineUp } from '../src/engine/importedTomogram.ts';
import type { Projector } from '../src/engine/projectionMatch.ts';
import { readMrcHeaderOf, readMrcVolume } from '../src/io/mrcStream.ts';
import { downsampleVolume, omeZarrLevels, percentiles, pyramidFactor, volumeSlice, volumeStats } from '../src/engine/volume.ts';
import { binImageInto, binnedLength, binningToFit } from '../src/io/binning.ts';
import { formatTlt } from '../src/io/angles.ts';
import { mrcPieces, writeMrc } from '../src/io/mrc.ts';
import { fileSystemDirectory, writeOmeZarr, zipDirectory } from '../src/io/omeZarr.ts';
import { readTiltSeriesFiles, type LoadedTiltSeries, type TiltSeriesLoadOptions } from '../src/io/tiltSeriesFiles.ts';
import type { NamedBlob } from '../src/io/types.ts';
import { FRAME_HALVES_ROW } from '../src/io/relionFiles.ts';
import { DEFOCUS_ROW } from '../src/io/sideFiles.ts';
import { phaseFlipText } from '../src/engine/phaseFlip.ts';
import { thonRings } from '../src/engine/thonRings.ts';
import { effectiveAngles } from '../src/engine/geometry.ts';
import { phaseFlipTiltSeries } from '../src/engine/cpu/phaseFlip.ts';
import { DEFAULT_PIECE_BYTES, fileOrderRuns, isPieced, volumePieces, wholeVolume, type Tomogram } from '../src/io/piecedVolume.ts';
import { formatBytes } from '../src/io/bytes.ts';
import { readOmeZarrVolume } from '../src/io/omeZarrRead.ts';
import { zarrFilesOf, type ZarrFolder } from '../src/io/zarrFolder.ts';
import { suggestThickness, thicknessWithMargin, type ThicknessSuggestion } from '../src/engine/thickness.ts';
import type { ModelChoice, ModelFamily } from '../src/engine/methods/modelChoice.ts';
import type {
  CrossValidationSummary,
  DatasetSummary,
  DemoOptions,
  DisplayVolume,
  EngineWorkerApi,
  FourierPlane,
  FscReport,
  GpuInfo,
  GroundTruthScores,
  LoadProgress,
  RequestOf,
  OddEvenSummary,
  PartialState,
  ResultSummary,
  Slice,
  SliceAxis,
  TiltPreview,
} from './api.ts';
import { alignLoadedTiltSeries } from '../src/engine/align/loaded.ts';
import { outOfMemory, pageTomogramProblem, reportedDeviceMemoryGiB } from '../src/engine/memoryBudget.ts';
import { addModelFiles, models } from './modelLibrary.ts';
import { fittedSample, partialLabel } from './partialResult.ts';
import { resultRecipe } from './resultRecipe.ts';
import { SessionKeeper } from './session.ts';

interface Dataset {
  summary: DatasetSummary;
  tiltSeries: TiltSeries;
  /** Its frame halves, when they came with it: the summary's frameHalves is their source. */
  frameHalves?: FrameHalfReader;
}

/** Where a series' frame halves are named, and how either is read from the dropped files (aligned, tilts left out as the series). */
interface FrameHalfReader {
  source: string;
  read(which: Half, signal?: AbortSignal, onProgress?: (progress: LoadProgress) => void): Promise<TiltSeries>;
}

/** A result's tomogram is in pieces when larger than one buffer (io/piecedVolume.ts, docs/loading.md). */
interface Result {
  summary: ResultSummary;
  volume: Tomogram;
}

const datasets = new Map<string, Dataset>();
const results = new Map<string, Result>();
const jobs = new Map<string, AbortController>();
/** Per tomogram brought in from a file, what lining it up found: its other half is lined up by it (importTomogram's `like`). */
const lineUps = new Map<string, LineUp>();
let gpuPromise: Promise<GpuContext> | null = null;
/** The page's choice of path (docs/cpu.md#choice), and the CPU pool, started when the CPU path is first taken. */
let engineChoice: EngineChoice = 'auto';
let cpuPool: CpuPool | null = null;
const pagePoolOnce = () => (cpuPool ??= pagePool());
/** The piece limit of reconstructions and refinements (setPieceBytes, a test hook); undefined: io/piecedVolume.ts's default. */
let pieceBytes: number | undefined;
let counter = 0;

const nextId = (prefix: string) => `${prefix}${++counter}`;

/**
 * The device, opened on first use. A failed open is not kept, and a lost device is replaced on
 * the next call: the run that met the loss fails with a message naming it, while the tilt
 * series and results (CPU copies) stay intact.
 */
async function gpu(): Promise<GpuContext> {
  const current = gpuPromise && (await gpuPromise.catch(() => null));
  if (current && !current.lostReason) return current;
  gpuPromise = openGpu(navigator.gpu);
  gpuPromise.catch(() => (gpuPromise = null));
  return gpuPromise;
}

/**
 * The engine work runs on, by the page's choice and the adapter found (enginePath.ts); work without a CPU path
 * (`needsGpu`) takes any adapter. Choosing the GPU without one fails with the reason.
 */
async function engine(needsGpu = false): Promise<EngineContext> {
  const adapter = await gpu().catch(() => null);
  const path = chooseEnginePath(engineChoice, { found: adapter !== null, software: adapter?.isFallbackAdapter ?? false }, needsGpu);
  if (path === 'cpu') return cpuEngine(pagePoolOnce());
  return gpuEngine(adapter ?? (await gpu()), pagePoolOnce);
}

/** The engine of a run of these methods: any adapter when one has no CPU path. */
function methodEngine(...methods: MethodName[]): Promise<EngineContext> {
  return engine(methods.some((method) => !methodDefinition(method).cpu));
}

/** The 3-D DFT of a volume on the engine's path, in float32 as the GPU gives it. */
/** What the page shows of the engine: the path and the adapter, or why there is none. */
async function engineInfo(): Promise<GpuInfo> {
  let missing: string | null = null;
  const adapter = await gpu().catch((error: unknown) => void (missing = error instanceof Error ? error.message : String(error)));
  const current = await engine();
  const limit = 2 ** 31; // the CPU path's arrays: what one typed array may hold
  return {
    vendor: adapter?.vendor ?? '',
    architecture: adapter?.architecture ?? '',
    description: adapter?.description ?? '',
    isFallbackAdapter: adapter?.isFallbackAdapter ?? false,
    maxBufferSize: adapter?.limits.maxBufferSize ?? limit,
    maxStorageBufferBindingSize: adapter?.limits.maxStorageBufferBindingSize ?? limit,
    hasAdapter: Boolean(adapter),
    engine: current.path,
    engineChoice,
    engineDescription: describeEngine(current),
    gpuNote: missing && `${missing}. ${WEBGPU_HINT}`,
  };
}

function datasetOf(id: string): Dataset {
  const dataset = datasets.get(id);
  if (!dataset) throw new Error(`no tilt series with id ${id}`);
  return dataset;
}

function resultOf(id: string): Result {
  const result = results.get(id);
  if (!result) throw new Error(`no result with id ${id}`);
  return result;
}

function addDataset(
  summary: Omit<DatasetSummary, 'id' | 'angleMin' | 'angleMax' | 'nx' | 'ny' | 'nTilts' | 'tiltAngles' | 'pixelSize' | 'metadata' | 'doseWeightingUnavailable' | 'offset' | 'contrast' | 'darkTilts' | 'familyId'> &
    Partial<Pick<DatasetSummary, 'metadata' | 'familyId'>>,
  ts: TiltSeries,
  frameHalves?: FrameHalfReader,
): DatasetSummary {
  const id = nextId('d');
  // The summary names frame halves only where this data set can read them (not one restored after a reload).
  const given = { ...summary };
  delete given.frameHalves;
  const full: DatasetSummary = {
    metadata: [],
    familyId: id,
    ...given,
    ...(frameHalves && { frameHalves: frameHalves.source }),
    ...seriesChecks(ts),
    ...(ts.accumulatedDose && { accumulatedDose: ts.accumulatedDose }),
    ...(ts.defocus && { defocus: ts.defocus }),
    ...(ts.astigmatism && { astigmatism: ts.astigmatism }),
    ...(ts.phaseShift && { phaseShift: ts.phaseShift }),
    ...(ts.defocusColumn && { defocusColumn: ts.defocusColumn }),
    id,
    nx: ts.nx,
    ny: ts.ny,
    nTilts: ts.nTilts,
    pixelSize: ts.pixelSize,
    tiltAngles: ts.tiltAngles,
    angleMin: Math.min(...ts.tiltAngles),
    angleMax: Math.max(...ts.tiltAngles),
  };
  datasets.set(full.id, { summary: full, tiltSeries: ts, ...(frameHalves && { frameHalves }) });
  return full;
}

/** The data panel's row that lists the tilts left out. */
const LEFT_OUT_ROW = 'Tilts left out';

/**
 * What leaving the tilts `numbers` (this series' own, from 1, as its preview counts) out of `source` leaves, said
 * in the numbering of the series as loaded, with the tilts left out of `source` before (DatasetSummary.tiltsLeftOut).
 */
function leftOutAsLoaded(source: Dataset, numbers: readonly number[]): NonNullable<DatasetSummary['tiltsLeftOut']> {
  const { summary, tiltSeries } = source;
  const before = summary.tiltsLeftOut ?? { from: summary.name, nTilts: tiltSeries.nTilts, loadedNumbers: tiltSeries.tiltAngles.map((_, k) => k + 1), tilts: [] };
  const marked = new Set(numbers);
  const now = [...marked].map((n) => ({ number: before.loadedNumbers[n - 1], angle: tiltSeries.tiltAngles[n - 1] }));
  return {
    ...before,
    loadedNumbers: before.loadedNumbers.filter((_, k) => !marked.has(k + 1)),
    tilts: [...before.tilts, ...now].sort((a, b) => a.number - b.number),
  };
}

/**
 * A data set made from another's tilt series (tilts added or left out): the same file kind and family, and a
 * simulated series' ground truth kept for it, since the specimen is the same and scores reconstructions of the
 * new one too.
 */
function addDerivedDataset(
  sourceId: string,
  ts: TiltSeries,
  fields: Pick<DatasetSummary, 'name'> & Partial<Pick<DatasetSummary, 'metadata' | 'synthesized' | 'loadBinning' | 'tiltsLeftOut'>>,
  frameHalves?: FrameHalfReader,
): { dataset: DatasetSummary; groundTruth?: ResultSummary } {
  const { source: origin, mode, dtype, familyId, imodThickness, specimenThickness, imodRadial } = datasetOf(sourceId).summary;
  const stats = volumeStats(ts.data);
  // The ground truth as it is now (one deleted is not carried over).
  const truth = findGroundTruth(sourceId);
  // The same specimen on the same pixels: IMOD's and AreTomo's thicknesses and IMOD's radial filter still apply; frame halves when the caller makes this series' of them.
  const same = { source: origin, mode, dtype, hasGroundTruth: truth !== undefined, familyId, ...(imodThickness && { imodThickness }), ...(specimenThickness && { specimenThickness }), ...(imodRadial && { imodRadial }) };
  const dataset = addDataset({ ...fields, ...same, stats: { min: stats.min, max: stats.max, mean: stats.mean }, warnings: [] }, ts, frameHalves);
  const groundTruth = truth ? putResult({ ...truth.summary, datasetId: dataset.id }, truth.volume) : undefined;
  return { dataset, groundTruth };
}

type ResultFields = Omit<ResultSummary, 'id' | 'nx' | 'ny' | 'nz' | 'pixelSize' | 'stats' | 'pieces'>;

/** A dropped tilt series read (readTiltSeriesFiles) and aligned; a read stopped by `options.signal` ends as cancelled. */
async function readDropped(dropped: NamedBlob[], options: TiltSeriesLoadOptions): Promise<{ loaded: LoadedTiltSeries; tiltSeries: TiltSeries }> {
  try {
    const loaded = await readTiltSeriesFiles(dropped, options);
    return { loaded, tiltSeries: await alignLoadedTiltSeries(await engine(), loaded, options.signal) };
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError();
    throw error;
  }
}

/**
 * Reads either frame half of a dropped series as its load read the series (the same table, binning and tilt axis)
 * and aligns it alike; a half whose size or angles differ from the series' (`series`) is refused, naming it.
 */
function frameHalfReader(source: string, dropped: NamedBlob[], options: Pick<TiltSeriesLoadOptions, 'bin' | 'tiltAxis' | 'relionSeries' | 'stack'>, series: TiltSeries): FrameHalfReader {
  const { nx, ny, tiltAngles } = series;
  const read: FrameHalfReader['read'] = async (which, signal, onProgress) => {
    const { loaded, tiltSeries: half } = await readDropped(dropped, { ...options, frames: which, signal, onProgress });
    if (half.nx !== nx || half.ny !== ny || half.tiltAngles.join() !== tiltAngles.join()) {
      throw new Error(`${loaded.stackName}: ${half.nx} × ${half.ny} pixels, ${half.nTilts} tilts, where the series it halves has ${nx} × ${ny}, ${tiltAngles.length} tilts`);
    }
    return half;
  };
  return { source, read };
}

/** A tomogram read from a file and lined up with a series' tilts (importTomogram), before it is listed. */
interface ImportedTomogram {
  volume: Tomogram;
  imported: NonNullable<ResultSummary['imported']>;
  /** What lining it up found: a file made alike (its other half) is lined up by it (importTomogram's `like`). */
  lineUp: LineUp;
  /** Lined up with the tilts at their angles negated (importTomogram's options). */
  invertAngles: boolean;
  elapsedMs: number;
}

/** An MRC volume, or an OME-Zarr folder's finest level, in pieces past `pieceBytes`, with the readers' warnings. */
async function readVolumeFile(file: NamedBlob | ZarrFolder, tiltSeries: TiltSeries, pieceBytes: number, signal?: AbortSignal, onProgress?: (progress: LoadProgress) => void): Promise<{ volume: Tomogram; warnings: string[] }> {
  const progress = onProgress && ((p: LoadProgress) => void onProgress(p));
  if ('files' in file) return readOmeZarrVolume(zarrFilesOf(file), { pieceBytes, signal, onProgress: progress, decodeChunks: poolChunkDecoder(pagePoolOnce()) });
  // A tilt series picked in place of its tomogram is told from the header, before a GiB is read for nothing; a
  // header too broken to say is left to the full read, which names what is wrong.
  const header = await readMrcHeaderOf(file.blob).catch(() => null);
  const instead = header && tiltSeriesInstead(file.name, header, tiltSeries);
  if (instead) throw new Error(instead);
  return readMrcVolume(file.blob, { name: file.name, permissive: true, pieceBytes, signal, onProgress: progress });
}

/**
 * Read an MRC volume or an OME-Zarr folder (in pieces past the piece limit) and line it up with `tiltSeries`
 * (engine/importedTomogram.ts), at its angles negated with `invertAngles`: refused, naming the file, when its sizes
 * fit no tomogram of the tilts.
 */
async function readImported(
  tiltSeries: TiltSeries,
  file: NamedBlob | ZarrFolder,
  { invertAngles = false, signal, onProgress, like }: { invertAngles?: boolean; signal?: AbortSignal; onProgress?: (progress: LoadProgress) => void; like?: LineUp } = {},
): Promise<ImportedTomogram> {
  const started = performance.now();
  // In pieces as results are (the reader's own default is one array).
  const pieces = pieceBytes ?? DEFAULT_PIECE_BYTES;
  const read = await readVolumeFile(file, tiltSeries, pieces, signal, onProgress);
  const on = await engine();
  const project: Projector = (volume, angles) => forwardProject(on, volume, angles, { signal });
  // Inverted angles: lined up as the results made with them are (their z runs the other way).
  const tilts = { ...tiltSeries, tiltAngles: effectiveAngles(tiltSeries.tiltAngles, invertAngles) };
  const remarks = [...(invertAngles ? ['against the tilt angles inverted, as the form has them'] : []), ...read.warnings];
  // The file is read: the bar stays full and says which step of the lining up runs.
  const onStep = onProgress && ((step: string) => void onProgress({ fraction: 1, bytesRead: 'blob' in file ? file.blob.size : 0, step }));
  const { volume, binning, reading, lineUp } = await lineUpTomogram(read.volume, tilts, file.name, project, { remarks, pieceBytes: pieces, onStep, signal, like });
  return { volume, imported: { file: file.name, binning, reading }, lineUp, invertAngles, elapsedMs: performance.now() - started };
}

/** List an imported tomogram as a result of `datasetId`: as its ground truth (replacing the one before), or beside its results. */
function putImported(datasetId: string, { volume, imported, lineUp, invertAngles, elapsedMs }: ImportedTomogram, role: 'ground-truth' | 'tomogram'): { dataset: DatasetSummary; result: ResultSummary } {
  const { summary } = datasetOf(datasetId);
  const truth = role === 'ground-truth';
  // A series has one ground truth: a new one replaces the one before (simulated or imported).
  const before = truth && findGroundTruth(datasetId);
  if (before) forgetResult(before.summary.id);
  const label = truth ? `Ground truth (${imported.file})` : imported.file;
  const result = putResult({ datasetId, method: truth ? 'ground-truth' : 'imported', label, params: null, invertAngles, elapsedMs, imported }, volume);
  lineUps.set(result.id, lineUp);
  if (truth) summary.hasGroundTruth = true;
  return { dataset: summary, result };
}

/** A result let go, with its kept copy; a series whose ground truth it was has none now. */
function forgetResult(resultId: string): void {
  const result = results.get(resultId);
  if (result?.summary.method === 'ground-truth') {
    const dataset = datasets.get(result.summary.datasetId);
    if (dataset) dataset.summary.hasGroundTruth = false;
  }
  results.delete(resultId);
  lineUps.delete(resultId);
  void session.forget(resultId).catch(() => undefined);
}

/** Register (or, under an existing id, replace) a result. */
function putResult(fields: ResultFields, volume: Tomogram, id = nextId('r')): ResultSummary {
  const summary: ResultSummary = {
    ...fields,
    id,
    nx: volume.nx,
    ny: volume.ny,
    nz: volume.nz,
    pixelSize: volume.pixelSize,
    stats: volumeStats(shownData({ summary: fields, volume })),
  };
  // A restored summary may name pieces its volume no longer has: counted here, from the volume.
  if (isPieced(volume)) summary.pieces = volume.pieces.length;
  else delete summary.pieces;
  results.set(summary.id, { summary, volume });
  return summary;
}

/** The voxels statistics and contrast look at, in file order: of a partial result, its fitted rows only (piece by piece). */
function shownData({ summary, volume }: { summary: Pick<ResultSummary, 'partial'>; volume: Tomogram }): Float32Array[] {
  const { partial } = summary;
  return partial ? volumePieces(volume).map(({ y0, volume: piece }) => fittedSample(piece, partial.rowsDone - y0)) : [...fileOrderRuns(volume)];
}

/**
 * The result of a run that finishes slab by slab, kept while it fills: registered at the first
 * finished slab, refreshed after each, then completed or marked cancelled/failed, so that a stopped
 * run keeps what it fitted. Each change is reported to the page; the reports are chained (each
 * acknowledged before the next is sent), so they arrive in order and before run() settles.
 */
class GrowingResult {
  /** The tomogram a method fills slab by slab (the coordinate network, the local network on the GPU), in pieces when large. */
  private entry: { summary: ResultSummary; volume: Tomogram } | null = null;
  private reported: Promise<unknown> = Promise.resolve();
  /** The latest loss curve from the progress reports, so that a stopped run keeps it too. */
  loss?: number[];

  constructor(
    private readonly fields: () => ResultFields,
    private readonly report?: (summary: ResultSummary) => void,
  ) {}

  get id(): string | undefined {
    return this.entry?.summary.id;
  }

  /** Register or refresh the result with `partial` rows fitted. */
  update(volume: Tomogram, partial: PartialState): ResultSummary {
    const fields = this.fields();
    const summary = putResult({ ...fields, label: partialLabel(fields.label, partial, volume.ny), loss: this.loss, partial }, volume, this.id);
    this.entry = { summary, volume };
    // A page that cannot take the report must not fail the reconstruction.
    this.reported = this.reported.then(() => this.report?.(summary)).catch(() => undefined);
    return summary;
  }

  /** The complete run: the result under the same id as its partial reports, if there were any. */
  async complete(fields: ResultFields, volume: Tomogram): Promise<ResultSummary> {
    await this.reported;
    return putResult(fields, volume, this.id);
  }

  /** A stopped run: keep the rows fitted so far, marked cancelled or failed. Null when none were. */
  async stop(state: 'cancelled' | 'failed'): Promise<ResultSummary | null> {
    const entry = this.entry;
    if (!entry?.summary.partial) return null;
    const summary = this.update(entry.volume, { rowsDone: entry.summary.partial.rowsDone, state });
    await this.reported;
    return summary;
  }
}

/**
 * Run a cancellable job: the AbortController is kept under jobId so that cancel() reaches it, and a
 * cancellation, or memory running out, surfaces as one clear message.
 */
async function withJob<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>, kept?: () => string | null): Promise<T> {
  const controller = new AbortController();
  jobs.set(jobId, controller);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (error instanceof CancelledError) throw new Error(`Cancelled: the run was stopped by the user; ${kept?.() ?? 'nothing was kept'}`, { cause: error });
    throw outOfMemory(error);
  } finally {
    jobs.delete(jobId);
  }
}

/** Tilt angles as the result's reconstruction used them (for the measured region), or none. */
function anglesOf(result: Result): number[] | undefined {
  const dataset = datasets.get(result.summary.datasetId);
  if (!dataset) return undefined;
  return dataset.tiltSeries.tiltAngles.map((a) => (result.summary.invertAngles ? -a : a));
}

/**
 * Two results' labels side by side, each with its series' name when they are of two series (one without some
 * tilts of the other, or with tilts added): the labels alone may then be the same.
 */
function pairLabels(a: Result, b: Result): [string, string] {
  if (a.summary.datasetId === b.summary.datasetId) return [a.summary.label, b.summary.label];
  const named = (r: Result) => `${r.summary.label} (${datasets.get(r.summary.datasetId)?.summary.name ?? 'another series'})`;
  return [named(a), named(b)];
}

/** `a` and `b` as one array each, refused with both sizes when they differ (`what` names the work). */
/** Throws naming both results when they differ in size. */
function assertOneSize(a: Result, b: Result, what: string): void {
  const [va, vb] = [a.volume, b.volume];
  if (va.nx !== vb.nx || va.ny !== vb.ny || va.nz !== vb.nz) {
    throw new Error(`${what} needs volumes of one size: ${a.summary.label} is ${va.nx}×${va.ny}×${va.nz}, ${b.summary.label} is ${vb.nx}×${vb.ny}×${vb.nz}`);
  }
}

/**
 * `work` as a cancellable job (withJob) when the page gives a job id, its progress passed on; a script's call
 * (window.wedgelab) gives neither and just runs it.
 */
function pageJob<T>(jobId: string | undefined, onProgress: ((p: Progress) => void) | undefined, work: (options: RunOptions) => Promise<T>): Promise<T> {
  const run = (signal?: AbortSignal) => work({ signal, onProgress: onProgress && ((p) => void onProgress(p)) });
  return jobId ? withJob(jobId, run) : run();
}

/** The FSC of `a` and `b` as the page shows it, from its curves. */
function fscReport(a: Result, b: Result, curves: FscCurves): FscReport {
  const [labelA, labelB] = pairLabels(a, b);
  return {
    ...curves,
    labelA,
    labelB,
    res0143: resolutionAt(curves, 0.143),
    res05: resolutionAt(curves, 0.5),
    pixelSize: a.volume.pixelSize,
  };
}

function findGroundTruth(datasetId: string): Result | undefined {
  return [...results.values()].find((r) => r.summary.datasetId === datasetId && r.summary.method === 'ground-truth');
}

function groundTruthOf(datasetId: string): Result {
  const truth = findGroundTruth(datasetId);
  if (!truth) throw new Error('this tilt series has no ground truth: only simulated data, or a series given its ground truth from a file, can be scored with PSNR and SSIM');
  return truth;
}

const session = new SessionKeeper({
  datasets,
  results,
  // Without a reader: the frame halves were read from dropped files, which a reload does not keep.
  restoreDataset: (summary, tiltSeries) => addDataset(summary, tiltSeries),
  restoreResult: (summary, volume) => putResult(summary, volume),
});

/** Slices cross the worker boundary by transfer: the copy made for the slice is handed over, not cloned again. */
function transferSlice<S extends Slice>(slice: S): S {
  return Comlink.transfer(slice, [slice.data.buffer]);
}

const api: EngineWorkerApi = {
  setPieceBytes(bytes: number | null): void {
    pieceBytes = bytes ?? undefined;
  },

  async loseDevice(): Promise<void> {
    const current = gpuPromise && (await gpuPromise.catch(() => null));
    if (!current) return;
    current.device.destroy();
    await current.device.lost;
  },

  init: engineInfo,

  async setEngine(choice: EngineChoice): Promise<GpuInfo> {
    if (choice === 'gpu') await gpu();
    engineChoice = choice;
    return engineInfo();
  },

  async loadFiles(files, options = {}, onProgress) {
    const dropped = files.map((file) => ({ name: file.name, blob: file }));
    // Which series of the drop, read alike for its frame halves.
    const which = { tiltAxis: options.tiltAxis, relionSeries: options.relionSeries, stack: options.stack };
    const load = async (signal?: AbortSignal) => {
      const read = await readDropped(dropped, { bin: options.bin, ...which, signal, onProgress: onProgress && ((p) => void onProgress(p)) });
      const truthFile = read.loaded.groundTruth;
      if (!truthFile) return { ...read, truth: null };
      // A simulation's ground truth dropped with it: brought in, or said why not (the series loads either way).
      try {
        return { ...read, truth: await readImported(read.tiltSeries, truthFile, { signal }) };
      } catch (error) {
        if (signal?.aborted) throw error;
        read.loaded.warnings.push(`the ground truth beside the series was not taken: ${(error as Error).message}`);
        return { ...read, truth: null };
      }
    };
    const { loaded, tiltSeries, truth } = options.jobId ? await withJob(options.jobId, load) : await load();
    const dataset = addDataset(
      {
        name: `${options.folder ? `${options.folder}/` : ''}${loaded.stackName} + ${loaded.sideNames.join(' + ')}`,
        metadata: loaded.metadata,
        source: 'file',
        mode: loaded.mode,
        dtype: loaded.dtype === 'uint8' && loaded.mode === 0 ? 'uint8 (IMOD)' : loaded.dtype,
        stats: loaded.stats,
        hasGroundTruth: false,
        warnings: loaded.warnings,
        ...(loaded.imodThickness && { imodThickness: loaded.imodThickness }),
        ...(loaded.specimenThickness && { specimenThickness: { ...loaded.specimenThickness, withMargin: thicknessWithMargin(loaded.specimenThickness.value, tiltSeries.nx) } }),
        ...(loaded.imodRadial && { imodRadial: loaded.imodRadial }),
        ...(loaded.tomograms.length > 0 && { tomogramsBeside: loaded.tomograms }),
        ...(loaded.tomogramHalves && { tomogramHalvesBeside: loaded.tomogramHalves }),
        ...(loaded.bin > 1 && { loadBinning: { bin: loaded.bin, originalNx: loaded.original.nx, originalNy: loaded.original.ny } }),
      },
      tiltSeries,
      loaded.frameHalves ? frameHalfReader(loaded.frameHalves, dropped, { bin: loaded.bin, ...which }, tiltSeries) : undefined,
    );
    return truth ? { dataset, groundTruth: putImported(dataset.id, truth, 'ground-truth').result } : { dataset };
  },

  async importTomogram(datasetId, file, { role, invertAngles, jobId, like }, onProgress) {
    // Made alike: lined up by the other's finding, at the angles that one was lined up with.
    const other = like === undefined ? undefined : { lineUp: lineUps.get(like), invertAngles: results.get(like)?.summary.invertAngles };
    if (other && (!other.lineUp || other.invertAngles === undefined)) throw new Error(`${file.name}: the tomogram to line it up as is gone (removed?): add it again`);
    const lining = { invertAngles: other?.invertAngles ?? invertAngles, like: other?.lineUp, onProgress };
    const source = file instanceof Blob ? { name: file.name, blob: file } : file;
    const read = (signal?: AbortSignal) => readImported(datasetOf(datasetId).tiltSeries, source, { ...lining, signal });
    const imported = jobId ? await withJob(jobId, read) : await read();
    return putImported(datasetId, imported, role);
  },

  async loadDemo(options: Partial<DemoOptions> = {}) {
    const on = await engine();
    const sim = { ...(on.path === 'gpu' && !on.gpu.isFallbackAdapter ? DEMO_DEFAULTS : DEMO_DEFAULTS_SOFTWARE_GPU), ...options };
    const started = performance.now();
    const { groundTruth, tiltSeries } = await simulateTiltSeries(sim, (volume, angles) => forwardProject(on, volume, angles));
    const [nx, ny, nz] = sim.size;
    const stats = volumeStats(tiltSeries.data);
    const noise = sim.snrDb === undefined ? 'noise-free' : `SNR ${sim.snrDb} dB`;
    const dataset = addDataset(
      {
        name: `Simulated demo (${sim.phantom}, ${nx}×${ny}×${nz}, ${noise}, seed ${sim.seed})`,
        source: 'demo',
        mode: null,
        dtype: 'float32',
        stats: { min: stats.min, max: stats.max, mean: stats.mean },
        hasGroundTruth: true,
        warnings: [],
      },
      tiltSeries,
    );
    const truth = putResult(
      { datasetId: dataset.id, method: 'ground-truth', label: 'Ground truth', params: null, invertAngles: false, elapsedMs: performance.now() - started },
      groundTruth,
    );
    return { dataset, groundTruth: truth };
  },

  async getTilt(datasetId: string, index: number, maxSide: number): Promise<TiltPreview> {
    const { tiltSeries: ts } = datasetOf(datasetId);
    if (!Number.isInteger(index) || index < 0 || index >= ts.nTilts) throw new Error(`tilt ${index} is outside 0–${ts.nTilts - 1}`);
    const plane = ts.nx * ts.ny;
    const tilt = ts.data.subarray(index * plane, (index + 1) * plane);
    const binning = binningToFit(ts.nx, ts.ny, maxSide);
    const [width, height] = [binnedLength(ts.nx, binning), binnedLength(ts.ny, binning)];
    const data = new Float32Array(width * height);
    binImageInto(tilt, ts.nx, ts.ny, binning, data, 0);
    return transferSlice({ width, height, data, binning });
  },

  async thonRings(datasetId, index, microscope) {
    const { tiltSeries: ts } = datasetOf(datasetId);
    if (!ts.defocus || !(ts.pixelSize > 0) || !Number.isInteger(index) || index < 0 || index >= ts.nTilts) return null;
    const plane = ts.nx * ts.ny;
    const rings = thonRings({
      tilt: ts.data.subarray(index * plane, (index + 1) * plane),
      nx: ts.nx,
      ny: ts.ny,
      pixelSize: ts.pixelSize,
      defocus: ts.defocus[index],
      cos2: ts.astigmatism?.cos2[index] ?? 0,
      sin2: ts.astigmatism?.sin2[index] ?? 0,
      phaseShift: ts.phaseShift?.[index] ?? 0,
      microscope,
    });
    return rings && Comlink.transfer(rings, [rings.spectrum.buffer, rings.model.buffer]);
  },

  async run(jobId: string, datasetId: string, request: RequestOf<'reconstruction'>, onProgress, onPartialResult): Promise<ResultSummary> {
    const { tiltSeries } = datasetOf(datasetId);
    // Resolved once, here: complete parameters and the label the result carries while it fills (a bad
    // parameter fails now, before any GPU work).
    const resolved = resolveOnTiltSeries<'reconstruction'>(tiltSeries, request);
    const { method } = resolved;
    // A tomogram past the page's share of memory is refused now, in the form's words, not by an allocation failing
    // partway through the run.
    const tooLarge = pageTomogramProblem(tiltSeries, resolved.params, reportedDeviceMemoryGiB());
    if (tooLarge) throw new Error(tooLarge);
    const started = performance.now();
    const elapsedMs = () => performance.now() - started;
    const { invertAngles } = resolved.params;
    const growing = new GrowingResult(() => ({ datasetId, method, params: resolved.params, label: resolved.label, invertAngles, elapsedMs: elapsedMs() }), onPartialResult);
    let kept: ResultSummary | null = null;
    const work = async (signal: AbortSignal) => {
      try {
        const out = await runReconstruction(await methodEngine(method), tiltSeries, resolved, {
          signal,
          models,
          pieceBytes,
          onProgress: (p) => {
            if (p.loss) growing.loss = p.loss;
            void onProgress(p);
          },
          onSlabDone: (volume, rowsDone) => void growing.update(volume, { rowsDone, state: 'running' }),
        });
        const { label, params, residuals, loss } = out;
        return await growing.complete({ datasetId, method, label, params, invertAngles, elapsedMs: elapsedMs(), residuals, loss }, out.volume);
      } catch (error) {
        kept = await growing.stop(error instanceof CancelledError ? 'cancelled' : 'failed');
        throw error;
      }
    };
    return withJob(jobId, work, () => kept && `kept ${kept.label}`);
  },

  async refine(jobId, resultId, request, onProgress): Promise<ResultSummary> {
    const source = resultOf(resultId);
    if (source.summary.partial) throw new Error(`${source.summary.label} is not complete: refine a finished result`);
    const resolved = resolveRefinement(source.volume, request);
    const started = performance.now();
    return withJob(jobId, async (signal) => {
      const contrast = datasets.get(source.summary.datasetId)?.summary.contrast;
      const seriesPolarity = contrast && (async () => contrast.polarity);
      const out = await runRefinement(await methodEngine(resolved.method), source.volume, source.summary.label, resolved, { signal, models, pieceBytes, seriesPolarity, onProgress: (p) => void onProgress(p) });
      const { datasetId, invertAngles } = source.summary;
      const fields = { datasetId, method: out.method, label: out.label, params: out.params, invertAngles, sourceId: resultId, loss: out.loss };
      return putResult({ ...fields, elapsedMs: performance.now() - started }, out.volume);
    });
  },

  async synthesize(jobId, datasetId, request, onProgress) {
    const source = datasetOf(datasetId);
    const resolved = resolveOnTiltSeries<'tiltSynthesis'>(source.tiltSeries, request);
    return withJob(jobId, async (signal) => {
      // The series' contrast was read when it was loaded (the data panel shows it): no second pass over the stack.
      const seriesPolarity = async () => source.summary.contrast.polarity;
      const out = await runTiltSynthesis(await methodEngine(resolved.method), source.tiltSeries, resolved, { signal, models, seriesPolarity, onProgress: (p) => void onProgress(p) });
      return addDerivedDataset(datasetId, out.tiltSeries, {
        name: `${source.summary.name} + ${out.label}`,
        synthesized: { count: out.added, label: out.label, sourceId: datasetId, request: { method: out.method, params: out.params } as RequestOf<'tiltSynthesis'> },
      });
    });
  },

  async withoutTilts(datasetId, tiltNumbers) {
    const source = datasetOf(datasetId);
    // Its trust score runs the synthesis again on the measured tilts: which ones those are must stay known.
    if (source.summary.synthesized) throw new Error(`${source.summary.name} has synthesised tilts: leave tilts out of the measured series, then add tilts to that`);
    let made: ReturnType<typeof withoutTilts>;
    try {
      made = withoutTilts(source.tiltSeries, tiltNumbers, 'tilts to leave out');
    } catch (error) {
      // A second copy of the series, less its left-out tilts: said as memory where it does not fit.
      throw outOfMemory(error);
    }
    const { tiltSeries } = made;
    const halves = source.frameHalves;
    // Its frame halves are the source's, less the same tilts.
    const lessTilts: FrameHalfReader | undefined = halves && { source: halves.source, read: async (which, signal, onProgress) => withoutTilts(await halves.read(which, signal, onProgress), tiltNumbers, 'tilts to leave out').tiltSeries };
    const tiltsLeftOut = leftOutAsLoaded(source, tiltNumbers);
    const numbers = tiltsLeftOut.tilts.map((t) => t.number);
    return addDerivedDataset(datasetId, tiltSeries, {
      name: `${tiltsLeftOut.from} ${withoutTiltsLabel(numbers)}`,
      tiltsLeftOut,
      // One row for every tilt left out on the way, numbered as loaded.
      metadata: [
        ...source.summary.metadata.filter((row) => row.label !== LEFT_OUT_ROW),
        { label: LEFT_OUT_ROW, value: `${describeLeftOut(tiltsLeftOut.tilts)}; ${tiltSeries.nTilts} of ${tiltsLeftOut.nTilts} kept`, source: 'the tilt preview' },
      ],
      ...(source.summary.loadBinning && { loadBinning: source.summary.loadBinning }),
    }, lessTilts);
  },

  async openFrameHalf(jobId, datasetId, which, onProgress) {
    const { summary, frameHalves } = datasetOf(datasetId);
    if (!frameHalves) throw new Error(`${summary.name} came without sums of even and odd movie frames`);
    const half = await withJob(jobId, (signal) => frameHalves.read(which, signal, (p) => void onProgress(p)));
    const frameHalf = { label: 'Frame half', value: `the sums of every tilt's ${which} movie frames`, source: frameHalves.source };
    return addDerivedDataset(datasetId, half, {
      name: `${summary.name}, ${which} frames`,
      // The series' rows, and which half this is in place of the halves at hand.
      metadata: [...summary.metadata.filter((row) => row.label !== FRAME_HALVES_ROW), frameHalf],
      ...(summary.loadBinning && { loadBinning: summary.loadBinning }),
      ...(summary.tiltsLeftOut && { tiltsLeftOut: summary.tiltsLeftOut }),
    }).dataset;
  },

  async phaseFlip(jobId, datasetId, onProgress, options = {}) {
    const { summary, tiltSeries, frameHalves } = datasetOf(datasetId);
    const progress = (done: number, total: number) => void onProgress({ fraction: done / total, bytesRead: 0 });
    // On the CPU pool whichever path the engine is on: the flip is CPU work (engine/cpu/phaseFlip.ts).
    const pool = pagePoolOnce();
    const flipped = await withJob(jobId, (signal) => phaseFlipTiltSeries(tiltSeries, pool, { ...options, signal, onProgress: progress }));
    // Its frame halves are the source's flipped alike (each half read comes with the same defocus), as asked.
    const flippedHalves: FrameHalfReader | undefined = frameHalves && {
      source: frameHalves.source,
      read: async (which, signal, onHalfProgress) => (await phaseFlipTiltSeries(await frameHalves.read(which, signal, onHalfProgress), pool, { ...options, signal })).tiltSeries,
    };
    const defocusRow = summary.metadata.find((row) => row.label === DEFOCUS_ROW);
    const correction = { label: 'CTF correction', value: phaseFlipText(flipped), source: defocusRow?.source ?? summary.name };
    return addDerivedDataset(
      datasetId,
      flipped.tiltSeries,
      {
        name: `${summary.name}, phase-flipped`,
        metadata: [...summary.metadata, correction],
        ...(summary.loadBinning && { loadBinning: summary.loadBinning }),
        ...(summary.tiltsLeftOut && { tiltsLeftOut: summary.tiltsLeftOut }),
      },
      flippedHalves,
    ).dataset;
  },

  async oddEven(jobId: string, datasetId: string, request: RequestOf<'reconstruction'>, onProgress: (p: Progress) => void, split: OddEvenSplit = 'tilts'): Promise<OddEvenSummary> {
    const { summary, tiltSeries, frameHalves } = datasetOf(datasetId);
    if (split === 'frames' && !frameHalves) throw new Error(`${summary.name} came without sums of even and odd movie frames: halve it by tilt`);
    return withJob(jobId, async (signal) => {
      const data = split === 'frames' && frameHalves ? { read: (which: Half) => frameHalves.read(which, signal) } : tiltSeries;
      return oddEvenFsc(await methodEngine(request.method), data, request, { signal, models, onProgress: (p) => void onProgress(p) });
    });
  },

  async crossValidate(jobId, datasetId, request, heldOut, onProgress): Promise<CrossValidationSummary> {
    const { tiltSeries } = datasetOf(datasetId);
    return withJob(jobId, async (signal) => {
      const options = { signal, models, onProgress: (p: Progress) => void onProgress(p) };
      const report = await crossValidateAsAsked(await methodEngine(request.method), tiltSeries, request, heldOut, options);
      const slice = (data: Float32Array): Slice => ({ width: report.nx, height: report.ny, data });
      const scores = report.scores.map((s) => ({ index: s.index, angle: s.angle, nmse: s.nmse, corr: s.corr, measured: slice(s.measured), predicted: slice(s.predicted) }));
      const buffers = scores.flatMap((s) => [s.measured.data.buffer, s.predicted.data.buffer]);
      const { label, meanNmse, meanCorr, agreement } = report;
      return Comlink.transfer({ label, scores, meanNmse, meanCorr, ...(agreement && { agreement }) }, buffers);
    });
  },

  async trust(jobId, resultId, onProgress, heldOut = DEFAULT_TRUST_HELD_OUT): Promise<ResultSummary> {
    const { summary } = resultOf(resultId);
    if (summary.trust?.heldOutSpec === heldOut) return summary;
    if (summary.partial) throw new Error(`${summary.label} is not complete: score a finished result`);
    const { recipe, measuredId } = resultRecipe(summary, { result: (id) => results.get(id)?.summary, dataset: (id) => datasets.get(id)?.summary });
    // Held out from the measured tilts only: synthesised tilts are not data.
    const { tiltSeries } = datasetOf(measuredId);
    const indices = heldOutTilts(tiltSeries.tiltAngles, heldOut);
    return withJob(jobId, async (signal) => {
      const report = await trustScore(await methodEngine(...recipeMethods(recipe)), tiltSeries, recipe, indices, { signal, models, onProgress: (p) => void onProgress(p) });
      const scored: ResultSummary = { ...summary, trust: { ...report, heldOutSpec: heldOut } };
      // Kept with the result unless it was deleted meanwhile.
      const entry = results.get(resultId);
      if (entry) {
        entry.summary = { ...entry.summary, trust: scored.trust };
        // And with its copy kept for after a reload; if that write fails, only that copy lacks the score.
        await session.keepTrust(resultId).catch(() => undefined);
      }
      return scored;
    });
  },

  async fsc(resultIdA: string, resultIdB: string, jobId?: string, onProgress?: (p: Progress) => void): Promise<FscReport> {
    const [a, b] = [resultOf(resultIdA), resultOf(resultIdB)];
    assertOneSize(a, b, 'The FSC');
    // On the CPU threads over half spectra in pieces: results of any size, either held in pieces.
    return fscReport(a, b, await pageJob(jobId, onProgress, (options) => fscOfTomograms(a.volume, b.volume, anglesOf(a), pagePoolOnce(), options)));
  },

  async groundTruthScores(resultId: string, jobId?: string, onProgress?: (p: Progress) => void): Promise<GroundTruthScores> {
    const result = resultOf(resultId);
    const truth = groundTruthOf(result.summary.datasetId);
    assertOneSize(result, truth, 'Scoring against the ground truth');
    // Either may be held in pieces: the FSC and SSIM on the CPU threads, the rest row by row.
    const scores = await pageJob(jobId, onProgress, (options) => truthScores(result.volume, truth.volume, anglesOf(result), pagePoolOnce(), options));
    const { curves, psnr, psnrWedge, psnrWedgeMissing, ssim } = scores;
    return { resultId, label: result.summary.label, psnr, psnrWedge, psnrWedgeMissing, ssim, fsc: fscReport(result, truth, curves) };
  },

  async fourierSection(resultId: string, plane: FourierPlane) {
    const result = resultOf(resultId);
    // The page keeps each section it asked for: nothing is cached here (a section is one pass over the voxels).
    const section = fourierSection(result.volume, plane);
    const out = { ...section, plane, pixelSize: result.volume.pixelSize, tiltAngles: anglesOf(result) ?? [] };
    return Comlink.transfer(out, [section.data.buffer]);
  },

  async difference(resultIdA: string, resultIdB: string, fitB = false): Promise<ResultSummary> {
    const [a, b] = [resultOf(resultIdA), resultOf(resultIdB)];
    assertOneSize(a, b, 'A − B');
    const { volume, fit } = differenceOf(a.volume, b.volume, fitB);
    const scaled = fit && ` (B fitted to A: ×${fit.alpha.toPrecision(3)} ${fit.beta < 0 ? '−' : '+'} ${Math.abs(fit.beta).toPrecision(3)})`;
    const label = pairLabels(a, b).join(' − ') + (scaled || '');
    return putResult({ datasetId: a.summary.datasetId, method: 'difference', label, params: null, invertAngles: a.summary.invertAngles, elapsedMs: 0 }, volume);
  },

  async reproject(resultId: string, angle: number): Promise<Slice> {
    const { volume, summary } = resultOf(resultId);
    const projection = await forwardProject(await engine(), volume, [angle], { invertAngles: summary.invertAngles });
    return transferSlice({ width: projection.nx, height: projection.ny, data: projection.data });
  },

  async addModel<F extends ModelFamily>(family: F, files: File[]): Promise<ModelChoice<F>> {
    return addModelFiles(await gpu(), family, files);
  },

  cancel(jobId: string): void {
    jobs.get(jobId)?.abort();
  },

  async getSlice(resultId: string, axis: SliceAxis, index: number): Promise<Slice> {
    return transferSlice(volumeSlice(resultOf(resultId).volume, axis, index));
  },

  async getVolume(resultId: string, maxVoxels: number): Promise<DisplayVolume> {
    const { volume } = resultOf(resultId);
    const factor = pyramidFactor(volume, maxVoxels);
    // The view's few million voxels fit in one array whatever the result's size (a pieced one is always binned here).
    const shown = wholeVolume(downsampleVolume(volume, factor), 'The 3-D view');
    // At full resolution the result's own array is copied, never handed over: the worker keeps it.
    const data = factor === 1 ? shown.data.slice() : shown.data;
    const out: DisplayVolume = { nx: shown.nx, ny: shown.ny, nz: shown.nz, data, factor, fullSize: [volume.nx, volume.ny, volume.nz], pixelSize: shown.pixelSize };
    return Comlink.transfer(out, [data.buffer]);
  },

  async percentiles(resultId: string, ps: number[]): Promise<number[]> {
    return percentiles(shownData(resultOf(resultId)), ps);
  },

  async suggestThickness(datasetId: string, invertAngles: boolean): Promise<ThicknessSuggestion> {
    return suggestThickness(datasetOf(datasetId).tiltSeries, invertAngles);
  },

  async exportMrc(resultId: string): Promise<Uint8Array> {
    const { summary, volume } = resultOf(resultId);
    let bytes: Uint8Array;
    try {
      // A result held in pieces is joined into the one array asked for, where the browser can allocate it.
      bytes = writeMrc(volume, { labels: exportLabels(resultId) });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const size = formatBytes(4 * volume.nx * volume.ny * volume.nz);
      throw new Error(`${summary.label}: the browser could not allocate its MRC file (${size} of voxels) as one array; save it with Export MRC, which writes it 4 MiB at a time`, { cause: error });
    }
    return Comlink.transfer(bytes, [bytes.buffer]);
  },

  async writeMrcFile(resultId: string, file: FileSystemFileHandle): Promise<void> {
    const pieces = mrcPieces(resultOf(resultId).volume, { labels: exportLabels(resultId) });
    // The browser writes to a swap file and puts it in place on close: an abort leaves no half file.
    const writable = await file.createWritable();
    try {
      for (const piece of pieces) await writable.write(piece as Uint8Array<ArrayBuffer>);
      await writable.close();
    } catch (error) {
      await writable.abort().catch(() => undefined);
      throw new Error(`could not write ${file.name}: ${(error as Error).message}`, { cause: error });
    }
  },

  async mrcBlob(resultId: string): Promise<Blob> {
    // Blob parts are copied as they are added, so the 4 MiB views of the result are not kept alive by the Blob.
    return new Blob([...mrcPieces(resultOf(resultId).volume, { labels: exportLabels(resultId) })] as Uint8Array<ArrayBuffer>[], { type: 'application/octet-stream' });
  },

  async tiltSeriesFiles(datasetId: string): Promise<{ stack: Blob; tlt: string }> {
    const { summary, tiltSeries: ts } = datasetOf(datasetId);
    const stack = { nx: ts.nx, ny: ts.ny, nz: ts.nTilts, data: ts.data, pixelSize: ts.pixelSize };
    const labels = [`tilt series of ${ts.nTilts} tilts`, `from ${summary.name}`];
    return { stack: new Blob([...mrcPieces(stack, { labels, stack: true })] as Uint8Array<ArrayBuffer>[], { type: 'application/octet-stream' }), tlt: formatTlt(ts.tiltAngles) };
  },

  async exportOmeZarr(resultId: string, name: string, parent?: FileSystemDirectoryHandle): Promise<Blob | null> {
    const { volume } = resultOf(resultId);
    const levels = omeZarrLevels(volume);
    const imageName = exportLabels(resultId).join('; ');
    if (!parent) {
      const zip = zipDirectory(name);
      await writeOmeZarr(zip, levels, imageName);
      return zip.finish();
    }
    const existing = await parent.getDirectoryHandle(name).catch(() => null);
    if (existing) throw new Error(`${parent.name ? `the folder ${parent.name}` : 'the chosen folder'} already has a ${name}: choose another folder, or remove it first`);
    await writeOmeZarr(fileSystemDirectory(await parent.getDirectoryHandle(name, { create: true })), levels, imageName);
    return null;
  },

  deleteResult(resultId: string): void {
    forgetResult(resultId);
  },

  keep: (id) => session.keep(id),
  savedSession: () => session.list(),
  restoreSession: () => session.restore(),
  clearSession: () => session.clear(),
};

/** An export's labels: the method with its parameters, then the tilt series it came from. */
function exportLabels(resultId: string): string[] {
  const { summary } = resultOf(resultId);
  return [summary.label, `from ${datasets.get(summary.datasetId)?.summary.name ?? 'unknown tilt series'}`];
}

Comlink.expose(api);
