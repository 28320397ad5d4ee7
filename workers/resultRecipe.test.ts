// What the trust score runs again for each kind of kept result: a reconstruction alone, a refinement after its
// source's reconstruction, the synthesis of a synthesised series first (on the measured series), and the clear
// refusals.
import { describe, expect, it } from 'vitest';
import type { DatasetSummary, RequestOf, ResultSummary } from './api.ts';
import { resultRecipe } from './resultRecipe.ts';

const fbpParams = { thickness: 8, binning: 1, invertAngles: false, subtractMean: false, filter: { name: 'cosine' } };
const synthesis: RequestOf<'tiltSynthesis'> = { method: 'reproject', params: { angles: [66, -66], thickness: 8, iterations: 3 } };

const dataset = (id: string, synthesized?: DatasetSummary['synthesized']) => ({ id, synthesized }) as DatasetSummary;
const result = (id: string, fields: Partial<ResultSummary>) => ({ id, datasetId: 'd1', label: id, params: null, ...fields }) as ResultSummary;

const datasets = [dataset('d1'), dataset('d2', { count: 2, label: 'Reprojection', sourceId: 'd1', request: synthesis }), dataset('d3', { count: 2, label: 'again', sourceId: 'd2', request: synthesis })];
const results = [
  result('fbp', { method: 'fbp', params: fbpParams as ResultSummary['params'] }),
  result('isonet', { method: 'isonet', params: { model: 'isonet-sim', cube: 16, overlap: 4, batchSize: 1, contrast: 'auto' as const, inputSigma: 0 }, sourceId: 'fbp' }),
  result('twice', { method: 'gaussian', params: { sigma: 1 }, sourceId: 'isonet' }),
  result('diff', { method: 'difference' }),
  result('of-diff', { method: 'gaussian', params: { sigma: 1 }, sourceId: 'diff' }),
  result('fbp-synth', { method: 'fbp', params: fbpParams as ResultSummary['params'], datasetId: 'd2' }),
  result('fbp-synth2', { method: 'fbp', params: fbpParams as ResultSummary['params'], datasetId: 'd3' }),
];
const kept = { result: (id: string) => results.find((r) => r.id === id), dataset: (id: string) => datasets.find((d) => d.id === id) };
const recipeOf = (id: string) => resultRecipe(kept.result(id)!, kept);

describe('the recipe of a kept result', () => {
  it('is a reconstruction, a refinement after its source, or both after the synthesis on the measured series', () => {
    expect(recipeOf('fbp')).toEqual({ recipe: { method: 'fbp', params: fbpParams }, measuredId: 'd1' });
    expect(recipeOf('isonet')).toEqual({
      recipe: { method: 'fbp', params: fbpParams, refinement: { method: 'isonet', params: { model: 'isonet-sim', cube: 16, overlap: 4, batchSize: 1, contrast: 'auto' as const, inputSigma: 0 } } },
      measuredId: 'd1',
    });
    expect(recipeOf('fbp-synth')).toEqual({ recipe: { method: 'fbp', params: fbpParams, synthesis }, measuredId: 'd1' });
  });

  it('refuses what no single reconstruction, refinement and synthesis makes', () => {
    expect(() => recipeOf('twice')).toThrow('twice is refined from a refined result: the trust score runs one reconstruction and one refinement; score isonet instead');
    expect(() => recipeOf('of-diff')).toThrow('of-diff is refined from diff, which is not a reconstruction');
    expect(() => recipeOf('diff')).toThrow('diff is not a reconstruction');
    expect(() => recipeOf('fbp-synth2')).toThrow('fbp-synth2 is of a series synthesised from a series with synthesised tilts');
  });
});
