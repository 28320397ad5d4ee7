import { useState } from 'react';
import type { ResultSummary } from '../../../../workers/api.ts';
import { errorMessage } from '../../engineClient.ts';
import { useAppStore } from '../../state/store.ts';
import { useView3dStore } from '../../state/view3dStore.ts';
import { downloadBlob, exportFileName } from '../../util/download.ts';
import { DEFAULT_CAMERA, presetCamera, type ViewPreset } from '../../volume3d/camera.ts';
import { canvasToPng, composeFigure } from '../../util/figure.ts';
import { panel } from '../../volume3d/panelRegistry.ts';
import { RENDER_MODES, type RenderMode } from '../../volume3d/types.ts';
import { NumberField } from '../NumberField.tsx';
import { resultTitle } from '../results/ResultList.tsx';

const SCALES = [1, 2, 4];

/** Mode, samples, isosurface threshold, view presets, exports. */
export function View3dToolbar({ shown, datasetName }: { shown: ResultSummary[]; datasetName: string }) {
  const mode = useView3dStore((s) => s.mode);
  const steps = useView3dStore((s) => s.steps);
  const isoSigma = useView3dStore((s) => s.isoSigma);
  const projection = useView3dStore((s) => s.projection);
  const actions = useView3dStore.getState();
  const showError = useAppStore((s) => s.showError);
  const [scale, setScale] = useState(1);
  const [recording, setRecording] = useState(false);
  const ids = shown.map((r) => r.id);
  const none = shown.length === 0;

  const setView = (preset: ViewPreset | null): void => actions.setAllCameras(preset ? presetCamera(preset) : DEFAULT_CAMERA, ids);
  const exportPng = async (): Promise<void> => {
    try {
      const images = shown.flatMap((r) => {
        const info = panel(r.id);
        return info ? [{ canvas: info.renderer.snapshot(scale), label: `${resultTitle(r)} · ${info.display?.description ?? ''}` }] : [];
      });
      if (!images.length) throw new Error('No 3-D view to export');
      const title = `${datasetName}: ${RENDER_MODES.find((m) => m.id === mode)?.label ?? mode}`;
      const blob = await canvasToPng(images.length === 1 ? images[0].canvas : composeFigure(images, 2, title).canvas);
      downloadBlob(blob, exportFileName(datasetName, images.length === 1 ? `${shown[0].method}_3d` : '3d_grid', 'png'));
    } catch (error) {
      showError(`PNG export failed: ${errorMessage(error)}`);
    }
  };
  const exportWebm = async (): Promise<void> => {
    const info = shown[0] ? panel(shown[0].id) : undefined;
    if (!info) return;
    setRecording(true);
    try {
      const blob = await info.renderer.recordTurntable(6);
      downloadBlob(blob, exportFileName(datasetName, `${shown[0].method}_turntable`, 'webm'));
    } catch (error) {
      showError(`Video export failed: ${errorMessage(error)}`);
    } finally {
      setRecording(false);
    }
  };

  return (
    <div className="viewer-toolbar view3d-toolbar">
      {shown.length > 0 && (
        <span className="view-dataset" data-testid="view-dataset" title="The tilt series these results are of">
          {datasetName}
        </span>
      )}
      <label className="field inline">
        <span className="field-label">Render</span>
        <select value={mode} data-testid="render-mode" onChange={(e) => actions.setMode(e.target.value as RenderMode)}>
          {RENDER_MODES.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <div className="steps-field">
        <NumberField label="samples moving" integer min={8} max={1024} step={16} value={steps} onChange={actions.setSteps} testId="render-steps" title="Samples per ray across the x extent while moving; a still frame takes twice as many" />
      </div>
      <label className={`field inline iso-field${mode === 'iso' ? '' : ' inactive'}`} title="Isosurface threshold: mean + t·std">
        <span className="field-label">iso t</span>
        <input type="range" min={-3} max={10} step={0.1} value={isoSigma} disabled={mode !== 'iso'} data-testid="iso-threshold" onChange={(e) => actions.setIsoSigma(Number(e.target.value))} />
        <span className="num iso-value">{isoSigma.toFixed(1)}σ</span>
      </label>
      <span className="toolbar-group" role="group" aria-label="View">
        {(['xy', 'xz', 'yz'] as const).map((p) => (
          <button key={p} type="button" className="small" disabled={none} data-testid={`view-preset-${p}`} onClick={() => setView(p)} title={`Look at the ${p.toUpperCase()} plane`}>
            {p.toUpperCase()}
          </button>
        ))}
        <button type="button" className="small" disabled={none} data-testid="reset-3d-view" onClick={() => setView(null)}>
          Reset
        </button>
      </span>
      <label className="check" title="Orthographic projection (no perspective)">
        <input type="checkbox" checked={projection === 'orthographic'} data-testid="projection-ortho" onChange={(e) => actions.setProjection(e.target.checked ? 'orthographic' : 'perspective')} />
        ortho
      </label>
      <span className="spacer" />
      <select value={scale} data-testid="export-3d-scale" aria-label="Export resolution" title="PNG resolution: multiple of the view's size" onChange={(e) => setScale(Number(e.target.value))}>
        {SCALES.map((s) => (
          <option key={s} value={s}>
            {s}×
          </option>
        ))}
      </select>
      <button type="button" className="small" disabled={none} data-testid="export-3d-png" onClick={() => void exportPng()}>
        Export PNG
      </button>
      <button type="button" className="small" disabled={none || recording} data-testid="export-3d-webm" onClick={() => void exportWebm()} title="Turntable video: one turn about the tilt axis (WebM)">
        {recording ? 'Recording…' : 'WebM'}
      </button>
    </div>
  );
}
