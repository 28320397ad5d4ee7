import { useEffect, useMemo } from 'react';
import { useCompareStore, type MetricEntry } from '../state/compareStore.ts';
import { exportFileName } from '../util/download.ts';
import { formatNumber } from '../util/format.ts';
import { metricsCsv, metricsJson, PSNR_NOTE, WEDGE_PSNR_NOTE, type MetricsRow } from './csv.ts';
import { downloadText } from './exportImage.ts';
import { useCompareDataset, useFamilyResults, usePickSeries } from './hooks.ts';
import { formatResolution } from './units.ts';
import { EvalProgress } from './EvalProgress.tsx';
import { ImportTomogramButton } from '../components/results/ImportTomogramButton.tsx';

const formatDb = (v: number | null) => (v === null ? '' : formatNumber(v, 4));

/**
 * PSNR (after the affine fit, whole and by side of the wedge), SSIM and FSC resolution of every result against the
 * ground truth: of the selected tilt series and of its family (tilts left out or added), whose data sets keep the
 * same ground truth; a row of another series is named after it and split by that series' own wedge.
 */
export function MetricsView() {
  const dataset = useCompareDataset();
  const results = useFamilyResults(dataset?.id ?? null);
  const { seriesOf, titleOf } = usePickSeries();
  const metrics = useCompareStore((s) => s.metrics);
  const compute = useCompareStore((s) => s.computeMetrics);
  const scoring = useCompareStore((s) => s.scoring);
  const cancelScoring = useCompareStore((s) => s.cancelScoring);
  const truth = results.find((r) => r.method === 'ground-truth' && r.datasetId === dataset?.id) ?? null;
  const scored = useMemo(() => results.filter((r) => r.method !== 'ground-truth' && r.method !== 'difference'), [results]);
  const sameSize = (r: (typeof results)[number]) => truth !== null && r.nx === truth.nx && r.ny === truth.ny && r.nz === truth.nz;
  const eligible = scored.filter(sameSize).map((r) => r.id);
  const eligibleKey = eligible.join('|');

  // Score new results as soon as the table is shown (each one once; again against a new ground truth).
  const truthId = truth?.id;
  useEffect(() => {
    if (truthId && eligibleKey) void compute(eligibleKey.split('|'));
  }, [truthId, eligibleKey, compute]);

  const rows: (MetricsRow & { entry: MetricEntry | undefined })[] = scored.map((r) => {
    const entry = metrics[r.id];
    const scores = entry?.status === 'done' ? entry.scores : null;
    const error = !sameSize(r)
      ? `size ${r.nx}×${r.ny}×${r.nz} differs from the ground truth${truth ? ` (${truth.nx}×${truth.ny}×${truth.nz})` : ''}`
      : entry?.status === 'failed'
        ? entry.error
        : undefined;
    return {
      resultId: r.id,
      label: titleOf(r),
      psnr: scores?.psnr ?? null,
      psnrWedge: scores?.psnrWedge ?? null,
      psnrWedgeMissing: scores?.psnrWedgeMissing ?? null,
      ssim: scores?.ssim ?? null,
      res0143: scores?.fsc.res0143 ?? null,
      res05: scores?.fsc.res05 ?? null,
      pixelSize: scores?.fsc.pixelSize ?? r.pixelSize,
      error,
      entry,
    };
  });

  if (!dataset) return <div className="compare-empty">No tilt series loaded.</div>;
  // A simulation's, one from a file, or none (never had one, or deleted).
  if (!truth) {
    return (
      <div className="compare-empty" data-testid="metrics-no-truth">
        <p>This tilt series has no ground truth. Score methods with the odd/even FSC or held-out-tilt cross-validation instead, or, for a simulation made elsewhere, add its ground-truth volume.</p>
        <ImportTomogramButton role="ground-truth" />
      </div>
    );
  }
  const stem = exportFileName(dataset.name, 'metrics', 'x').replace(/\.x$/, '');
  const pending = rows.some((r) => r.entry?.status === 'pending');
  const plain = rows.map((r) => ({ ...r, entry: undefined }));

  return (
    <div className="compare-section">
      <div className="compare-toolbar">
        <button type="button" className="small" disabled={pending || eligible.length === 0} onClick={() => void compute(eligible, true)} data-testid="metrics-button">
          {pending ? 'Scoring…' : 'Recompute'}
        </button>
        <span className="spacer" />
        <button type="button" className="small" disabled={rows.length === 0 || pending} onClick={() => downloadText(metricsCsv(plain), `${stem}.csv`, 'text/csv')} data-testid="export-metrics-csv">
          CSV
        </button>
        <button
          type="button"
          className="small"
          disabled={rows.length === 0 || pending}
          onClick={() => downloadText(metricsJson(plain, dataset.name), `${stem}.json`, 'application/json')}
          data-testid="export-metrics-json"
        >
          JSON
        </button>
      </div>
      <EvalProgress job={scoring} onCancel={cancelScoring} name="scoring" />
      <table className="compare-table metrics" data-testid="metrics-table">
        <thead>
          <tr>
            <th>Result</th>
            <th title={PSNR_NOTE}>PSNR (dB)*</th>
            <th title={WEDGE_PSNR_NOTE}>measured side (dB)†</th>
            <th title={WEDGE_PSNR_NOTE}>missing side (dB)†</th>
            <th>SSIM</th>
            <th>FSC 0.143</th>
            <th>FSC 0.5</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No reconstructions of this tilt series yet.
              </td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.resultId} data-testid="metrics-row" data-result-id={r.resultId}>
              <td title={r.label}>{r.label}</td>
              <td data-testid="metrics-psnr">{formatDb(r.psnr)}</td>
              <td data-testid="metrics-psnr-measured">{formatDb(r.psnrWedge)}</td>
              <td data-testid="metrics-psnr-missing">{formatDb(r.psnrWedgeMissing)}</td>
              <td data-testid="metrics-ssim">{r.ssim === null ? '' : formatNumber(r.ssim, 4)}</td>
              <td>{r.psnr === null ? '' : formatResolution(r.res0143, r.pixelSize)}</td>
              <td>{r.psnr === null ? '' : formatResolution(r.res05, r.pixelSize)}</td>
              <td className={r.error ? 'invalid' : 'muted'}>{r.entry?.status === 'pending' ? 'scoring…' : (r.error ?? '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint" data-testid="metrics-note">
        * PSNR after the least-squares affine fit x′ = αx + β of each result to the ground truth (a method&apos;s arbitrary scale does not
        count); PSNR = 10·log₁₀(L²/MSE), L = max(g) − min(g). SSIM: 3-D, Gaussian window σ = 1.5 voxels, on the fitted result. Resolution: first
        crossing of the FSC against the ground truth.
        <br />† The same error on each side of the wedge cone of the tilt range alone, as a PSNR: the measured directions, and the missing wedge
        that no tilt measures (the two mean squares add up to the whole). A method that fills the wedge gains on the missing side.
        {scored.some((r) => seriesOf(r) !== null) && <> A result of another series (named after it) is split by that series&apos; own tilt range.</>}
      </p>
    </div>
  );
}
