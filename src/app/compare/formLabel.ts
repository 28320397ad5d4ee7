/** The method panel's settings in one line, for the odd/even and cross-validation views. Pure. */
import type { MethodForm } from '../state/methodForm.ts';

export function formDescription(form: MethodForm): string {
  const common = `thickness ${form.common.thickness}, bin ${form.common.binning}${form.common.invertAngles ? ', angles inverted' : ''}`;
  if (form.method === 'fbp') {
    const f = form.filter;
    const filter = f.name === 'radial' ? `radial ${f.cutoff ?? ''}/${f.falloff ?? ''}` : f.name;
    return `FBP (${filter}), ${common}`;
  }
  const s = form.sirt;
  return `SIRT (${s.iterations} iteration${s.iterations === 1 ? '' : 's'}, λ ${s.relaxation}${s.positivity ? ', positivity' : ''}), ${common}`;
}
