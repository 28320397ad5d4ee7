import type { ResultSummary } from '../../../../workers/api.ts';
import { useAppStore, selectResult } from '../../state/store.ts';
import { formatNumber } from '../../util/format.ts';
import { coordnetSummary } from '../../compare/formLabel.ts';
import { LossPlot, ResidualPlot } from '../CurvePlot.tsx';
import { resultTitle } from './ResultList.tsx';

function paramText(result: ResultSummary): string | null {
  const p = result.params;
  if (!p) return null;
  const parts = [`thickness ${p.thickness}`, `bin ${p.binning}`];
  if (p.invertAngles) parts.push('angles inverted');
  if ('filter' in p) {
    const f = p.filter;
    parts.unshift(f.name === 'radial' ? `radial ${f.cutoff ?? ''}/${f.falloff ?? ''}` : f.name);
  } else if ('width' in p) {
    parts.unshift(coordnetSummary(p));
  } else if ('model' in p) {
    parts.unshift(`model ${p.model}`);
  } else {
    parts.unshift(`${p.iterations} it, λ ${p.relaxation}${p.positivity ? ', positivity' : ''}`);
  }
  return parts.join(', ');
}

/** The selected result: what it is, its parameters and statistics, and SIRT's residual or the network's loss curve. */
export function ResultDetails() {
  const result = useAppStore(selectResult);
  const datasetName = useAppStore((s) => (result ? (s.datasets.find((d) => d.id === result.datasetId)?.name ?? '') : ''));
  if (!result) return <div className="info-title muted">No result selected</div>;
  const params = paramText(result);
  return (
    <div className="result-details" data-testid="result-details">
      <div className="info-title">{resultTitle(result)}</div>
      <div className="info-sub" title={datasetName}>
        {datasetName}
      </div>
      <dl className="kv">
        <dt>Size</dt>
        <dd>
          {result.nx} × {result.ny} × {result.nz}
        </dd>
        {params && (
          <>
            <dt>Params</dt>
            <dd>{params}</dd>
          </>
        )}
        <dt>Pixel</dt>
        <dd>{result.pixelSize > 0 ? `${formatNumber(result.pixelSize)} Å` : 'unknown'}</dd>
        <dt>Values</dt>
        <dd>
          {formatNumber(result.stats.min)} … {formatNumber(result.stats.max)}
        </dd>
        <dt>Mean ± sd</dt>
        <dd>
          {formatNumber(result.stats.mean)} ± {formatNumber(result.stats.std)}
        </dd>
      </dl>
      {result.residuals && result.residuals.length > 0 && <ResidualPlot residuals={result.residuals} />}
      {result.loss && result.loss.length > 0 && result.params && 'stepsFirst' in result.params && <LossPlot loss={result.loss} params={result.params} />}
    </div>
  );
}
