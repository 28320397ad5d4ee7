import type { ResultSummary } from '../../../../workers/api.ts';
import { useAppStore, selectResult } from '../../state/store.ts';
import { formatBytes } from '../../../io/bytes.ts';
import { formatNumber } from '../../util/format.ts';
import { isLearned, isMethodName, methodDefinition } from '../../../engine/methods/registry.ts';
import { LossPlot, ResidualPlot } from '../CurvePlot.tsx';
import { resultTitle } from './ResultList.tsx';
import { TrustPanel } from './TrustPanel.tsx';

/** The result's parameters in words, from its method's own definition; none for the ground truth and differences. */
function paramText(result: ResultSummary): string | null {
  return result.params && isMethodName(result.method) ? methodDefinition(result.method).paramText(result.params) : null;
}

/** Where a loss curve's later stages start, by the result's method. */
function lossMarks(result: ResultSummary, steps: number): number[] {
  return (result.params && isMethodName(result.method) && methodDefinition(result.method).lossMarks?.(result.params, steps)) || [];
}

/**
 * The selected result: what it is, its parameters and statistics, SIRT's residual or the network's loss curve,
 * and for a finished learned result (a refined one included) or any result of a series with synthesised tilts its
 * trust score against FBP.
 */
export function ResultDetails() {
  const result = useAppStore(selectResult);
  const datasetName = useAppStore((s) => (result ? (s.datasets.find((d) => d.id === result.datasetId)?.name ?? '') : ''));
  // Every result a method made from a series with synthesised tilts is scored too: the synthesis is learned or adds nothing.
  const synthesized = useAppStore((s) => (result ? s.datasets.some((d) => d.id === result.datasetId && d.synthesized) : false));
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
          {result.nx} × {result.ny} × {result.nz}{' '}
          <span className="muted" title="float32 in memory; past the engine's piece limit a tomogram is held in pieces of rows along y, which views, scores and exports read as one" data-testid="result-memory">
            ({formatBytes(4 * result.nx * result.ny * result.nz)}
            {result.pieces ? `, in ${result.pieces} pieces` : ''})
          </span>
        </dd>
        {params && (
          <>
            <dt>Params</dt>
            <dd>{params}</dd>
          </>
        )}
        {result.imported && (
          <>
            <dt>Read</dt>
            <dd data-testid="imported-reading">{result.imported.reading}</dd>
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
      {result.loss && result.loss.length > 0 && <LossPlot loss={result.loss} marks={lossMarks(result, result.loss.length)} />}
      {(isLearned(result.method) || (synthesized && isMethodName(result.method))) && !result.partial && <TrustPanel result={result} />}
    </div>
  );
}
