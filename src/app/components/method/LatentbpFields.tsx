import { SYNTH_MODELS } from '../../../engine/methods/latentbp/models.ts';
import { NumberField } from '../NumberField.tsx';
import { AddAnglesField } from './ReprojectFields.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/** The latent back-projection network: the angles to add, a shipped model and the sample's thickness. */
export function LatentbpFields({ disabled }: { disabled: boolean }) {
  const [options, update] = useMethodOptions('latentbp');
  return (
    <>
      <AddAnglesField angles={options.angles} onChange={(angles) => update({ angles })} disabled={disabled} />
      <label className="field">
        <span className="field-label">Model</span>
        <select value={options.model} onChange={(e) => update({ model: e.target.value })} disabled={disabled} data-testid="latentbp-model-select">
          {SYNTH_MODELS.map((m) => (
            <option key={m.name} value={m.name} title={m.summary}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <div className="hint">{SYNTH_MODELS.find((m) => m.name === options.model)?.summary}</div>
      <div className="field-row">
        <NumberField label="Thickness" unit="px" integer min={1} max={4096} value={options.thickness} onChange={(thickness) => update({ thickness })} disabled={disabled} testId="latentbp-thickness-input" title="Thickness of the sample; the latent volume is a quarter of it deep" />
      </div>
    </>
  );
}
