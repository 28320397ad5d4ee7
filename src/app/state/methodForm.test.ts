import { describe, expect, it } from 'vitest';
import { buildRequest, defaultForm, doseWeightingField, formDescription, methodTitle } from './methodForm.ts';

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
    expect(form.options.sirt).toEqual({ iterations: 20, relaxation: 1, positivity: false, textbookWeights: false });
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

  it('builds a local-network request for the chosen shipped model, from the wavelet model with the FSC-weighted hand-over', () => {
    const form = defaultForm(16);
    expect(form.options.localnet).toEqual({ model: 'broad96-p11-wavelet', batchSize: 0, fbpBelow: 0, fbpFsc: true, fscSigma: 0.75, asTrained: false });
    const options = { ...form.options, localnet: { ...form.options.localnet, model: 'broad-p11', fbpFsc: false, fscSigma: 0 } };
    const request = buildRequest({ ...form, options }, 'localnet', { batchSize: 512 });
    expect(request).toEqual({ method: 'localnet', params: { ...form.common, model: 'broad-p11', batchSize: 512, fbpBelow: 0, fbpFsc: false, fscSigma: 0, asTrained: false } });
    expect(methodTitle('localnet')).toBe('Local network');
  });

  it('describes the form as its result will be labelled', () => {
    const form = defaultForm(32);
    expect(formDescription(form)).toBe('FBP (cosine, thickness 32, bin 1)');
    const radial = { ...form.options, fbp: { filter: { name: 'radial' as const, cutoff: 0.35, falloff: 0.05 } } };
    expect(formDescription({ ...form, options: radial })).toBe('FBP (radial 0.35/0.05, thickness 32, bin 1)');
    const sirt = { ...form.options, sirt: { iterations: 1, relaxation: 0.5, positivity: true, textbookWeights: false } };
    expect(formDescription({ ...form, choice: { ...form.choice, reconstruction: 'sirt' }, options: sirt })).toBe('SIRT (1 it, λ 0.5, positivity, thickness 32, bin 1)');
    const coordnet = { ...form.options, coordnet: { ...form.options.coordnet, width: 16, layers: 1, tv: 0.01 } };
    expect(formDescription({ ...form, choice: { ...form.choice, reconstruction: 'coordnet' }, options: coordnet })).toBe(
      'Coordinate network (SIREN 16×1, ω0 30, slab 8, 2000/400 steps, lr 0.001→0.0001/0.0001→0.00001, TV 0.01, seed 1, thickness 32, bin 1)',
    );
    expect(formDescription({ ...form, choice: { ...form.choice, reconstruction: 'localnet' } })).toBe(
      'Local network (broad96-p11-wavelet, FBP by odd/even FSC, σ 0.75 where the FSC is low, thickness 32, bin 1)',
    );
  });

  it("shows FBP's and SIRT's dose weighting as the engine will resolve it for the selected data set", () => {
    const withDoses = { doseWeightingUnavailable: null };
    const withoutDoses = { doseWeightingUnavailable: 'the tilt series has no doses' };
    // Untouched (undefined): on where the series can be weighted, as common.ts doseWeightingDefault resolves it.
    expect(doseWeightingField(undefined, withDoses)).toEqual({ checked: true, unavailable: null });
    expect(doseWeightingField(false, withDoses)).toEqual({ checked: false, unavailable: null });
    expect(doseWeightingField(true, withDoses)).toEqual({ checked: true, unavailable: null });
    // Locked off with the reason, whatever the form holds.
    expect(doseWeightingField(undefined, withoutDoses)).toEqual({ checked: false, unavailable: 'the tilt series has no doses' });
    expect(doseWeightingField(true, withoutDoses)).toEqual({ checked: false, unavailable: 'the tilt series has no doses' });
    expect(doseWeightingField(true, undefined)).toEqual({ checked: false, unavailable: 'no data set is selected' });
  });

  it('leaves dose weighting to the engine until the checkbox is set, then sends it', () => {
    const form = defaultForm(16);
    expect(form.options.fbp.doseWeighting).toBeUndefined();
    expect(buildRequest(form, 'fbp').params).not.toHaveProperty('doseWeighting');
    const options = { ...form.options, fbp: { ...form.options.fbp, doseWeighting: false }, sirt: { ...form.options.sirt, doseWeighting: false } };
    expect(buildRequest({ ...form, options }, 'fbp').params).toMatchObject({ doseWeighting: false, filter: { name: 'cosine' } });
    expect(buildRequest({ ...form, options }, 'sirt').params).toMatchObject({ doseWeighting: false, iterations: 20 });
    expect(formDescription({ ...form, options: { ...form.options, fbp: { ...form.options.fbp, doseWeighting: true } } })).toBe('FBP (cosine, thickness 16, bin 1, dose-weighted)');
  });
});
