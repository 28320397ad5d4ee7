import { useEffect, useMemo, useRef, useState } from 'react';
import type { CrossValidationSummary, HeldOutView, Slice } from '../../../workers/api.ts';
import { checkEachTilt, heldOutTilts, isEachTilt } from '../../engine/evaluation/tiltSubsets.ts';
import { AGREEMENT_NEIGHBOURS, flaggedTiltNumbers } from '../../engine/metrics/crossValidation.ts';
import { errorMessage } from '../engineClient.ts';
import { useCompareStore } from '../state/compareStore.ts';
import { useAppStore, selectDataset } from '../state/store.ts';
import { downloadBlob, exportFileName } from '../util/download.ts';
import { formatAngle, formatNumber, samplePercentiles } from '../util/format.ts';
import { drawGrey } from '../util/canvas.ts';
import { standardise } from './colormap.ts';
import { crossValidationCsv } from './csv.ts';
import { EvalProgress, EvalShown } from './EvalProgress.tsx';
import { canvasToPng, composeFigure } from '../util/figure.ts';
import { crossValidationPlotSpec } from './figures.ts';
import { useFormDescription } from './OddEvenView.tsx';
import { SvgFigure } from './SvgFigure.tsx';

/** Draw a (standardised) projection into a canvas at its own size, v up. */
function drawProjection(canvas: HTMLCanvasElement, slice: Slice, data: Float32Array, lo: number, hi: number): void {
  drawGrey(canvas, data, slice.width, slice.height, lo, hi);
}

/** Measured and predicted projection of one held-out tilt, standardised, in one shared grey window. */
function HeldOutPair({ view, title }: { view: HeldOutView; title: string }) {
  const measuredRef = useRef<HTMLCanvasElement>(null);
  const predictedRef = useRef<HTMLCanvasElement>(null);
  const showError = useAppStore((s) => s.showError);
  const images = useMemo(() => {
    const measured = standardise(view.measured.data);
    const predicted = standardise(view.predicted.data);
    const [a, b] = samplePercentiles(measured, [1, 99]);
    const [c, d] = samplePercentiles(predicted, [1, 99]);
    return { measured, predicted, lo: Math.min(a, c), hi: Math.max(b, d) };
  }, [view]);
  useEffect(() => {
    if (measuredRef.current) drawProjection(measuredRef.current, view.measured, images.measured, images.lo, images.hi);
    if (predictedRef.current) drawProjection(predictedRef.current, view.predicted, images.predicted, images.lo, images.hi);
  }, [view, images]);

  const exportPng = async (): Promise<void> => {
    const m = measuredRef.current;
    const p = predictedRef.current;
    if (!m || !p) return;
    try {
      const panels = [
        { canvas: m, label: `measured ${formatAngle(view.angle)}` },
        { canvas: p, label: `predicted (NMSE ${formatNumber(view.nmse, 3)}, r ${formatNumber(view.corr, 3)})` },
      ];
      const blob = await canvasToPng(composeFigure(panels, 2, title).canvas);
      downloadBlob(blob, `${title.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${view.angle}.png`);
    } catch (error) {
      showError(`PNG export failed: ${errorMessage(error)}`);
    }
  };

  return (
    <div className="heldout-pair">
      <div className="heldout-images">
        <figure>
          <canvas ref={measuredRef} data-testid="cv-measured" />
          <figcaption>measured, {formatAngle(view.angle)}</figcaption>
        </figure>
        <figure>
          <canvas ref={predictedRef} data-testid="cv-predicted" />
          <figcaption>predicted: reprojection of the reconstruction without it</figcaption>
        </figure>
      </div>
      <div className="heldout-foot">
        <span>
          NMSE <b data-testid="cv-nmse">{formatNumber(view.nmse, 4)}</b> · correlation <b data-testid="cv-corr">{formatNumber(view.corr, 4)}</b>
        </span>
        <span className="hint">both standardised (mean 0, sd 1), one grey window {formatNumber(images.lo, 3)} … {formatNumber(images.hi, 3)}</span>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => void exportPng()} data-testid="export-cv-images-png">
          PNG
        </button>
      </div>
    </div>
  );
}

function ScoreTable({ summary, selected, onSelect }: { summary: CrossValidationSummary; selected: number; onSelect: (i: number) => void }) {
  const { agreement } = summary;
  return (
    <table className="compare-table" data-testid="cv-table">
      <thead>
        <tr>
          <th>Held-out tilt</th>
          <th title="Numbered from 1 in stack order, as the tilt preview and Leave out count them">Tilt</th>
          <th>NMSE</th>
          <th>Correlation</th>
          {agreement && <th title="Mean FRC of the prediction with the measured tilt over 0 < f ≤ 0.25 cycles/pixel">Agreement</th>}
          {agreement && <th title={`The median agreement of the ${AGREEMENT_NEIGHBOURS} nearest tilts by angle either side`}>Expected</th>}
        </tr>
      </thead>
      <tbody>
        {summary.scores.map((s, i) => (
          <tr
            key={s.index}
            className={[i === selected ? 'selected' : '', agreement?.flagged[i] ? 'flagged' : ''].join(' ').trim() || undefined}
            onClick={() => onSelect(i)}
            data-testid="cv-row"
          >
            <td>{formatAngle(s.angle)}</td>
            <td>{s.index + 1}</td>
            <td>{formatNumber(s.nmse, 4)}</td>
            <td>{formatNumber(s.corr, 4)}</td>
            {agreement && <td data-testid="cv-agreement">{formatNumber(agreement.score[i], 3)}</td>}
            {agreement && <td>{formatNumber(agreement.expected[i], 3)}</td>}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={2}>mean</td>
          <td data-testid="cv-mean-nmse">{formatNumber(summary.meanNmse, 4)}</td>
          <td data-testid="cv-mean-corr">{formatNumber(summary.meanCorr, 4)}</td>
          {agreement && <td colSpan={2} />}
        </tr>
      </tfoot>
    </table>
  );
}

/**
 * Each tilt held out in turn: the tilts that agree with the others less than their neighbours do, named (number
 * from 1 and angle, with their agreement and what was expected), and a new data set without them on request, made
 * from the series they were found in (`datasetId`), selected first where the page has moved on to another.
 */
function AgreementNote({ summary, datasetId }: { summary: CrossValidationSummary; datasetId: string | null }) {
  const leaveOutTilts = useAppStore((s) => s.leaveOutTilts);
  const selectDataset = useAppStore((s) => s.selectDataset);
  const leaveOut = async (numbers: number[]) => {
    if (datasetId && useAppStore.getState().selectedDatasetId !== datasetId) selectDataset(datasetId);
    await leaveOutTilts(numbers);
  };
  const { agreement } = summary;
  if (!agreement) return null;
  const flagged = summary.scores.map((s, i) => ({ ...s, i })).filter((s) => agreement.flagged[s.i]);
  if (flagged.length === 0) {
    return (
      <p className="hint" data-testid="cv-agreement-note">
        Every tilt agrees with the others as well as its neighbours do.
      </p>
    );
  }
  const numbers = flaggedTiltNumbers(summary);
  const list = flagged.map((s) => `${s.index + 1} (${formatAngle(s.angle)}: ${formatNumber(agreement.score[s.i], 2)} against ${formatNumber(agreement.expected[s.i], 2)})`).join(', ');
  return (
    <div className="agreement-flagged" data-testid="cv-agreement-note">
      <span>
        Tilt{numbers.length === 1 ? '' : 's'} {list} agree{numbers.length === 1 ? 's' : ''} with the others less than {numbers.length === 1 ? 'its' : 'their'} neighbours do (by more than{' '}
        {formatNumber(agreement.threshold, 2)}): misaligned, blurred, dark or obstructed? Look at {numbers.length === 1 ? 'it' : 'them'} below before leaving {numbers.length === 1 ? 'it' : 'them'} out.
      </span>
      <button type="button" className="small" onClick={() => void leaveOut(numbers).catch(() => undefined)} data-testid="cv-leave-out-flagged">
        New data set without {numbers.length === 1 ? 'it' : 'them'}
      </button>
    </div>
  );
}

/** Held-out-tilt cross-validation of the method panel's settings: scores without ground truth. */
export function CrossValidationView() {
  const job = useCompareStore((s) => s.cv);
  const spec = useCompareStore((s) => s.heldOut);
  const setSpec = useCompareStore((s) => s.setHeldOut);
  const run = useCompareStore((s) => s.runCrossValidation);
  const cancel = useCompareStore((s) => s.cancelCrossValidation);
  const dataset = useAppStore(selectDataset);
  const canRun = useAppStore((s) => s.selectedDatasetId !== null && s.gpu.status === 'ready');
  const description = useFormDescription();
  const [selected, setSelected] = useState(0);

  // Preview the held-out tilts with the engine's own parser.
  const preview = useMemo(() => {
    if (!dataset) return { ok: false, text: 'no tilt series' };
    try {
      if (isEachTilt(spec)) {
        checkEachTilt(dataset.nTilts);
        return { ok: true, text: `holds out each of the ${dataset.nTilts} tilts in turn: ${dataset.nTilts} reconstructions` };
      }
      const indices = heldOutTilts(dataset.tiltAngles, spec);
      return { ok: true, text: `holds out ${indices.map((k) => formatAngle(dataset.tiltAngles[k])).join(', ')} (${indices.length} of ${dataset.nTilts})` };
    } catch (error) {
      return { ok: false, text: errorMessage(error) };
    }
  }, [dataset, spec]);

  const summary = job.result;
  const plotSpec = useMemo(() => (summary ? crossValidationPlotSpec(summary) : null), [summary]);
  const view = summary ? summary.scores[Math.min(selected, summary.scores.length - 1)] : null;
  const stem = exportFileName(dataset?.name ?? 'dataset', 'heldout_cv', 'x').replace(/\.x$/, '');

  return (
    <div className="compare-section">
      <div className="compare-toolbar">
        <label
          className="field inline"
          title='"0": the tilt nearest 0°; "±15": the pair nearest ±15°; "12,-30": a list; "every:5": every 5th tilt by angle; "each": every tilt in turn, one reconstruction each (FBP: about two in all, by linearity), to find the tilts that agree less than their neighbours'
        >
          <span className="field-label">Held out</span>
          <input type="text" className="text-input" value={spec} onChange={(e) => setSpec(e.target.value)} data-testid="cv-heldout" spellCheck={false} size={10} />
        </label>
        <button
          type="button"
          className="primary small"
          disabled={!canRun || job.jobId !== null || !preview.ok}
          onClick={() => {
            setSelected(0);
            void run();
          }}
          data-testid="cv-button"
        >
          Run CV
        </button>
        <span className={preview.ok ? 'muted' : 'invalid'} data-testid="cv-preview">
          {preview.text}
        </span>
      </div>
      <div className="muted">{description}</div>
      <EvalProgress job={job} onCancel={cancel} name="cv" />
      <EvalShown job={job} current={description} name="cv" />
      {summary && plotSpec && view && (
        <>
          <AgreementNote summary={summary} datasetId={job.resultDatasetId} />
          <div className="figure-row">
            <SvgFigure spec={plotSpec} testId="cv-plot" name="cv" fileStem={stem} csv={() => crossValidationCsv(summary)} />
            <div className="figure-side">
              <ScoreTable summary={summary} selected={Math.min(selected, summary.scores.length - 1)} onSelect={setSelected} />
              <p className="hint">
                One reconstruction without the held-out tilts, reprojected at their angles. NMSE = ‖p̂ − p‖²/‖p‖² after standardising both to
                mean 0, sd 1 (= 2·(1 − r)); lower is better. Click a row to see its projections.
              </p>
            </div>
          </div>
          <HeldOutPair view={view} title={summary.label} />
        </>
      )}
      {!summary && !job.jobId && !job.note && <div className="compare-empty">Uses the Method panel&apos;s current method and settings on the selected tilt series.</div>}
    </div>
  );
}
