import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SliceAxis } from '../../../../workers/api.ts';
import { errorMessage, getEngine } from '../../engineClient.ts';
import { useAppStore, selectResult } from '../../state/store.ts';
import { useViewerStore } from '../../state/viewerStore.ts';
import { AXIS_COLORS, PLANE_NORMAL_TO, axisLayout, centreVoxel, clampVoxel, dimOf, toSlicePoint, valueAt, voxelAt, type Voxel } from '../../viewer/axes.ts';
import { createOrthoRenderer } from '../../viewer/orthoRenderer.ts';
import { SLICE_AXES, type SlicePoint } from '../../viewer/types.ts';
import { formatNumber } from '../../util/format.ts';
import { SLICE_COLORMAPS } from '../../compare/colormap.ts';
import { rowsFilled } from '../../state/results.ts';
import { LiveResiduals } from '../method/RunControls.tsx';
import { ResultDetails } from '../results/ResultDetails.tsx';
import { SlicePanel } from './SlicePanel.tsx';
import { ViewerToolbar } from './ViewerToolbar.tsx';
import { useAxisSlice } from './useAxisSlice.ts';

const PANEL_ORDER: SliceAxis[] = ['xy', 'yz', 'xz'];

export function SliceViewer() {
  const result = useAppStore(selectResult);
  const datasetName = useAppStore((s) => {
    const r = selectResult(s);
    return r ? (s.datasets.find((d) => d.id === r.datasetId)?.name ?? 'result') : '';
  });
  const [renderer] = useState(createOrthoRenderer);
  const canvases = useRef<Partial<Record<SliceAxis, HTMLCanvasElement | null>>>({});

  useEffect(() => {
    const { xy, xz, yz } = canvases.current;
    if (!xy || !xz || !yz) return;
    renderer.attach({ xy, xz, yz });
    return () => renderer.detach();
  }, [renderer]);

  const resultId = result?.id ?? null;
  const nx = result?.nx ?? 1;
  const ny = result?.ny ?? 1;
  const nz = result?.nz ?? 1;
  const dims = useMemo(() => ({ nx, ny, nz }), [nx, ny, nz]);
  const stored = useViewerStore((s) => (resultId ? s.cursors[resultId] : undefined));
  const setStoredCursor = useViewerStore((s) => s.setCursor);
  // Until the user moves it, the cursor sits in the middle of the rows that hold data, so the
  // slices of a result still filling slab by slab show what is fitted.
  const filled = result ? rowsFilled(result) : 1;
  const cursor = useMemo(() => stored ?? centreVoxel({ ...dims, ny: Math.max(1, filled) }), [stored, dims, filled]);

  useEffect(() => {
    renderer.clearSlices();
    renderer.resetViews();
  }, [renderer, resultId]);

  const xy = useAxisSlice(renderer, resultId, filled, 'xy', cursor.z);
  const xz = useAxisSlice(renderer, resultId, filled, 'xz', cursor.y);
  const yz = useAxisSlice(renderer, resultId, filled, 'yz', cursor.x);
  const yzWidth = yz?.slice.width;
  const yzHeight = yz?.slice.height;
  const layouts = useMemo(
    () => ({
      xy: axisLayout('xy', dims),
      xz: axisLayout('xz', dims),
      yz: axisLayout('yz', dims, yzWidth && yzHeight ? { width: yzWidth, height: yzHeight } : undefined),
    }),
    [dims, yzWidth, yzHeight],
  );

  useEffect(() => {
    if (!resultId) return;
    for (const axis of SLICE_AXES) {
      const layout = layouts[axis];
      renderer.setCrosshair(axis, toSlicePoint(layout, cursor), {
        vertical: AXIS_COLORS[PLANE_NORMAL_TO[layout.u]],
        horizontal: AXIS_COLORS[PLANE_NORMAL_TO[layout.v]],
      });
    }
  }, [renderer, resultId, cursor, layouts]);

  // Contrast: percentiles from the worker, or a manual window/level.
  const contrast = useViewerStore((s) => s.contrast);
  const pctLow = contrast.mode === 'percentile' ? contrast.low : null;
  const pctHigh = contrast.mode === 'percentile' ? contrast.high : null;
  const pctKey = resultId && pctLow !== null ? `${resultId}|${filled}|${pctLow}|${pctHigh}` : null;
  const [pctWindow, setPctWindow] = useState<{ key: string; lo: number; hi: number } | null>(null);
  useEffect(() => {
    if (!resultId || pctLow === null || pctHigh === null || !pctKey) return;
    let live = true;
    getEngine()
      .percentiles(resultId, [pctLow, pctHigh])
      .then(
        ([lo, hi]) => live && setPctWindow({ key: pctKey, lo, hi }),
        (error: unknown) => live && useAppStore.getState().showError(`Could not compute percentiles: ${errorMessage(error)}`),
      );
    return () => {
      live = false;
    };
  }, [resultId, pctLow, pctHigh, pctKey]);

  let lo: number;
  let hi: number;
  if (contrast.mode === 'window') {
    lo = contrast.level - contrast.width / 2;
    hi = contrast.level + contrast.width / 2;
  } else if (pctWindow && pctWindow.key === pctKey) {
    ({ lo, hi } = pctWindow);
  } else if (result) {
    lo = result.stats.mean - 2.5 * result.stats.std;
    hi = result.stats.mean + 2.5 * result.stats.std;
  } else {
    lo = 0;
    hi = 1;
  }
  useEffect(() => {
    renderer.setWindow(lo, hi);
  }, [renderer, lo, hi]);
  const colormap = useViewerStore((s) => s.colormap);
  useEffect(() => {
    renderer.setColormap(SLICE_COLORMAPS[colormap]);
  }, [renderer, colormap]);

  const [hover, setHover] = useState<Voxel | null>(null);
  const onPoint = useCallback(
    (axis: SliceAxis, point: SlicePoint | null, set: boolean) => {
      if (!resultId) return;
      const layout = layouts[axis];
      const voxel = point ? voxelAt(layout, point, cursor[layout.normal], dims) : null;
      setHover(voxel);
      if (set && voxel) setStoredCursor(resultId, voxel);
    },
    [resultId, layouts, cursor, dims, setStoredCursor],
  );
  const onIndex = (axis: SliceAxis, index: number): void => {
    if (!resultId) return;
    setStoredCursor(resultId, clampVoxel({ ...cursor, [layouts[axis].normal]: index }, dims));
  };

  const loaded = { xy, xz, yz };
  const shown = hover ?? cursor;
  let value: number | null = null;
  for (const axis of SLICE_AXES) {
    const slice = loaded[axis];
    if (value === null && slice && slice.index === shown[layouts[axis].normal]) value = valueAt(slice.slice, layouts[axis], shown);
  }
  const labels = Object.fromEntries(
    SLICE_AXES.map((axis) => [axis, `${axis.toUpperCase()}  ${layouts[axis].normal} = ${cursor[layouts[axis].normal]}`]),
  ) as Record<SliceAxis, string>;

  return (
    <div className="viewer" data-testid="slice-viewer">
      <ViewerToolbar result={result} renderer={renderer} labels={labels} datasetName={datasetName} lo={lo} hi={hi} />
      <div className="ortho-grid">
        {PANEL_ORDER.map((axis) => {
          const normal = layouts[axis].normal;
          return (
            <SlicePanel
              key={axis}
              axis={axis}
              renderer={renderer}
              canvasRef={(el) => {
                canvases.current[axis] = el;
              }}
              normalName={normal}
              index={cursor[normal]}
              count={dimOf(dims, normal)}
              onIndex={(i) => onIndex(axis, i)}
              onPoint={onPoint}
              enabled={result !== null}
              pixelSize={result?.pixelSize ?? 0}
            />
          );
        })}
        <div className="ortho-info">
          <div className="voxel-readout" data-testid="voxel-readout">
            <span className="readout-kind">{hover ? 'pointer' : 'cursor'}</span>
            {result ? (
              <>
                <span>x {shown.x}</span>
                <span>y {shown.y}</span>
                <span>z {shown.z}</span>
                <span className="readout-value">{value === null ? '…' : formatNumber(value, 5)}</span>
                {result.pixelSize > 0 && (
                  <span className="readout-length" data-testid="readout-length" title={`${result.pixelSize} Å per voxel, from voxel 0`}>
                    ({[shown.x, shown.y, shown.z].map((i) => formatNumber((i * result.pixelSize) / 10, 4)).join(', ')}) nm
                  </span>
                )}
              </>
            ) : (
              <span>—</span>
            )}
          </div>
          <LiveResiduals />
          <ResultDetails />
          <ul className="viewer-help">
            <li>click / drag: move the linked cursor</li>
            <li>wheel: zoom · shift-drag or middle-drag: pan</li>
            <li>sliders, or arrow keys in a panel (Shift: 10): step through slices</li>
            <li>keys 1, 2, 3: slices, 3-D, compare · Ctrl+Enter: run</li>
          </ul>
        </div>
      </div>
      {!result && (
        <div className="viewer-empty" data-testid="viewer-empty">
          <span>Reconstruct, or select a result, to view it here.</span>
        </div>
      )}
    </div>
  );
}
