import { useAppStore, selectDataset } from '../state/store.ts';
import { formatSize } from '../util/format.ts';

function GpuStatus() {
  const gpu = useAppStore((s) => s.gpu);
  if (gpu.status === 'pending') {
    return (
      <span className="gpu-status pending" data-testid="gpu-status">
        <span className="spinner" /> Opening WebGPU…
      </span>
    );
  }
  if (gpu.status === 'unavailable') return null;
  const { info } = gpu;
  const name = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return (
    <span className={`gpu-status ${info.isFallbackAdapter ? 'fallback' : 'ok'}`} data-testid="gpu-status" title={`Max buffer ${(info.maxBufferSize / 2 ** 20).toFixed(0)} MiB, max storage binding ${(info.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB`}>
      <span className="dot" /> WebGPU: {name}
      {info.isFallbackAdapter && <span className="note"> · software fallback adapter: correct but slow</span>}
    </span>
  );
}

export function HeaderBar() {
  const dataset = useAppStore(selectDataset);
  return (
    <header className="header-bar">
      <span className="brand">
        Wedge<span>Lab</span>
      </span>
      <span className="tagline">cryo-ET reconstruction workbench</span>
      {dataset && (
        <span className="header-dataset" title={dataset.name}>
          {dataset.name} · {formatSize(dataset.nx, dataset.ny, dataset.nTilts)}
        </span>
      )}
      <span className="spacer" />
      <GpuStatus />
    </header>
  );
}
