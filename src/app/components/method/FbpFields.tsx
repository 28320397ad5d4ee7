import { FILTER_NAMES, RADIAL_DEFAULTS, type FilterName } from '../../../engine/filters.ts';
import { NumberField } from '../NumberField.tsx';
import { DoseWeightingField } from './DoseWeightingField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

const FILTER_LABELS: Record<FilterName, string> = {
  'ram-lak': 'Ram-Lak (ramp)',
  'shepp-logan': 'Shepp-Logan',
  cosine: 'Cosine',
  hamming: 'Hamming',
  hann: 'Hann',
  radial: 'Radial (IMOD cutoff/falloff)',
};

export function FbpFields({ disabled }: { disabled: boolean }) {
  const [{ filter, doseWeighting }, update] = useMethodOptions('fbp');
  const setFilter = (next: typeof filter) => update({ filter: next });
  return (
    <>
      <label className="field">
        <span className="field-label">Filter</span>
        <select
          value={filter.name}
          disabled={disabled}
          data-testid="filter-select"
          onChange={(e) => {
            const name = e.target.value as FilterName;
            setFilter(name === 'radial' ? { name, cutoff: filter.cutoff ?? RADIAL_DEFAULTS.cutoff, falloff: filter.falloff ?? RADIAL_DEFAULTS.falloff } : { name });
          }}
        >
          {FILTER_NAMES.map((name) => (
            <option key={name} value={name}>
              {FILTER_LABELS[name]}
            </option>
          ))}
        </select>
      </label>
      {filter.name === 'radial' && (
        <div className="field-row">
          <NumberField label="Cutoff" unit="cyc/px" min={0} max={0.5} step={0.005} value={filter.cutoff ?? RADIAL_DEFAULTS.cutoff} onChange={(cutoff) => setFilter({ ...filter, cutoff })} disabled={disabled} testId="radial-cutoff" />
          <NumberField label="Falloff σ" unit="cyc/px" min={0} max={0.5} step={0.005} value={filter.falloff ?? RADIAL_DEFAULTS.falloff} onChange={(falloff) => setFilter({ ...filter, falloff })} disabled={disabled} testId="radial-falloff" />
        </div>
      )}
      <DoseWeightingField value={doseWeighting} onChange={(next) => update({ doseWeighting: next })} disabled={disabled} />
    </>
  );
}
