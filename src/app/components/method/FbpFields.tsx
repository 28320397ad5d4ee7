import { FILTER_NAMES, RADIAL_DEFAULTS, radialAtBinning, sameFilter, type FilterName, type FilterSpec } from '../../../engine/filters.ts';
import { selectDataset, useAppStore } from '../../state/store.ts';
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

/** IMOD's tilt.com came with the series: its radial filter at the form's binning, to apply or not. */
function ImodRadialGuide({ filter, setFilter, disabled }: { filter: FilterSpec; setFilter: (next: FilterSpec) => void; disabled: boolean }) {
  const radial = useAppStore((s) => selectDataset(s)?.imodRadial);
  const binning = useAppStore((s) => s.form.common.binning);
  if (!radial) return null;
  const imod = radialAtBinning(radial, binning);
  const same = sameFilter(filter, imod);
  return (
    <div className="hint" data-testid="fbp-imod-radial" title={radial.source}>
      IMOD&apos;s tilt.com: radial, cutoff {imod.cutoff}, σ {imod.falloff} cyc/px{binning > 1 ? ` at bin ${binning}` : ''}{' '}
      <button type="button" className="small" disabled={disabled || same} onClick={() => setFilter(imod)} data-testid="fbp-imod-radial-use">
        Use
      </button>
    </div>
  );
}

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
      <ImodRadialGuide filter={filter} setFilter={setFilter} disabled={disabled} />
      <DoseWeightingField value={doseWeighting} onChange={(next) => update({ doseWeighting: next })} disabled={disabled} />
    </>
  );
}
