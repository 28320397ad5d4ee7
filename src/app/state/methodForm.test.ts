import { describe, expect, it } from 'vitest';
import { buildRequest, defaultForm, METHOD_NAMES } from './methodForm.ts';

describe('method form', () => {
  it('starts the coordinate network at the paper defaults', () => {
    expect(defaultForm().coordnet).toEqual({
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
    expect(METHOD_NAMES.coordnet).toBe('Coordinate network');
  });

  it('builds a complete coordinate-network request, scripting overrides winning', () => {
    const form = { ...defaultForm(24), method: 'coordnet' as const };
    const request = buildRequest({ ...form, coordnet: { ...form.coordnet, width: 16 } }, undefined, { layers: 1, lrFirst: [1e-2, 1e-3] });
    expect(request).toEqual({
      method: 'coordnet',
      params: { ...form.common, ...form.coordnet, width: 16, layers: 1, lrFirst: [1e-2, 1e-3] },
    });
    expect(request.params).toMatchObject({ thickness: 24, binning: 1 });
    expect(buildRequest(form, 'sirt').method).toBe('sirt');
  });

  it('builds a local-network request for the chosen shipped model', () => {
    const form = { ...defaultForm(16), method: 'localnet' as const };
    expect(form.localnet).toEqual({ model: 'lamella-p11-wavelet', batchSize: 0 });
    const request = buildRequest({ ...form, localnet: { ...form.localnet, model: 'lamella-p11' } }, undefined, { batchSize: 512 });
    expect(request).toEqual({ method: 'localnet', params: { ...form.common, model: 'lamella-p11', batchSize: 512 } });
    expect(METHOD_NAMES.localnet).toBe('Local network');
  });
});
