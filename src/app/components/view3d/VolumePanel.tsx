import { useEffect, useMemo, useRef, useState } from 'react';
import type { ResultSummary } from '../../../../workers/api.ts';
import { useView3dStore, cameraFor, tfFor } from '../../state/view3dStore.ts';
import { useViewerStore } from '../../state/viewerStore.ts';
import { centreVoxel } from '../../viewer/axes.ts';
import { registerPanel, updatePanel } from '../../volume3d/panelRegistry.ts';
import { intersectBoxes, type Vec3 } from '../../volume3d/pyramid.ts';
import { createVolumeRenderer } from '../../volume3d/threeVolumeRenderer.ts';
import type { VolumeRenderer } from '../../volume3d/types.ts';
import { histogram, histogramHeights } from '../../volume3d/transferFunction.ts';
import { resultTitle } from '../results/ResultList.tsx';
import { ScaleBar } from '../ScaleBar.tsx';
import { RenderStatsOverlay } from './RenderStatsOverlay.tsx';
import { useContrastWindow } from './useContrastWindow.ts';
import { useDisplayVolume } from './useDisplayVolume.ts';
import { useOrbitControls } from './useOrbitControls.ts';

/**
 * The 3-D view's scale bar: its length on screen at the rotation centre (nearer parts look larger in perspective),
 * updated with every frame.
 */
function VolumeScaleBar({ renderer, result }: { renderer: VolumeRenderer; result: ResultSummary }) {
  const [cssPerVoxel, setCssPerVoxel] = useState<number | null>(null);
  // unitsPerPixel is in box units, the box's x extent being 1, i.e. nx voxels.
  useEffect(() => renderer.onStats(() => setCssPerVoxel(1 / (renderer.unitsPerPixel() * result.nx))), [renderer, result.nx]);
  return <ScaleBar pixelSize={result.pixelSize} cssPerVoxel={cssPerVoxel} testId="scale-bar-3d" title="Length at the rotation centre" />;
}

/** One result in 3-D: its canvas, what resolution it shows, the frame-rate overlay and a scale bar. */
export function VolumePanel({ result }: { result: ResultSummary }) {
  const [renderer] = useState(createVolumeRenderer);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const id = result.id;
  const title = resultTitle(result);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    renderer.attach(canvas);
    return () => renderer.detach();
  }, [renderer]);
  useEffect(() => registerPanel(id, { renderer, title, display: null }), [renderer, id, title]);

  const detail = useView3dStore((s) => s.detail);
  const format = useView3dStore((s) => s.format);
  const display = useDisplayVolume(result, detail, format);
  const { lo, hi, ready: windowReady } = useContrastWindow(result);
  const { mean, std } = result.stats;
  const sd = std > 0 ? std : 1;
  const zLo = (lo - mean) / sd;
  const zHi = (hi - mean) / sd;

  useEffect(() => renderer.setVolume(display.volume), [renderer, display.volume]);
  useEffect(() => renderer.setWindow(zLo, zHi), [renderer, zLo, zHi]);
  useEffect(() => {
    updatePanel(id, { display: { maxVoxels: display.maxVoxels, factor: display.factor, description: display.description, zLo, zHi } });
  }, [id, display.maxVoxels, display.factor, display.description, zLo, zHi]);

  const setHistogram = useView3dStore((s) => s.setHistogram);
  const data = display.volume?.data;
  useEffect(() => {
    if (data) setHistogram(id, histogramHeights(histogram(data, lo, hi, 128)));
  }, [id, data, lo, hi, setHistogram]);

  const mode = useView3dStore((s) => s.mode);
  const steps = useView3dStore((s) => s.steps);
  const isoSigma = useView3dStore((s) => s.isoSigma);
  const projection = useView3dStore((s) => s.projection);
  const camera = useView3dStore((s) => cameraFor(s, id));
  const tf = useView3dStore((s) => tfFor(s, id));
  const clip = useView3dStore((s) => s.clip);
  const slab = useView3dStore((s) => s.slab);
  const showPlanes = useView3dStore((s) => s.showPlanes);
  const focused = useView3dStore((s) => s.focusedId === id);
  const linked = useView3dStore((s) => s.linkCameras && s.linkTf);
  const focus = useView3dStore((s) => s.focus);
  const box = useMemo(() => (slab.enabled ? intersectBoxes(clip, { min: [0, 0, slab.from], max: [1, 1, slab.to] }) : clip), [clip, slab]);
  const stored = useViewerStore((s) => s.cursors[id]);
  const { nx, ny, nz } = result;
  const cursor = useMemo<Vec3 | null>(() => {
    if (!showPlanes) return null;
    const c = stored ?? centreVoxel({ nx, ny, nz });
    return [(c.x + 0.5) / nx, (c.y + 0.5) / ny, (c.z + 0.5) / nz];
  }, [showPlanes, stored, nx, ny, nz]);

  useEffect(() => renderer.setMode(mode), [renderer, mode]);
  useEffect(() => renderer.setSteps(steps), [renderer, steps]);
  useEffect(() => renderer.setIsoThreshold(isoSigma), [renderer, isoSigma]);
  useEffect(() => renderer.setProjection(projection), [renderer, projection]);
  useEffect(() => renderer.setCamera(camera), [renderer, camera]);
  useEffect(() => renderer.setTransferFunction(tf), [renderer, tf]);
  useEffect(() => renderer.setClip(box), [renderer, box]);
  useEffect(() => renderer.setSlicePlanes(cursor), [renderer, cursor]);

  const controls = useOrbitControls(boxRef, renderer, id);
  const ready = display.status === 'ready' && windowReady;

  return (
    <div className={`volume-panel${focused && !linked ? ' focused' : ''}`} data-testid="volume-panel" data-result-id={id} onPointerDownCapture={() => focus(id)}>
      <div className="volume-panel-head">
        <span className="volume-title" title={result.label}>
          {title}
        </span>
        <span className="texture-info" data-testid="texture-info" title={`getVolume(maxVoxels = ${display.maxVoxels})`}>
          {display.description}
        </span>
      </div>
      <div ref={boxRef} className="volume-canvas-box" data-ready={ready} {...controls}>
        <canvas ref={canvasRef} data-testid="volume-canvas" data-result-id={id} />
        <RenderStatsOverlay renderer={renderer} mode={mode} />
        <VolumeScaleBar renderer={renderer} result={result} />
        {display.status === 'loading' && (
          <div className="volume-loading">
            <span className="spinner" /> Fetching the volume…
          </div>
        )}
        {display.note && <div className="volume-note">{display.note}</div>}
      </div>
    </div>
  );
}
