/**
 * The contract between the UI and the engine worker (exposed with comlink).
 * Only plain, structured-cloneable data crosses it. The worker owns the tilt series and
 * results; the UI asks for what it draws (one tilt, one slice), so large volumes are
 * never copied wholesale into the page.
 */
import type { MethodName, MethodParams, RequestOf } from '../src/engine/methods/registry.ts';
import type { ModelChoice, ModelFamily } from '../src/engine/methods/modelChoice.ts';
import type { Progress } from '../src/engine/types.ts';
import type { Polarity } from '../src/engine/polarity.ts';
import type { DarkTiltHint } from '../src/engine/darkTilts.ts';
import type { EnginePath } from '../src/engine/context.ts';
import type { EngineChoice } from '../src/engine/enginePath.ts';
import type { OddEvenReport, OddEvenSplit } from '../src/engine/evaluation/oddEven.ts';
import type { FrameHalf } from '../src/io/relionStar.ts';
import type { Astigmatism } from '../src/io/types.ts';
import type { TrustReport } from '../src/engine/evaluation/trust.ts';
import type { FscCurves } from '../src/engine/metrics/fsc.ts';
import type { TiltAgreement } from '../src/engine/metrics/crossValidation.ts';
import type { SimulationOptions as DemoOptions } from '../src/engine/sim/index.ts';
import type { SliceAxis } from '../src/engine/volume.ts';
import type { ThicknessSuggestion } from '../src/engine/thickness.ts';
import type { Microscope } from '../src/engine/ctf.ts';
import type { PhaseFlipOptions } from '../src/engine/phaseFlip.ts';
import type { ThonRings } from '../src/engine/thonRings.ts';
import type { ZarrFolder } from '../src/io/zarrFolder.ts';

export type { CommonParams } from '../src/engine/methods/common.ts';
export type { MethodName, MethodParams, MethodRequest, RequestOf } from '../src/engine/methods/registry.ts';
export type { ModelChoice, ModelFamily } from '../src/engine/methods/modelChoice.ts';

/** Options of the simulated demo: the simulator's own options. */
export type { PhantomName, SimulationOptions as DemoOptions } from '../src/engine/sim/index.ts';
export type { OddEvenSplit };
export interface DatasetSummary {
  id: string;
  /** File name(s) or "Simulated demo (…)". */
  name: string;
  source: 'file' | 'demo';
  nx: number;
  ny: number;
  nTilts: number;
  /** MRC mode of the stack, or null for simulated data. */
  mode: number | null;
  /** Human readable data type, e.g. "uint8 (IMOD)", "int16", "float32". */
  dtype: string;
  /** Å per pixel; 0 when unknown. */
  pixelSize: number;
  tiltAngles: number[];
  angleMin: number;
  angleMax: number;
  /** min, max, mean of the stack's data. */
  stats: { min: number; max: number; mean: number };
  /** Which way its contrast runs (engine/polarity.ts, read at load): what a learned method's 'auto' contrast follows. */
  contrast: { polarity: Polarity; skewness: number };
  /** True when a ground-truth volume exists in the worker: simulated data, or a ground truth imported (importTomogram). */
  hasGroundTruth: boolean;
  /** Non-fatal remarks: header statistics wrong, angle file pixel size ignored, … */
  warnings: string[];
  /**
   * A stack binned as it was read (the load's `bin` > 1): bin × bin pixel blocks averaged, edge pixels that do not
   * fill a block dropped; originalNx × originalNy is the size in the file. Absent when loaded as stored.
   */
  loadBinning?: { bin: number; originalNx: number; originalNy: number };
  /**
   * Values read from the series' side files (.mdoc, .xf, .aln, .tlt), each with where it came from (e.g.
   * "TS_01.mrc.mdoc line 8"), for the data panel. Empty for simulated data.
   */
  metadata: { label: string; value: string; source: string }[];
  /** IMOD's tilt.com THICKNESS in this data set's pixels (binned at load), which the form offers; absent without one. */
  imodThickness?: { value: number; source: string };
  /**
   * The specimen's thickness AreTomo measured (its .aln's `# Thickness`) in this data set's pixels, and the tomogram
   * thickness the form offers for it: with the margin of the data's own suggestion (engine/thickness.ts).
   */
  specimenThickness?: { value: number; withMargin: number; source: string };
  /** A pipeline's tomograms of the series that came in its drop, by file name (io/stackGroups.ts tomogramsBeside): the page offers them. */
  tomogramsBeside?: string[];
  /** Its two half tomograms (even and odd; io/stackGroups.ts tomogramHalvesBeside), both in its drop: the page offers them as a pair. */
  tomogramHalvesBeside?: [string, string];
  /** IMOD's tilt.com RADIAL filter in cycles per pixel of this data set (binned at load), which FBP's form offers. */
  imodRadial?: { cutoff: number; falloff: number; source: string };
  /**
   * Where every tilt's sums of its even and of its odd movie frames are named, when they were dropped with the
   * series (a RELION table's rlnMicrographNameEven/Odd, or STEM_EVN / STEM_ODD stacks): the odd/even FSC can halve by frame. The files stay where
   * they were dropped and are read when asked, so this is absent after a reload.
   */
  frameHalves?: string;
  /**
   * The loaded or simulated data set this one was made from by leaving out or adding tilts, followed back to the
   * start (its own id for a loaded or simulated one): the same specimen, so results of one family compare side by side.
   */
  familyId: string;
  /**
   * A series made by leaving tilts out (once or in turn): the series as loaded (`from`, `nTilts` tilts), the number
   * each of this one's tilts has there (`loadedNumbers`, in stack order) and every tilt left out on the way, all
   * numbered as loaded: the numbers `--exclude-tilts` and `wedgelab info` use. Absent for any other series.
   */
  tiltsLeftOut?: { from: string; nTilts: number; loadedNumbers: number[]; tilts: { number: number; angle: number }[] };
  /** Tilts that look dark by their means (engine/darkTilts.ts), for the tilt preview to point out; read at load. */
  darkTilts: DarkTiltHint[];
  /**
   * Per tilt, stack order, where the series has them: e/Å² before each tilt, µm under focus (its CTF estimate), its
   * astigmatism (io/types.ts, in the tilt as aligned) and a phase plate's shift (rad), for the tilt preview to show;
   * and the column whose defocus the estimate gives (TiltSeries.defocusColumn), for what a flip can change.
   */
  accumulatedDose?: number[];
  defocus?: number[];
  astigmatism?: Astigmatism;
  phaseShift?: number[];
  defocusColumn?: number[];
  /** Why FBP/SIRT cannot weight this series by dose (no doses, no pixel size, …); null when they can. */
  doseWeightingUnavailable: string | null;
  /**
   * For a series with a defocus (a CTF estimate came with it): why it cannot be phase flipped (engine/phaseFlip.ts),
   * or null when it can. Absent without a defocus, and for a series already phase flipped.
   */
  phaseFlipUnavailable?: string | null;
  /** With phaseFlipUnavailable: the microscope the flip uses unless given Cs and Q (its files' values, else 2.7 mm and 0.07). */
  phaseFlipMicroscope?: Microscope;
  /**
   * Why this stack's tilt means should be subtracted (a mean far from 0: engine/methods/preprocess.ts offsetWarning,
   * read at load), or null: the form shows it while "Subtract tilt means" is unticked.
   */
  offset: string | null;
  /**
   * A series with synthesised tilts: the last `count` tilts in stack order were made by `label` from data set
   * `sourceId`, with `request` (complete parameters), which the trust score runs again on the measured tilts.
   */
  synthesized?: { count: number; label: string; sourceId: string; request: RequestOf<'tiltSynthesis'> };
}

export interface ResultSummary {
  id: string;
  datasetId: string;
  /** 'imported': a tomogram brought in from a file (importTomogram), as a ground truth may be too. */
  method: MethodName | 'ground-truth' | 'difference' | 'imported';
  /** E.g. "FBP (hann, thickness 64, bin 1)". */
  label: string;
  params: MethodParams | null;
  /**
   * Whether the tilt angles were negated for the tomogram (a reconstruction's invertAngles; a refinement and a
   * difference inherit it): the measured region and reprojections follow the angles as they were used.
   */
  invertAngles: boolean;
  /** A refinement's input, another result of the same data set. */
  sourceId?: string;
  nx: number;
  ny: number;
  nz: number;
  pixelSize: number;
  stats: { min: number; max: number; mean: number; std: number };
  /** How many pieces of rows the tomogram is held in, past the engine's piece limit (docs/loading.md); absent for one array. */
  pieces?: number;
  elapsedMs: number;
  /** SIRT: relative reprojection residual ‖b − A·x‖/‖b‖ after each iteration. */
  residuals?: number[];
  /** Coordinate network: training loss per step, all slabs in turn. */
  loss?: number[];
  /**
   * A tomogram brought in from a file (importTomogram): its name, the tilts' binning it matches, and how it was read
   * (layout, axes reversed, the correlations that chose them, remarks), in words.
   */
  imported?: { file: string; binning: number; reading: string };
  /**
   * Set while a slab-by-slab method (the coordinate network) is still filling the result, or when
   * its run stopped part way: rows 0 … rowsDone − 1 along y (the tilt axis) are fitted, the rest are 0.
   * Absent on a complete result.
   */
  partial?: PartialState;
  /** The result's trust score against FBP, once computed (trust()); absent before. */
  trust?: TrustSummary;
}

/** A trust score (docs/trust.md): the engine's report, with the held-out spec it was computed for. */
export interface TrustSummary extends TrustReport {
  heldOutSpec: string;
}

export interface PartialState {
  rowsDone: number;
  state: 'running' | 'cancelled' | 'failed';
}

/** How loadFiles reads a stack. */
export interface LoadOptions {
  /** Average bin × bin pixel blocks of every tilt as it is read (1, 2, 4 or 8 in the page; default 1). */
  bin?: number;
  /** Degrees from Y, counter-clockwise, of the raw stack's tilt axis: the stack is rotated to put it along Y (default 0). */
  tiltAxis?: number;
  /** Which tilt series to load of a drop that holds several RELION tables. */
  relionSeries?: string;
  /** Which stack to load of a drop that holds several with their angles (a pipeline's output folder). */
  stack?: string;
  /** The folder the files are of, in a drop of several folders whose names repeat: it leads the data set's name. */
  folder?: string;
  /** Makes the load cancellable with cancel(jobId). */
  jobId?: string;
}

/** A load's progress: the share of the stack's sections read, and the file's bytes read so far. */
export interface LoadProgress {
  fraction: number;
  bytesRead: number;
  /** Once the file is read, the step that runs on it, in words (lining a tomogram up: "finding where its content sits"). */
  step?: string;
}

/**
 * The engine the page runs on (docs/cpu.md) and the WebGPU adapter, when there is one: without one, the adapter
 * fields are empty and the limits those of the CPU path.
 */
export interface GpuInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** Whether a WebGPU adapter answered. */
  hasAdapter: boolean;
  /** The path in use, the choice that made it, and the path in words (e.g. "CPU, 8 threads"). */
  engine: EnginePath;
  engineChoice: EngineChoice;
  engineDescription: string;
  /** Without an adapter: why, then what WebGPU would add and how to turn it on; null with one. */
  gpuNote: string | null;
}

export type { SliceAxis };

/** One 2-D section of a volume, x fastest: XY is nx × ny, XZ is nx × nz, YZ is ny × nz (rows along z). */
export interface Slice {
  width: number;
  height: number;
  data: Float32Array;
}

/** A projection binned for display: width × height = floor(nx / binning) × floor(ny / binning). */
export interface TiltPreview extends Slice {
  binning: number;
}

export interface DisplayVolume {
  nx: number;
  ny: number;
  nz: number;
  /** x fastest, z slowest. */
  data: Float32Array;
  /** Each display voxel averages factor³ voxels of the result. */
  factor: number;
  /** Size of the full-resolution result. */
  fullSize: [number, number, number];
  pixelSize: number;
}

/**
 * FSC between two volumes (docs/conventions.md#fsc): the engine's curves (frequencies in cycles/voxel;
 * directional curves when A comes from a tilt series; per-region shell counts, a shell with none
 * has no FSC value there), with labels and resolutions.
 */
export interface FscReport extends FscCurves {
  labelA: string;
  labelB: string;
  /** First crossings below 0.143 and 0.5 in cycles/voxel, null if none. */
  res0143: number | null;
  res05: number | null;
  /** Å per voxel (0 = unknown): resolution in Å is pixelSize / frequency. */
  pixelSize: number;
}

/** Scores of a result against the ground truth of its simulated tilt series. */
export interface GroundTruthScores {
  resultId: string;
  label: string;
  /** After the affine fit x' = αx + β of the result to the ground truth. */
  psnr: number;
  /** The PSNR's error split by the wedge cone (docs/conventions.md#psnr-by-side-of-the-wedge); null without tilt angles. */
  psnrWedge: number | null;
  psnrWedgeMissing: number | null;
  /** Null when a dimension is below SSIM's 11-voxel window. */
  ssim: number | null;
  fsc: FscReport;
}

export type FourierPlane = 'kx-kz' | 'kx-ky' | 'ky-kz';

/** A central section of |F| (log10(1 + |F|)), zero frequency at the centre pixel (width/2, height/2). */
export interface FourierSection {
  plane: FourierPlane;
  width: number;
  height: number;
  data: Float32Array;
  /** Frequency step per pixel along width and height, in cycles/voxel (1/n of the axis). */
  step: [number, number];
  pixelSize: number;
  /** Tilt angles of the result's tilt series (degrees), for the measured planes and wedge overlay; empty if none. */
  tiltAngles: number[];
}

export interface HeldOutView {
  index: number;
  angle: number;
  nmse: number;
  corr: number;
  measured: Slice;
  predicted: Slice;
}

export interface CrossValidationSummary {
  label: string;
  scores: HeldOutView[];
  meanNmse: number;
  meanCorr: number;
  /** Held out "each" (every tilt in turn): how each agrees with the others, beside its neighbours (scores' order). */
  agreement?: TiltAgreement;
}

/** Odd/even FSC: the engine's report as it is. */
export type OddEvenSummary = OddEvenReport;

/** A tilt series or result an earlier page kept for after a reload (workers/session.ts), as the page lists it. */
export interface SavedItem {
  key: string;
  kind: 'dataset' | 'result';
  name: string;
  bytes: number;
  /** ms since 1970. */
  savedAt: number;
}

export interface EngineWorkerApi {
  /** Choose the engine's path (docs/cpu.md): the WebGPU device (adapter limits requested) or the CPU pool; never fails for want of WebGPU. */
  init(): Promise<GpuInfo>;
  /** Choose the path again ('gpu' without an adapter is refused with the reason); what runs keeps its path. */
  setEngine(choice: EngineChoice): Promise<GpuInfo>;
  /**
   * Read an MRC stack (.mrc/.st/.ali/.mrcs, optionally .gz) and its side files (angles .tlt/.rawtlt/.mdoc/.aln, an
   * IMOD .xf/.xtilt or AreTomo .aln alignment, applied on the GPU, SerialEM .mdoc metadata): the stack section
   * by section (never the whole file in memory), binned as it is read when options.bin > 1, so a stack of several
   * GB loads as its binned float32 stack. Progress after every section (wrap the callback with comlink.proxy);
   * with options.jobId, cancel(jobId) stops the load, which rejects with a "Cancelled" error and adds nothing.
   * Dark tilts (.aln dark frames, the .mdoc's rule) are left out; other files in the drop are ignored (with a warning),
   * but a stack named as a simulation's ground truth (ground_truth.mrc) is brought in as importTomogram would, or a
   * warning says why it was not.
   */
  loadFiles(files: File[], options?: LoadOptions, onProgress?: (progress: LoadProgress) => void): Promise<{ dataset: DatasetSummary; groundTruth?: ResultSummary }>;
  /**
   * Bring in a tomogram made elsewhere of data set `datasetId`'s series (docs/loading.md#tomograms-made-elsewhere): an
   * MRC volume (or an OME-Zarr folder's finest level, io/omeZarrRead.ts) whose x and y (or x and z, XZY) are the tilts' at a whole binning, read in pieces past the piece limit,
   * its layout and axis directions told from its projections against the tilts (engine/importedTomogram.ts), at
   * their angles negated when `options.invertAngles` (as the results it is compared with were made). As
   * 'ground-truth' it replaces the series' ground truth (a simulation from another simulator: the metrics score
   * against it); as 'tomogram' it is a result like the others ('imported'). An error names the file and the problem,
   * and changes nothing. With options.jobId, cancel(jobId) stops the read. With options.like, the id of a tomogram
   * brought in before from a file of the same size (the other half of a pipeline's half tomograms), it is turned and
   * moved as that one was, at its angles, and nothing is found again.
   */
  importTomogram(
    datasetId: string,
    file: File | ZarrFolder,
    options: { role: 'ground-truth' | 'tomogram'; invertAngles: boolean; jobId?: string; like?: string },
    onProgress?: (progress: LoadProgress) => void,
  ): Promise<{ dataset: DatasetSummary; result: ResultSummary }>;
  /** Simulate the built-in demo tilt series; the ground truth is kept as a result. */
  loadDemo(options?: Partial<DemoOptions>): Promise<{ dataset: DatasetSummary; groundTruth: ResultSummary }>;
  /**
   * Projection `index` of a dataset for a preview at most `maxSide` pixels wide and high: binned (block averages)
   * by the smallest factor that fits, so a 4096² tilt does not cross to the page as 64 MiB.
   */
  getTilt(datasetId: string, index: number, maxSide: number): Promise<TiltPreview>;
  /**
   * Tilt `index`'s Thon rings beside its CTF estimate's at `microscope` (engine/thonRings.ts): both spectra and how
   * well they agree; null where the series has no defocus or pixel size, or the rings lie past Nyquist.
   */
  thonRings(datasetId: string, index: number, microscope: Microscope): Promise<ThonRings | null>;
  /**
   * Run a method; progress arrives through the callback (wrap it with comlink.proxy). Methods that
   * finish the tomogram slab by slab (the coordinate network) also report the result while it fills:
   * `onPartialResult` gets its summary (`partial` set, one id throughout) after every finished slab,
   * and once more, marked cancelled or failed, before run() rejects; a complete run resolves with the
   * same id, `partial` unset. Each report is acknowledged before the next, so they arrive in order.
   */
  run(
    jobId: string,
    datasetId: string,
    request: RequestOf<'reconstruction'>,
    onProgress: (progress: Progress) => void,
    onPartialResult?: (summary: ResultSummary) => void,
  ): Promise<ResultSummary>;
  /**
   * Add a model of a family for this session (a local model: one .onnx of the interface in models/tiny/README.md;
   * a refinement U-Net: its .onnx and card.json; a tilt-synthesis network: encoder.onnx, refiner.onnx, decoder.onnx
   * and card.json). Each part is opened and run once to check it; an error names the file and what is wrong.
   */
  addModel<F extends ModelFamily>(family: F, files: File[]): Promise<ModelChoice<F>>;
  /**
   * Refine a result (tomogram → tomogram, e.g. Gaussian smoothing) into a new result of the same data set,
   * labelled after both ("Gaussian smoothing (σ 1 voxel) ← FBP (…)").
   */
  refine(jobId: string, resultId: string, request: RequestOf<'refinement'>, onProgress: (progress: Progress) => void): Promise<ResultSummary>;
  /**
   * Synthesise tilts (tilt series → tilt series, e.g. reprojection at new angles) into a new data set: the
   * series' tilts, then the new ones. A simulated series' ground truth is kept for the new one.
   */
  synthesize(
    jobId: string,
    datasetId: string,
    request: RequestOf<'tiltSynthesis'>,
    onProgress: (progress: Progress) => void,
  ): Promise<{ dataset: DatasetSummary; groundTruth?: ResultSummary }>;
  /**
   * A new data set: the series without the tilts numbered `tiltNumbers` (from 1, in stack order, as the tilt
   * preview counts them), which its metadata lists with their angles. A simulated series' ground truth is kept
   * for the new one. Throws for a number past the series or when too few tilts would remain.
   */
  withoutTilts(datasetId: string, tiltNumbers: number[]): Promise<{ dataset: DatasetSummary; groundTruth?: ResultSummary }>;
  /**
   * A data set's tilt series as files another program reads: an MRC stack (float32, as loaded: binned, aligned,
   * with tilts left out or added) and its .tlt, one angle a line in stack order.
   */
  tiltSeriesFiles(datasetId: string): Promise<{ stack: Blob; tlt: string }>;
  /** Cancel a running job (or a load); its run() rejects with a "Cancelled" error (a partial result, if any, is kept). */
  cancel(jobId: string): void;
  getSlice(resultId: string, axis: SliceAxis, index: number): Promise<Slice>;
  /**
   * A whole result for 3-D display, averaged down by the smallest integer factor that brings it
   * to at most maxVoxels (the display pyramid); `factor` 1 is full resolution.
   */
  getVolume(resultId: string, maxVoxels: number): Promise<DisplayVolume>;
  /** Values at the given percentiles (0–100) of a result, for contrast. */
  percentiles(resultId: string, percentiles: number[]): Promise<number[]>;
  /** A thickness for a data set's tomograms, from the depth profile of a quick coarse FBP (engine/thickness.ts). */
  suggestThickness(datasetId: string, invertAngles: boolean): Promise<ThicknessSuggestion>;
  /**
   * FSC of two results of the same size; with a jobId it can be cancelled (cancel(jobId)), and onProgress hears
   * its passes (two tomograms' half spectra, then the shell sums).
   */
  fsc(resultIdA: string, resultIdB: string, jobId?: string, onProgress?: (progress: Progress) => void): Promise<FscReport>;
  /**
   * PSNR, SSIM and FSC against the dataset's ground truth; throws for data without one. With a jobId it can be
   * cancelled, and onProgress hears each score's progress.
   */
  groundTruthScores(resultId: string, jobId?: string, onProgress?: (progress: Progress) => void): Promise<GroundTruthScores>;
  /** Central section of the result's 3-D Fourier transform (by the projection-slice theorem: no 3-D transform, nothing cached). */
  fourierSection(resultId: string, plane: FourierPlane): Promise<FourierSection>;
  /** A new result A − B (same size), listed like any other; with `fitB`, B's scale and offset fitted to A's first (differenceOf). */
  difference(resultIdA: string, resultIdB: string, fitB?: boolean): Promise<ResultSummary>;
  /** Forward projection of a result at one angle (degrees), nx × ny. */
  reproject(resultId: string, angle: number): Promise<Slice>;
  /**
   * A data set of the series' sums of only its even or only its odd movie frames (a series with frameHalves, read
   * from the dropped files as the series was), in the series' family; cancellable with cancel(jobId).
   */
  openFrameHalf(jobId: string, datasetId: string, which: FrameHalf, onProgress: (progress: LoadProgress) => void): Promise<DatasetSummary>;
  /**
   * A data set of the series phase flipped for its defocus (engine/phaseFlip.ts; a series whose summary has
   * phaseFlipUnavailable null), as `options` ask (Cs and Q where given, else phaseFlipMicroscope's; the defocus
   * gradient at inverted angles), in the series' family, its frame halves flipped alike; progress by tilts done
   * (bytesRead 0), cancellable with cancel(jobId).
   */
  phaseFlip(jobId: string, datasetId: string, onProgress: (progress: LoadProgress) => void, options?: PhaseFlipOptions): Promise<DatasetSummary>;
  /** Reconstruct two halves, then FSC of the halves: even and odd tilts, or (`split` 'frames', a series with frameHalves) the even and the odd frames' sums. */
  oddEven(jobId: string, datasetId: string, request: RequestOf<'reconstruction'>, onProgress: (progress: Progress) => void, split?: OddEvenSplit): Promise<OddEvenSummary>;
  /**
   * Held-out-tilt cross-validation: `heldOut` is "0" (nearest tilt), "±15" (a pair), "12,-30" (a list)
   * or "every:K"; one reconstruction without them, then predicted vs measured projections. "each": every tilt
   * held out in turn (one reconstruction each), with how each agrees beside its neighbours.
   */
  crossValidate(
    jobId: string,
    datasetId: string,
    request: RequestOf<'reconstruction'>,
    heldOut: string,
    onProgress: (progress: Progress) => void,
  ): Promise<CrossValidationSummary>;
  /**
   * Trust score of a result against FBP (docs/trust.md): what made it (its method with its parameters; for a
   * refinement, its source's reconstruction then the refinement; for a series with synthesised tilts, the same
   * synthesis first) and FBP each run on the measured tilts without the held-out ones (`heldOut` as for
   * crossValidate, default every:4), and their reprojections are compared with the measured tilts per ring.
   * A refinement of a refinement, or of anything but a reconstruction, is refused. Cancelled with cancel(jobId).
   * The score is kept with the result: the summary returned, and every later one, carries it, and asking again
   * for the same held-out tilts returns it without work.
   */
  trust(jobId: string, resultId: string, onProgress: (progress: Progress) => void, heldOut?: string): Promise<ResultSummary>;
  /**
   * The result as MRC bytes (float32, full header, label naming method and parameters), in one array: a result held
   * in pieces is joined; refused, naming the size, where the browser cannot allocate that array.
   */
  exportMrc(resultId: string): Promise<Uint8Array>;
  /** The same MRC written into a file the page picked (showSaveFilePicker), 4 MiB at a time: no copy of the whole file. */
  writeMrcFile(resultId: string, file: FileSystemFileHandle): Promise<void>;
  /**
   * The same MRC as a Blob of 4 MiB pieces, for a download where the page cannot pick a file: never one array of the
   * whole file, so it works for results held in pieces too (docs/loading.md).
   */
  mrcBlob(resultId: string): Promise<Blob>;
  /**
   * The result as an OME-Zarr image (docs/export.md) in a new folder `name` (e.g. 'tilt_fbp.ome.zarr') inside
   * `parent` (a folder the page picked with showDirectoryPicker; refused if `name` is there already), chunk by
   * chunk, resolving null; without `parent`, as a zip of that folder (a Blob) for the page to download.
   */
  exportOmeZarr(resultId: string, name: string, parent?: FileSystemDirectoryHandle): Promise<Blob | null>;
  /**
   * Destroy the GPU device, as a driver reset or a crashed GPU process would: the run in flight
   * fails naming the loss, the data and results stay, and the next job opens a new device.
   * For tests and for checking recovery on a real setup.
   */
  loseDevice(): Promise<void>;
  /**
   * The piece limit (bytes) of the tomograms later runs make (io/piecedVolume.ts, docs/loading.md); null restores
   * the default. For tests: a tiny limit puts a demo-sized result in pieces.
   */
  setPieceBytes(bytes: number | null): void;
  deleteResult(resultId: string): void;
  /**
   * Keep a data set, or a complete result with its data set, in the origin-private file system for after a reload.
   * Rejects with a clear message (the quota is full, …) when it cannot; the data stay open either way.
   */
  keep(id: string): Promise<void>;
  /** What an earlier page kept (and this one has not restored), oldest first. */
  savedSession(): Promise<SavedItem[]>;
  /** Bring all of it back under new ids: the tilt series, then their results. */
  restoreSession(): Promise<{ datasets: DatasetSummary[]; results: ResultSummary[] }>;
  /** Remove everything kept (what is open stays open). */
  clearSession(): Promise<void>;
}
