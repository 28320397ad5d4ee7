import { useMemo } from 'react';
import { oddEvenDescription, oddEvenSplitOf, useCompareStore } from '../state/compareStore.ts';
import type { OddEvenSplit } from '../../../workers/api.ts';
import { useAppStore } from '../state/store.ts';
import { exportFileName } from '../util/download.ts';
import { oddEvenCsv } from './csv.ts';
import { EvalProgress, EvalShown } from './EvalProgress.tsx';
import { formDescription } from '../state/methodForm.ts';
import { oddEvenPlotSpec } from './figures.ts';
import { SvgFigure } from './SvgFigure.tsx';
import { formatResolution } from './units.ts';

/** The method panel's settings as a one-line description. */
export function useFormDescription(): string {
  return formDescription(useAppStore((s) => s.form));
}

/** Odd/even FSC of the method panel's settings: reconstruct from even and from odd tilts, FSC of the halves. */
export function OddEvenView() {
  const job = useCompareStore((s) => s.oddEven);
  const run = useCompareStore((s) => s.runOddEven);
  const cancel = useCompareStore((s) => s.cancelOddEven);
  const chosen = useCompareStore((s) => s.oddEvenSplit);
  const setSplit = useCompareStore((s) => s.setOddEvenSplit);
  const dataset = useAppStore((s) => s.datasets.find((d) => d.id === s.selectedDatasetId));
  const datasetName = dataset?.name ?? null;
  const canRun = useAppStore((s) => s.selectedDatasetId !== null && s.gpu.status === 'ready');
  const split = oddEvenSplitOf(chosen, dataset);
  const description = oddEvenDescription(useFormDescription(), split);
  const summary = job.result;
  // A pipeline's half tomograms of the series the curve is of (added with their FSC): their curve beside it.
  const halves = useCompareStore((s) => (s.pipelineHalvesFsc && s.pipelineHalvesFsc.datasetId === job.resultDatasetId ? s.pipelineHalvesFsc.report : null));
  const spec = useMemo(() => (summary ? oddEvenPlotSpec(summary, halves) : null), [summary, halves]);

  return (
    <div className="compare-section">
      <div className="compare-toolbar">
        <button type="button" className="primary small" disabled={!canRun || job.jobId !== null} onClick={() => void run()} data-testid="oddeven-button">
          Odd/even FSC
        </button>
        {dataset?.frameHalves && (
          <label className="field inline" title={`Each tilt's sums of its even and of its odd movie frames, named in ${dataset.frameHalves}`}>
            <span className="field-label">Halves</span>
            <select value={split} onChange={(e) => setSplit(e.target.value as OddEvenSplit)} disabled={job.jobId !== null} data-testid="oddeven-split">
              <option value="frames">even/odd frames</option>
              <option value="tilts">even/odd tilts</option>
            </select>
          </label>
        )}
        <span className="muted" title="Change these in the Method panel">
          {description} · {datasetName ?? 'no tilt series'}
        </span>
      </div>
      <EvalProgress job={job} onCancel={cancel} name="oddeven" />
      <EvalShown job={job} current={description} name="oddeven" />
      {summary && spec && (
        <div className="figure-row">
          <SvgFigure spec={spec} testId="oddeven-plot" name="oddeven" fileStem={exportFileName(datasetName ?? 'dataset', 'oddeven_fsc', 'x').replace(/\.x$/, '')} csv={() => oddEvenCsv(summary, halves)} />
          <div className="figure-side">
            <dl className="kv">
              <dt>FSC = 0.143</dt>
              <dd data-testid="oddeven-res-0143">{formatResolution(summary.res0143, summary.pixelSize)}</dd>
              <dt>FSC = 0.5</dt>
              <dd data-testid="oddeven-res-05">{formatResolution(summary.res05, summary.pixelSize)}</dd>
              {halves && (
                <>
                  <dt title={`${halves.labelA} vs ${halves.labelB}`}>Pipeline&apos;s halves, 0.143 / 0.5</dt>
                  <dd data-testid="oddeven-pipeline-halves">
                    {formatResolution(halves.res0143, halves.pixelSize)} / {formatResolution(halves.res05, halves.pixelSize)}
                  </dd>
                </>
              )}
            </dl>
            {summary.split === 'frames' ? (
              <p className="hint">
                Every tilt is summed once from its even and once from its odd movie frames, each half (all the tilts, half the dose) is reconstructed
                with the settings shown, and the FSC of the two halves is taken. The halves differ only by their noise, so the curve measures the
                noise at each frequency; it does not see the missing wedge, which both halves lack alike.
              </p>
            ) : (
              <p className="hint">
                The tilts are split by stack index (even: 0, 2, 4, …; odd: 1, 3, 5, …), each half is reconstructed with the settings shown, and the
                FSC of the two halves is taken. Each half has half the tilts, so the curve measures the consistency of the method at that sampling.
              </p>
            )}
          </div>
        </div>
      )}
      {!summary && !job.jobId && !job.note && <div className="compare-empty">Uses the Method panel&apos;s current method and settings on the selected tilt series.</div>}
    </div>
  );
}
