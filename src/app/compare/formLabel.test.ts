import { describe, expect, it } from 'vitest';
import { defaultForm } from '../state/methodForm.ts';
import { formDescription } from './formLabel.ts';

describe('method settings line', () => {
  it('describes FBP, SIRT and coordinate-network settings', () => {
    const form = defaultForm(32);
    expect(formDescription(form)).toBe('FBP (cosine), thickness 32, bin 1');
    expect(formDescription({ ...form, filter: { name: 'radial', cutoff: 0.35, falloff: 0.05 } })).toBe('FBP (radial 0.35/0.05), thickness 32, bin 1');
    expect(formDescription({ ...form, method: 'sirt', sirt: { iterations: 1, relaxation: 0.5, positivity: true } })).toBe(
      'SIRT (1 iteration, λ 0.5, positivity), thickness 32, bin 1',
    );
    expect(formDescription({ ...form, method: 'coordnet' })).toBe('Coordinate network (SIREN 256×4, slab 8, 2000/400 steps), thickness 32, bin 1');
    expect(formDescription({ ...form, method: 'coordnet', coordnet: { ...form.coordnet, width: 16, layers: 1, tv: 0.01 } })).toBe(
      'Coordinate network (SIREN 16×1, slab 8, 2000/400 steps, TV 0.01), thickness 32, bin 1',
    );
  });
});
