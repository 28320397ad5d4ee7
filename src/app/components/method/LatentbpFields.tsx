import { selectDataset, useAppStore } from '../../state/store.ts';
import { NumberField } from '../NumberField.tsx';
import { ContrastField } from './ContrastField.tsx';
import { ModelField } from './ModelField.tsx';
import { AddAnglesField } from './ReprojectFields.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/** The latent back-projection network: the angles to add, the model (shipped or yours), the contrast and the sample's thickness. */
export function LatentbpFields({ disabled }: { disabled: boolean }) {
  const [options, update] = useMethodOptions('latentbp');
  const series = useAppStore(selectDataset)?.contrast.polarity;
  return (
    <>
      <AddAnglesField angles={options.angles} onChange={(angles) => update({ angles })} disabled={disabled} />
      <ModelField
        method="latentbp"
        value={options.model}
        onChange={(model) => update({ model })}
        disabled={disabled}
        testId="latentbp"
        contract="As models/synth/train.py writes them: encoder tilts [N, 1, H, W] → [N, C, H/4, W/4], refiner [1, C, D, h, w] → the same, decoder [N, C, h, w] → [N, 1, 4h, 4w]."
      />
      <ContrastField value={options.contrast} onChange={(contrast) => update({ contrast })} disabled={disabled} testId="latentbp" series={series} />
      <div className="field-row">
        <NumberField label="Thickness" unit="px" integer min={1} max={4096} value={options.thickness} onChange={(thickness) => update({ thickness })} disabled={disabled} testId="latentbp-thickness-input" title="Thickness of the sample; the latent volume is a quarter of it deep" />
      </div>
    </>
  );
}
