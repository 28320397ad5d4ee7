/** The method panel's settings in one line, for the odd/even and cross-validation views. Pure. */
import type { CoordnetOptions, MethodForm } from '../state/methodForm.ts';

/** The coordinate network's main settings, e.g. "SIREN 256×4, slab 8, 2000/400 steps, TV 0.01". */
export function coordnetSummary(p: CoordnetOptions): string {
  return `SIREN ${p.width}×${p.layers}, slab ${p.slabRows}, ${p.stepsFirst}/${p.stepsNext} steps${p.tv > 0 ? `, TV ${p.tv}` : ''}`;
}

export function formDescription(form: MethodForm): string {
  const common = `thickness ${form.common.thickness}, bin ${form.common.binning}${form.common.invertAngles ? ', angles inverted' : ''}`;
  if (form.method === 'fbp') {
    const f = form.filter;
    const filter = f.name === 'radial' ? `radial ${f.cutoff ?? ''}/${f.falloff ?? ''}` : f.name;
    return `FBP (${filter}), ${common}`;
  }
  if (form.method === 'coordnet') return `Coordinate network (${coordnetSummary(form.coordnet)}), ${common}`;
  if (form.method === 'localnet') return `Local network (${form.localnet.model}), ${common}`;
  const s = form.sirt;
  return `SIRT (${s.iterations} iteration${s.iterations === 1 ? '' : 's'}, λ ${s.relaxation}${s.positivity ? ', positivity' : ''}), ${common}`;
}
