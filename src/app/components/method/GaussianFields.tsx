import { NumberField } from '../NumberField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/** Gaussian smoothing: σ in voxels of the result it refines. */
export function GaussianFields({ disabled }: { disabled: boolean }) {
  const [{ sigma }, update] = useMethodOptions('gaussian');
  return (
    <div className="field-row">
      <NumberField label="σ" unit="voxels" min={0.1} max={32} step={0.1} value={sigma} onChange={(value) => update({ sigma: value })} disabled={disabled} testId="sigma-input" title="Standard deviation of the isotropic Gaussian; its transfer function is one half at about 0.187/σ cycles/voxel" />
    </div>
  );
}
