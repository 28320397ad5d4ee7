// models/localnet/cryolithe/convert.py turns a published CryoLithe checkpoint into our ONNX interface. Its
// fixture (make_fixture.py) converts randomly initialised networks of the published layout and stores, for a
// small input in our convention, what the published-layout torch module computes for the same data mapped to
// the published convention (patch layout and filter gain, angles in radians, wavelet band order). Here the
// converted files go through the engine's own session: the engine must read the right P and variant from
// them, and their outputs must be torch's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { runModelOnFixture, type ModelFixture } from './modelFixture.ts';

interface Fixture extends ModelFixture {
  variant: 'voxel' | 'wavelet';
}

const dir = new URL('../../../../models/localnet/cryolithe/fixture/', import.meta.url);

describe('CryoLithe checkpoint converter (models/localnet/cryolithe)', () => {
  for (const variant of ['voxel', 'wavelet'] as const) {
    it(`the converted ${variant} model gives the published network's outputs`, async () => {
      const fixture = JSON.parse(readFileSync(new URL(`${variant}.json`, dir), 'utf8')) as Fixture;
      const [batch, nTilts, patch] = fixture.shape;
      const outputs = variant === 'voxel' ? 1 : 8;
      expect(fixture.variant).toBe(variant);
      expect(fixture.patches.length).toBe(batch * nTilts * patch * patch);
      expect(fixture.angles.length).toBe(nTilts);
      expect(fixture.out.length).toBe(batch * outputs);

      const run = await runModelOnFixture(readFileSync(new URL(`${variant}.onnx`, dir)), fixture);
      expect([run.patch, run.outputs]).toEqual([patch, outputs]);
      const want = Float32Array.from(fixture.out);
      expect(relativeError(run.got, want)).toBeLessThan(1e-5);
      // The outputs are not degenerate (a wrong band order or zero output would not pass the line above,
      // but a fixture of zeros would).
      expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(1e-4);
    });
  }

  it('the wavelet fixture would fail with the published band order (the reordering is exercised)', () => {
    const fixture = JSON.parse(readFileSync(new URL('wavelet.json', dir), 'utf8')) as Fixture;
    const fromPublished = [0, 2, 4, 6, 1, 3, 5, 7];
    const publishedOrder = new Float32Array(fixture.out.length);
    for (let p = 0; p < fixture.out.length / 8; p++) {
      for (let b = 0; b < 8; b++) publishedOrder[8 * p + fromPublished[b]] = fixture.out[8 * p + b];
    }
    expect(relativeError(publishedOrder, Float32Array.from(fixture.out))).toBeGreaterThan(0.1);
  });
});
