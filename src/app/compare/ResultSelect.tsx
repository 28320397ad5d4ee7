import type { ResultSummary } from '../../../workers/api.ts';
import { resultTitle } from '../components/results/ResultList.tsx';
import { formatSize } from '../util/format.ts';

interface ResultSelectProps {
  label: string;
  results: ResultSummary[];
  value: string | null;
  onChange: (id: string) => void;
  testId: string;
  disabled?: boolean;
}

export function ResultSelect({ label, results, value, onChange, testId, disabled }: ResultSelectProps) {
  return (
    <label className="field inline">
      <span className="field-label">{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-testid={testId} disabled={disabled || results.length === 0}>
        {value === null && <option value="">—</option>}
        {results.map((r) => (
          <option key={r.id} value={r.id} title={r.label}>
            {resultTitle(r)} ({formatSize(r.nx, r.ny, r.nz)})
          </option>
        ))}
      </select>
    </label>
  );
}
