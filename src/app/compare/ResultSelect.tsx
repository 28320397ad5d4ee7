import type { ResultSummary } from '../../../workers/api.ts';
import { formatSize } from '../util/format.ts';
import { usePickSeries } from './hooks.ts';

interface ResultSelectProps {
  label: string;
  results: ResultSummary[];
  value: string | null;
  onChange: (id: string) => void;
  testId: string;
  disabled?: boolean;
}

export function ResultSelect({ label, results, value, onChange, testId, disabled }: ResultSelectProps) {
  // A result of another series of the family says which.
  const { titleOf } = usePickSeries();
  return (
    <label className="field inline">
      <span className="field-label">{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-testid={testId} disabled={disabled || results.length === 0}>
        {value === null && <option value="">—</option>}
        {results.map((r) => (
          <option key={r.id} value={r.id} title={r.label}>
            {titleOf(r)} ({formatSize(r.nx, r.ny, r.nz)})
          </option>
        ))}
      </select>
    </label>
  );
}
