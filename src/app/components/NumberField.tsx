import { useState } from 'react';

interface NumberFieldProps {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min?: number;
  max?: number;
  step?: number;
  integer?: boolean;
  disabled?: boolean;
  unit?: string;
  testId?: string;
  title?: string;
}

/** A labelled number input that lets the user type freely and commits valid values. */
export function NumberField({ label, value, onChange, min, max, step, integer, disabled, unit, testId, title }: NumberFieldProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = (text: string): boolean => {
    let v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v)) return false;
    if (integer) v = Math.round(v);
    if (min !== undefined && v < min) return false;
    if (max !== undefined && v > max) return false;
    if (v !== value) onChange(v);
    return true;
  };
  return (
    <label className="field" title={title}>
      <span className="field-label">{label}</span>
      <span className="field-input">
        <input
          type="number"
          value={draft ?? String(value)}
          min={min}
          max={max}
          step={step ?? (integer ? 1 : 'any')}
          disabled={disabled}
          data-testid={testId}
          onChange={(e) => {
            setDraft(e.target.value);
            commit(e.target.value);
          }}
          onBlur={() => setDraft(null)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setDraft(null);
          }}
        />
        {unit && <span className="unit">{unit}</span>}
      </span>
    </label>
  );
}
