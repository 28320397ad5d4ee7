import { autoContrastHint, CONTRAST_LABELS, CONTRASTS, type Contrast } from '../../../engine/methods/contrast.ts';
import type { Polarity } from '../../../engine/polarity.ts';

/**
 * Which way the data's contrast runs, for a learned method whose network learnt dense matter bright
 * (methods/contrast.ts); with `auto`, what the series in hand reads and so what will run.
 */
export function ContrastField({ value, onChange, disabled, testId, series }: { value: Contrast; onChange: (contrast: Contrast) => void; disabled: boolean; testId: string; series: Polarity | undefined }) {
  return (
    <>
      <label className="field" title="The shipped models learnt dense matter bright. Raw cryo-EM data run dense dark: auto reads that from the tilt series (the label says what it found)">
        <span className="field-label">Contrast</span>
        <select value={value} disabled={disabled} data-testid={`${testId}-contrast-select`} onChange={(e) => onChange(e.target.value as Contrast)}>
          {CONTRASTS.map((contrast) => (
            <option key={contrast} value={contrast}>
              {CONTRAST_LABELS[contrast]}
            </option>
          ))}
        </select>
      </label>
      {value === 'auto' && series && (
        <div className="hint" data-testid={`${testId}-contrast-hint`}>
          {autoContrastHint(series)}
        </div>
      )}
    </>
  );
}
