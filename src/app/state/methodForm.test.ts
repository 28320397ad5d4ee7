import { describe, expect, it } from 'vitest';
import { buildRequest, defaultForm, formDescription, methodTitle } from './methodForm.ts';

describe('method form', () => {
  it('starts every method at its own page defaults, the coordinate network at the paper defaults', () => {
    const form = defaultForm();
    expect(form.options.coordnet).toEqual({
      width: 256,
      layers: 4,
      slabRows: 8,
      stepsFirst: 2000,
      stepsNext: 400,
      lrFirst: [1e-3, 1e-4],
      lrNext: [1e-4, 1e-5],
      tv: 0,
      omega0: 30,
      seed: 1,
    });
    expect(form.options.fbp).toEqual({ filter: { name: 'cosine' } });
    expect(form.options.sirt).toEqual({ iterations: 20, relaxation: 1, positivity: false });
    expect(methodTitle('coordnet')).toBe('Coordinate network');
    expect(form.choice).toEqual({ reconstruction: 'fbp', refinement: 'gaussian', tiltSynthesis: 'reproject' });
    expect(form.options.reproject).toEqual({ angles: [63, -63, 66, -66, 69, -69], thickness: 64, iterations: 20 });
  });

  it('builds a complete coordinate-network request, scripting overrides winning', () => {
    const form = defaultForm(24);
    const options = { ...form.options, coordnet: { ...form.options.coordnet, width: 16 } };
    const request = buildRequest({ ...form, options }, 'coordnet', { layers: 1, lrFirst: [1e-2, 1e-3] });
    expect(request).toEqual({
      method: 'coordnet',
      params: { ...form.common, ...form.options.coordnet, width: 16, layers: 1, lrFirst: [1e-2, 1e-3] },
    });
    expect(request.params).toMatchObject({ thickness: 24, binning: 1 });
    expect(buildRequest(form, 'sirt').method).toBe('sirt');
  });

  it('builds a local-network request for the chosen shipped model', () => {
    const form = defaultForm(16);
    expect(form.options.localnet).toEqual({ model: 'broad-p11-wavelet', batchSize: 0 });
    const options = { ...form.options, localnet: { ...form.options.localnet, model: 'broad-p11' } };
    const request = buildRequest({ ...form, options }, 'localnet', { batchSize: 512 });
    expect(request).toEqual({ method: 'localnet', params: { ...form.common, model: 'broad-p11', batchSize: 512 } });
    expect(methodTitle('localnet')).toBe('Local network');
  });

  it('describes the form as its result will be labelled', () => {
    const form = defaultForm(32);
    expect(formDescription(form)).toBe('FBP (cosine, thickness 32, bin 1)');
    const radial = { ...form.options, fbp: { filter: { name: 'radial' as const, cutoff: 0.35, falloff: 0.05 } } };
    expect(formDescription({ ...form, options: radial })).toBe('FBP (radial 0.35/0.05, thickness 32, bin 1)');
    const sirt = { ...form.options, sirt: { iterations: 1, relaxation: 0.5, positivity: true } };
    expect(formDescription({ ...form, choice: { ...form.choice, reconstruction: 'sirt' }, options: sirt })).toBe('SIRT (1 it, λ 0.5, positivity, thickness 32, bin 1)');
    const coordnet = { ...form.options, coordnet: { ...form.options.coordnet, width: 16, layers: 1, tv: 0.01 } };
    expect(formDescription({ ...form, choice: { ...form.choice, reconstruction: 'coordnet' }, options: coordnet })).toBe(
      'Coordinate network (SIREN 16×1, ω0 30, slab 8, 2000/400 steps, lr 0.001→0.0001/0.0001→0.00001, TV 0.01, seed 1, thickness 32, bin 1)',
    );
    expect(formDescription({ ...form, choice: { ...form.choice, reconstruction: 'localnet' } })).toBe('Local network (broad-p11-wavelet, thickness 32, bin 1)');
  });
});
