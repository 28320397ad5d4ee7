/**
 * The application store (zustand). All engine calls go through these typed actions, so the
 * buttons, the drop zone and the scripting hook (window.wedgelab) share one code path.
 */
import { create } from 'zustand';
import type { CommonParams, DatasetSummary, DemoOptions, GpuInfo, LoadOptions, LoadProgress, MethodName, MethodParams, MethodRequest, ModelChoice, ModelFamily, ResultSummary, SavedItem } from '../../../workers/api.ts';
import { listNames } from '../../io/angles.ts';
import { readMrcHeaderOf } from '../../io/mrcStream.ts';
import { droppedSeriesStack, isStackFile } from '../../io/stackGroups.ts';
import { imageFiles, isStarFile, readRelionTiltSeries, type FrameHalf } from '../../io/relionStar.ts';
import { suggestBinning, type LoadBinning, type LoadBinningChoice } from '../components/data/loadBinning.ts';
import { FAMILY_FILES, SHIPPED_CHOICES, type ModelChoices } from '../../engine/methods/modelChoice.ts';
import type { Progress } from '../../engine/types.ts';
import type { EngineChoice } from '../../engine/enginePath.ts';
import type { MicroscopeOverride } from '../../engine/phaseFlip.ts';
import type { Microscope } from '../../engine/ctf.ts';
import { errorMessage, getEngine, isCancellation, onWorkerError, progressProxy, workerCallback } from '../engineClient.ts';
import { sliceCache } from '../viewer/sliceCache.ts';
import { downloadBlob, exportFileName } from '../util/download.ts';
import { canPickFolder, canPickSaveFile, pickFolder, pickSaveFile } from '../util/filePickers.ts';
import { fittedRowsText } from '../../../workers/partialResult.ts';
import type { MethodKind } from '../../engine/methods/definition.ts';
import { isMethodName, methodDefinition, methodsOfKind, type MethodNameOf } from '../../engine/methods/registry.ts';
import { pageDefaultBinning, reportedDeviceMemoryGiB } from '../../engine/memoryBudget.ts';
import { buildRequest, defaultForm, methodTitle, type MethodForm, type MethodOptions, type ReconstructionName } from './methodForm.ts';
import { keepForm, readSavedForm, restoredForm } from './savedForm.ts';
import { zarrFolderNamedAfter, type ZarrFolder } from '../../io/zarrFolder.ts';
import { latestResultOf, upsertResult } from './results.ts';
import { AUTO_KEEP_BYTES, bytesToKeep } from './keeping.ts';

/** Which tilt series of a drop that holds several: a RELION table's name, or a stack's file name. */
type DropChoice = Pick<LoadOptions, 'relionSeries' | 'stack' | 'folder'>;

export type GpuState =
  | { status: 'pending' }
  | { status: 'ready'; info: GpuInfo }
  | { status: 'unavailable'; message: string };

export interface JobState {
  jobId: string;
  datasetId: string;
  method: MethodName;
  request: MethodRequest;
  label: string;
  progress: Progress;
  startedAt: number;
  cancelling: boolean;
  /** The result a slab-by-slab run (coordinate network) fills, listed once its first slab is done. */
  resultId?: string;
}

export interface RunNote {
  kind: 'done' | 'cancelled' | 'failed';
  text: string;
}

export interface AppError {
  id: number;
  message: string;
}

/** A file load in progress: cancelLoad() stops it; progress is the share of the stack's sections read. */
export interface FileLoadState {
  jobId: string;
  /** The binning files are read at, and how it was chosen (e.g. "suggested for 4096 × 4096 × 61 on this device"); none for a phase flip, which reads nothing. */
  binning?: { bin: LoadBinning; note: string };
  progress: LoadProgress;
  cancelling: boolean;
}

export interface AppState {
  gpu: GpuState;
  /** A load in progress ("Simulating demo…", "Reading files…"), or null. */
  loading: string | null;
  /** A word about the last drop that is not an error (the same files again: their data set selected). */
  loadNotice: string | null;
  /** The file load in progress, or null. */
  fileLoad: FileLoadState | null;
  /** The binning stacks are loaded at: one of 1, 2, 4, 8, or 'auto' (suggested from each stack's header). */
  loadBinning: LoadBinningChoice;
  /** Degrees from Y, counter-clockwise, of the tilt axis of the stacks dropped next; 0: along Y already. */
  loadTiltAxis: number;
  datasets: DatasetSummary[];
  selectedDatasetId: string | null;
  /** Data sets and results not kept for after a reload by themselves (too large: keeping.ts), with the bytes keeping each would write. */
  keepOffers: Record<string, number>;
  /** The form's Thickness and Binning per data set when it is opened, and why that Binning (formDefaultsFor). */
  formDefaults: Record<string, FormDefaults>;
  /**
   * Per data set, a pipeline's tomograms of it that came in its drop (its summary's tomogramsBeside: AreTomo's _Vol,
   * etomo's _rec, RELION's rec_NAME; and any OME-Zarr folder in the drop, offerZarrWith): offered beside the results,
   * read only when added.
   */
  offeredTomograms: Record<string, (File | ZarrFolder)[]>;
  /** Per data set, a pipeline's two half tomograms of it, both in its drop (its summary's tomogramHalvesBeside): offered as a pair. */
  offeredHalves: Record<string, [File, File]>;
  results: ResultSummary[];
  selectedResultId: string | null;
  form: MethodForm;
  job: JobState | null;
  runNote: RunNote | null;
  error: AppError | null;
  /** Each model family's menu (local network, tilt synthesis, refinement): the shipped models, then those added from files. */
  models: ModelChoices;
  /** Tilt series and results an earlier page kept for after a reload (the origin-private file system), not yet restored. */
  savedSession: SavedItem[];
  /** The microscope the phase flip's fields give for a series, while they hold one it can use (the Thon-ring check follows it). */
  typedMicroscope: { datasetId: string; microscope: Microscope } | null;
}

export interface AppActions {
  /** Open the engine in the worker (WebGPU, else the CPU path), then simulate the demo. */
  start(): Promise<void>;
  loadDemo(options?: Partial<DemoOptions>): Promise<DatasetSummary>;
  /**
   * Load a dropped tilt series, binned at options.bin, else at the loadBinning choice ('auto': suggested from the
   * stack's header). Cancelled with cancelLoad(): the data sets already loaded stay as they are.
   */
  /**
   * `relionSeries` / `stack`: which tilt series of a drop that holds several RELION tables or stacks; `folder`: the
   * folder of a drop of several these files are (state/typedAngles.ts asks).
   */
  loadFiles(files: File[], options?: { bin?: LoadBinning; tiltAxis?: number } & DropChoice): Promise<DatasetSummary>;
  /** Load the selected series' even- or odd-frame sums as a data set of their own, from the files it was loaded from (at the same binning). */
  openFrameHalf(which: FrameHalf): Promise<DatasetSummary>;
  /**
   * The selected series phase flipped for its defocus (at `microscope`'s kV, Cs and Q where given; the defocus gradient
   * at the tilt angles as the method form's Invert tilt angles has them), as a data set of its own, with the
   * load's progress and cancel.
   */
  phaseFlip(microscope?: MicroscopeOverride): Promise<DatasetSummary>;
  /**
   * Bring in a tomogram made elsewhere of the selected series (an MRC file or an OME-Zarr folder;
   * docs/loading.md#tomograms-made-elsewhere): as its
   * ground truth, or as a result beside WedgeLab's, lined up at the tilt angles as the form has them (inverted or
   * not). Read with the load's progress and cancel; the form's Thickness and Binning then match it. Resolves with the
   * new result's id. `like`: the id of a tomogram brought in before from a file made alike (its other half): this
   * one is lined up as that one was.
   */
  importTomogram(file: File | ZarrFolder, role: 'ground-truth' | 'tomogram', like?: string): Promise<string>;
  /**
   * The Zarr folders of a folder picked with "OME-Zarr…" (`picked`: its name): one is read (importTomogram); of
   * several, the one named after the series is, else a tomogram's are offered beside the results to add one, and a
   * ground truth's are one message naming them. The new result's id, or null where none was read.
   */
  importPickedZarr(picked: string, folders: ZarrFolder[], role: 'ground-truth' | 'tomogram'): Promise<string | null>;
  /**
   * OME-Zarr folders that came in a drop with a tilt series (a pipeline's or the cryoET Data Portal's run folder):
   * offered beside the results of the series that `files` (the rest of the drop) load, once it has loaded.
   */
  offerZarrWith(files: readonly File[], folders: ZarrFolder[]): void;
  setLoadBinning(choice: LoadBinningChoice): void;
  setLoadTiltAxis(degrees: number): void;
  setTypedMicroscope(typed: { datasetId: string; microscope: Microscope } | null): void;
  cancelLoad(): void;
  selectDataset(id: string): void;
  /** Choose the method of a kind (the Method, Refine and Add tilts panels' menus). */
  setChoice<K extends MethodKind>(kind: K, method: MethodNameOf<K>): void;
  /** Choose the engine's path, auto, gpu or cpu (docs/cpu.md): the header's control. */
  chooseEngine(choice: EngineChoice): Promise<void>;
  updateCommon(patch: Partial<CommonParams>): void;
  /** Change some of one method's own settings. */
  updateOptions<N extends MethodName>(method: N, patch: Partial<MethodOptions<N>>): void;
  /** Put one method's own settings back to its page defaults. */
  resetOptions(method: MethodName): void;
  /** Check files as a model of a family in the engine and list it (the panel that asked chooses it). */
  addModel(family: ModelFamily, files: File[]): Promise<ModelChoice>;
  /** Run a method on the selected dataset; resolves with the new result's id. */
  run(method?: ReconstructionName, overrides?: Partial<MethodParams>): Promise<string>;
  /** Refine a result (the selected one by default) with a refinement method; resolves with the new result's id. */
  refine(resultId?: string, method?: MethodNameOf<'refinement'>, overrides?: Partial<MethodParams>): Promise<string>;
  /** Add synthesised tilts to the selected tilt series: a new data set, selected; resolves with its id. */
  synthesize(method?: MethodNameOf<'tiltSynthesis'>, overrides?: Partial<MethodParams>): Promise<string>;
  /**
   * A new data set, selected: the selected series without the tilts numbered `tiltNumbers` (from 1, in stack
   * order, as the tilt preview counts them). Resolves with its id; a bad number is one message in the banner.
   */
  leaveOutTilts(tiltNumbers: number[]): Promise<string>;
  cancelRun(): void;
  selectResult(id: string | null): void;
  deleteResult(id: string): Promise<void>;
  exportMrc(id: string): Promise<Uint8Array>;
  /** Save a result as MRC: into a file the user picks where the browser can (written in pieces), else a download. */
  downloadMrc(id: string): Promise<void>;
  /** Download the selected data set's tilt series as an MRC stack and its .tlt, named after it and its tilt count. */
  downloadTiltSeries(): Promise<void>;
  /** Save a result as OME-Zarr (docs/export.md): into a folder the user picks where the browser can, else a zip download. */
  downloadOmeZarr(id: string): Promise<void>;
  showError(message: string): void;
  dismissError(): void;
  /** Bring back what an earlier page kept (savedSession): its tilt series and results, listed as if just made. */
  restoreSession(): Promise<void>;
  /** Remove everything kept for after a reload. */
  clearSession(): Promise<void>;
  /** Keep a data set or result that was offered (keepOffers) rather than kept by itself. */
  keepOffered(id: string): void;
}

export type AppStore = AppState & AppActions;

let errorCounter = 0;
let jobCounter = 0;
/** start() runs once per page, even when React's StrictMode mounts the app twice. */
let startPromise: Promise<void> | null = null;
let autoKeepBytes = AUTO_KEEP_BYTES;

/** The size above which later data sets and results are offered, not kept (null: AUTO_KEEP_BYTES); for tests. */
export function setAutoKeepBytes(bytes: number | null): void {
  autoKeepBytes = bytes ?? AUTO_KEEP_BYTES;
}

function completedResiduals(residuals: number[]): number[] {
  let n = residuals.length;
  while (n > 0 && residuals[n - 1] === 0) n--;
  return residuals.slice(0, n);
}

interface FormDefaults {
  fields: Pick<MethodForm['common'], 'thickness' | 'binning'>;
  /** Why Binning is not 1 (pageDefaultBinning), said under the fields while it stays so; null at 1. */
  why: string | null;
}

/**
 * A ground truth is compared voxel for voxel: its depth, at its binning (a simulation's: unbinned). A file's: a
 * quarter of the binned width, at the smallest binning whose tomogram fits the page's memory (pageDefaultBinning).
 */
function formDefaultsFor(dataset: DatasetSummary, groundTruth?: ResultSummary): FormDefaults {
  if (groundTruth) return importedDefaults(groundTruth);
  const { thickness, binning, why } = pageDefaultBinning(dataset, reportedDeviceMemoryGiB());
  return { fields: { thickness, binning }, why };
}

/** A tomogram's own size, so that results compare with it voxel for voxel; why, for one from a file. */
function importedDefaults(tomogram: ResultSummary): FormDefaults {
  const { imported, nz } = tomogram;
  const binning = imported?.binning ?? 1;
  const why = imported ? `Thickness ${nz} and binning ${binning}: the size of ${imported.file}, so that results compare with it voxel for voxel` : null;
  return { fields: { thickness: nz, binning }, why };
}

/** Real stacks often carry a large constant offset: subtract tilt means by default for files, not for simulations. */
function defaultSubtractMean(dataset: DatasetSummary | undefined): boolean {
  return dataset?.source === 'file';
}

/**
 * The form with a data set's defaults in it: their Thickness and Binning, and, when the form opens on the data set
 * (`opened`), tilt-mean subtraction as its source wants (a tomogram added later changes only the size).
 */
function formWith(form: MethodForm, defaults: FormDefaults | undefined, opened?: DatasetSummary): MethodForm {
  return { ...form, common: { ...form.common, ...defaults?.fields, ...(opened && { subtractMean: defaultSubtractMean(opened) }) } };
}

export const useAppStore = create<AppStore>()((set, get) => {
  /** The drop each file data set was loaded from (dropKey), to recognise the same files dropped again. */
  const loadedFrom = new Map<string, string>();
  /** The data sets and results kept for after a reload (asked of the engine, or restored). */
  const keptIds = new Set<string>();
  /** The last drop's OME-Zarr folders, until a load of that drop's files lists them (offerZarrWith). */
  let zarrOffer: { files: Set<File>; folders: ZarrFolder[] } | null = null;

  /** Add (or replace) a dataset and make it the current one. */
  function addDataset(dataset: DatasetSummary, groundTruth?: ResultSummary): void {
    const defaults = formDefaultsFor(dataset, groundTruth);
    set((state) => ({
      datasets: [...state.datasets.filter((d) => d.id !== dataset.id), dataset],
      selectedDatasetId: dataset.id,
      formDefaults: { ...state.formDefaults, [dataset.id]: defaults },
      form: formWith(state.form, defaults, dataset),
      results: groundTruth ? [...state.results.filter((r) => r.id !== groundTruth.id), groundTruth] : state.results,
      // The views follow the data set: its ground truth, else its newest result (one dropped again has some).
      selectedResultId: groundTruth ? groundTruth.id : latestResultOf(state.results, dataset.id),
    }));
  }

  function fail(message: string): void {
    set({ error: { id: ++errorCounter, message } });
  }

  /**
   * Keep a file data set or a finished result for after a reload; one that cannot be kept says so (it stays open),
   * each different message once (a browser without private storage says it once, not at every run). A result's
   * data set is kept with it (the engine keeps it first).
   */
  const keepMessages = new Set<string>();
  function keep(id: string): void {
    const datasetId = get().results.find((r) => r.id === id)?.datasetId;
    for (const kept of [id, datasetId]) if (kept) keptIds.add(kept);
    // The offers left write less once their tilt series is kept: each says what it would write now.
    set((s) => ({ keepOffers: mapValues(withoutKeys(s.keepOffers, [id, datasetId]), (bytes, offered) => bytesToKeep(offered, s, keptIds) ?? bytes) }));
    getEngine()
      .keep(id)
      .catch((error: unknown) => {
        const message = errorMessage(error);
        if (!keepMessages.has(message)) fail(message);
        keepMessages.add(message);
      });
  }

  /** Keep `id` when that writes at most autoKeepBytes (keeping.ts); else offer it, with what it would write. */
  function keepOrOffer(id: string): void {
    const bytes = bytesToKeep(id, get(), keptIds);
    if (bytes === null) return;
    if (bytes <= autoKeepBytes) keep(id);
    else set((s) => ({ keepOffers: { ...s.keepOffers, [id]: bytes } }));
  }

  /** A result's export name: its tilt series and method, e.g. 'tilt_sirt.mrc'; null if the result is gone. */
  function resultFileName(id: string, extension: string): string | null {
    const { results, datasets } = get();
    const result = results.find((r) => r.id === id);
    if (!result) return null;
    return exportFileName(datasets.find((d) => d.id === result.datasetId)?.name ?? 'result', result.method, extension);
  }

  async function startOnce(): Promise<void> {
    onWorkerError((message) => {
      if (get().gpu.status === 'pending') set({ gpu: { status: 'unavailable', message } });
      else fail(message);
    });
    try {
      const info = await getEngine().init();
      set({ gpu: { status: 'ready', info } });
      // What an earlier page kept, offered before anything new is kept (a browser without OPFS offers nothing).
      set({ savedSession: await getEngine().savedSession().catch(() => []) });
    } catch (error) {
      set({ gpu: { status: 'unavailable', message: errorMessage(error) } });
      return;
    }
    try {
      await get().loadDemo();
    } catch {
      // The error banner already says what went wrong; the page stays usable for files.
    }
  }

  /** A method of the kind by name; a script's unknown name (or one of another kind) is refused, never replaced by the form's. */
  function methodOrFail<K extends MethodKind>(kind: K, name: string): MethodNameOf<K> {
    if (isMethodName(name) && methodDefinition(name).kind === kind) return name as MethodNameOf<K>;
    const message = `unknown ${kind} method "${name}": use one of ${methodsOfKind(kind).map((d) => d.name).join(', ')}`;
    fail(message);
    throw new Error(message);
  }

  /** The selected data set's id; without one, the error banner says what to load before `doing`. */
  function selectedDatasetOrFail(doing: string): string {
    const datasetId = get().selectedDatasetId;
    if (datasetId) return datasetId;
    const message = `Load a tilt series (or the demo) before ${doing}`;
    fail(message);
    throw new Error(message);
  }

  /** A finished run's result, listed and selected. */
  function showResult(result: ResultSummary): { id: string; note: string } {
    set((s) => ({ results: upsertResult(s.results, result), selectedResultId: result.id }));
    keepOrOffer(result.id);
    return { id: result.id, note: `${result.label}: done in ${(result.elapsedMs / 1000).toFixed(2)} s` };
  }

  /**
   * Run one engine job (a reconstruction, a refinement, a tilt synthesis) with progress, cancel and its note;
   * `finish` shows what it made. A slab-by-slab run also lists its result as it fills (onPartialResult).
   */
  async function runJob<T>(
    datasetId: string,
    request: MethodRequest,
    call: (jobId: string, onProgress: ReturnType<typeof progressProxy>, onPartialResult: (summary: ResultSummary) => void) => Promise<T>,
    finish: (out: T) => { id: string; note: string },
  ): Promise<string> {
    if (get().job) throw new Error('A run is already in progress; cancel it or wait for it to finish');
    const jobId = `job-${++jobCounter}-${Date.now().toString(36)}`;
    const label = methodTitle(request.method);
    set({
      job: {
        jobId,
        datasetId,
        method: request.method,
        request,
        label,
        progress: { fraction: 0, message: `Starting ${label}…` },
        startedAt: performance.now(),
        cancelling: false,
      },
      runNote: null,
    });
    const onProgress = progressProxy((progress: Progress) => {
      const job = get().job;
      if (!job || job.jobId !== jobId) return;
      // The worker sends all K slots, not-yet-computed iterations as 0: keep the computed ones.
      const residuals = progress.residuals ? completedResiduals(progress.residuals) : job.progress.residuals;
      // The slab preview comes with every few reports only: keep the latest until the next.
      const preview = progress.preview ?? job.progress.preview;
      set({ job: { ...job, progress: { ...progress, residuals, preview } } });
    });
    // A slab-by-slab run lists its result as it fills; it is shown when its first slab is done,
    // afterwards the user's selection stands.
    const onPartialResult = workerCallback((summary: ResultSummary) => {
      const job = get().job;
      if (!job || job.jobId !== jobId) return;
      set((s) => ({
        results: upsertResult(s.results, summary),
        selectedResultId: job.resultId ? s.selectedResultId : summary.id,
        job: { ...job, resultId: summary.id },
      }));
    });
    try {
      const { id, note } = finish(await call(jobId, onProgress, onPartialResult));
      set({ job: null, runNote: { kind: 'done', text: note } });
      return id;
    } catch (error) {
      // What a stopped slab-by-slab run kept (reported, marked cancelled or failed, before the error).
      const kept = get().results.find((r) => r.id === get().job?.resultId && r.partial);
      const keptText = kept?.partial ? `; ${fittedRowsText(kept.partial, kept.ny)} are kept` : '';
      if (isCancellation(error)) {
        set({ job: null, runNote: { kind: 'cancelled', text: `${label} cancelled${keptText || '; nothing was added'}` } });
      } else {
        const message = errorMessage(error);
        set({ job: null, runNote: { kind: 'failed', text: `${label} failed: ${message}${keptText}` } });
        fail(`${label} failed: ${message}${keptText}`);
      }
      throw error;
    }
  }

  /** A tilt series read (with its ground truth when one came with it): listed, selected, kept for after a reload (or offered). */
  function acceptDataset(dataset: DatasetSummary, groundTruth?: ResultSummary): void {
    addDataset(dataset, groundTruth);
    keepOrOffer(dataset.id);
  }

  /**
   * Files read (`read`, given the job's id and a progress callback: a tilt series, or a tomogram beside one), one
   * at a time, with the data panel's progress and cancel; `accept` lists what was read, and nothing changes when the
   * read fails or is cancelled. `reading.doing` says what it does in the progress line ("Reading TS_01.mrc"),
   * `reading.failure` in the error.
   */
  async function trackedRead<T>(
    reading: { doing: string; binning?: FileLoadState['binning']; failure: string },
    read: (jobId: string, onProgress: (progress: LoadProgress) => void) => Promise<T>,
    accept: (value: T) => void,
  ): Promise<T> {
    if (get().fileLoad) {
      const message = 'Files are being read; cancel that or wait for it to finish';
      fail(message);
      throw new Error(message);
    }
    const jobId = `load-${++jobCounter}-${Date.now().toString(36)}`;
    set({ loadNotice: null, loading: `${reading.doing}…`, fileLoad: { jobId, ...(reading.binning && { binning: reading.binning }), progress: { fraction: 0, bytesRead: 0 }, cancelling: false } });
    const onProgress = workerCallback((progress: LoadProgress) => {
      const load = get().fileLoad;
      if (load?.jobId === jobId) set({ fileLoad: { ...load, progress } });
    });
    try {
      // The previous dataset and results stay until this one succeeds (and when it is cancelled).
      const value = await read(jobId, onProgress);
      accept(value);
      return value;
    } catch (error) {
      if (!isCancellation(error)) fail(`${reading.failure}: ${errorMessage(error)}`);
      throw error;
    } finally {
      set({ loading: null, fileLoad: null });
    }
  }

  /** The binning to load files at: the one asked for, the user's choice, or the suggestion from the stack's header. */
  async function loadBinningFor(files: File[], asked: LoadBinning | undefined, which: DropChoice): Promise<{ bin: LoadBinning; note: string }> {
    const choice = asked ?? get().loadBinning;
    if (choice !== 'auto') return { bin: choice, note: 'chosen' };
    // The stack the load will read: of a drop of several, the chosen one (io/stackGroups.ts droppedSeriesStack).
    const names = files.map((f) => f.name);
    const stackName = droppedSeriesStack(names, which.stack) ?? names.find(isStackFile);
    const stack = files.find((f) => f.name === stackName);
    // Unreadable or missing: loaded as stored, and the worker's read says what is wrong.
    const first = stack && (await readMrcHeaderOf(stack).catch(() => null));
    // RELION's tilt images, one file each, load as one stack of them all; otherwise one stack loads (its frame halves are read apart).
    const header = first && { ...first, nz: first.nz * ((await relionImageCount(files, which.relionSeries)) ?? 1) };
    if (!header || !(header.nx > 0 && header.ny > 0 && header.nz > 0)) return { bin: 1, note: 'as stored' };
    const gpu = get().gpu;
    const bin = suggestBinning(header, { deviceMemoryGiB: reportedDeviceMemoryGiB(), maxBufferSize: gpu.status === 'ready' ? gpu.info.maxBufferSize : undefined });
    return { bin, note: `suggested for ${header.nx} × ${header.ny} × ${header.nz} on this device` };
  }

  return {
    gpu: { status: 'pending' },
    loading: null,
    loadNotice: null,
    fileLoad: null,
    loadBinning: 'auto',
    loadTiltAxis: 0,
    datasets: [],
    selectedDatasetId: null,
    formDefaults: {},
    offeredTomograms: {},
    offeredHalves: {},
    keepOffers: {},
    results: [],
    selectedResultId: null,
    // The methods and settings last used in this browser (savedForm.ts), where they still pass.
    form: restoredForm(defaultForm(), readSavedForm()),
    job: null,
    runNote: null,
    error: null,
    models: SHIPPED_CHOICES,
    savedSession: [],
    typedMicroscope: null,

    start() {
      startPromise ??= startOnce();
      return startPromise;
    },
    async loadDemo(options) {
      set({ loading: 'Simulating demo…' });
      try {
        const { dataset, groundTruth } = await getEngine().loadDemo(options);
        addDataset(dataset, groundTruth);
        return dataset;
      } catch (error) {
        fail(`Could not simulate the demo: ${errorMessage(error)}`);
        throw error;
      } finally {
        set({ loading: null });
      }
    },

    async loadFiles(files, options = {}) {
      if (files.length === 0) {
        const message = 'No files given: drop an MRC tilt series together with its .tlt/.rawtlt/.mdoc angles';
        fail(message);
        throw new Error(message);
      }
      const names = files.map((f) => f.name);
      const which = { relionSeries: options.relionSeries, stack: options.stack, folder: options.folder };
      const { bin, note } = await loadBinningFor(files, options.bin, which);
      const tiltAxis = options.tiltAxis ?? get().loadTiltAxis;
      const key = dropKey(files, bin, tiltAxis, which);
      const again = get().datasets.find((d) => loadedFrom.get(d.id) === key);
      if (again) {
        get().selectDataset(again.id);
        set({ loadNotice: `${listNames(names, ' + ')} ${files.length === 1 ? 'is' : 'are'} already loaded${bin > 1 ? ` at bin ${bin}` : ''}: selected "${again.name}" instead of loading a copy` });
        return again;
      }
      const reading = { doing: `Reading ${listNames(names, ', ')}${bin > 1 ? ` at bin ${bin}` : ''}`, binning: { bin, note }, failure: `Could not load ${listNames(names, ' + ')}` };
      const read = (jobId: string, onProgress: (progress: LoadProgress) => void) => getEngine().loadFiles(files, { bin, tiltAxis, ...which, jobId }, onProgress);
      const { dataset } = await trackedRead(reading, read, ({ dataset, groundTruth }) => acceptDataset(dataset, groundTruth));
      loadedFrom.set(dataset.id, key);
      const beside = dataset.tomogramsBeside ?? [];
      const zarrs = zarrOffer && files.some((f) => zarrOffer?.files.has(f)) ? zarrOffer.folders : [];
      if (zarrs.length > 0) zarrOffer = null;
      const offered = [...files.filter((f) => beside.includes(f.name)), ...zarrs];
      if (offered.length > 0) set((state) => ({ offeredTomograms: { ...state.offeredTomograms, [dataset.id]: offered } }));
      const halves = dataset.tomogramHalvesBeside?.map((name) => files.find((f) => f.name === name));
      if (halves?.[0] && halves[1]) set((state) => ({ offeredHalves: { ...state.offeredHalves, [dataset.id]: [halves[0], halves[1]] as [File, File] } }));
      return dataset;
    },

    async openFrameHalf(which) {
      const datasetId = selectedDatasetOrFail(`opening the ${which} frames`);
      const source = get().datasets.find((d) => d.id === datasetId) as DatasetSummary;
      const bin = (source.loadBinning?.bin ?? 1) as LoadBinning;
      const reading = { doing: `Reading the ${which} frames of ${source.name}`, binning: { bin, note: `as ${source.name}` }, failure: `Could not read the ${which} frames of ${source.name}` };
      return trackedRead(reading, (jobId, onProgress) => getEngine().openFrameHalf(jobId, datasetId, which, onProgress), (dataset) => acceptDataset(dataset));
    },

    async phaseFlip(microscope) {
      const datasetId = selectedDatasetOrFail('phase flipping');
      const source = get().datasets.find((d) => d.id === datasetId) as DatasetSummary;
      const reading = { doing: `Phase flipping ${source.name}`, failure: `Could not phase flip ${source.name}` };
      const { invertAngles } = get().form.common;
      return trackedRead(reading, (jobId, onProgress) => getEngine().phaseFlip(jobId, datasetId, onProgress, { microscope, invertAngles }), (dataset) => acceptDataset(dataset));
    },

    async importTomogram(file, role, like) {
      const datasetId = selectedDatasetOrFail('bringing in a tomogram');
      const source = get().datasets.find((d) => d.id === datasetId) as DatasetSummary;
      const as = role === 'ground-truth' ? `as the ground truth of ${source.name}` : `beside the results of ${source.name}`;
      const reading = { doing: `Reading ${file.name} ${as}`, failure: `Could not use ${file.name} ${as}` };
      // Lined up at the angles as the form uses them, so that it matches the results made with them.
      const { invertAngles } = get().form.common;
      const read = (jobId: string, onProgress: (progress: LoadProgress) => void) => getEngine().importTomogram(datasetId, file, { role, invertAngles, jobId, like }, onProgress);
      const { result } = await trackedRead(reading, read, ({ dataset, result }) => {
        const defaults = importedDefaults(result);
        set((state) => ({
          // Offered beside the series (it came in its drop) and now added: offered no more.
          offeredTomograms: { ...state.offeredTomograms, [datasetId]: (state.offeredTomograms[datasetId] ?? []).filter((f) => f !== file) },
          // A half of the pair added: the pair is offered no more (the second, should it fail, names why; "Add a tomogram" takes it alone).
          offeredHalves: state.offeredHalves[datasetId]?.some((half) => half === file) ? withoutKeys(state.offeredHalves, [datasetId]) : state.offeredHalves,
          datasets: state.datasets.map((d) => (d.id === dataset.id ? dataset : d)),
          // A series has one ground truth: the worker has let the one before go.
          results: [...state.results.filter((r) => role !== 'ground-truth' || r.datasetId !== datasetId || r.method !== 'ground-truth'), result],
          selectedResultId: result.id,
          formDefaults: { ...state.formDefaults, [datasetId]: defaults },
          form: state.selectedDatasetId === datasetId ? formWith(state.form, defaults) : state.form,
        }));
        keepOrOffer(result.id);
      });
      return result.id;
    },

    async importPickedZarr(picked, folders, role) {
      const dataset = get().datasets.find((d) => d.id === get().selectedDatasetId);
      const one = folders.length === 1 ? folders[0] : dataset && zarrFolderNamedAfter(folders, dataset.name);
      if (one) return get().importTomogram(one, role);
      const them = `${picked} holds ${folders.length} OME-Zarr folders (${listNames(folders.map((f) => f.name))})`;
      if (role === 'ground-truth' || !dataset) {
        get().showError(`${them}, none named after the series: pick the ground truth's own folder`);
        return null;
      }
      const offered = get().offeredTomograms[dataset.id] ?? [];
      const fresh = folders.filter((folder) => !offered.some((f) => f.name === folder.name)).map((folder) => ({ ...folder, pickedIn: picked }));
      set((state) => ({ offeredTomograms: { ...state.offeredTomograms, [dataset.id]: [...offered, ...fresh] }, loadNotice: `${them}: offered beside the results, to add the ones to compare` }));
      return null;
    },

    offerZarrWith(files, folders) {
      zarrOffer = folders.length > 0 ? { files: new Set(files), folders } : null;
    },

    setLoadBinning(choice) {
      set({ loadBinning: choice });
    },

    setLoadTiltAxis(degrees) {
      set({ loadTiltAxis: degrees });
    },

    setTypedMicroscope(typed) {
      set({ typedMicroscope: typed });
    },

    cancelLoad() {
      const load = get().fileLoad;
      if (!load || load.cancelling) return;
      set({ fileLoad: { ...load, cancelling: true }, loading: 'Cancelling…' });
      void getEngine()
        .cancel(load.jobId)
        .catch((error: unknown) => fail(`Could not cancel: ${errorMessage(error)}`));
    },

    selectDataset(id) {
      const state = get();
      if (!state.datasets.some((d) => d.id === id)) return;
      // Keep the selected result when it is of this data set; else the views open on the data set's newest.
      const current = state.results.find((r) => r.id === state.selectedResultId);
      const selectedResultId = current?.datasetId === id ? current.id : latestResultOf(state.results, id);
      set({ selectedDatasetId: id, selectedResultId, form: formWith(state.form, state.formDefaults[id], state.datasets.find((d) => d.id === id)) });
    },

    setChoice(kind, method) {
      set((state) => ({ form: { ...state.form, choice: { ...state.form.choice, [kind]: method } } }));
    },
    async chooseEngine(choice) {
      try {
        set({ gpu: { status: 'ready', info: await getEngine().setEngine(choice) } });
      } catch (error) {
        fail(`Could not switch the engine to ${choice}: ${errorMessage(error)}`);
      }
    },
    updateCommon(patch) {
      set((state) => ({ form: { ...state.form, common: { ...state.form.common, ...patch } } }));
    },
    updateOptions(method, patch) {
      set((state) => ({ form: { ...state.form, options: { ...state.form.options, [method]: { ...state.form.options[method], ...patch } } } }));
    },
    resetOptions(method) {
      set((state) => ({ form: { ...state.form, options: { ...state.form.options, [method]: methodDefinition(method).formDefaults() } } }));
    },
    async addModel(family, files) {
      try {
        const choice = await getEngine().addModel(family, files);
        set((state) => ({ models: { ...state.models, [family]: [...state.models[family].filter((m) => m.name !== choice.name), choice] } }));
        return choice;
      } catch (error) {
        fail(`Could not use ${files.map((f) => f.name).join(', ')} as a ${FAMILY_FILES[family].noun}: ${errorMessage(error)}`);
        throw error;
      }
    },

    async run(method, overrides) {
      const state = get();
      const datasetId = selectedDatasetOrFail('reconstructing');
      const request = buildRequest(state.form, methodOrFail('reconstruction', method ?? state.form.choice.reconstruction), overrides);
      return runJob(datasetId, request, (jobId, onProgress, onPartialResult) => getEngine().run(jobId, datasetId, request, onProgress, onPartialResult), showResult);
    },

    async refine(resultId, method, overrides) {
      const state = get();
      const source = state.results.find((r) => r.id === (resultId ?? state.selectedResultId));
      if (!source) {
        const message = 'Select a result to refine';
        fail(message);
        throw new Error(message);
      }
      const request = buildRequest(state.form, methodOrFail('refinement', method ?? state.form.choice.refinement), overrides);
      return runJob(source.datasetId, request, (jobId, onProgress) => getEngine().refine(jobId, source.id, request, onProgress), showResult);
    },

    async synthesize(method, overrides) {
      const state = get();
      const datasetId = selectedDatasetOrFail('adding tilts to it');
      const request = buildRequest(state.form, methodOrFail('tiltSynthesis', method ?? state.form.choice.tiltSynthesis), overrides);
      const call = (jobId: string, onProgress: ReturnType<typeof progressProxy>) => getEngine().synthesize(jobId, datasetId, request, onProgress);
      return runJob(datasetId, request, call, ({ dataset, groundTruth }) => {
        addDataset(dataset, groundTruth);
        return { id: dataset.id, note: `${dataset.name}: ${dataset.synthesized?.count ?? 0} tilts added, ${dataset.nTilts} in all` };
      });
    },

    async leaveOutTilts(tiltNumbers) {
      const datasetId = selectedDatasetOrFail('leaving out tilts');
      try {
        const { dataset, groundTruth } = await getEngine().withoutTilts(datasetId, tiltNumbers);
        addDataset(dataset, groundTruth);
        return dataset.id;
      } catch (error) {
        fail(errorMessage(error));
        throw error;
      }
    },

    cancelRun() {
      const job = get().job;
      if (!job || job.cancelling) return;
      set({ job: { ...job, cancelling: true, progress: { ...job.progress, message: 'Cancelling…' } } });
      void getEngine()
        .cancel(job.jobId)
        .catch((error: unknown) => fail(`Could not cancel: ${errorMessage(error)}`));
    },

    selectResult(id) {
      // A result of another data set brings its data set along, so the header and the views agree.
      const datasetId = get().results.find((r) => r.id === id)?.datasetId;
      if (datasetId && datasetId !== get().selectedDatasetId) get().selectDataset(datasetId);
      set({ selectedResultId: id });
    },

    async deleteResult(id) {
      const before = get();
      const index = before.results.findIndex((r) => r.id === id);
      if (index < 0) return;
      const remaining = before.results.filter((r) => r.id !== id);
      const nextSelected =
        before.selectedResultId === id ? (remaining[Math.min(index, remaining.length - 1)]?.id ?? null) : before.selectedResultId;
      set((s) => ({ results: remaining, selectedResultId: nextSelected, keepOffers: withoutKeys(s.keepOffers, [id]) }));
      sliceCache.forget(id);
      try {
        await getEngine().deleteResult(id);
      } catch (error) {
        fail(`Could not free the result in the engine: ${errorMessage(error)}`);
      }
    },

    async exportMrc(id) {
      try {
        return await getEngine().exportMrc(id);
      } catch (error) {
        fail(`Export failed: ${errorMessage(error)}`);
        throw error;
      }
    },

    async downloadMrc(id) {
      const fileName = resultFileName(id, 'mrc');
      if (!fileName) return;
      if (!canPickSaveFile()) {
        try {
          downloadBlob(await getEngine().mrcBlob(id), fileName);
        } catch (error) {
          fail(`MRC export failed: ${errorMessage(error)}`);
          throw error;
        }
        return;
      }
      try {
        const file = await pickSaveFile(fileName);
        if (file) await getEngine().writeMrcFile(id, file);
      } catch (error) {
        fail(`MRC export failed: ${errorMessage(error)}`);
        throw error;
      }
    },

    async downloadTiltSeries() {
      const dataset = selectDataset(get());
      if (!dataset) return;
      // The tilt count tells a series from the ones made from it (tilts left out or added).
      const name = (extension: string) => exportFileName(dataset.name, `${dataset.nTilts}tilts`, extension);
      try {
        const { stack, tlt } = await getEngine().tiltSeriesFiles(dataset.id);
        downloadBlob(stack, name('mrc'));
        downloadBlob(new Blob([tlt], { type: 'text/plain' }), name('tlt'));
      } catch (error) {
        fail(`Tilt series export failed: ${errorMessage(error)}`);
        throw error;
      }
    },

    async downloadOmeZarr(id) {
      const folderName = resultFileName(id, 'ome.zarr');
      if (!folderName) return;
      try {
        // Into a folder the user picks where the browser can; otherwise a zip of the same folder, downloaded.
        const parent = canPickFolder() ? await pickFolder() : undefined;
        if (parent === null) return;
        const zip = await getEngine().exportOmeZarr(id, folderName, parent);
        if (zip) downloadBlob(zip, `${folderName}.zip`);
      } catch (error) {
        fail(`OME-Zarr export failed: ${errorMessage(error)}`);
        throw error;
      }
    },

    showError(message) {
      fail(message);
    },
    dismissError() {
      set({ error: null });
    },

    async restoreSession() {
      try {
        const { datasets, results } = await getEngine().restoreSession();
        for (const dataset of datasets) addDataset(dataset, results.find((r) => r.datasetId === dataset.id && r.method === 'ground-truth'));
        for (const restored of [...datasets, ...results]) keptIds.add(restored.id);
        set((s) => ({
          results: results.reduce(upsertResult, s.results),
          selectedResultId: results.at(-1)?.id ?? s.selectedResultId,
          savedSession: [],
        }));
      } catch (error) {
        fail(`Could not restore the previous session: ${errorMessage(error)}`);
      }
    },

    keepOffered(id) {
      keep(id);
    },

    async clearSession() {
      try {
        await getEngine().clearSession();
        keptIds.clear();
        set({ savedSession: [] });
      } catch (error) {
        fail(`Could not clear the saved session: ${errorMessage(error)}`);
      }
    },
  };
});

// Every change of the methods' choices and settings is kept for the next visit.
useAppStore.subscribe((state, previous) => {
  if (state.form !== previous.form) keepForm(state.form);
});

/** The record without the given keys (undefined ones skipped). */
function withoutKeys<T>(record: Record<string, T>, keys: (string | undefined)[]): Record<string, T> {
  if (!keys.some((key) => key !== undefined && key in record)) return record;
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

function mapValues<T>(record: Record<string, T>, f: (value: T, key: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value, key)]));
}

/**
 * How many image files a RELION drop's table names (a folder drop also brings the frame halves' sums and other
 * series' images, which are not loaded); null for a drop without a table, or one whose tables the load will refuse.
 */
async function relionImageCount(files: File[], relionSeries?: string): Promise<number | null> {
  const stars = files.filter((f) => isStarFile(f.name));
  if (stars.length === 0) return null;
  try {
    const series = readRelionTiltSeries(await Promise.all(stars.map(async (f) => ({ name: f.name, text: await f.text() }))), relionSeries);
    return imageFiles(series.images).length;
  } catch {
    return null;
  }
}

/** The same files (name, size, modification time, in any order) at the same binning and tilt axis, with the same series chosen, give the same key. */
function dropKey(files: readonly File[], bin: number, tiltAxis: number, which: DropChoice): string {
  return `${files.map((f) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`).sort().join('\u0001')}\u0001bin ${bin}\u0001axis ${tiltAxis}\u0001series ${which.relionSeries ?? ''}\u0001stack ${which.stack ?? ''}\u0001folder ${which.folder ?? ''}`;
}

/** Selectors used by several components. */
export const selectDataset = (state: AppState): DatasetSummary | null =>
  state.datasets.find((d) => d.id === state.selectedDatasetId) ?? null;
export const selectResult = (state: AppState): ResultSummary | null =>
  state.results.find((r) => r.id === state.selectedResultId) ?? null;
/** The data set the selected result was made from (what a refinement of it refers to). */
export const selectResultDataset = (state: AppState): DatasetSummary | null =>
  state.datasets.find((d) => d.id === selectResult(state)?.datasetId) ?? null;
