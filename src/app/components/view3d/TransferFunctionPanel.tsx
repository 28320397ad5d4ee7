import { useView3dStore, tfFor } from '../../state/view3dStore.ts';
import { formatNumber } from '../../util/format.ts';
import { BACKGROUNDS, COLORMAPS, TF_PRESETS, presetById, type Background, type ColormapName } from '../../volume3d/transferFunction.ts';
import { Section } from '../Section.tsx';
import { TransferFunctionEditor } from './TransferFunctionEditor.tsx';

/** Transfer function of the focused panel (or the shared one): presets, colour map, curve. */
export function TransferFunctionPanel({ targetId, targetTitle, range }: { targetId: string | null; targetTitle: string; range: { lo: number; hi: number } | null }) {
  const linkTf = useView3dStore((s) => s.linkTf);
  const tf = useView3dStore((s) => (targetId ? tfFor(s, targetId) : s.tf));
  const heights = useView3dStore((s) => (targetId ? s.histograms[targetId] : undefined));
  const setTf = useView3dStore((s) => s.setTf);
  const change = (next: typeof tf): void => setTf(targetId, next);
  const presetId = TF_PRESETS.find((p) => p.tf.colormap === tf.colormap && p.tf.background === tf.background && p.tf.invert === tf.invert)?.id ?? '';

  return (
    <Section title="Transfer function" aside={!linkTf && targetId ? <span className="count" title="Editing this panel's transfer function">{targetTitle}</span> : undefined}>
      <TransferFunctionEditor tf={tf} heights={heights} onChange={change} />
      <div className="tf-axis">
        <span>{range ? formatNumber(range.lo, 3) : '…'}</span>
        <span className="hint">opacity over histogram (log)</span>
        <span>{range ? formatNumber(range.hi, 3) : '…'}</span>
      </div>
      <div className="field-row">
        <label className="field">
          <span className="field-label">Preset</span>
          <select value={presetId} data-testid="tf-preset" onChange={(e) => e.target.value && change(presetById(e.target.value))}>
            <option value="">(custom)</option>
            {TF_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="field-row">
        <label className="field">
          <span className="field-label">Colour map</span>
          <select value={tf.colormap} data-testid="tf-colormap" onChange={(e) => change({ ...tf, colormap: e.target.value as ColormapName })}>
            {Object.entries(COLORMAPS).map(([id, map]) => (
              <option key={id} value={id}>
                {map.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Background</span>
          <select value={tf.background} data-testid="tf-background" onChange={(e) => change({ ...tf, background: e.target.value as Background })}>
            {Object.keys(BACKGROUNDS).map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="check" title="Density is dark in raw cryo-ET contrast: flip the values (MIP becomes a minimum projection)">
        <input type="checkbox" checked={tf.invert} data-testid="tf-invert" onChange={(e) => change({ ...tf, invert: e.target.checked })} />
        Invert values (raw contrast)
      </label>
      <div className="hint">Drag points; click to add; double-click to remove. Window from the slice viewer's contrast.</div>
    </Section>
  );
}
