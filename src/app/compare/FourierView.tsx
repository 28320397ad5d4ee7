import { useEffect, useRef, useState } from 'react';
import type { FourierPlane, FourierSection } from '../../../workers/api.ts';
import { errorMessage, getEngine } from '../engineClient.ts';
import { useAppStore } from '../state/store.ts';
import { useCompareStore } from '../state/compareStore.ts';
import { downloadBlob, exportFileName } from '../util/download.ts';
import { canvasToPng } from '../util/figure.ts';
import { drawFourierSection, FOURIER_FIGURE } from './fourierRender.ts';
import { useCompareDataset, useFamilyResults, usePickSeries, useSelectedResults } from './hooks.ts';
import { ResultSelect } from './ResultSelect.tsx';

const sections = new Map<string, Promise<FourierSection>>();

/**
 * The figure grows with the panel: as wide as the panel, and as the height left below the toolbars (about
 * 230 px of the window) allows at its aspect ratio, up to its own pixels (drawn at pixelRatio).
 */
const FIGURE_WIDTH = `min(100%, ${FOURIER_FIGURE.width * FOURIER_FIGURE.pixelRatio}px, calc((100vh - 230px) * ${FOURIER_FIGURE.width / FOURIER_FIGURE.height}))`;

/** Central sections are computed once per result and plane (one pass over the voxels and a 2-D DFT in the worker). */
function fourierSection(resultId: string, plane: FourierPlane): Promise<FourierSection> {
  const key = `${resultId}|${plane}`;
  let request = sections.get(key);
  if (!request) {
    request = getEngine().fourierSection(resultId, plane);
    sections.set(key, request);
    request.catch(() => sections.delete(key));
  }
  return request;
}

/** Let go of the sections of results no longer listed (a deleted result's id never comes back). */
function forgetSectionsOfGone(listed: readonly { id: string }[]): void {
  const ids = new Set(listed.map((r) => r.id));
  for (const key of sections.keys()) if (!ids.has(key.slice(0, key.lastIndexOf('|')))) sections.delete(key);
}

/**
 * Central sections of a result's 3-D Fourier transform with the tilt planes and the missing wedge: of any result of
 * the selected tilt series' family, each drawn with its own series' tilts (a series with tilts left out has a wider wedge).
 */
export function FourierView() {
  const dataset = useCompareDataset();
  const results = useFamilyResults(dataset?.id ?? null);
  const { titleOf } = usePickSeries();
  const selected = useSelectedResults();
  const appSelected = useAppStore((s) => s.selectedResultId);
  const stored = useCompareStore((s) => s.fourierResultId);
  const plane = useCompareStore((s) => s.fourierPlane);
  const showTilts = useCompareStore((s) => s.fourierTilts);
  const showWedge = useCompareStore((s) => s.fourierWedge);
  const setFourier = useCompareStore((s) => s.setFourier);
  const showError = useAppStore((s) => s.showError);
  const listed = useAppStore((s) => s.results);
  useEffect(() => forgetSectionsOfGone(listed), [listed]);
  const canvasRef = useRef<HTMLCanvasElement>(null);

  const has = (id: string | null | undefined): id is string => !!id && results.some((r) => r.id === id);
  const resultId = has(stored) ? stored : has(appSelected) ? appSelected : (selected[0]?.id ?? results[0]?.id ?? null);
  const result = results.find((r) => r.id === resultId) ?? null;

  const [loaded, setLoaded] = useState<{ key: string; section: FourierSection } | null>(null);
  const [state, setState] = useState<{ key: string; error: string | null } | null>(null);
  const key = resultId ? `${resultId}|${plane}` : null;
  useEffect(() => {
    if (!resultId || !key) return;
    let live = true;
    fourierSection(resultId, plane).then(
      (section) => {
        if (!live) return;
        setLoaded({ key, section });
        setState({ key, error: null });
      },
      (error: unknown) => live && setState({ key, error: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [resultId, plane, key]);

  const section = loaded && loaded.key === key ? loaded.section : null;
  const title = result ? `${titleOf(result)}: ${plane} central section` : '';
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !section || !key) return;
    drawFourierSection(canvas, section, { title, showTilts, showWedge });
    // For tests and scripts: which result and plane the pixels show.
    canvas.dataset.drawn = key;
  }, [section, key, title, showTilts, showWedge]);

  const exportPng = async (): Promise<void> => {
    const canvas = canvasRef.current;
    if (!canvas || !result) return;
    try {
      downloadBlob(await canvasToPng(canvas), exportFileName(dataset?.name ?? 'result', `${result.method}_fourier_${plane}`, 'png'));
    } catch (error) {
      showError(`PNG export failed: ${errorMessage(error)}`);
    }
  };

  const error = state && state.key === key ? state.error : null;
  const busy = key !== null && !section && !error;
  return (
    <div className="compare-section">
      <div className="compare-toolbar">
        <ResultSelect label="Result" results={results} value={resultId} onChange={(id) => setFourier({ fourierResultId: id })} testId="fourier-result" />
        <label className="field inline">
          <span className="field-label">Plane</span>
          <select value={plane} onChange={(e) => setFourier({ fourierPlane: e.target.value as FourierPlane })} data-testid="fourier-plane">
            <option value="kx-kz">kx–kz (contains the wedge)</option>
            <option value="kx-ky">kx–ky</option>
            <option value="ky-kz">ky–kz</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={showTilts} onChange={(e) => setFourier({ fourierTilts: e.target.checked })} data-testid="fourier-show-tilts" />
          Tilt planes
        </label>
        <label className="check">
          <input type="checkbox" checked={showWedge} onChange={(e) => setFourier({ fourierWedge: e.target.checked })} data-testid="fourier-show-wedge" />
          Missing wedge
        </label>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => void exportPng()} disabled={!section} data-testid="export-fourier-png">
          Export PNG
        </button>
      </div>
      {!result && <div className="compare-empty">No result of this tilt series yet: reconstruct one first.</div>}
      {result && (
        <div className="fourier-figure" data-state={section ? 'ready' : busy ? 'busy' : 'error'} style={{ width: FIGURE_WIDTH }}>
          <canvas
            ref={canvasRef}
            data-testid="fourier-canvas"
            style={{ aspectRatio: `${FOURIER_FIGURE.width} / ${FOURIER_FIGURE.height}` }}
          />
          {busy && <div className="figure-overlay">Computing the 3-D Fourier transform…</div>}
          {error && (
            <div className="figure-overlay error" data-testid="fourier-error">
              {error}
            </div>
          )}
        </div>
      )}
      <p className="hint">
        log₁₀(1 + |F|) on the central section through zero frequency. A tilt at θ samples the central plane perpendicular to the beam
        direction (−sin θ, 0, cos θ): in kx–kz, the line through 0 along (cos θ, sin θ). Shaded: the missing-wedge cone outside [θmin, θmax].
      </p>
    </div>
  );
}
