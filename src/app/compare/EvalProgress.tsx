import type { EvalJob } from '../state/compareStore.ts';

/** Progress bar and Cancel of a comparison's job (FSC, odd/even, cross-validation, trust score); the last note when idle. */
export function EvalProgress<T>({ job, onCancel, name }: { job: EvalJob<T>; onCancel: () => void; name: string }) {
  if (!job.jobId) {
    return job.note ? (
      <div className={`run-note ${job.note.kind}`} data-testid={`${name}-note`}>
        {job.note.text}
      </div>
    ) : null;
  }
  const fraction = job.progress?.fraction ?? 0;
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div className="job compare-job">
      <div className="progress" data-testid={`${name}-progress`} role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
        <div className="progress-track">
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
        <div className="progress-text">
          <span className="progress-message" title={job.label}>
            {job.progress?.message ?? ''}
          </span>
          <span className="progress-percent">{percent} %</span>
        </div>
      </div>
      <button type="button" className="danger small" onClick={onCancel} disabled={job.cancelling} data-testid={`${name}-cancel`}>
        {job.cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

/**
 * What the figure below shows, when that is no longer what a run would use (the Method panel changed since):
 * both, so a plot is never read as the current settings'.
 */
export function EvalShown<T>({ job, current, name }: { job: EvalJob<T>; current: string; name: string }) {
  if (!job.result || job.resultLabel === current) return null;
  return (
    <div className="hint warn" data-testid={`${name}-shown`}>
      Shown: {job.resultLabel}. A new run would use: {current}.
    </div>
  );
}
