import { useMemo } from 'react';
import type { ResultSummary, TrustSummary } from '../../../../workers/api.ts';
import { DEFAULT_TRUST_HELD_OUT, verdictText } from '../../../engine/metrics/trust.ts';
import { trustCsv } from '../../compare/csv.ts';
import { EvalProgress } from '../../compare/EvalProgress.tsx';
import { trustPlotSpec } from '../../compare/figures.ts';
import { SvgFigure } from '../../compare/SvgFigure.tsx';
import { useCompareStore } from '../../state/compareStore.ts';
import { useAppStore } from '../../state/store.ts';
import { exportFileName, fileStem } from '../../util/download.ts';
import { formatNumber } from '../../util/format.ts';

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${formatNumber(Math.abs(v), 3)}`;

/** The score's verdict, the two band means and the curves with their exports. */
function TrustScore({ trust, datasetName }: { trust: TrustSummary; datasetName: string }) {
  const spec = useMemo(() => trustPlotSpec(trust), [trust]);
  const stem = `${exportFileName(datasetName, 'trust', 'x').replace(/\.x$/, '')}_${fileStem(trust.label)}`;
  return (
    <>
      <div className={`trust-verdict verdict-${trust.verdict}`} data-testid="trust-verdict">
        {verdictText(trust.verdict)}
      </div>
      <p className="hint" data-testid="trust-summary">
        Mean FRC with the {trust.heldOut.length} held-out tilts over 0 &lt; f ≤ {trust.band} cycles/pixel: this result{' '}
        <b data-testid="trust-summary-method">{formatNumber(trust.summaryMethod, 3)}</b>, FBP <b data-testid="trust-summary-fbp">{formatNumber(trust.summaryFbp, 3)}</b>{' '}
        (difference {signed(trust.difference)}; within ±{formatNumber(trust.tolerance, 3)} is the same).
      </p>
      <p className="hint" data-testid="trust-scope">
        The held-out tilts lie inside the measured range, so the score judges the measured directions only: it cannot see the missing wedge,
        where on simulations most of a learned method&apos;s gain over a smoothed FBP lies (and where its errors would too).
      </p>
      <SvgFigure spec={spec} testId="trust-plot" name="trust" fileStem={stem} csv={() => trustCsv(trust)} json={() => `${JSON.stringify(trust, null, 2)}\n`} />
    </>
  );
}

/**
 * A learned result's trust score against FBP (docs/trust.md): measured tilts are held out, the rest made into the
 * result again (its reconstruction, a refined result's refinement, a synthesised series' synthesis) and into FBP,
 * and both predictions of the held-out tilts compared with the measured ones per spatial frequency. Computed on
 * demand and kept with the result.
 */
export function TrustPanel({ result }: { result: ResultSummary }) {
  const job = useCompareStore((s) => s.trust);
  const forThis = useCompareStore((s) => s.trustResultId === result.id);
  const run = useCompareStore((s) => s.runTrust);
  const cancel = useCompareStore((s) => s.cancelTrust);
  const ready = useAppStore((s) => s.gpu.status === 'ready');
  const datasetName = useAppStore((s) => s.datasets.find((d) => d.id === result.datasetId)?.name ?? 'result');
  const { trust } = result;
  return (
    <div className="trust" data-testid="trust">
      {!trust && (
        <div className="trust-head">
          <button
            type="button"
            className="small"
            disabled={!ready || job.jobId !== null}
            title={`Hold out measured tilts (${DEFAULT_TRUST_HELD_OUT}), make this result again from the rest (its reconstruction, then its refinement; its synthesised tilts first) and FBP of the rest, and compare both predictions of the held-out tilts with the measured ones`}
            onClick={() => void run(result.id)}
            data-testid="trust-button"
          >
            Trust vs FBP
          </button>
          <span className="hint">does it predict tilts it has not seen better than FBP?</span>
        </div>
      )}
      {forThis && <EvalProgress job={job} onCancel={cancel} name="trust" />}
      {trust && <TrustScore trust={trust} datasetName={datasetName} />}
    </div>
  );
}
