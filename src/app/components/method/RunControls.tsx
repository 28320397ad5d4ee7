import { ResidualPlot } from '../ResidualPlot.tsx';
import { useAppStore } from '../../state/store.ts';

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
          <span className="progress-message">{job.progress.message}</span>
          <span className="progress-percent">{percent} %</span>
        </div>
      </div>
      <button type="button" className="danger small" onClick={cancel} disabled={job.cancelling} data-testid="cancel-button">
        {job.cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

export function RunControls() {
  const run = useAppStore((s) => s.run);
  const running = useAppStore((s) => s.job !== null);
  const canRun = useAppStore((s) => s.selectedDatasetId !== null && s.gpu.status === 'ready');
  const method = useAppStore((s) => s.form.method);
  const note = useAppStore((s) => s.runNote);
  return (
    <div className="run-controls">
      <button type="button" className="primary" disabled={!canRun || running} onClick={() => void run().catch(() => undefined)} data-testid="run-button">
        Reconstruct ({method === 'fbp' ? 'FBP' : 'SIRT'})
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

/** SIRT's residual curve while it runs (from the progress reports). */
export function LiveResiduals() {
  const residuals = useAppStore((s) => (s.job?.method === 'sirt' ? s.job.progress.residuals : undefined));
  if (!residuals || residuals.length === 0) return null;
  return <ResidualPlot residuals={residuals} live />;
}
