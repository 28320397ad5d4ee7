import { LOCAL_MODELS, shippedModel } from '../../../engine/onnx/catalogue.ts';
import { halfLength } from '../../../engine/reference/wavelet3d.ts';
import { selectDataset, useAppStore } from '../../state/store.ts';
import { NumberField } from '../NumberField.tsx';

/** Model calls the run will make: one per voxel, or one per bior3.1 half-grid point (wavelet variant). */
function ModelCalls() {
  const dataset = useAppStore(selectDataset);
  const { common, localnet } = useAppStore((s) => s.form);
  const software = useAppStore((s) => s.gpu.status === 'ready' && s.gpu.info.isFallbackAdapter);
  const model = shippedModel(localnet.model);
  if (!dataset || !model) return null;
  const [nx, ny, nz] = [Math.floor(dataset.nx / common.binning), Math.floor(dataset.ny / common.binning), common.thickness];
  const calls = model.variant === 'wavelet' ? halfLength(nx) * halfLength(ny) * halfLength(nz) : nx * ny * nz;
  return (
    <div className="hint" data-testid="localnet-calls">
      {calls.toLocaleString('en')} model calls, {dataset.nTilts} patches each.
      {software &&
        ' Software WebGPU adapter: the model runs on the CPU (onnxruntime-web wasm, about a millisecond per call); bin 2 or the wavelet variant for a quick look.'}
    </div>
  );
}

/** The local network: a pretrained model (CryoLithe layout) applied to patches of the filtered tilts. */
export function LocalnetFields({ disabled }: { disabled: boolean }) {
  const localnet = useAppStore((s) => s.form.localnet);
  const update = useAppStore((s) => s.updateLocalnet);
  return (
    <>
      <label className="field">
        <span className="field-label">Model</span>
        <select value={localnet.model} onChange={(e) => update({ model: e.target.value })} disabled={disabled} data-testid="localnet-model-select">
          {LOCAL_MODELS.map((m) => (
            <option key={m.name} value={m.name} title={m.summary}>
              {m.name} ({m.variant})
            </option>
          ))}
        </select>
      </label>
      <div className="hint">{shippedModel(localnet.model)?.summary}</div>
      <div className="field-row">
        <NumberField label="Batch" integer min={0} max={1 << 20} value={localnet.batchSize} onChange={(batchSize) => update({ batchSize })} disabled={disabled} testId="localnet-batch-input" title="Points per model call; 0 sizes batches to the GPU's memory" />
      </div>
      <ModelCalls />
    </>
  );
}
