// Every shipped refinement U-Net (models/refine, listed in models.ts) is there with its card, and gives in
// onnxruntime-web (wasm backend, as on a software adapter) the numbers torch computed for the same input when
// train.py exported it (fixture.json next to the model).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { RefineModel } from './model.ts';
import { DEFAULT_REFINE_MODEL, REFINE_MODELS, shippedRefineModel } from './models.ts';

interface RefineFixture {
  dims: [number, number, number, number, number];
  cube: number[];
  out: number[];
}

const folder = (file: string) => new URL(`../../../../models/${file.replace(/model\.onnx$/, '')}`, import.meta.url);

describe('shipped refinement models (models/refine)', () => {
  it('the defaults are shipped models of their objective, each with its card', () => {
    for (const [objective, name] of Object.entries(DEFAULT_REFINE_MODEL)) expect(shippedRefineModel(name)?.objective).toBe(objective);
    for (const m of REFINE_MODELS) {
      for (const file of ['model.onnx', 'card.json', 'fixture.json']) expect(existsSync(new URL(file, folder(m.file))), `${m.name}: ${file}`).toBe(true);
      const card = JSON.parse(readFileSync(new URL('card.json', folder(m.file)), 'utf8')) as { objective: string; parameters: number; macsPerVoxel: number };
      expect(card.objective).toBe(m.objective);
      expect(m.summary).toContain(`${Math.round(card.parameters / 1000)} k parameters`);
      // Small enough for a page: a few hundred KB.
      expect(readFileSync(new URL('model.onnx', folder(m.file))).length).toBeLessThan(512 * 1024);
    }
  });

  for (const m of REFINE_MODELS) {
    it(`${m.name} matches torch on the fixture written at export`, async () => {
      const fixture = JSON.parse(readFileSync(new URL('fixture.json', folder(m.file)), 'utf8')) as RefineFixture;
      const model = await RefineModel.open(null, readFileSync(new URL('model.onnx', folder(m.file))), { backend: 'wasm' });
      try {
        // What the GPU path fits its batches to, read from the graph it opened (footprint.test.ts).
        expect(model.footprint).toEqual({ widestFloats: 16, liveFloats: 33 });
        const [batch, , nz, ny, nx] = fixture.dims;
        const got = await model.run(Float32Array.from(fixture.cube), batch, [nx, ny, nz]);
        expect(got).toHaveLength(fixture.out.length);
        expect(relativeError(got, Float32Array.from(fixture.out))).toBeLessThan(1e-5);
        // The residual network changes its input: it is not the identity.
        expect(relativeError(got, Float32Array.from(fixture.cube))).toBeGreaterThan(1e-2);
      } finally {
        await model.release();
      }
    });
  }
});
