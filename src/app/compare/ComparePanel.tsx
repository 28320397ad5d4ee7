import { useCompareStore, type CompareTab } from '../state/compareStore.ts';
import { CompareGrid } from './CompareGrid.tsx';
import { CrossValidationView } from './CrossValidationView.tsx';
import { FourierView } from './FourierView.tsx';
import { FscView } from './FscView.tsx';
import { useCompareDataset, useSelectedResults } from './hooks.ts';
import { MetricsView } from './MetricsView.tsx';
import { OddEvenView } from './OddEvenView.tsx';
import './compare.css';

const TABS: { id: CompareTab; label: string; title: string }[] = [
  { id: 'grid', label: 'Side by side', title: 'The same slice of 2–6 results, linked' },
  { id: 'fourier', label: 'Fourier', title: 'Central sections of the 3-D Fourier transform, with the tilt planes and the missing wedge' },
  { id: 'fsc', label: 'FSC', title: 'Fourier shell correlation of two results, whole and by region' },
  { id: 'oddeven', label: 'Odd/even', title: 'FSC of reconstructions from the even and the odd tilts' },
  { id: 'cv', label: 'Cross-validation', title: 'Reconstruct without some tilts, predict them, compare' },
  { id: 'metrics', label: 'Ground truth', title: 'PSNR, SSIM and resolution against the ground truth' },
];

/** The method-comparison workspace: one tab per figure. */
export function ComparePanel() {
  const tab = useCompareStore((s) => s.tab);
  const setTab = useCompareStore((s) => s.setTab);
  const dataset = useCompareDataset();
  const count = useSelectedResults().length;
  return (
    <div className="compare" data-testid="compare-view">
      <nav className="compare-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`tab ${tab === t.id ? 'active' : ''}`}
            onClick={() => setTab(t.id)}
            title={t.title}
            data-testid={`compare-tab-${t.id}`}
          >
            {t.label}
            {t.id === 'grid' && count > 0 ? ` (${count})` : ''}
          </button>
        ))}
        <span className="spacer" />
        <span className="compare-dataset" title={dataset?.name} data-testid="compare-dataset">
          {dataset?.name ?? 'no tilt series'}
        </span>
      </nav>
      <div className="compare-body" role="tabpanel">
        {tab === 'grid' && <CompareGrid />}
        {tab === 'fourier' && <FourierView />}
        {tab === 'fsc' && <FscView />}
        {tab === 'oddeven' && <OddEvenView />}
        {tab === 'cv' && <CrossValidationView />}
        {tab === 'metrics' && <MetricsView />}
      </div>
    </div>
  );
}
