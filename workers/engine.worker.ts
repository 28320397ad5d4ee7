/**
 * The engine worker: owns the GPU device, the loaded tilt series and the results, and
 * exposes EngineWorkerApi through comlink. Everything heavy happens here, off the UI thread.
 */
import * as Comlink from 'comlink';
import { openGpu, type GpuContext } from '../src/engine/gpu/device.ts';
import { reconstruct } from '../src/engine/methods/index.ts';
import { forwardProjectGpu } from '../src/engine/methods/projection.ts';
import { DEMO_DEFAULTS, DEMO_DEFAULTS_SOFTWARE_GPU, simulateTiltSeries } from '../src/engine/sim/simulate.ts';
import { CancelledError, type TiltSeries, type Volume } from '../src/engine/types.ts';
import { downsampleVolume, percentiles, pyramidFactor, volumeSlice, volumeStats } from '../src/engine/volume.ts';
import { writeMrc } from '../src/io/mrc.ts';
import { readTiltSeriesFiles } from '../src/io/tiltSeriesFiles.ts';
import type { DatasetSummary, DemoOptions, DisplayVolume, EngineWorkerApi, GpuInfo, MethodRequest, ResultSummary, Slice, SliceAxis } from './api.ts';

interface Dataset {
  summary: DatasetSummary;
  tiltSeries: TiltSeries;
}

interface Result {
  summary: ResultSummary;
  volume: Volume;
}

const datasets = new Map<string, Dataset>();
const results = new Map<string, Result>();
const jobs = new Map<string, AbortController>();
let gpuPromise: Promise<GpuContext> | null = null;
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

function addDataset(summary: Omit<DatasetSummary, 'id' | 'angleMin' | 'angleMax' | 'nx' | 'ny' | 'nTilts' | 'tiltAngles' | 'pixelSize'>, ts: TiltSeries): DatasetSummary {
  const full: DatasetSummary = {
    ...summary,
    id: nextId('d'),
    nx: ts.nx,
    ny: ts.ny,
    nTilts: ts.nTilts,
    pixelSize: ts.pixelSize,
    tiltAngles: ts.tiltAngles,
    angleMin: Math.min(...ts.tiltAngles),
    angleMax: Math.max(...ts.tiltAngles),
  };
  datasets.set(full.id, { summary: full, tiltSeries: ts });
  return full;
}

function addResult(fields: Omit<ResultSummary, 'id' | 'nx' | 'ny' | 'nz' | 'pixelSize' | 'stats'>, volume: Volume): ResultSummary {
  const summary: ResultSummary = {
    ...fields,
    id: nextId('r'),
    nx: volume.nx,
    ny: volume.ny,
    nz: volume.nz,
    pixelSize: volume.pixelSize,
    stats: volumeStats(volume.data),
  };
  results.set(summary.id, { summary, volume });
  return summary;
}

/** Slices cross the worker boundary by transfer: the copy made for the slice is handed over, not cloned again. */
function transferSlice(slice: Slice): Slice {
  return Comlink.transfer(slice, [slice.data.buffer]);
}

const api: EngineWorkerApi = {
  async init(): Promise<GpuInfo> {
    const g = await gpu();
    return {
      vendor: g.vendor,
      architecture: g.architecture,
      description: g.description,
      isFallbackAdapter: g.isFallbackAdapter,
      maxBufferSize: g.limits.maxBufferSize,
      maxStorageBufferBindingSize: g.limits.maxStorageBufferBindingSize,
    };
  },

  async loadFiles(files: File[]): Promise<DatasetSummary> {
    const named = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const loaded = readTiltSeriesFiles(named);
    return addDataset(
      {
        name: `${loaded.stackName} + ${loaded.angleName}`,
        source: 'file',
        mode: loaded.mode,
        dtype: loaded.dtype === 'uint8' && loaded.mode === 0 ? 'uint8 (IMOD)' : loaded.dtype,
        stats: loaded.stats,
        hasGroundTruth: false,
        warnings: loaded.warnings,
      },
      loaded.tiltSeries,
    );
  },

  async loadDemo(options: Partial<DemoOptions> = {}) {
    const g = await gpu();
    const sim = { ...(g.isFallbackAdapter ? DEMO_DEFAULTS_SOFTWARE_GPU : DEMO_DEFAULTS), ...options };
    const started = performance.now();
    const { groundTruth, tiltSeries } = await simulateTiltSeries(sim, (volume, angles) => forwardProjectGpu(g, volume, angles));
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
    const truth = addResult(
      { datasetId: dataset.id, method: 'ground-truth', label: 'Ground truth', params: null, elapsedMs: performance.now() - started },
      groundTruth,
    );
    return { dataset, groundTruth: truth };
  },

  async getTilt(datasetId: string, index: number): Promise<Slice> {
    const { tiltSeries: ts } = datasetOf(datasetId);
    if (!Number.isInteger(index) || index < 0 || index >= ts.nTilts) throw new Error(`tilt ${index} is outside 0–${ts.nTilts - 1}`);
    const plane = ts.nx * ts.ny;
    return transferSlice({ width: ts.nx, height: ts.ny, data: ts.data.slice(index * plane, (index + 1) * plane) });
  },

  async run(jobId: string, datasetId: string, request: MethodRequest, onProgress): Promise<ResultSummary> {
    const dataset = datasetOf(datasetId);
    const controller = new AbortController();
    jobs.set(jobId, controller);
    const started = performance.now();
    try {
      const g = await gpu();
      const out = await reconstruct(g, dataset.tiltSeries, request, { signal: controller.signal, onProgress: (p) => void onProgress(p) });
      return addResult(
        { datasetId, method: request.method, label: out.label, params: out.params, elapsedMs: performance.now() - started, residuals: out.residuals },
        out.volume,
      );
    } catch (error) {
      if (error instanceof CancelledError) throw new Error('Cancelled: the run was stopped by the user; nothing was kept', { cause: error });
      throw error;
    } finally {
      jobs.delete(jobId);
    }
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
    const shown = downsampleVolume(volume, factor);
    // At full resolution the result's own array is copied, never handed over: the worker keeps it.
    const data = factor === 1 ? shown.data.slice() : shown.data;
    const out: DisplayVolume = { nx: shown.nx, ny: shown.ny, nz: shown.nz, data, factor, fullSize: [volume.nx, volume.ny, volume.nz], pixelSize: shown.pixelSize };
    return Comlink.transfer(out, [data.buffer]);
  },

  async percentiles(resultId: string, ps: number[]): Promise<number[]> {
    return percentiles(resultOf(resultId).volume.data, ps);
  },

  async exportMrc(resultId: string): Promise<Uint8Array> {
    const { summary, volume } = resultOf(resultId);
    const dataset = datasets.get(summary.datasetId);
    const bytes = writeMrc(volume, { labels: [summary.label, `from ${dataset?.summary.name ?? 'unknown tilt series'}`] });
    return Comlink.transfer(bytes, [bytes.buffer]);
  },

  deleteResult(resultId: string): void {
    results.delete(resultId);
  },
};

Comlink.expose(api);
