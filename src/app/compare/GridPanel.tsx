import { useEffect, useMemo, useRef, useState } from 'react';
import type { ResultSummary, Slice, SliceAxis } from '../../../workers/api.ts';
import { errorMessage } from '../engineClient.ts';
import { useAppStore } from '../state/store.ts';
import type { LinkedVoxel } from '../state/compareStore.ts';
import { rowsFilled } from '../state/results.ts';
import { formatNumber } from '../util/format.ts';
import { useWheelZoom } from '../util/wheelZoom.ts';
import { usePanOrPoint } from '../util/panOrPoint.ts';
import { AXIS_COLORS, PLANE_NORMAL_TO, axisLayout, valueAt, voxelAt, type VolumeDims, type Voxel } from '../viewer/axes.ts';
import { sliceCache } from '../viewer/sliceCache.ts';
import type { PanelView } from '../viewer/viewMath.ts';
import { resultTitle } from '../components/results/ResultList.tsx';
import { usePickSeries } from './hooks.ts';
import { mapVoxel, PLANE_NORMAL } from './linking.ts';
import { createPlaneRenderer, type PlaneRenderer } from './planeRenderer.ts';

interface GridPanelProps {
  result: ResultSummary;
  plane: SliceAxis;
  /** The linked cursor and the pointer (if over any panel), in any panel's voxels. */
  cursor: LinkedVoxel;
  hover: LinkedVoxel | null;
  window: [number, number] | null;
  view: PanelView;
  onPoint: (voxel: LinkedVoxel | null, set: boolean) => void;
  onView: (view: PanelView) => void;
  /** Hands the renderer up for the grid's PNG export. */
  register: (id: string, renderer: PlaneRenderer | null) => void;
}

/** One result's slice in the comparison grid: linked cursor, slice, zoom and pan. */
export function GridPanel({ result, plane, cursor, hover, window, view, onPoint, onView, register }: GridPanelProps) {
  const [renderer] = useState(createPlaneRenderer);
  const series = usePickSeries().seriesOf(result);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const dims = useMemo<VolumeDims>(() => ({ nx: result.nx, ny: result.ny, nz: result.nz }), [result.nx, result.ny, result.nz]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    renderer.attach(canvas);
    register(result.id, renderer);
    return () => {
      register(result.id, null);
      renderer.detach();
    };
  }, [renderer, register, result.id]);

  const voxel = useMemo(() => mapVoxel(cursor.voxel, cursor.dims, dims), [cursor, dims]);
  const normal = PLANE_NORMAL[plane];
  const index = voxel[normal];

  const [loaded, setLoaded] = useState<{ key: string; index: number; slice: Slice } | null>(null);
  useEffect(() => {
    let live = true;
    const key = `${result.id}|${plane}`;
    sliceCache.get(result.id, plane, index, rowsFilled(result)).then(
      (slice) => {
        if (!live) return;
        renderer.setSlice(slice);
        setLoaded({ key, index, slice });
      },
      (error: unknown) => live && useAppStore.getState().showError(`Could not read ${resultTitle(result)} ${plane.toUpperCase()} ${index}: ${errorMessage(error)}`),
    );
    return () => {
      live = false;
    };
  }, [renderer, result, plane, index]);
  const current = loaded && loaded.key === `${result.id}|${plane}` ? loaded : null;

  const layout = useMemo(() => axisLayout(plane, dims, current?.slice), [plane, dims, current?.slice]);
  useEffect(() => {
    renderer.setCrosshair(
      { u: voxel[layout.u], v: voxel[layout.v] },
      { vertical: AXIS_COLORS[PLANE_NORMAL_TO[layout.u]], horizontal: AXIS_COLORS[PLANE_NORMAL_TO[layout.v]] },
    );
  }, [renderer, voxel, layout]);
  useEffect(() => {
    if (window) renderer.setWindow(window[0], window[1]);
    else renderer.setWindow(result.stats.mean - 2.5 * result.stats.std, result.stats.mean + 2.5 * result.stats.std);
  }, [renderer, window, result.stats.mean, result.stats.std]);
  useEffect(() => renderer.setView(view), [renderer, view]);

  // The zoomed view is shared with every panel.
  useWheelZoom(boxRef, (x, y, factor) => {
    const next = renderer.zoomed(x, y, factor);
    if (next) onView(next);
  });

  const pointVoxel = (x: number, y: number): LinkedVoxel | null => {
    const point = renderer.pick(x, y);
    const picked = point ? voxelAt(layout, point, index, dims) : null;
    return picked ? { voxel: picked, dims } : null;
  };
  const gestures = usePanOrPoint({
    point: (x, y, set) => onPoint(pointVoxel(x, y), set),
    leave: () => onPoint(null, false),
    pan: (dx, dy) => onView(renderer.panned(dx, dy)),
  });

  const shown: Voxel = hover ? mapVoxel(hover.voxel, hover.dims, dims) : voxel;
  const value = current && current.index === shown[normal] ? valueAt(current.slice, layout, shown) : null;

  return (
    <div className={`compare-panel method-${result.method}`} data-testid="compare-panel" data-result-id={result.id}>
      <div className="compare-panel-head">
        <span className="compare-panel-title" title={result.label}>
          {resultTitle(result)}
          {series && (
            <span className="compare-panel-series" data-testid="compare-panel-series" title={series}>
              {series}
            </span>
          )}
        </span>
        <span className="compare-panel-value" data-testid="compare-value" title={`${hover ? 'pointer' : 'cursor'} x ${shown.x} y ${shown.y} z ${shown.z}`}>
          {value === null ? '…' : formatNumber(value, 5)}
        </span>
      </div>
      <div
        ref={boxRef}
        className="compare-canvas-box"
        {...gestures}
      >
        <canvas ref={canvasRef} data-testid="compare-canvas" />
      </div>
      <div className="compare-panel-foot">
        <span>
          {plane.toUpperCase()} {normal} = {index}
        </span>
        <span className="window-range" title="Grey-level window: black … white">
          {window ? `${formatNumber(window[0], 3)} … ${formatNumber(window[1], 3)}` : ''}
        </span>
      </div>
    </div>
  );
}
