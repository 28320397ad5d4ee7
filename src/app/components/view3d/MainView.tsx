import { lazy, Suspense } from 'react';
import { useView3dStore } from '../../state/view3dStore.ts';
import { SliceViewer } from '../viewer/SliceViewer.tsx';
import './view3d.css';

const VolumeView = lazy(() => import('./VolumeView.tsx').then((m) => ({ default: m.VolumeView })));

/** The main area: the slice viewer or the 3-D view. The slice viewer stays mounted (hidden) so its state survives. */
export function MainView() {
  const viewMode = useView3dStore((s) => s.viewMode);
  const setViewMode = useView3dStore((s) => s.setViewMode);
  return (
    <>
      <div className="view-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={viewMode === 'slices'} className={viewMode === 'slices' ? 'active' : ''} data-testid="view-mode-slices" onClick={() => setViewMode('slices')}>
          Slices
        </button>
        <button type="button" role="tab" aria-selected={viewMode === '3d'} className={viewMode === '3d' ? 'active' : ''} data-testid="view-mode-3d" onClick={() => setViewMode('3d')}>
          3D
        </button>
      </div>
      <div className="view-host" hidden={viewMode !== 'slices'}>
        <SliceViewer />
      </div>
      {viewMode === '3d' && (
        <Suspense fallback={<div className="viewer-empty">Loading the 3-D view…</div>}>
          <VolumeView />
        </Suspense>
      )}
    </>
  );
}
