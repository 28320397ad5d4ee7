import { useEffect } from 'react';
import { useAppStore } from './state/store.ts';
import { HeaderBar } from './components/HeaderBar.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { DropZone } from './components/DropZone.tsx';
import { WebGpuMissing } from './components/WebGpuMissing.tsx';
import { DataPanel } from './components/data/DataPanel.tsx';
import { MethodPanel } from './components/method/MethodPanel.tsx';
import { KindPanel } from './components/method/KindPanel.tsx';
import { RunControls } from './components/method/RunControls.tsx';
import { ResultList } from './components/results/ResultList.tsx';
import { SessionRestore } from './components/SessionRestore.tsx';
import { useAskBeforeLeavingUnkept } from './components/KeepOffer.tsx';
import { MainView } from './components/view3d/MainView.tsx';
import { CompareHost } from './compare/CompareHost.tsx';

export function App() {
  const gpu = useAppStore((s) => s.gpu);
  const start = useAppStore((s) => s.start);

  useEffect(() => {
    void start();
  }, [start]);
  useAskBeforeLeavingUnkept();

  if (gpu.status === 'unavailable') return <WebGpuMissing reason={gpu.message} />;

  return (
    <div className="app">
      <HeaderBar />
      <ErrorBanner />
      <div className="workspace">
        <aside className="sidebar">
          <SessionRestore />
          <DataPanel />
          <MethodPanel />
          <RunControls />
          <ResultList />
          <KindPanel kind="refinement" />
          <KindPanel kind="tiltSynthesis" />
        </aside>
        <main className="main">
          <CompareHost>
            <MainView />
          </CompareHost>
        </main>
      </div>
      <DropZone />
    </div>
  );
}
