import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { methodDefinition, type MethodName } from '../../../engine/methods/registry.ts';
import type { SlabPreview } from '../../../engine/types.ts';
import { LossPlot, ResidualPlot } from '../CurvePlot.tsx';
import { methodTitle } from '../../state/methodForm.ts';
import { useAppStore } from '../../state/store.ts';
import { drawGrey } from '../../util/canvas.ts';
import { useShortcuts, type Shortcut } from '../../util/shortcuts.ts';
import { samplePercentiles } from '../../util/format.ts';

function JobProgress() {
  const job = useAppStore((s) => s.job);
  const cancel = useAppStore((s) => s.cancelRun);
  if (!job) return null;
  const percent = Math.round(Math.min(1, Math.max(0, job.progress.fraction)) * 100);
  return (
    <div className="job">
      <div className="progress" data-testid="progress" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
        <div className="progress-track">
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
        <div className="progress-text">
          <span className="progress-message" data-testid="progress-message">
            {job.progress.message}
          </span>
          <span className="progress-percent">{percent} %</span>
        </div>
      </div>
      <TrainingMonitor />
      <button type="button" className="danger small" onClick={cancel} disabled={job.cancelling} data-testid="cancel-button">
        {job.cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

/** The XZ section of the slab being fitted, 1st–99th percentile grey window. */
function SlabPreviewImage({ preview }: { preview: SlabPreview }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [lo, hi] = useMemo(() => samplePercentiles(preview.data, [1, 99]), [preview]);
  useEffect(() => {
    if (canvas.current) drawGrey(canvas.current, preview.data, preview.nx, preview.nz, lo, hi);
  }, [preview, lo, hi]);
  return (
    <figure className="slab-preview" data-testid="slab-preview">
      <figcaption>
        Slab being fitted: XZ at y = {preview.row}
      </figcaption>
      <canvas ref={canvas} data-testid="slab-preview-canvas" />
    </figure>
  );
}

/** A run that trains (the coordinate network) as it goes: the loss so far and the current slab's section. */
function TrainingMonitor() {
  const job = useAppStore((s) => s.job);
  if (!job || (!job.progress.loss && !job.progress.preview)) return null;
  const { loss, preview } = job.progress;
  // The page's requests carry the form's complete parameters, so the stage marks need no defaults.
  const marks = (steps: number) => methodDefinition(job.method).lossMarks?.(job.request.params as never, steps) ?? [];
  return (
    <div className="training-monitor" data-testid="training-monitor">
      {loss && loss.length > 0 && <LossPlot loss={loss} marks={marks(loss.length)} live />}
      {preview && <SlabPreviewImage preview={preview} />}
    </div>
  );
}

/**
 * A method that is a trap on a software adapter (its definition says why): the reason, and a box that lets Run go
 * ahead anyway. Returns whether the run may start.
 */
function useSoftwareAdapterConsent(method: MethodName): { allowed: boolean; notice: ReactNode } {
  const software = useAppStore((s) => s.gpu.status === 'ready' && s.gpu.info.isFallbackAdapter);
  const [consented, setConsented] = useState<readonly MethodName[]>([]);
  const warning = software ? methodDefinition(method).softwareAdapterWarning : undefined;
  if (!warning) return { allowed: true, notice: null };
  const allowed = consented.includes(method);
  const notice = (
    <div className="hint warn" data-testid="software-adapter-warning">
      {warning}
      <label className="check">
        <input
          type="checkbox"
          checked={allowed}
          onChange={(e) => setConsented((list) => (e.target.checked ? [...list, method] : list.filter((m) => m !== method)))}
          data-testid="software-run-anyway"
        />
        Run anyway on this software adapter
      </label>
    </div>
  );
  return { allowed, notice };
}

export function RunControls() {
  const run = useAppStore((s) => s.run);
  const running = useAppStore((s) => s.job !== null);
  const canRun = useAppStore((s) => s.selectedDatasetId !== null && s.gpu.status === 'ready');
  const method = useAppStore((s) => s.form.choice.reconstruction);
  const note = useAppStore((s) => s.runNote);
  const software = useSoftwareAdapterConsent(method);
  const runnable = canRun && !running && software.allowed;
  const onShortcut = useCallback(
    (shortcut: Shortcut) => {
      if (shortcut !== 'run' || !runnable) return false;
      void run().catch(() => undefined);
      return true;
    },
    [runnable, run],
  );
  useShortcuts(onShortcut);
  return (
    <div className="run-controls">
      {software.notice}
      <button
        type="button"
        className="primary"
        disabled={!runnable}
        title="Ctrl+Enter (⌘+Enter)"
        onClick={() => void run().catch(() => undefined)}
        data-testid="run-button"
      >
        Reconstruct ({methodTitle(method)})
      </button>
      <JobProgress />
      {note && !running && (
        <div className={`run-note ${note.kind}`} data-testid="run-note">
          {note.text}
        </div>
      )}
    </div>
  );
}

/** An iterative method's residual curve (SIRT's) while it runs, from the progress reports. */
export function LiveResiduals() {
  const residuals = useAppStore((s) => s.job?.progress.residuals);
  if (!residuals || residuals.length === 0) return null;
  return <ResidualPlot residuals={residuals} live />;
}
