/**
 * The method-comparison workspace (issue #3): which results are compared, the linked grid view,
 * and the figures computed by the worker (FSC, Fourier sections, odd/even, cross-validation,
 * ground-truth scores, a learned result's trust score). Engine calls go through getEngine(), like the app store's.
 */
import { create } from 'zustand';
import type {
  CrossValidationSummary,
  DatasetSummary,
  FourierPlane,
  FscReport,
  GroundTruthScores,
  OddEvenSplit,
  OddEvenSummary,
  ResultSummary,
  SliceAxis,
} from '../../../workers/api.ts';
import type { Progress } from '../../engine/types.ts';
import { formDescription } from './methodForm.ts';
import { byFamily, toggleSelection } from '../compare/linking.ts';
import { errorMessage, getEngine, isCancellation, progressProxy } from '../engineClient.ts';
import type { VolumeDims, Voxel } from '../viewer/axes.ts';
import { IDENTITY_VIEW, type PanelView } from '../viewer/viewMath.ts';
import { buildRequest } from './methodForm.ts';
import { useAppStore } from './store.ts';
import { upsertResult } from './results.ts';

/** The main area: the viewer (slices or 3D, its own modes) or the comparison. */
export type MainArea = 'viewer' | 'compare';
export type CompareTab = 'grid' | 'fourier' | 'fsc' | 'oddeven' | 'cv' | 'metrics';

/** A voxel together with the size of the volume it belongs to (panels may differ in size). */
export interface LinkedVoxel {
  voxel: Voxel;
  dims: VolumeDims;
}

/** A long worker job of the comparison (FSC, odd/even, cross-validation, trust score) and what it produced. */
export interface EvalJob<T> {
  jobId: string | null;
  /** What runs, e.g. "FBP (cosine), thickness 32". */
  label: string;
  progress: Progress | null;
  cancelling: boolean;
  result: T | null;
  /** What made `result` (a later run's `label` may differ while it runs, or after it failed). */
  resultLabel: string;
  /** The data set `result` is of (the page may have moved on to another since). */
  resultDatasetId: string | null;
  /** "cancelled" or an error message of the last attempt. */
  note: { kind: 'cancelled' | 'failed'; text: string } | null;
}

export type MetricEntry =
  | { status: 'pending' }
  | { status: 'done'; scores: GroundTruthScores }
  | { status: 'failed'; error: string };

export interface CompareState {
  mainArea: MainArea;
  tab: CompareTab;
  /** Result ids in the comparison, in the order picked (2–6 shown in the grid). */
  selection: string[];
  plane: SliceAxis;
  /** Linked cursor of the grid; null = the centre of the first panel. */
  cursor: LinkedVoxel | null;
  /** Linked zoom/pan of the grid. */
  view: PanelView;
  sharedContrast: boolean;
  fourierResultId: string | null;
  fourierPlane: FourierPlane;
  fourierTilts: boolean;
  fourierWedge: boolean;
  fscA: string | null;
  fscB: string | null;
  /** The FSC of the pair fscA|fscB (`key`) computed last, and the one being computed (progress, cancel). */
  fsc: EvalJob<{ key: string; report: FscReport }>;
  /** The FSC of a pipeline's two half tomograms of a data set (addHalvesWithFsc), drawn beside the Odd/even tab's curve for that data set. */
  pipelineHalvesFsc: { datasetId: string; report: FscReport } | null;
  differenceBusy: boolean;
  oddEven: EvalJob<OddEvenSummary>;
  /** How the odd/even FSC halves the data, where the series allows (oddEvenSplitOf): by movie frame, or by tilt. */
  oddEvenSplit: OddEvenSplit;
  heldOut: string;
  cv: EvalJob<CrossValidationSummary>;
  /** The trust score being computed, or last computed, and for which result (the score itself is kept on the result). */
  trust: EvalJob<ResultSummary>;
  trustResultId: string | null;
  /** Ground-truth scores per result id. */
  metrics: Record<string, MetricEntry>;
  /** The ground-truth scoring running now (one result at a time; its label names the result), with progress and cancel. */
  scoring: EvalJob<null>;
}

export interface CompareActions {
  setMainArea(area: MainArea): void;
  setTab(tab: CompareTab): void;
  toggleSelected(id: string): void;
  setSelection(ids: string[]): void;
  setPlane(plane: SliceAxis): void;
  setCursor(cursor: LinkedVoxel | null): void;
  setView(view: PanelView): void;
  setSharedContrast(shared: boolean): void;
  setFourier(patch: Partial<Pick<CompareState, 'fourierResultId' | 'fourierPlane' | 'fourierTilts' | 'fourierWedge'>>): void;
  setFscPair(a: string | null, b: string | null): void;
  computeFsc(): Promise<void>;
  cancelFsc(): void;
  /**
   * A pipeline's two half tomograms of the selected series (the app store's offeredHalves) added beside the results,
   * the second lined up as the first was, and their FSC (the pipeline's own odd/even FSC) shown in the FSC tab and
   * kept for the Odd/even tab to draw beside WedgeLab's.
   */
  addHalvesWithFsc(halves: [File, File]): Promise<void>;
  /** A − B as a new result, listed in the results and added to the comparison; `fitB`: B's scale and offset fitted to A's first. */
  makeDifference(a: string, b: string, fitB: boolean): Promise<ResultSummary | null>;
  setOddEvenSplit(split: OddEvenSplit): void;
  runOddEven(): Promise<void>;
  cancelOddEven(): void;
  setHeldOut(spec: string): void;
  runCrossValidation(): Promise<void>;
  cancelCrossValidation(): void;
  /** The trust score of a learned result against FBP (docs/trust.md), computed once and kept on the result. */
  runTrust(resultId: string): Promise<void>;
  cancelTrust(): void;
  /** Score the given results against the ground truth (one after another, skipping scored ones). */
  computeMetrics(ids: string[], force?: boolean): Promise<void>;
  /** Stop the scoring running now; the results still waiting are left unscored. */
  cancelScoring(): void;
}

export type CompareStore = CompareState & CompareActions;

/** The odd/even FSC's halving: the one chosen, or by tilt where the series has no frame halves. */
export function oddEvenSplitOf(chosen: OddEvenSplit, dataset: Pick<DatasetSummary, 'frameHalves'> | undefined): OddEvenSplit {
  return chosen === 'frames' && dataset?.frameHalves ? 'frames' : 'tilts';
}

/** The odd/even FSC's subject: the Method panel's settings, and the frame halves when it uses them. */
export function oddEvenDescription(formLabel: string, split: OddEvenSplit): string {
  return split === 'frames' ? `${formLabel} · frame halves` : formLabel;
}

const idleJob = <T>(): EvalJob<T> => ({ jobId: null, label: '', progress: null, cancelling: false, result: null, resultLabel: '', resultDatasetId: null, note: null });
let jobCounter = 0;

type EvalKey = 'fsc' | 'oddEven' | 'cv' | 'trust' | 'scoring';

/** Whether a loop of computeMetrics is scoring: a later call only adds its results to the queue it works through. */
let scoringQueue = false;

function describeForm(): { datasetId: string; label: string } | null {
  const app = useAppStore.getState();
  return app.selectedDatasetId ? { datasetId: app.selectedDatasetId, label: formDescription(app.form) } : null;
}

export const useCompareStore = create<CompareStore>()((set, get) => {
  /**
   * Run an evaluation job in the slot `key`, with progress and cancel: by default of the Method panel's settings
   * on the selected data set; `what` names another subject (a result, for its trust score).
   */
  async function runEval<T>(key: EvalKey, start: (jobId: string, datasetId: string, onProgress: (p: Progress) => void) => Promise<T>, what = describeForm()) {
    if (get()[key].jobId) return;
    if (!what) {
      useAppStore.getState().showError('Load a tilt series (or the demo) first');
      return;
    }
    const jobId = startJob(key, what.label);
    try {
      const result = await start(jobId, what.datasetId, progressOf(key, jobId));
      set({ [key]: { ...get()[key], jobId: null, progress: null, cancelling: false, result, resultLabel: what.label, resultDatasetId: what.datasetId, note: null } });
    } catch (error) {
      const cancelled = isCancellation(error);
      set({
        [key]: {
          ...get()[key],
          jobId: null,
          progress: null,
          cancelling: false,
          note: cancelled ? { kind: 'cancelled', text: 'Cancelled; the previous figure (if any) is kept' } : { kind: 'failed', text: errorMessage(error) },
        },
      });
    }
  }

  /** A new job in the slot `key` (what it kept from before stays), its id. */
  function startJob(key: EvalKey, label: string): string {
    const jobId = `${key}-${++jobCounter}-${Date.now().toString(36)}`;
    set({ [key]: { ...get()[key], jobId, label, progress: { fraction: 0, message: 'Starting…' }, cancelling: false, note: null } });
    return jobId;
  }

  /** The job's progress into its slot, while it is the slot's job ("Cancelling…" once asked to stop). */
  function progressOf(key: EvalKey, jobId: string): (progress: Progress) => void {
    return progressProxy((progress: Progress) => {
      const job = get()[key];
      if (job.jobId !== jobId) return;
      set({ [key]: { ...job, progress: job.cancelling ? { ...progress, message: 'Cancelling…' } : progress } });
    });
  }

  function cancelEval(key: EvalKey): void {
    const job = get()[key];
    if (!job.jobId || job.cancelling) return;
    set({ [key]: { ...job, cancelling: true, progress: job.progress ? { ...job.progress, message: 'Cancelling…' } : null } });
    void getEngine()
      .cancel(job.jobId)
      .catch((error: unknown) => useAppStore.getState().showError(`Could not cancel: ${errorMessage(error)}`));
  }

  return {
    mainArea: 'viewer',
    tab: 'grid',
    selection: [],
    plane: 'xy',
    cursor: null,
    view: { ...IDENTITY_VIEW },
    sharedContrast: false,
    fourierResultId: null,
    fourierPlane: 'kx-kz',
    fourierTilts: true,
    fourierWedge: true,
    fscA: null,
    fscB: null,
    fsc: idleJob(),
    pipelineHalvesFsc: null,
    differenceBusy: false,
    oddEven: idleJob(),
    // Frame halves where there are some: the same tilts with independent noise, the better measure of the noise.
    oddEvenSplit: 'frames',
    heldOut: '±15',
    cv: idleJob(),
    trust: idleJob(),
    trustResultId: null,
    metrics: {},
    scoring: idleJob(),

    setMainArea(mainArea) {
      set({ mainArea });
    },
    setTab(tab) {
      set({ tab });
    },
    toggleSelected(id) {
      const { results, datasets } = useAppStore.getState();
      set((s) => ({ selection: toggleSelection(s.selection, id, byFamily(results, datasets)) }));
    },
    setSelection(ids) {
      set({ selection: ids });
    },
    setPlane(plane) {
      set({ plane });
    },
    setCursor(cursor) {
      set({ cursor });
    },
    setView(view) {
      set({ view });
    },
    setSharedContrast(sharedContrast) {
      set({ sharedContrast });
    },
    setFourier(patch) {
      set(patch);
    },
    setFscPair(fscA, fscB) {
      set((s) => ({ fscA, fscB, fsc: { ...s.fsc, note: null } }));
    },

    async addHalvesWithFsc([first, second]) {
      const { importTomogram, selectedDatasetId: datasetId } = useAppStore.getState();
      const a = await importTomogram(first, 'tomogram');
      const b = await importTomogram(second, 'tomogram', a);
      set((s) => ({ fscA: a, fscB: b, fsc: { ...s.fsc, note: null }, mainArea: 'compare', tab: 'fsc' }));
      await get().computeFsc();
      const shown = get().fsc.result;
      if (datasetId && shown?.key === `${a}|${b}`) set({ pipelineHalvesFsc: { datasetId, report: shown.report } });
    },

    computeFsc() {
      const { fscA, fscB } = get();
      const results = useAppStore.getState().results;
      const [a, b] = [fscA, fscB].map((id) => results.find((r) => r.id === id));
      if (!a || !b) return Promise.resolve();
      const key = `${a.id}|${b.id}`;
      return runEval('fsc', async (jobId, _datasetId, onProgress) => ({ key, report: await getEngine().fsc(a.id, b.id, jobId, onProgress) }), {
        datasetId: a.datasetId,
        label: `FSC of ${a.label} and ${b.label}`,
      });
    },
    cancelFsc() {
      cancelEval('fsc');
    },

    async makeDifference(a, b, fitB) {
      set({ differenceBusy: true });
      try {
        const result = await getEngine().difference(a, b, fitB);
        // The app store has no "add result" action; results are plain data, so append it here.
        useAppStore.setState((s) => ({ results: [...s.results.filter((r) => r.id !== result.id), result] }));
        set((s) => {
          const kept = s.selection.filter((id) => id !== result.id);
          return { selection: [...kept.slice(Math.max(0, kept.length - 5)), result.id] };
        });
        return result;
      } catch (error) {
        useAppStore.getState().showError(`Difference failed: ${errorMessage(error)}`);
        return null;
      } finally {
        set({ differenceBusy: false });
      }
    },

    setOddEvenSplit(oddEvenSplit) {
      set({ oddEvenSplit });
    },
    runOddEven() {
      const app = useAppStore.getState();
      const request = buildRequest(app.form, app.form.choice.reconstruction);
      const split = oddEvenSplitOf(get().oddEvenSplit, app.datasets.find((d) => d.id === app.selectedDatasetId));
      const form = describeForm();
      const what = form && { ...form, label: oddEvenDescription(form.label, split) };
      return runEval('oddEven', (jobId, datasetId, onProgress) => getEngine().oddEven(jobId, datasetId, request, onProgress, split), what);
    },
    cancelOddEven() {
      cancelEval('oddEven');
    },
    setHeldOut(heldOut) {
      set({ heldOut });
    },
    runCrossValidation() {
      const request = buildRequest(useAppStore.getState().form, useAppStore.getState().form.choice.reconstruction);
      const spec = get().heldOut;
      return runEval('cv', (jobId, datasetId, onProgress) => getEngine().crossValidate(jobId, datasetId, request, spec, onProgress));
    },
    cancelCrossValidation() {
      cancelEval('cv');
    },
    runTrust(resultId) {
      const result = useAppStore.getState().results.find((r) => r.id === resultId);
      if (!result || get().trust.jobId) return Promise.resolve();
      set({ trustResultId: resultId });
      return runEval(
        'trust',
        async (jobId, _datasetId, onProgress) => {
          const scored = await getEngine().trust(jobId, resultId, onProgress);
          // The score travels with the result; a result deleted meanwhile stays deleted.
          useAppStore.setState((s) => (s.results.some((r) => r.id === resultId) ? { results: upsertResult(s.results, scored) } : {}));
          return scored;
        },
        { datasetId: result.datasetId, label: result.label },
      );
    },
    cancelTrust() {
      cancelEval('trust');
    },

    async computeMetrics(ids, force = false) {
      const todo = ids.filter((id) => {
        const entry = get().metrics[id];
        return force ? entry?.status !== 'pending' : !entry;
      });
      if (todo.length === 0) return;
      set((s) => ({ metrics: { ...s.metrics, ...Object.fromEntries(todo.map((id) => [id, { status: 'pending' } as MetricEntry])) } }));
      if (scoringQueue) return;
      scoringQueue = true;
      try {
        const nextPending = () => Object.entries(get().metrics).find(([, entry]) => entry.status === 'pending')?.[0];
        for (let id = nextPending(); id !== undefined; id = nextPending()) {
          const result = useAppStore.getState().results.find((r) => r.id === id);
          const jobId = startJob('scoring', `Scoring ${result?.label ?? 'a result'} against the ground truth`);
          let entry: MetricEntry;
          try {
            entry = { status: 'done', scores: await getEngine().groundTruthScores(id, jobId, progressOf('scoring', jobId)) };
          } catch (error) {
            if (isCancellation(error)) {
              // The results still waiting are let go with it: unscored, as before they were asked for.
              const kept = Object.entries(get().metrics).filter(([, e]) => e.status !== 'pending');
              set({ metrics: Object.fromEntries(kept), scoring: { ...idleJob(), note: { kind: 'cancelled', text: 'Cancelled; the results not scored yet stay unscored (Recompute scores them)' } } });
              return;
            }
            entry = { status: 'failed', error: errorMessage(error) };
          }
          // Kept only while still asked for: a ground truth replaced meanwhile let every score go (below).
          set((s) => (s.metrics[id]?.status === 'pending' ? { metrics: { ...s.metrics, [id]: entry } } : {}));
        }
        set({ scoring: idleJob() });
      } finally {
        scoringQueue = false;
      }
    },
    cancelScoring() {
      cancelEval('scoring');
    },
  };
});

/**
 * Scores against a ground truth that is gone (replaced by one from a file, or deleted) are let go, so that the
 * metrics table computes them again against the one there is now.
 */
const truthIds = (results: readonly ResultSummary[]) => results.filter((r) => r.method === 'ground-truth').map((r) => r.id);
useAppStore.subscribe((state, previous) => {
  if (state.results === previous.results) return;
  const now = new Set(truthIds(state.results));
  if (truthIds(previous.results).some((id) => !now.has(id))) useCompareStore.setState({ metrics: {} });
});
