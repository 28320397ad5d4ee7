import { useRef } from 'react';
import { modelCalls } from '../../../engine/methods/localnet/base.ts';
import { selectDataset, useAppStore } from '../../state/store.ts';
import { NumberField } from '../NumberField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/** Model calls the run will make: one per voxel, or one per bior3.1 half-grid point (wavelet variant). */
function ModelCalls() {
  const dataset = useAppStore(selectDataset);
  const common = useAppStore((s) => s.form.common);
  const software = useAppStore((s) => s.gpu.status === 'ready' && s.gpu.info.isFallbackAdapter);
  const model = useAppStore((s) => s.localModels.find((m) => m.name === s.form.options.localnet.model));
  if (!dataset || !model) return null;
  const [nx, ny, nz] = [Math.floor(dataset.nx / common.binning), Math.floor(dataset.ny / common.binning), common.thickness];
  const calls = modelCalls(model.variant, nx, ny, nz);
  return (
    <div className="hint" data-testid="localnet-calls">
      {calls.toLocaleString('en')} model calls, {dataset.nTilts} patches each.
      {software &&
        ' Software WebGPU adapter: the model runs on the CPU (onnxruntime-web wasm, under a millisecond per call, the patches about as much again); bin 2 or the wavelet variant for a quick look.'}
    </div>
  );
}

/** The local network: a pretrained model (CryoLithe layout) applied to patches of the filtered tilts. */
export function LocalnetFields({ disabled }: { disabled: boolean }) {
  const [localnet, update] = useMethodOptions('localnet');
  const models = useAppStore((s) => s.localModels);
  const addModel = useAppStore((s) => s.addLocalModel);
  const fileInput = useRef<HTMLInputElement>(null);
  const onFile = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    // A bad file ends in the error banner (the store reports it); the menu keeps its choice.
    if (file) addModel(file).catch(() => undefined);
  };
  return (
    <>
      <label className="field">
        <span className="field-label">Model</span>
        <select value={localnet.model} onChange={(e) => update({ model: e.target.value })} disabled={disabled} data-testid="localnet-model-select">
          {models.map((m) => (
            <option key={m.name} value={m.name} title={m.summary}>
              {m.name} ({m.variant})
            </option>
          ))}
        </select>
      </label>
      <div className="hint" data-testid="localnet-model-summary">
        {models.find((m) => m.name === localnet.model)?.summary}
      </div>
      <input ref={fileInput} type="file" accept=".onnx" hidden onChange={(e) => onFile(e.target)} data-testid="localnet-model-file" />
      <button
        type="button"
        className="small"
        disabled={disabled}
        onClick={() => fileInput.current?.click()}
        title="A model of the same interface (inputs patches [batch, nTilts, P, P] and angles [nTilts]; output [batch, 1] or [batch, 8]), for this session"
      >
        Add a model (.onnx)…
      </button>
      <div className="field-row">
        <NumberField label="Batch" integer min={0} max={1 << 20} value={localnet.batchSize} onChange={(batchSize) => update({ batchSize })} disabled={disabled} testId="localnet-batch-input" title="Points per model call; 0 sizes batches to the GPU's memory" />
      </div>
      <ModelCalls />
    </>
  );
}
