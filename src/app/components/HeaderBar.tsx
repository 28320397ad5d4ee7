import type { EngineChoice } from '../../engine/enginePath.ts';
import { formatBytes } from '../../io/bytes.ts';
import { useAppStore, selectDataset } from '../state/store.ts';
import { formatSize } from '../util/format.ts';

const ENGINE_LABELS: Record<EngineChoice, string> = { auto: 'Engine: auto', gpu: 'Engine: WebGPU', cpu: 'Engine: CPU' };

/** The engine's path (docs/cpu.md), the adapter beside it, and the control that chooses the path. */
function EngineStatus() {
  const gpu = useAppStore((s) => s.gpu);
  const chooseEngine = useAppStore((s) => s.chooseEngine);
  if (gpu.status === 'pending') {
    return (
      <span className="gpu-status pending" data-testid="gpu-status">
        <span className="spinner" /> Starting the engine…
      </span>
    );
  }
  if (gpu.status === 'unavailable') return null;
  const { info } = gpu;
  const adapter = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const fast = info.engine === 'gpu' && !info.isFallbackAdapter;
  return (
    <span className={`gpu-status ${fast ? 'ok' : 'fallback'}`} data-testid="gpu-status" title={`Max buffer ${formatBytes(info.maxBufferSize)}, max storage binding ${formatBytes(info.maxStorageBufferBindingSize)}`}>
      <span className="dot" /> <span data-testid="engine-path">{info.engine === 'gpu' ? `WebGPU: ${adapter}` : `CPU: ${info.engineDescription}`}</span>
      {info.engine === 'gpu' && info.isFallbackAdapter && <span className="note"> · software fallback adapter: correct but slow</span>}
      {info.engine === 'cpu' && info.hasAdapter && (
        <span className="note">
          {' '}
          · WebGPU: {adapter}
          {info.isFallbackAdapter ? ' (software adapter: the CPU is faster)' : ''}
        </span>
      )}{' '}
      <select className="engine-select" value={info.engineChoice} onChange={(e) => void chooseEngine(e.target.value as EngineChoice)} data-testid="engine-select" aria-label="Engine">
        {(Object.keys(ENGINE_LABELS) as EngineChoice[]).map((choice) => (
          <option key={choice} value={choice} disabled={choice === 'gpu' && !info.hasAdapter}>
            {ENGINE_LABELS[choice]}
          </option>
        ))}
      </select>
    </span>
  );
}

/** Without WebGPU: one line on what it would add and how to turn it on. */
function WebGpuNote() {
  const note = useAppStore((s) => (s.gpu.status === 'ready' ? s.gpu.info.gpuNote : null));
  return note ? (
    <div className="webgpu-note" data-testid="webgpu-note">
      {note}
    </div>
  ) : null;
}

export function HeaderBar() {
  const dataset = useAppStore(selectDataset);
  return (
    <>
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
        <EngineStatus />
      </header>
      <WebGpuNote />
    </>
  );
}
