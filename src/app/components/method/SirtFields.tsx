import { NumberField } from '../NumberField.tsx';
import { DoseWeightingField } from './DoseWeightingField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

export function SirtFields({ disabled }: { disabled: boolean }) {
  const [sirt, update] = useMethodOptions('sirt');
  return (
    <>
      <div className="field-row">
        <NumberField label="Iterations" integer min={1} max={10_000} value={sirt.iterations} onChange={(iterations) => update({ iterations })} disabled={disabled} testId="iterations-input" />
        <NumberField label="Relaxation λ" min={0.001} max={1.99} step={0.05} value={sirt.relaxation} onChange={(relaxation) => update({ relaxation })} disabled={disabled} testId="relaxation-input" />
      </div>
      <label className="check" title="Clamp negative voxels to zero after every update">
        <input type="checkbox" checked={sirt.positivity} disabled={disabled} onChange={(e) => update({ positivity: e.target.checked })} data-testid="positivity" />
        Positivity constraint
      </label>
      <label
        className="check"
        title="Row weights one over each ray's length inside the tomogram: exact when the specimen lies wholly inside it (simulations). Off: one over the length across the whole slab, which keeps the mass of a real specimen beyond the tomogram out of its corners."
      >
        <input type="checkbox" checked={sirt.textbookWeights} disabled={disabled} onChange={(e) => update({ textbookWeights: e.target.checked })} data-testid="textbook-weights" />
        Textbook ray weights (specimen inside the tomogram)
      </label>
      <DoseWeightingField value={sirt.doseWeighting} onChange={(doseWeighting) => update({ doseWeighting })} disabled={disabled} />
    </>
  );
}
