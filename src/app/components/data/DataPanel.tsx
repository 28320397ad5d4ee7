import { useAppStore, selectDataset } from '../../state/store.ts';
import { Section } from '../Section.tsx';
import { DatasetSummaryView } from './DatasetSummaryView.tsx';
import { TiltBrowser } from './TiltBrowser.tsx';

function FilePicker() {
  const loadFiles = useAppStore((s) => s.loadFiles);
  const loadDemo = useAppStore((s) => s.loadDemo);
  const loading = useAppStore((s) => s.loading);
  return (
    <div className="file-picker">
      <input
        type="file"
        multiple
        data-testid="file-input"
        title="MRC stack (.mrc .st .ali .mrcs, optionally .gz) and its angles (.tlt .rawtlt .mdoc)"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length) void loadFiles(files).catch(() => undefined);
        }}
      />
      <button type="button" className="small" disabled={loading !== null} onClick={() => void loadDemo().catch(() => undefined)} data-testid="demo-button">
        Simulate demo
      </button>
      <div className="hint">or drop a stack + .tlt/.rawtlt/.mdoc anywhere on the page</div>
    </div>
  );
}

function DatasetPicker() {
  const datasets = useAppStore((s) => s.datasets);
  const selectedId = useAppStore((s) => s.selectedDatasetId);
  const select = useAppStore((s) => s.selectDataset);
  if (datasets.length < 2) return null;
  return (
    <label className="field">
      <span className="field-label">Dataset</span>
      <select value={selectedId ?? ''} onChange={(e) => select(e.target.value)} data-testid="dataset-select">
        {datasets.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function DataPanel() {
  const dataset = useAppStore(selectDataset);
  const loading = useAppStore((s) => s.loading);
  return (
    <Section title="Tilt series">
      <FilePicker />
      {loading && (
        <div className="loading" data-testid="loading">
          <span className="spinner" /> {loading}
        </div>
      )}
      <DatasetPicker />
      {dataset ? (
        <>
          <DatasetSummaryView dataset={dataset} />
          <TiltBrowser key={dataset.id} dataset={dataset} />
        </>
      ) : (
        !loading && <div className="empty">No tilt series loaded.</div>
      )}
    </Section>
  );
}
