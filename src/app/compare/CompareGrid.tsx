import { useCallback, useMemo, useRef, useState } from 'react';
import type { SliceAxis } from '../../../workers/api.ts';
import { errorMessage } from '../engineClient.ts';
import { useAppStore } from '../state/store.ts';
import { useCompareStore, type LinkedVoxel } from '../state/compareStore.ts';
import { downloadBlob, exportFileName } from '../util/download.ts';
import { centreVoxel, clampVoxel, dimOf } from '../viewer/axes.ts';
import { IDENTITY_VIEW } from '../viewer/viewMath.ts';
import { canvasToPng, composeFigure } from '../util/figure.ts';
import { GridPanel } from './GridPanel.tsx';
import { useCompareDataset, useDatasetResults, usePercentileWindows, usePickSeries, usePicksElsewhere, useSelectedResults } from './hooks.ts';
import { gridColumns, mapVoxel, MAX_COMPARE, PLANE_NORMAL } from './linking.ts';
import type { PlaneRenderer } from './planeRenderer.ts';

function DifferenceControls() {
  const selected = useSelectedResults();
  const { titleOf } = usePickSeries();
  const busy = useCompareStore((s) => s.differenceBusy);
  const makeDifference = useCompareStore((s) => s.makeDifference);
  const [pick, setPick] = useState<{ a: string | null; b: string | null }>({ a: null, b: null });
  // On by default: two methods' (or programs') results differ in scale and offset before anything else.
  const [fitB, setFitB] = useState(true);
  const valid = (id: string | null) => (id && selected.some((r) => r.id === id) ? id : null);
  const a = valid(pick.a) ?? selected[1]?.id ?? null;
  const b = valid(pick.b) ?? selected.find((r) => r.id !== a)?.id ?? null;
  const options = selected.map((r) => (
    <option key={r.id} value={r.id}>
      {titleOf(r)}
    </option>
  ));
  return (
    <div className="difference-controls" title="A new result A − B (same size), listed with the others">
      <span className="field-label">Difference</span>
      <select value={a ?? ''} onChange={(e) => setPick({ a: e.target.value, b })} data-testid="difference-a" disabled={selected.length < 2} aria-label="Difference: A">
        {options}
      </select>
      <span>−</span>
      <select value={b ?? ''} onChange={(e) => setPick({ a, b: e.target.value })} data-testid="difference-b" disabled={selected.length < 2} aria-label="Difference: B">
        {options}
      </select>
      <label className="check" title="Fit B's scale and offset to A's (least squares) before subtracting: the label gives the fit">
        <input type="checkbox" checked={fitB} onChange={(e) => setFitB(e.target.checked)} data-testid="difference-fit" />
        B scaled to A
      </label>
      <button type="button" className="small" disabled={!a || !b || a === b || busy} onClick={() => a && b && void makeDifference(a, b, fitB)} data-testid="difference-button">
        {busy ? 'Computing…' : 'A − B'}
      </button>
    </div>
  );
}

/** 2–6 results side by side: the same plane, linked cursor, slice, zoom and pan. */
export function CompareGrid() {
  const results = useSelectedResults();
  const { titleOf } = usePickSeries();
  const selectedDataset = useCompareDataset();
  const datasetResults = useDatasetResults(selectedDataset?.id ?? null);
  const elsewhere = usePicksElsewhere();
  const elsewhereName = useAppStore((s) => s.datasets.find((d) => d.id === elsewhere[0]?.datasetId)?.name);
  const gridDatasetName = selectedDataset?.name ?? 'comparison';
  const plane = useCompareStore((s) => s.plane);
  const setPlane = useCompareStore((s) => s.setPlane);
  const stored = useCompareStore((s) => s.cursor);
  const setCursor = useCompareStore((s) => s.setCursor);
  const view = useCompareStore((s) => s.view);
  const setView = useCompareStore((s) => s.setView);
  const shared = useCompareStore((s) => s.sharedContrast);
  const setShared = useCompareStore((s) => s.setSharedContrast);
  const setSelection = useCompareStore((s) => s.setSelection);
  const showError = useAppStore((s) => s.showError);
  const [hover, setHover] = useState<LinkedVoxel | null>(null);
  const renderers = useRef(new Map<string, PlaneRenderer>());
  const register = useCallback((id: string, renderer: PlaneRenderer | null) => {
    if (renderer) renderers.current.set(id, renderer);
    else renderers.current.delete(id);
  }, []);

  const first = results[0];
  const refDims = useMemo(() => (first ? { nx: first.nx, ny: first.ny, nz: first.nz } : { nx: 1, ny: 1, nz: 1 }), [first]);
  const cursor = useMemo<LinkedVoxel>(() => stored ?? { voxel: centreVoxel(refDims), dims: refDims }, [stored, refDims]);
  const refVoxel = mapVoxel(cursor.voxel, cursor.dims, refDims);
  const normal = PLANE_NORMAL[plane];

  const idsKey = results.map((r) => r.id).join('|');
  const ids = useMemo(() => (idsKey ? idsKey.split('|') : []), [idsKey]);
  const windows = usePercentileWindows(ids);
  const sharedWindow = useMemo<[number, number] | null>(() => {
    const list = ids.map((id) => windows[id]).filter((w): w is [number, number] => w !== undefined);
    if (list.length < ids.length || list.length === 0) return null;
    return [Math.min(...list.map((w) => w[0])), Math.max(...list.map((w) => w[1]))];
  }, [windows, ids]);

  const onPoint = useCallback(
    (voxel: LinkedVoxel | null, set: boolean) => {
      setHover(voxel);
      if (set && voxel) setCursor(voxel);
    },
    [setCursor],
  );

  const exportPng = async (): Promise<void> => {
    try {
      const items = results.flatMap((r) => {
        const renderer = renderers.current.get(r.id);
        renderer?.renderNow();
        const canvas = renderer?.canvas();
        return canvas ? [{ canvas, label: titleOf(r) }] : [];
      });
      const blob = await canvasToPng(composeFigure(items, gridColumns(items.length), `${gridDatasetName}: ${plane.toUpperCase()} ${normal} = ${refVoxel[normal]}`).canvas);
      downloadBlob(blob, exportFileName(gridDatasetName, `compare_${plane}`, 'png'));
    } catch (error) {
      showError(`PNG export failed: ${errorMessage(error)}`);
    }
  };

  const count = dimOf(refDims, normal);
  return (
    <div className="compare-grid-view">
      <div className="compare-toolbar">
        <label className="field inline">
          <span className="field-label">Plane</span>
          <select value={plane} onChange={(e) => setPlane(e.target.value as SliceAxis)} data-testid="compare-plane">
            <option value="xy">XY (top view)</option>
            <option value="xz">XZ</option>
            <option value="yz">YZ</option>
          </select>
        </label>
        <label className="field inline compare-slider">
          <span className="field-label">
            {normal} = {results.length ? refVoxel[normal] : '–'}
          </span>
          <input
            type="range"
            min={0}
            max={Math.max(0, count - 1)}
            value={refVoxel[normal]}
            disabled={results.length === 0}
            onChange={(e) => setCursor({ voxel: clampVoxel({ ...refVoxel, [normal]: Number(e.target.value) }, refDims), dims: refDims })}
            data-testid="compare-slice"
            aria-label="Slice (linked)"
          />
        </label>
        <label className="check" title="One grey window (the union of the 1–99 % ranges) for every panel; off: each panel its own">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} data-testid="shared-contrast" />
          Shared contrast
        </label>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => setView({ ...IDENTITY_VIEW })} disabled={results.length === 0} data-testid="compare-reset-view">
          Reset view
        </button>
        <button type="button" className="small" onClick={() => void exportPng()} disabled={results.length === 0} data-testid="export-grid-png">
          Export PNG
        </button>
      </div>
      <div className="compare-toolbar secondary">
        {results.length >= 2 && <DifferenceControls />}
        <span className="spacer" />
        <span className="hint">click: linked cursor · wheel: zoom · shift-drag: pan (all panels)</span>
      </div>
      {results.length < 2 && (
        <div className="compare-empty" data-testid="compare-empty">
          <p>
            Tick 2–{MAX_COMPARE} results of one tilt series (or of series made from it by leaving out or adding tilts) in the Results list (☐ beside each) to compare them
            side by side.
          </p>
          {elsewhere.length > 0 && (
            <p data-testid="compare-picks-elsewhere">
              {elsewhere.length} ticked result{elsewhere.length === 1 ? '' : 's'} of {elsewhereName}: select that tilt series (or one of its results) to see
              {elsewhere.length === 1 ? ' it' : ' them'} here.
            </p>
          )}
          {datasetResults.length >= 2 && (
            <button type="button" className="small" onClick={() => setSelection(datasetResults.slice(0, MAX_COMPARE).map((r) => r.id))} data-testid="compare-use-all">
              Compare {Math.min(datasetResults.length, MAX_COMPARE)} results of this tilt series
            </button>
          )}
        </div>
      )}
      {results.length > 0 && (
        <div className="compare-grid" data-testid="compare-grid" style={{ gridTemplateColumns: `repeat(${gridColumns(results.length)}, minmax(0, 1fr))` }}>
          {results.map((r) => (
            <GridPanel
              key={r.id}
              result={r}
              plane={plane}
              cursor={cursor}
              hover={hover}
              window={shared ? sharedWindow : (windows[r.id] ?? null)}
              view={view}
              onPoint={onPoint}
              onView={setView}
              register={register}
            />
          ))}
        </div>
      )}
    </div>
  );
}
