import { useMemo } from 'react';
import { useAppStore, selectResult } from '../../state/store.ts';
import { MAX_PANELS, useView3dStore } from '../../state/view3dStore.ts';
import { installView3dHook } from '../../volume3d/debugHook.ts';
import { resultTitle } from '../results/ResultList.tsx';
import { ClipControls } from './ClipControls.tsx';
import { CompareList } from './CompareList.tsx';
import { ResolutionPanel } from './ResolutionPanel.tsx';
import { TransferFunctionPanel } from './TransferFunctionPanel.tsx';
import { View3dToolbar } from './View3dToolbar.tsx';
import { VolumePanel } from './VolumePanel.tsx';
import { useContrastWindow } from './useContrastWindow.ts';
import type { ResultSummary } from '../../../../workers/api.ts';

installView3dHook();

function WindowedTf({ target }: { target: ResultSummary }) {
  const range = useContrastWindow(target);
  return <TransferFunctionPanel targetId={target.id} targetTitle={resultTitle(target)} range={range} />;
}

/** The 3-D view: the selected result and any others chosen for side by side, with their controls. */
export function VolumeView() {
  const selected = useAppStore(selectResult);
  // Side by side only with results of the same tilt series (two series' results could share a name).
  const allResults = useAppStore((s) => s.results);
  const results = useMemo(() => allResults.filter((r) => r.datasetId === selected?.datasetId), [allResults, selected?.datasetId]);
  const datasetName = useAppStore((s) => (selected ? (s.datasets.find((d) => d.id === selected.datasetId)?.name ?? 'result') : 'result'));
  const compareIds = useView3dStore((s) => s.compareIds);
  const focusedId = useView3dStore((s) => s.focusedId);
  const shown = useMemo(() => {
    const list = selected ? [selected] : [];
    for (const id of compareIds) {
      const r = results.find((x) => x.id === id);
      if (r && r.id !== selected?.id) list.push(r);
    }
    return list.slice(0, MAX_PANELS);
  }, [selected, compareIds, results]);
  const target = shown.find((r) => r.id === focusedId) ?? shown[0] ?? null;

  return (
    <div className="viewer view3d" data-testid="volume-view">
      <View3dToolbar shown={shown} datasetName={datasetName} />
      <div className="view3d-body">
        <div className={`volume-grid panels-${shown.length}`}>
          {shown.map((r) => (
            <VolumePanel key={r.id} result={r} />
          ))}
          {shown.length === 0 && (
            <div className="viewer-empty" data-testid="viewer-empty">
              Reconstruct, or select a result, to view it in 3-D.
            </div>
          )}
        </div>
        <aside className="view3d-side">
          {target ? <WindowedTf target={target} /> : <TransferFunctionPanel targetId={null} targetTitle="" range={null} />}
          <ClipControls primary={shown[0] ?? null} />
          <ResolutionPanel hasResults={shown.length > 0} />
          <CompareList results={results} selectedId={selected?.id ?? null} shownIds={shown.map((r) => r.id)} />
          <ul className="viewer-help">
            <li>drag: rotate · shift/right-drag: pan · wheel: zoom</li>
            <li>a still frame (2× samples) follows when the view stops</li>
          </ul>
        </aside>
      </div>
    </div>
  );
}
