// Every shipped trained local model (models/localnet, listed in models.ts) is there, is the variant the
// catalogue says with the parameter count its menu line states, and gives in the engine's onnxruntime-web
// session the numbers torch computed for the same input when train.py exported it (fixture.json next to the
// model), and is odd in its patches; a batch too large for one onnxruntime-web wasm call is split, not lost,
// and the CPU path's automatic batch fits in one call.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { Rng } from '../../sim/random.ts';
import { cpuBatch } from './cpu.ts';
import { LocalModel } from './model.ts';
import { DEFAULT_LOCAL_MODEL, LOCAL_MODELS, shippedModel } from './models.ts';
import { runModelOnFixture, type ModelFixture } from './modelFixture.ts';

describe('shipped local models (models/localnet)', () => {
  it('the defaults are shipped models of their variant, each with its card', () => {
    for (const [variant, name] of Object.entries(DEFAULT_LOCAL_MODEL)) expect(shippedModel(name)?.variant).toBe(variant);
    for (const m of LOCAL_MODELS) {
      const dir = new URL(`../../../../models/${m.file.replace(/model\.onnx$/, '')}`, import.meta.url);
      for (const file of ['model.onnx', 'README.md', 'card.json', 'fixture.json']) expect(existsSync(new URL(file, dir)), `${m.name}: ${file}`).toBe(true);
      // The menu's line restates the card's parameter count (in thousands) where it gives one.
      const stated = /(\d+) k parameters/.exec(m.summary);
      const card = JSON.parse(readFileSync(new URL('card.json', dir), 'utf8')) as { parameters: number };
      if (stated) expect(Number(stated[1]), m.name).toBe(Math.round(card.parameters / 1000));
    }
  });

  it('a two-scale model evaluates a batch of 4096 points of 33 × 33 patches at 88 tilts, each point as alone', async () => {
    // 1.6 GB of patches (a run's explicit batch size; the automatic one is 350 points here): in one session call
    // onnxruntime-web's wasm heap ran out (std::bad_alloc; 0.9 GB did not).
    const bytes = readFileSync(new URL('../../../../models/localnet/broad_p11x3_wide_wavelet/model.onnx', import.meta.url));
    const model = await LocalModel.open(null, bytes);
    try {
      const [batch, nTilts] = [4096, 88];
      const pointFloats = nTilts * model.patch * model.patch;
      expect(cpuBatch(model, nTilts)).toBe(Math.floor((128 * 2 ** 20) / (pointFloats * 4)));
      const angles = Float32Array.from({ length: nTilts }, (_, t) => -65 + (130 * t) / (nTilts - 1));
      const rng = new Rng(7);
      const patches = Float32Array.from({ length: batch * pointFloats }, () => rng.uniform(-0.25, 0.25));
      const all = await model.evaluate(patches, batch, angles);
      const last = batch - 2;
      const alone = await model.evaluate(patches.slice(last * pointFloats), 2, angles);
      expect(relativeError(all.subarray(last * model.outputs), alone)).toBeLessThan(1e-5);
      expect(all.every(Number.isFinite)).toBe(true);
    } finally {
      await model.release();
    }
  });

  for (const m of LOCAL_MODELS) {
    it(`${m.name} matches torch on the fixture written at export`, async () => {
      const dir = new URL(`../../../../models/${m.file.replace(/model\.onnx$/, '')}`, import.meta.url);
      const fixture = JSON.parse(readFileSync(new URL('fixture.json', dir), 'utf8')) as ModelFixture;
      const [, nTilts, patch] = fixture.shape;
      const run = await runModelOnFixture(readFileSync(new URL('model.onnx', dir)), fixture);
      // Every shipped model is odd by construction (train.py): inverted contrast negates its output.
      expect([run.patch, run.outputs, run.odd]).toEqual([patch, m.variant === 'voxel' ? 1 : 8, true]);
      expect(nTilts).toBe(fixture.angles.length);
      expect(relativeError(run.got, Float32Array.from(fixture.out))).toBeLessThan(1e-5);
    });
  }
});
