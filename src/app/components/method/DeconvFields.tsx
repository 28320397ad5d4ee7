import { selectResult, selectResultDataset, useAppStore } from '../../state/store.ts';
import { NumberField } from '../NumberField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/**
 * What the selected result's series says of its CTF: its mean defocus (µm) where it came with an estimate, and
 * whether its tilts were phase flipped (a flipped data set, or FBP's CTF by depth).
 */
function useSeriesCtf(): { meanDefocus: number | null; flipped: boolean } {
  const dataset = useAppStore(selectResultDataset);
  const result = useAppStore(selectResult);
  const defocus = dataset?.defocus;
  const meanDefocus = defocus && defocus.length > 0 ? defocus.reduce((a, b) => a + b, 0) / defocus.length : null;
  const flipped = (dataset?.metadata.some((row) => row.label === 'CTF correction') ?? false) || (result?.params !== null && result?.params !== undefined && 'ctfByDepth' in result.params && result.params.ctfByDepth !== undefined);
  return { meanDefocus, flipped };
}

/** CTF deconvolution: the tilts' defocus (offered from the series' estimate), the SNR model, and whether the tilts were flipped. */
export function DeconvFields({ disabled }: { disabled: boolean }) {
  const [{ defocus, voltage, snrFalloff, strength, highpass, phaseFlipped }, update] = useMethodOptions('deconv');
  const { meanDefocus, flipped } = useSeriesCtf();
  const mean = meanDefocus === null ? null : Number(meanDefocus.toFixed(3));
  return (
    <>
      <div className="field-row">
        <NumberField label="Defocus" unit="µm" min={0} max={20} step={0.1} value={defocus ?? 0} onChange={(value) => update({ defocus: value > 0 ? value : undefined })} disabled={disabled} testId="deconv-defocus" title="The tilts' defocus, µm under focus (their mean for a series with one per tilt); 0: not given, and the run is refused" />
        <NumberField label="Voltage" unit="kV" min={60} max={400} step={100} value={voltage} onChange={(value) => update({ voltage: value })} disabled={disabled} testId="deconv-voltage" />
      </div>
      {mean !== null && mean !== defocus && (
        <div className="hint" data-testid="deconv-defocus-hint">
          The series&apos; CTF estimate: {mean} µm on average{' '}
          <button type="button" className="small" disabled={disabled} onClick={() => update({ defocus: mean })} data-testid="deconv-defocus-use">
            Use
          </button>
        </div>
      )}
      <div className="field-row">
        <NumberField label="SNR falloff" min={0} max={10} step={0.1} value={snrFalloff} onChange={(value) => update({ snrFalloff: value })} disabled={disabled} testId="deconv-falloff" title="How fast the SNR model falls with frequency (1–1.2 usually)" />
        <NumberField label="Strength" min={0} max={3} step={0.1} value={strength} onChange={(value) => update({ strength: value })} disabled={disabled} testId="deconv-strength" title="The SNR model at low frequency is 10^(3·strength): 1 for 1000, 0.67 for 100" />
      </div>
      <div className="field-row">
        <NumberField label="High-pass" unit="× Nyquist" min={0.001} max={1} step={0.01} value={highpass} onChange={(value) => update({ highpass: value })} disabled={disabled} testId="deconv-highpass" title="Below this fraction of Nyquist the SNR model rises from 0: the mean and the slowest ramps are taken off" />
      </div>
      <label className="check" title="The tilts were phase flipped (or FBP corrected the CTF by depth): the filter follows |CTF|">
        <input type="checkbox" checked={phaseFlipped} disabled={disabled} onChange={(e) => update({ phaseFlipped: e.target.checked })} data-testid="deconv-phase-flipped" />
        <span className="check-label">Phase-flipped tilts</span>
        {flipped && !phaseFlipped && (
          <span className="check-note" data-testid="deconv-flipped-hint">
            : this result&apos;s tilts were flipped
          </span>
        )}
      </label>
    </>
  );
}
