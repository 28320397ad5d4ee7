import { REFINE_MODELS, type UnetObjective } from '../../../engine/methods/unetrefine/models.ts';
import { NumberField } from '../NumberField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/** The U-Net refinements (CryoGEN, IsoNet-style): the shipped model, cube side, overlap and batch. */
function UnetRefineFields({ objective, disabled }: { objective: UnetObjective; disabled: boolean }) {
  const [options, update] = useMethodOptions(objective);
  return (
    <>
      <label className="field">
        <span className="field-label">Model</span>
        <select value={options.model} onChange={(e) => update({ model: e.target.value })} disabled={disabled} data-testid={`${objective}-model-select`}>
          {REFINE_MODELS.map((m) => (
            <option key={m.name} value={m.name} title={m.summary}>
              {m.name} ({m.objective})
            </option>
          ))}
        </select>
      </label>
      <div className="hint">{REFINE_MODELS.find((m) => m.name === options.model)?.summary}</div>
      <div className="field-row">
        <NumberField label="Cube" unit="voxels" integer min={8} max={256} step={4} value={options.cube} onChange={(cube) => update({ cube })} disabled={disabled} testId={`${objective}-cube-input`} title="Side of the cubes fed to the model (a multiple of 4)" />
        <NumberField label="Overlap" unit="voxels" integer min={0} max={127} value={options.overlap} onChange={(overlap) => update({ overlap })} disabled={disabled} testId={`${objective}-overlap-input`} title="Voxels shared by neighbouring cubes, blended with smooth weights" />
        <NumberField label="Batch" integer min={1} max={64} value={options.batchSize} onChange={(batchSize) => update({ batchSize })} disabled={disabled} testId={`${objective}-batch-input`} title="Cubes per model call" />
      </div>
    </>
  );
}

export function CryogenFields({ disabled }: { disabled: boolean }) {
  return <UnetRefineFields objective="cryogen" disabled={disabled} />;
}

export function IsonetFields({ disabled }: { disabled: boolean }) {
  return <UnetRefineFields objective="isonet" disabled={disabled} />;
}
