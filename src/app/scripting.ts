/**
 * window.wedgelab: automation hook. Every call goes through the store's actions, exactly
 * like the buttons, so the page updates as if a user had clicked.
 */
import type { DatasetSummary, DemoOptions, FourierPlane, FourierSection, FscReport, RequestOf, ResultSummary, Slice, SliceAxis } from '../../workers/api.ts';
import { getEngine } from './engineClient.ts';
import { useCompareStore } from './state/compareStore.ts';
import { setAutoKeepBytes, useAppStore } from './state/store.ts';

export interface WedgeLabScripting {
  /** Load an MRC stack and its angle file(s). */
  load(files: File[]): Promise<DatasetSummary>;
  loadDemo(options?: Partial<DemoOptions>): Promise<DatasetSummary>;
  /**
   * Reconstruct the currently selected dataset; resolves with the new result's id. A cancelled
   * coordinate-network run rejects, and the slabs it finished stay in results(), `partial` set.
   */
  run(request: RequestOf<'reconstruction'>): Promise<string>;
  /** Refine a result (e.g. { method: 'gaussian', params: { sigma: 2 } }); resolves with the new result's id. */
  refine(resultId: string, request: RequestOf<'refinement'>): Promise<string>;
  /** Add tilts to the selected series (e.g. { method: 'reproject', params: { angles: [63, -63] } }); resolves with the new data set's id. */
  synthesize(request: RequestOf<'tiltSynthesis'>): Promise<string>;
  /** The selected series without the tilts numbered (from 1) in `tiltNumbers`, as a new data set; resolves with its id. */
  leaveOutTilts(tiltNumbers: number[]): Promise<string>;
  results(): ResultSummary[];
  exportMrc(id: string): Promise<Uint8Array>;
  datasets(): DatasetSummary[];
  /** Destroy the engine's GPU device (see EngineWorkerApi.loseDevice): checks recovery from a lost device. */
  loseDevice(): Promise<void>;
  /** One slice of a result, as the viewer fetches it. */
  slice(resultId: string, axis: SliceAxis, index: number): Promise<Slice>;
  /** One central section of a result's 3-D Fourier transform (log10(1 + |F|), zero frequency centred), as the Compare tab draws it. */
  fourierSection(resultId: string, plane: FourierPlane): Promise<FourierSection>;
  /** The FSC of two results of one size (directional curves in A's series' wedge), as the Compare tab plots it. */
  fsc(resultIdA: string, resultIdB: string): Promise<FscReport>;
  /** A − B (with `fitB`, B's scale and offset fitted to A's first) as a new result, as the Compare tab's button makes it; resolves with its id (null if it failed: the page shows why). */
  difference(resultIdA: string, resultIdB: string, fitB: boolean): Promise<string | null>;
  /** The piece limit of later runs' tomograms (EngineWorkerApi.setPieceBytes; null: the default): puts a small result in pieces. */
  setPieceBytes(bytes: number | null): Promise<void>;
  /** The size above which later data sets and results are offered for keeping, not kept (null: the default). */
  setAutoKeepBytes(bytes: number | null): void;
}

declare global {
  interface Window {
    wedgelab: WedgeLabScripting;
  }
}

export function installScriptingHook(): void {
  const store = useAppStore;
  window.wedgelab = {
    load: (files) => store.getState().loadFiles(Array.from(files)),
    loadDemo: (options) => store.getState().loadDemo(options),
    run: (request) => store.getState().run(request.method, request.params),
    refine: (resultId, request) => store.getState().refine(resultId, request.method, request.params),
    synthesize: (request) => store.getState().synthesize(request.method, request.params),
    leaveOutTilts: (tiltNumbers) => store.getState().leaveOutTilts(tiltNumbers),
    results: () => [...store.getState().results],
    exportMrc: (id) => store.getState().exportMrc(id),
    datasets: () => [...store.getState().datasets],
    loseDevice: () => getEngine().loseDevice(),
    slice: (resultId, axis, index) => getEngine().getSlice(resultId, axis, index),
    fourierSection: (resultId, plane) => getEngine().fourierSection(resultId, plane),
    fsc: (resultIdA, resultIdB) => getEngine().fsc(resultIdA, resultIdB),
    difference: async (resultIdA, resultIdB, fitB) => (await useCompareStore.getState().makeDifference(resultIdA, resultIdB, fitB))?.id ?? null,
    setPieceBytes: async (bytes) => getEngine().setPieceBytes(bytes),
    setAutoKeepBytes,
  };
}
