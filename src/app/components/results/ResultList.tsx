import type { ResultSummary } from '../../../../workers/api.ts';
import { useAppStore } from '../../state/store.ts';
import { partialText } from '../../../../workers/partialResult.ts';
import { verdictText, versusFbp } from '../../../engine/metrics/trust.ts';
import { formatSeconds, formatSize } from '../../util/format.ts';
import { useRevealWhenShown } from '../../util/reveal.ts';
import { Section } from '../Section.tsx';
import { CompareCheck } from '../../compare/CompareCheck.tsx';
import { KeepOffer } from '../KeepOffer.tsx';
import { ImportTomogramButton, OfferedTomograms } from './ImportTomogramButton.tsx';

export function resultTitle(result: ResultSummary): string {
  return result.method === 'ground-truth' && !result.imported ? 'Ground truth' : result.label;
}

/** Where a result came from, for the list: a simulation's truth, a file's tomogram, else how long the run took. */
function originText(result: ResultSummary): string {
  if (result.imported) return 'from file';
  return result.method === 'ground-truth' ? 'simulated' : formatSeconds(result.elapsedMs);
}

function ResultItem({ result, selected }: { result: ResultSummary; selected: boolean }) {
  const select = useAppStore((s) => s.selectResult);
  const remove = useAppStore((s) => s.deleteResult);
  // A result still filling belongs to its run: it goes when the run is cancelled, not before.
  const filling = result.partial?.state === 'running';
  // A result selected elsewhere (a run's new result, a pick in the views) is scrolled into the sidebar's view:
  // below the method's form it would otherwise sit under the fold on a small screen.
  const item = useRevealWhenShown<HTMLLIElement>(selected);
  return (
    <li
      ref={item}
      className={`result-item ${selected ? 'selected' : ''} method-${result.method}${result.partial ? ` partial-${result.partial.state}` : ''}`}
      data-testid="result-item"
      data-result-id={result.id}
      data-partial={result.partial?.state}
      aria-selected={selected}
      onClick={() => select(result.id)}
      title={result.label}
    >
      <span className="result-label" data-testid="result-label">
        <CompareCheck resultId={result.id} title={resultTitle(result)} />
        {resultTitle(result)}
      </span>
      <span className="result-meta">
        <span>{formatSize(result.nx, result.ny, result.nz)}</span>
        <span>{originText(result)}</span>
        {/* The label says it too, but it is cut short in the list. */}
        {result.partial && <span className="result-partial" data-testid="result-partial">{partialText(result.partial, result.ny)}</span>}
        <KeepOffer id={result.id} />
        {result.trust && (
          <span className={`trust-badge verdict-${result.trust.verdict}`} data-testid="trust-badge" title={`Trust score: ${verdictText(result.trust.verdict)} (held-out tilts, FRC)`}>
            {versusFbp(result.trust.verdict)}
          </span>
        )}
      </span>
      <button
        type="button"
        className="ghost icon-button"
        aria-label={`Delete ${resultTitle(result)}`}
        title={filling ? 'Still being fitted: cancel the run first' : 'Delete this result'}
        data-testid="result-delete"
        disabled={filling}
        onClick={(e) => {
          e.stopPropagation();
          void remove(result.id);
        }}
      >
        ✕
      </button>
    </li>
  );
}

export function ResultList() {
  const results = useAppStore((s) => s.results);
  const datasets = useAppStore((s) => s.datasets);
  const selectedId = useAppStore((s) => s.selectedResultId);
  const groups = datasets
    .map((dataset) => ({ dataset, items: results.filter((r) => r.datasetId === dataset.id) }))
    .filter((g) => g.items.length > 0);
  const orphans = results.filter((r) => !datasets.some((d) => d.id === r.datasetId));
  if (orphans.length) groups.push({ dataset: { id: '', name: 'Other' } as (typeof datasets)[number], items: orphans });

  return (
    <Section title="Results" aside={<span className="count">{results.length}</span>}>
      <div data-testid="result-list" className="result-list">
        {groups.length === 0 && <div className="empty">No results yet: press Reconstruct.</div>}
        {groups.map(({ dataset, items }) => (
          <div key={dataset.id} className="result-group">
            <div className="result-group-name" title={dataset.name}>
              {dataset.name}
            </div>
            <ul>
              {items.map((r) => (
                <ResultItem key={r.id} result={r} selected={r.id === selectedId} />
              ))}
            </ul>
          </div>
        ))}
        <div className="result-import">
          <OfferedTomograms />
          <ImportTomogramButton role="tomogram" />
        </div>
      </div>
    </Section>
  );
}
