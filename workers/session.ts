/**
 * The worker's data sets and results kept for after a reload (io/savedSession.ts: the origin-private file system).
 * The page asks for each new file data set and each finished result to be kept (keep); a result takes its tilt
 * series along (and a simulation's ground truth), since FSC, reprojection and the trust score need them. After a
 * reload the page lists what is there (list) and brings it all back under new ids (restore), or clears it. A trust
 * score computed later is added to its result's saved copy (keepTrust).
 */
import { changeMeta, clearEntries, listEntries, readEntryData, readEntryPieces, removeEntry, saveEntry, type SavedEntry, type SessionFolder, type StorageEstimate } from '../src/io/savedSession.ts';
import { tomogramOf, volumePieces, type Tomogram } from '../src/io/piecedVolume.ts';
import type { TiltSeries, Volume } from '../src/engine/types.ts';
import type { DatasetSummary, ResultSummary, SavedItem } from './api.ts';

interface DatasetMeta {
  summary: DatasetSummary;
  tiltSeries: Omit<TiltSeries, 'data'>;
}

interface ResultMeta {
  summary: ResultSummary;
  /** The saved key of its tilt series. */
  datasetKey: string;
  volume: Omit<Volume, 'data'>;
  /** A tomogram held in pieces (larger than one buffer): each piece's rows along y, in order; saved one after another. */
  pieceRows?: number[];
}

/** What the worker holds, and how it registers what comes back (under new ids). */
export interface SessionHost {
  datasets: ReadonlyMap<string, { summary: DatasetSummary; tiltSeries: TiltSeries }>;
  results: ReadonlyMap<string, { summary: ResultSummary; volume: Tomogram }>;
  restoreDataset(summary: DatasetSummary, tiltSeries: TiltSeries): DatasetSummary;
  restoreResult(summary: ResultSummary, volume: Tomogram): ResultSummary;
}

/** The OPFS folder the session is kept in. */
const FOLDER = 'wedgelab-session';

async function openSessionFolder(): Promise<SessionFolder> {
  const root = await navigator.storage.getDirectory();
  return (await root.getDirectoryHandle(FOLDER, { create: true })) as unknown as SessionFolder;
}

export class SessionKeeper {
  /** Worker id → saved key, for everything this page has kept or restored (not offered again). */
  private readonly keys = new Map<string, string>();
  /** Saves under way, by worker id. */
  private readonly pending = new Map<string, Promise<void>>();
  private folderPromise: Promise<SessionFolder> | null = null;

  /** `openFolder` and `estimate`: the browser's OPFS folder and storage estimate unless given (tests give others). */
  constructor(
    private readonly host: SessionHost,
    private readonly openFolder: () => Promise<SessionFolder> = openSessionFolder,
    private readonly estimate: StorageEstimate = () => navigator.storage.estimate(),
  ) {}

  private folder(): Promise<SessionFolder> {
    this.folderPromise ??= this.openFolder().catch((error: unknown) => {
      throw new Error(`nothing is kept for after a reload: this browser gives the page no private storage (${(error as Error).message})`, { cause: error });
    });
    this.folderPromise.catch(() => (this.folderPromise = null));
    return this.folderPromise;
  }

  /**
   * Keep a data set, or a complete result with its data set; a NotSavedError says why one was not kept. Calls for
   * the same id while one is under way share it (two results of one series arriving together save it once).
   */
  keep(id: string): Promise<void> {
    if (this.keys.has(id)) return Promise.resolve();
    let pending = this.pending.get(id);
    if (!pending) {
      pending = (this.host.datasets.has(id) ? this.keepDataset(id) : this.keepResult(id)).finally(() => this.pending.delete(id));
      this.pending.set(id, pending);
    }
    return pending;
  }

  private async keepResult(id: string): Promise<void> {
    const result = this.host.results.get(id);
    if (!result) throw new Error(`no data set or result with id ${id}`);
    if (result.summary.partial) return; // a run still filling, or stopped: not kept
    const { datasetId } = result.summary;
    // Its series is kept first (a ground truth is kept by its series' own save, which has set the key by then).
    if (!this.keys.has(datasetId)) await this.keep(datasetId);
    const { nx, ny, nz, pixelSize } = result.volume;
    const pieces = volumePieces(result.volume).map((piece) => piece.volume);
    const meta: ResultMeta = { summary: result.summary, datasetKey: this.keys.get(datasetId) ?? '', volume: { nx, ny, nz, pixelSize } };
    if (pieces.length > 1) meta.pieceRows = pieces.map((piece) => piece.ny);
    await this.save(id, 'result', result.summary.label, meta, pieces.map((piece) => piece.data));
  }

  /**
   * A kept result's trust score, computed after it was kept, goes into its saved description, so that a restored
   * result shows it without computing it again. Only the score: the saved summary keeps the ids it was saved under,
   * which the restore maps (a refinement's source). Nothing for a result that is not kept.
   */
  async keepTrust(id: string): Promise<void> {
    await this.pending.get(id)?.catch(() => undefined);
    const key = this.keys.get(id);
    const trust = this.host.results.get(id)?.summary.trust;
    if (!key || !trust) return;
    await changeMeta<ResultMeta>(await this.folder(), key, (meta) => ({ ...meta, summary: { ...meta.summary, trust } }));
  }

  private async keepDataset(id: string): Promise<void> {
    const dataset = this.host.datasets.get(id);
    if (!dataset) throw new Error(`no tilt series with id ${id}`);
    const { data, ...tiltSeries } = dataset.tiltSeries;
    const meta: DatasetMeta = { summary: dataset.summary, tiltSeries };
    await this.save(id, 'dataset', dataset.summary.name, meta, data);
    // A simulation's ground truth goes with it, so scoring against it works after a restore too.
    const truth = [...this.host.results.values()].find((r) => r.summary.datasetId === id && r.summary.method === 'ground-truth');
    if (truth) await this.keep(truth.summary.id);
  }

  private async save(id: string, kind: SavedEntry['kind'], name: string, meta: DatasetMeta | ResultMeta, data: Float32Array | readonly Float32Array[]): Promise<void> {
    const key = crypto.randomUUID();
    await saveEntry(await this.folder(), { key, kind, name, savedAt: Date.now(), meta }, data, this.estimate);
    this.keys.set(id, key);
  }

  /** What an earlier page kept and this one has not restored. */
  async list(): Promise<SavedItem[]> {
    const mine = new Set(this.keys.values());
    return (await listEntries(await this.folder()))
      .filter((e) => !mine.has(e.key))
      .map(({ key, kind, name, bytes, savedAt }) => ({ key, kind, name, bytes, savedAt }));
  }

  /** Bring back everything listed: the tilt series, then their results (a refinement's source remapped). */
  async restore(): Promise<{ datasets: DatasetSummary[]; results: ResultSummary[] }> {
    const folder = await this.folder();
    const mine = new Set(this.keys.values());
    const entries = (await listEntries(folder)).filter((e) => !mine.has(e.key));
    const datasetIds = new Map<string, string>();
    const resultIds = new Map<string, string>();
    const datasets: DatasetSummary[] = [];
    const results: ResultSummary[] = [];
    const newIds = new Map<string, string>();
    for (const entry of entries.filter((e) => e.kind === 'dataset') as SavedEntry<DatasetMeta>[]) {
      const summary = this.host.restoreDataset(entry.meta.summary, { ...entry.meta.tiltSeries, data: await readEntryData(folder, entry) });
      datasetIds.set(entry.key, summary.id);
      newIds.set(entry.meta.summary.id, summary.id);
      this.keys.set(summary.id, entry.key);
      datasets.push(summary);
    }
    // A family is named by its first data set's id, which the restore has just changed (or which was not kept):
    // the old id could now name an unrelated data set.
    for (const summary of datasets) summary.familyId = newIds.get(summary.familyId) ?? summary.id;
    for (const entry of entries.filter((e) => e.kind === 'result') as SavedEntry<ResultMeta>[]) {
      const datasetId = datasetIds.get(entry.meta.datasetKey) ?? [...this.keys].find(([, key]) => key === entry.meta.datasetKey)?.[0];
      if (!datasetId) continue; // its tilt series was cleared: nothing to show it against
      const { sourceId, ...saved } = entry.meta.summary;
      const source = sourceId && resultIds.get(sourceId);
      const summary = this.host.restoreResult({ ...saved, datasetId, ...(source && { sourceId: source }) }, await readTomogram(folder, entry));
      resultIds.set(entry.meta.summary.id, summary.id);
      this.keys.set(summary.id, entry.key);
      results.push(summary);
    }
    // A ground truth imported after its series was kept (the series' saved summary predates it) scores it again.
    for (const truth of results.filter((r) => r.method === 'ground-truth')) {
      const dataset = datasets.find((d) => d.id === truth.datasetId);
      if (dataset) dataset.hasGroundTruth = true;
    }
    return { datasets, results };
  }

  /** A deleted result is not offered again after a reload. */
  async forget(id: string): Promise<void> {
    const key = this.keys.get(id);
    if (!key) return;
    this.keys.delete(id);
    await removeEntry(await this.folder(), key);
  }

  /** Remove everything kept, this page's too (what is open stays open). */
  async clear(): Promise<void> {
    await clearEntries(await this.folder());
    this.keys.clear();
  }
}

/** A saved result's tomogram: one array, or the pieces it was saved in (each nx × rows × nz, in y order). */
async function readTomogram(folder: SessionFolder, entry: SavedEntry<ResultMeta>): Promise<Tomogram> {
  const { volume, pieceRows = [volume.ny] } = entry.meta;
  const data = await readEntryPieces(folder, entry, pieceRows.map((rows) => volume.nx * rows * volume.nz));
  return tomogramOf(pieceRows.map((rows, k) => ({ ...volume, ny: rows, data: data[k] })));
}
