import { useState } from 'react';
import type { ResultSummary, SliceAxis } from '../../../../workers/api.ts';
import { errorMessage } from '../../engineClient.ts';
import { useAppStore } from '../../state/store.ts';
import { DEFAULT_PERCENTILES, useViewerStore } from '../../state/viewerStore.ts';
import { downloadBlob, exportFileName } from '../../util/download.ts';
import { formatNumber } from '../../util/format.ts';
import type { SliceColormap } from '../../compare/colormap.ts';
import { slicesToPng } from '../../viewer/exportPng.ts';
import type { SliceRenderer } from '../../viewer/types.ts';
import { NumberField } from '../NumberField.tsx';
import { resultTitle } from '../results/ResultList.tsx';

interface ViewerToolbarProps {
  result: ResultSummary | null;
  renderer: SliceRenderer;
  labels: Record<SliceAxis, string>;
  datasetName: string;
  lo: number;
  hi: number;
}

function ContrastControls({ lo, hi, disabled }: { lo: number; hi: number; disabled: boolean }) {
  const contrast = useViewerStore((s) => s.contrast);
  const setContrast = useViewerStore((s) => s.setContrast);
  const width = Math.max(hi - lo, 1e-12);
  return (
    <div className="contrast-controls">
      <label className="field inline">
        <span className="field-label">Contrast</span>
        <select
          value={contrast.mode}
          disabled={disabled}
          data-testid="contrast-mode"
          onChange={(e) =>
            setContrast(e.target.value === 'window' ? { mode: 'window', width, level: (lo + hi) / 2 } : { mode: 'percentile', ...DEFAULT_PERCENTILES })
          }
        >
          <option value="percentile">Percentile</option>
          <option value="window">Window / level</option>
        </select>
      </label>
      {contrast.mode === 'percentile' ? (
        <>
          <NumberField label="low" unit="%" min={0} max={100} step={0.5} value={contrast.low} disabled={disabled} onChange={(low) => setContrast({ ...contrast, low })} testId="pct-low" />
          <NumberField label="high" unit="%" min={0} max={100} step={0.5} value={contrast.high} disabled={disabled} onChange={(high) => setContrast({ ...contrast, high })} testId="pct-high" />
        </>
      ) : (
        <>
          <NumberField label="window" min={0} step={Number((contrast.width / 20).toPrecision(2)) || undefined} value={Number(contrast.width.toPrecision(5))} disabled={disabled} onChange={(w) => setContrast({ ...contrast, width: w })} testId="window-width" />
          <NumberField label="level" step={Number((contrast.width / 20).toPrecision(2)) || undefined} value={Number(contrast.level.toPrecision(5))} disabled={disabled} onChange={(level) => setContrast({ ...contrast, level })} testId="window-level" />
        </>
      )}
      <span className="window-range" title="Grey-level window: black … white">
        {formatNumber(lo, 3)} … {formatNumber(hi, 3)}
      </span>
      <ColormapSelect disabled={disabled} />
    </div>
  );
}

const COLORMAP_LABELS: Record<SliceColormap, string> = { grey: 'Grey', inverted: 'Grey, inverted', inferno: 'Inferno' };

function ColormapSelect({ disabled }: { disabled: boolean }) {
  const colormap = useViewerStore((s) => s.colormap);
  const setColormap = useViewerStore((s) => s.setColormap);
  return (
    <label className="field inline">
      <span className="field-label">Colours</span>
      <select value={colormap} disabled={disabled} data-testid="colormap-select" onChange={(e) => setColormap(e.target.value as SliceColormap)}>
        {Object.entries(COLORMAP_LABELS).map(([name, label]) => (
          <option key={name} value={name}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ViewerToolbar({ result, renderer, labels, datasetName, lo, hi }: ViewerToolbarProps) {
  const downloadMrc = useAppStore((s) => s.downloadMrc);
  const downloadOmeZarr = useAppStore((s) => s.downloadOmeZarr);
  const showError = useAppStore((s) => s.showError);
  const [busy, setBusy] = useState(false);

  const exportPng = async (): Promise<void> => {
    if (!result) return;
    try {
      const blob = await slicesToPng(renderer, labels, `${datasetName}: ${resultTitle(result)}`, result.pixelSize);
      downloadBlob(blob, exportFileName(datasetName, result.method, 'png'));
    } catch (error) {
      showError(`PNG export failed: ${errorMessage(error)}`);
    }
  };
  const exportVolume = async (save: (id: string) => Promise<void>): Promise<void> => {
    if (!result) return;
    setBusy(true);
    try {
      await save(result.id);
    } catch {
      // The store shows the error.
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="viewer-toolbar">
      {result && (
        <span className="view-dataset" data-testid="view-dataset" title="The tilt series this result is of">
          {datasetName}
        </span>
      )}
      <ContrastControls lo={lo} hi={hi} disabled={!result} />
      <span className="spacer" />
      <button type="button" className="small" disabled={!result} onClick={() => renderer.resetViews()} data-testid="reset-view">
        Reset view
      </button>
      <button type="button" className="small" disabled={!result} onClick={() => void exportPng()} data-testid="export-png">
        Export PNG
      </button>
      <button type="button" className="small" disabled={!result || busy} onClick={() => void exportVolume(downloadMrc)} data-testid="export-mrc">
        {busy ? 'Exporting…' : 'Export MRC'}
      </button>
      <button
        type="button"
        className="small"
        disabled={!result || busy}
        onClick={() => void exportVolume(downloadOmeZarr)}
        title="OME-Zarr (OME-NGFF 0.4): a multiscale folder that napari, Neuroglancer and zarr read"
        data-testid="export-ome-zarr"
      >
        Export OME-Zarr
      </button>
    </div>
  );
}
