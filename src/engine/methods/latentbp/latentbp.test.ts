// The latent back-projection network in the engine (ORT for the three ONNX parts, the WGSL projector between
// them) against torch's evaluation of the whole model (models/synth/train.py wrote fixture.json at export: a
// small series, its angles, the new angles and what torch synthesised), its slabs, and the method's contract.
// Here ORT runs on wasm (SwiftShader is a fallback adapter); the same fixture with ORT forced onto WebGPU is a
// kernel check (../../checks/kernelChecks.ts), run in Dawn and in Chromium.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relativeError, synthFixtureError } from '../../checks/kernelChecks.ts';
import { gpuEngine } from '../../context.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import type { ModelLibrary } from '../../onnx/library.ts';
import { Rng } from '../../sim/random.ts';
import { resolveOnTiltSeries, runTiltSynthesis } from '../runners.ts';
import { DEFAULT_SYNTH_MODEL, SYNTH_MODELS, shippedSynthFile } from './models.ts';
import { synthesiseLatentbp } from './run.ts';
import { readSynthFixture } from './synthFixture.ts';

const MODELS = new URL('../../../../models/', import.meta.url);
/** The shipped parts from models/, as the CLI's library reads them. */
const library: ModelLibrary = { load: async (name) => new Uint8Array(readFileSync(new URL(shippedSynthFile(name) ?? name, MODELS))) };

describe('latent back-projection network (tilt synthesis)', () => {
  it('ships each model with its three parts, card and fixture', () => {
    for (const m of SYNTH_MODELS)
      for (const file of ['encoder.onnx', 'refiner.onnx', 'decoder.onnx', 'card.json', 'fixture.json', 'README.md'])
        expect(existsSync(new URL(`${m.folder}/${file}`, MODELS)), `${m.name}: ${file}`).toBe(true);
  });

  it('gives the numbers torch gave for the whole model, the measured tilts unchanged', async () => {
    const folder = SYNTH_MODELS.find((m) => m.name === DEFAULT_SYNTH_MODEL)!.folder;
    const fixture = readSynthFixture(folder);
    const [nTilts, ny, nx] = fixture.shape;
    const ts = { nx, ny, nTilts, data: Float32Array.from(fixture.tilts), tiltAngles: fixture.angles, pixelSize: 2 };
    const request = { method: 'latentbp' as const, params: { angles: fixture.targets, thickness: fixture.thickness } };
    const engine = gpuEngine(await openNodeGpu());
    const out = await runTiltSynthesis(engine, ts, resolveOnTiltSeries<'tiltSynthesis'>(ts, request), { models: library });
    expect(out.added).toBe(fixture.targets.length);
    expect(out.label).toBe(`Latent back-projection (-63, 55.5, 10°, ${DEFAULT_SYNTH_MODEL}, C 16, wasm, thickness ${fixture.thickness})`);
    expect(out.tiltSeries.tiltAngles).toEqual([...fixture.angles, ...fixture.targets]);
    expect(out.tiltSeries.data.subarray(0, ts.data.length)).toEqual(ts.data);
    expect(synthFixtureError(fixture, out.tiltSeries.data.subarray(ts.data.length))).toBeLessThan(1e-4);
  });

  it('refines a latent volume too large for one slab in row slabs with a halo, giving the one-slab tilts', async () => {
    // 48 rows → 12 latent rows of 16 channels × 3 deep × 5 wide (960 bytes a copy); a budget of 10 rows of 6
    // copies leaves 2 core rows beside the 2 × 4 halo rows: 6 slabs, each slab's edge rows refined wrongly and dropped.
    const rng = new Rng(1717);
    const [nx, ny, nTilts] = [20, 48, 7];
    const ts = { nx, ny, nTilts, data: Float32Array.from({ length: nx * ny * nTilts }, () => rng.uniform(0, 1)), tiltAngles: [-45, -30, -15, 0, 15, 30, 45], pixelSize: 1 };
    const params = { angles: [-66, 60, 72], thickness: 12, model: DEFAULT_SYNTH_MODEL };
    const gpu = await openNodeGpu();
    const slabMessages: string[] = [];
    const onProgress = ({ message }: { message: string }) => void (message.startsWith('Latent rows') && slabMessages.push(message));
    const whole = await synthesiseLatentbp(gpu, ts, params, { models: library, onProgress });
    expect(slabMessages).toEqual(['Latent rows 0–11 of 12: back-projecting, refining, projecting']);
    slabMessages.length = 0;
    const pieces = await synthesiseLatentbp(gpu, ts, params, { models: library, onProgress, memoryBudgetBytes: 10 * 6 * 960 });
    expect(slabMessages).toHaveLength(6);
    expect(relativeError(pieces.tiltSeries.data, whole.tiltSeries.data)).toBeLessThan(1e-6);
  });

  it('refuses what it cannot do before any GPU work', () => {
    const ts = { nx: 8, ny: 4, nTilts: 3, data: new Float32Array(96), tiltAngles: [-30, 0, 30], pixelSize: 1 };
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'latentbp' })).toThrow(/no tilt angles to add/);
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'latentbp', params: { angles: [-90] } })).toThrow(/tilt angle -90° to add/);
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'latentbp', params: { angles: [60], model: ' ' } })).toThrow(/needs a model/);
  });
});
