import { useCallback, useEffect } from 'react';
import type { Microscope } from '../../../engine/ctf.ts';
import { FILTER_NAMES, RADIAL_DEFAULTS, radialAtBinning, sameFilter, type FilterName, type FilterSpec } from '../../../engine/filters.ts';
import { microscopeText, type MicroscopeOverride } from '../../../engine/phaseFlip.ts';
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

const NO_ESTIMATE = 'the series has no CTF estimate (drop one with its stack), or its tilts are phase flipped already';

const sameMicroscope = (a: MicroscopeOverride, b: Microscope) => a.voltage === b.voltage && a.cs === b.cs && a.amplitudeContrast === b.amplitudeContrast;

/**
 * "CTF by depth" (docs/metadata.md#ctf-correction-by-depth) for a series with a CTF estimate, at the microscope the
 * phase flip's fields under the series give (the series' own until they are edited); locked off, saying why, for a
 * series that has none. The option follows the fields while checked, and is dropped for a series it cannot apply to.
 */
function CtfByDepthField({ value, onChange, disabled }: { value: MicroscopeOverride | undefined; onChange: (next: MicroscopeOverride | undefined) => void; disabled: boolean }) {
  const dataset = useAppStore(selectDataset);
  const typed = useAppStore((s) => s.typedMicroscope);
  // The summary's phaseFlipUnavailable is absent without an estimate and once flipped: nothing left to correct.
  const unavailable = !dataset ? 'no data set is selected' : dataset.phaseFlipUnavailable === undefined ? NO_ESTIMATE : dataset.phaseFlipUnavailable;
  const microscope = typed && typed.datasetId === dataset?.id ? typed.microscope : undefined;
  useEffect(() => {
    if (value === undefined) return;
    if (unavailable !== null) onChange(undefined);
    else if (microscope && !sameMicroscope(value, microscope)) onChange(microscope);
  }, [value, unavailable, microscope, onChange]);
  const checked = value !== undefined && unavailable === null;
  return (
    <label
      className="check"
      title={
        unavailable ??
        "Correct the CTF slab by slab of depth: each tilt phase flipped at every slab's height (a thick specimen's points lie at different defocus), each slab back-projected from its own. Instead of Phase-flip (CTF), not after it."
      }
    >
      <input type="checkbox" checked={checked} disabled={disabled || unavailable !== null} onChange={(e) => onChange(e.target.checked ? (microscope ?? {}) : undefined)} data-testid="ctf-by-depth-input" />
      <span className="check-label">CTF by depth</span>
      <span className="check-note" data-testid="ctf-by-depth-note">
        {unavailable !== null ? `: ${unavailable}` : checked && microscope ? `: at ${microscopeText(microscope)} (the phase flip's fields)` : ''}
      </span>
    </label>
  );
}

export function FbpFields({ disabled }: { disabled: boolean }) {
  const [{ filter, doseWeighting, ctfByDepth }, update] = useMethodOptions('fbp');
  const setFilter = (next: typeof filter) => update({ filter: next });
  const updateOptions = useAppStore((s) => s.updateOptions);
  // Stable, for the field's effect.
  const setCtfByDepth = useCallback((next: MicroscopeOverride | undefined) => updateOptions('fbp', { ctfByDepth: next }), [updateOptions]);
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
      <CtfByDepthField value={ctfByDepth} onChange={setCtfByDepth} disabled={disabled} />
    </>
  );
}
