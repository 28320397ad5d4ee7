import { MAX_INPUT_SIGMA } from '../../../engine/methods/unetrefine/base.ts';
import type { UnetObjective } from '../../../engine/methods/unetrefine/models.ts';
import { modelWedgeWarning } from '../../../engine/methods/unetrefine/trainingWedges.ts';
import { selectResultDataset, useAppStore } from '../../state/store.ts';
import { ContrastField } from './ContrastField.tsx';
import { ModelField } from './ModelField.tsx';
import { NumberField } from '../NumberField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/**
 * The warning when the selected result's tilt series was measured over a range outside the chosen model's training
 * wedges (unetrefine/trainingWedges.ts; the command line says the same with --angles), else null.
 */
function useWedgeWarning(model: string): string | null {
  return useAppStore((s) => {
    const dataset = selectResultDataset(s);
    const choice = s.models.refine.find((m) => m.name === model);
    return dataset && choice ? modelWedgeWarning(choice, [dataset.angleMin, dataset.angleMax]) : null;
  });
}

/** The U-Net refinements (CryoGEN, IsoNet-style): the model (shipped or yours), the contrast, cube side, overlap, batch and input smoothing. */
function UnetRefineFields({ objective, disabled }: { objective: UnetObjective; disabled: boolean }) {
  const [options, update] = useMethodOptions(objective);
  const wedgeWarning = useWedgeWarning(options.model);
  // The contrast of the selected result's tilt series: what the 'auto' contrast follows.
  const series = useAppStore((s) => selectResultDataset(s)?.contrast.polarity);
  return (
    <>
      <ModelField
        method={objective}
        value={options.model}
        onChange={(model) => update({ model })}
        disabled={disabled}
        testId={objective}
        contract="As models/refine/train.py writes it: input cube [batch, 1, nz, ny, nx] (multiples of 4), one output of the same shape."
      />
      {wedgeWarning && (
        <div className="hint warn" data-testid={`${objective}-wedge-warning`}>
          {wedgeWarning}
        </div>
      )}
      <ContrastField value={options.contrast} onChange={(contrast) => update({ contrast })} disabled={disabled} testId={objective} series={series} />
      <div className="field-row">
        <NumberField label="Cube" unit="voxels" integer min={8} max={256} step={4} value={options.cube} onChange={(cube) => update({ cube })} disabled={disabled} testId={`${objective}-cube-input`} title="Side of the cubes fed to the model (a multiple of 4)" />
        <NumberField label="Overlap" unit="voxels" integer min={0} max={127} value={options.overlap} onChange={(overlap) => update({ overlap })} disabled={disabled} testId={`${objective}-overlap-input`} title="Voxels shared by neighbouring cubes, blended with smooth weights" />
      </div>
      <div className="field-row">
        <NumberField label="Batch" integer min={1} max={64} value={options.batchSize} onChange={(batchSize) => update({ batchSize })} disabled={disabled} testId={`${objective}-batch-input`} title="Cubes per model call" />
        <NumberField
          label="Smooth input σ"
          unit="voxels"
          min={0}
          max={MAX_INPUT_SIGMA}
          step={0.25}
          value={options.inputSigma}
          onChange={(inputSigma) => update({ inputSigma })}
          disabled={disabled}
          testId={`${objective}-input-sigma-input`}
          title="Smooth the tomogram by a Gaussian of this σ before the model (0: none). On noisy simulations σ 1 then the model beat the best-smoothed FBP where the model alone did not (docs/refine.md)"
        />
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
