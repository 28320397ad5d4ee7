import { useCallback, type ReactNode } from 'react';
import { useCompareStore } from '../state/compareStore.ts';
import { useView3dStore } from '../state/view3dStore.ts';
import { useShortcuts, type Shortcut } from '../util/shortcuts.ts';
import { ComparePanel } from './ComparePanel.tsx';

/**
 * The main area with a "Compare" mode beside the viewer's own modes (Slices, 3D). The viewer
 * (`children`) stays mounted while comparing, hidden, so its state and renderers survive.
 */
export function CompareHost({ children }: { children: ReactNode }) {
  const mode = useCompareStore((s) => s.mainArea);
  const setMode = useCompareStore((s) => s.setMainArea);
  const viewerMode = useView3dStore((s) => s.viewMode);
  const setViewerMode = useView3dStore((s) => s.setViewMode);
  const comparing = mode === 'compare';
  useShortcuts(
    useCallback(
      (shortcut: Shortcut) => {
        if (shortcut === 'run') return false;
        if (shortcut === 'compare') setMode('compare');
        else {
          setViewerMode(shortcut);
          setMode('viewer');
        }
        return true;
      },
      [setMode, setViewerMode],
    ),
  );
  const compareTab = (
    <button
      type="button"
      role="tab"
      aria-selected={comparing}
      className={`tab ${comparing ? 'active' : ''}`}
      onClick={() => setMode('compare')}
      data-testid="view-mode-compare"
      title="Compare methods: side by side, Fourier sections, FSC, odd/even, cross-validation, ground-truth scores"
    >
      Compare
    </button>
  );
  return (
    <div className="compare-host">
      {comparing ? (
        <nav className="compare-mode-bar" role="tablist" aria-label="Main view">
          {(['slices', '3d'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={false}
              className="tab"
              onClick={() => {
                setViewerMode(m);
                setMode('viewer');
              }}
              data-testid={`compare-exit-${m}`}
              title={viewerMode === m ? 'Back to the viewer' : undefined}
            >
              {m === 'slices' ? 'Slices' : '3D'}
            </button>
          ))}
          <span className="spacer" />
          {compareTab}
        </nav>
      ) : (
        <div className="compare-entry" role="tablist" aria-label="Compare">
          {compareTab}
        </div>
      )}
      <div className="compare-host-view" hidden={comparing}>
        {children}
      </div>
      {comparing && <ComparePanel />}
    </div>
  );
}
