import { doseWeightingField } from '../../state/methodForm.ts';
import { useAppStore } from '../../state/store.ts';

/** FBP's and SIRT's "Dose weighting" checkbox, for the selected data set; locked off with the reason when it has no doses. */
export function DoseWeightingField({ value, onChange, disabled }: { value: boolean | undefined; onChange: (doseWeighting: boolean) => void; disabled: boolean }) {
  const dataset = useAppStore((s) => s.datasets.find((d) => d.id === s.selectedDatasetId));
  const { checked, unavailable } = doseWeightingField(value, dataset);
  return (
    <label className="check" title={unavailable ?? 'Weight every tilt by the exposure filter for the dose it had received (Grant & Grigorieff 2015) before reconstructing'}>
      <input type="checkbox" checked={checked} disabled={disabled || unavailable !== null} onChange={(e) => onChange(e.target.checked)} data-testid="dose-weighting-input" />
      <span className="check-label">Dose weighting</span>
      {unavailable !== null && (
        <span className="check-note" data-testid="dose-weighting-reason">
          : {unavailable}
        </span>
      )}
    </label>
  );
}
