import { coordnetRatio } from '../../../engine/methods/coordnet/base.ts';
import { paramCount } from '../../../engine/methods/coordnet/network.ts';
import { formParams } from '../../state/methodForm.ts';
import { selectDataset, useAppStore } from '../../state/store.ts';
import { formatNumber } from '../../util/format.ts';
import { NumberField } from '../NumberField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/** lr [start, end] of one kind of slab, decayed log-linearly over its steps. */
function LearningRate({ which, label, disabled }: { which: 'lrFirst' | 'lrNext'; label: string; disabled: boolean }) {
  const [options, update] = useMethodOptions('coordnet');
  const [start, end] = options[which];
  const id = which === 'lrFirst' ? 'lr-first' : 'lr-next';
  const set = (range: [number, number]) => update(which === 'lrFirst' ? { lrFirst: range } : { lrNext: range });
  return (
    <div className="field-row">
      <NumberField label={`${label}: lr start`} min={1e-9} max={1} value={start} onChange={(v) => set([v, end])} disabled={disabled} testId={`${id}-start-input`} />
      <NumberField label="lr end" min={1e-9} max={1} value={end} onChange={(v) => set([start, v])} disabled={disabled} testId={`${id}-end-input`} />
    </div>
  );
}

/** Network parameters per measurement of one slab, for the loaded tilt series. */
function ParamRatio() {
  const form = useAppStore((s) => s.form);
  const dataset = useAppStore(selectDataset);
  if (!dataset) return null;
  const params = formParams(form, 'coordnet');
  const ratio = coordnetRatio(params, dataset);
  return (
    <div className={`hint ${ratio > 1 ? 'warn' : ''}`} data-testid="coordnet-ratio" title="Above 1 the network can fit the noise and fill the missing wedge freely; the paper runs at about 1/8">
      Parameters / measurements per slab: <strong>{formatNumber(ratio, 2)}</strong> ({paramCount(params).toLocaleString('en')} weights)
    </div>
  );
}

/** The coordinate network (SIREN) settings; the defaults are the paper's. */
export function CoordnetFields({ disabled }: { disabled: boolean }) {
  const [c, update] = useMethodOptions('coordnet');
  return (
    <>
      <div className="field-row">
        <NumberField label="Width" integer min={1} max={1024} value={c.width} onChange={(width) => update({ width })} disabled={disabled} testId="width-input" title="Hidden units per layer" />
        <NumberField label="Hidden layers" integer min={0} max={32} value={c.layers} onChange={(layers) => update({ layers })} disabled={disabled} testId="layers-input" />
        <NumberField label="ω0" min={0.001} max={1000} value={c.omega0} onChange={(omega0) => update({ omega0 })} disabled={disabled} testId="omega0-input" title="Frequency of the sine activations" />
      </div>
      <div className="field-row">
        <NumberField label="Slab rows" integer min={1} max={4096} value={c.slabRows} onChange={(slabRows) => update({ slabRows })} disabled={disabled} testId="slab-rows-input" title="Rows along the tilt axis per slab; each slab has its own network, started from its neighbour's" />
        <NumberField label="Steps, 1st slab" integer min={1} max={1_000_000} value={c.stepsFirst} onChange={(stepsFirst) => update({ stepsFirst })} disabled={disabled} testId="steps-first-input" />
        <NumberField label="Steps, later" integer min={0} max={1_000_000} value={c.stepsNext} onChange={(stepsNext) => update({ stepsNext })} disabled={disabled} testId="steps-next-input" />
      </div>
      <LearningRate which="lrFirst" label="1st slab" disabled={disabled} />
      <LearningRate which="lrNext" label="Later slabs" disabled={disabled} />
      <div className="field-row">
        <NumberField label="TV weight" min={0} max={1000} value={c.tv} onChange={(tv) => update({ tv })} disabled={disabled} testId="tv-input" title="Weight of the anisotropic total variation term; 0 for none" />
        <NumberField label="Seed" integer min={0} max={2 ** 31 - 1} value={c.seed} onChange={(seed) => update({ seed })} disabled={disabled} testId="seed-input" title="Seed of the first network's initialisation" />
      </div>
      <ParamRatio />
    </>
  );
}
