import { binnedLength } from '../../../io/binning.ts';
import { handoverProblem, MAX_FSC_SIGMA, modelCalls, SUGGESTED_FSC_SIGMA } from '../../../engine/methods/localnet/base.ts';
import { selectDataset, useAppStore } from '../../state/store.ts';
import { NumberField } from '../NumberField.tsx';
import { ModelField } from './ModelField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/** The selected data set as the run will see it: binned by the form's binning, the form's thickness; null without one. */
function useBinnedSeries(): { nx: number; ny: number; nTilts: number; thickness: number } | null {
  const dataset = useAppStore(selectDataset);
  const common = useAppStore((s) => s.form.common);
  if (!dataset) return null;
  return { nx: binnedLength(dataset.nx, common.binning), ny: binnedLength(dataset.ny, common.binning), nTilts: dataset.nTilts, thickness: common.thickness };
}

/** Model calls the run will make: one per voxel, or one per bior3.1 half-grid point (wavelet variant). */
function ModelCalls() {
  const series = useBinnedSeries();
  const software = useAppStore((s) => s.gpu.status === 'ready' && s.gpu.info.isFallbackAdapter);
  const model = useAppStore((s) => s.models.localnet.find((m) => m.name === s.form.options.localnet.model));
  if (!series || !model) return null;
  const calls = modelCalls(model.tag, series.nx, series.ny, series.thickness);
  return (
    <div className="hint" data-testid="localnet-calls">
      {calls.toLocaleString('en')} model calls, {series.nTilts} patches each.
      {software &&
        ' Software WebGPU adapter: the model runs on the CPU (onnxruntime-web wasm, under a millisecond per call, the patches about as much again); bin 2 or the wavelet variant for a quick look.'}
    </div>
  );
}

/** What the run would refuse before any work: the FSC-weighted hand-over to FBP with too few tilts for two halves. */
function HandoverWarning() {
  const series = useBinnedSeries();
  const localnet = useAppStore((s) => s.form.options.localnet);
  const problem = series && handoverProblem(localnet, series);
  return problem ? (
    <div className="hint warn" data-testid="localnet-handover-warning">
      {problem}.
    </div>
  ) : null;
}

/** The local network: a pretrained model (CryoLithe layout) applied to patches of the filtered tilts. */
export function LocalnetFields({ disabled }: { disabled: boolean }) {
  const [localnet, update] = useMethodOptions('localnet');
  const notOdd = useAppStore((s) => s.models.localnet.find((m) => m.name === localnet.model)?.odd === false);
  return (
    <>
      <ModelField
        method="localnet"
        value={localnet.model}
        onChange={(model) => update({ model })}
        disabled={disabled}
        testId="localnet"
        contract="Inputs patches [batch, nTilts, P, P] and angles [nTilts]; output [batch, 1] or [batch, 8]."
      />
      <label className="check" title="Instead of FBP below: every measured frequency moves toward FBP as far as FBP's own odd/even FSC says the data determine it (2F/(1 + F)): mostly FBP on clean data, the model's own on noisy data. Two cosine FBPs, of the even and the odd tilts, which together make the whole one (docs/localnet.md)">
        <input type="checkbox" checked={localnet.fbpFsc} disabled={disabled} onChange={(e) => update(e.target.checked ? { fbpFsc: true, fbpBelow: 0, fscSigma: SUGGESTED_FSC_SIGMA } : { fbpFsc: false, fscSigma: 0 })} data-testid="localnet-fbp-fsc" />
        FBP by odd/even FSC
      </label>
      <div className="field-row">
        <NumberField
          label="σ where FSC is low"
          min={0}
          max={MAX_FSC_SIGMA}
          step={0.25}
          value={localnet.fscSigma}
          onChange={(fscSigma) => update({ fscSigma })}
          disabled={disabled || !localnet.fbpFsc}
          testId="localnet-fsc-sigma-input"
          title={`With FBP by odd/even FSC (ticking it puts in ${SUGGESTED_FSC_SIGMA}): then smooth the result by a Gaussian of this σ (voxels), each frequency only as far as that FSC says the data do not determine it: noisy data are smoothed, clean data kept. 0: none (docs/localnet.md)`}
        />
        <NumberField
          label="FBP below"
          min={0}
          max={0.5}
          step={0.01}
          value={localnet.fbpBelow}
          onChange={(fbpBelow) => update({ fbpBelow })}
          disabled={disabled || localnet.fbpFsc}
          testId="localnet-fbp-below-input"
          title="Cycles/voxel below which the measured frequencies come from FBP, scaled to the model's: its 11-pixel patches do not reach that far. 0: the model's own. On simulations, 0.15 followed by Gaussian smoothing of σ 0.75 voxels scored best (docs/localnet.md); check it on your data with Trust vs FBP"
        />
      </div>
      <div className="field-row">
        <NumberField label="Batch" unit="points per call" integer min={0} max={1 << 20} value={localnet.batchSize} onChange={(batchSize) => update({ batchSize })} disabled={disabled} testId="localnet-batch-input" title="Points per model call; 0 sizes batches to the GPU's memory" />
      </div>
      <label className="check" title="For a model that is not odd (one of yours, a converted CryoLithe network; the shipped ones are odd): run it as it was trained, not as its odd part, which keeps inverted contrast from giving structure of the wrong sign. Tick it only for a model trained on one contrast, given a stack of that contrast (docs/localnet.md)">
        <input type="checkbox" checked={notOdd && localnet.asTrained} disabled={disabled || !notOdd} onChange={(e) => update({ asTrained: e.target.checked })} data-testid="localnet-as-trained" />
        As trained (a model that is not odd)
      </label>
      <ModelCalls />
      <HandoverWarning />
    </>
  );
}
