// The latent back-projection network in the engine (ORT for the three ONNX parts, the projector between them)
// against torch's evaluation of the whole model (models/synth/train.py wrote fixture.json at export: a small
// series, its angles, the new angles and what torch synthesised), its bands, its CPU path, and the method's
// contract. Here ORT runs on wasm (SwiftShader is a fallback adapter); the same fixture with ORT forced onto
// WebGPU is a kernel check (../../checks/kernelChecks.ts), run in Dawn and in Chromium.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relativeError, synthFixtureError } from '../../checks/kernelChecks.ts';
import { cpuEngine, gpuEngine, type EngineContext } from '../../context.ts';
import { callerPool } from '../../cpu/pool.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import type { ModelLibrary } from '../../onnx/library.ts';
import { Rng } from '../../sim/random.ts';
import { CancelledError, type TiltSeries } from '../../types.ts';
import { stackPolarity } from '../../polarity.ts';
import type { Contrast } from '../contrast.ts';
import { resolveOnTiltSeries, runTiltSynthesis } from '../runners.ts';
import { HALOS, planBands, type Halos } from './bands.ts';
import { DEFAULT_SYNTH_MODEL, SYNTH_MODELS, shippedSynthFile } from './models.ts';
import { LATENT_FACTOR, LatentbpNetwork } from './network.ts';
import { synthesiseLatentbp } from './run.ts';
import { readSynthFixture } from './synthFixture.ts';

const MODELS = new URL('../../../../models/', import.meta.url);
/** The shipped parts from models/, as the CLI's library reads them. */
const library: ModelLibrary = { load: async (name) => new Uint8Array(readFileSync(new URL(shippedSynthFile(name) ?? name, MODELS))) };

const fixture = readSynthFixture(SYNTH_MODELS.find((m) => m.name === DEFAULT_SYNTH_MODEL)!.folder);
const fixtureSeries = (): TiltSeries => {
  const [nTilts, ny, nx] = fixture.shape;
  return { nx, ny, nTilts, data: Float32Array.from(fixture.tilts), tiltAngles: fixture.angles, pixelSize: 2 };
};

/**
 * 158 × 19 (padded 160 × 20: 40 latent rows of 16 channels × 3 deep × 5 wide), 7 tilts, 3 new. A budget of 28
 * rows of 7 + 6 · 3 + 49 latent rows (one tilt through ORT at a time; bands.ts) leaves 4 core rows beside
 * 2 × 12 halo rows: 10 bands, the inner ones encoding 28 latent rows, each encoder and decoder call one tilt.
 */
const rng = new Rng(1717);
const [nx, ny, nTilts] = [19, 158, 7];
const banded: TiltSeries = { nx, ny, nTilts, data: Float32Array.from({ length: nx * ny * nTilts }, () => rng.uniform(0, 1)), tiltAngles: [-45, -30, -15, 0, 15, 30, 45], pixelSize: 1 };
const bandedParams = { angles: [-66, 60, 72], thickness: 12, model: DEFAULT_SYNTH_MODEL, contrast: 'dense-bright' as const };
const bandBudget = 28 * 4 * 16 * 5 * (7 + 6 * 3 + 49);

/** A synthesis of `ts` and the band messages it reported. */
async function synthesise(engine: EngineContext, ts: TiltSeries, memoryBudgetBytes?: number, halos?: Halos) {
  const messages: string[] = [];
  const onProgress = ({ message }: { message: string }) => void (message.startsWith('Rows') && messages.push(message));
  const out = await synthesiseLatentbp(engine, ts, bandedParams, { models: library, onProgress, memoryBudgetBytes }, { halos });
  return { added: out.tiltSeries.data.subarray(ts.data.length), messages, facts: out.facts };
}

/** Rows [row0, row0 + n) along axis `axis` of an array of shape `dims` (x fastest). */
function rowsOf(data: Float32Array, dims: readonly number[], axis: number, row0: number, n: number): Float32Array {
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const out = new Float32Array(outer * n * inner);
  for (let i = 0; i < outer; i++) out.set(data.subarray((i * dims[axis] + row0) * inner, (i * dims[axis] + row0 + n) * inner), i * n * inner);
  return out;
}

describe('latent back-projection network (tilt synthesis)', () => {
  it('ships each model with its three parts, card and fixture', () => {
    for (const m of SYNTH_MODELS)
      for (const file of ['encoder.onnx', 'refiner.onnx', 'decoder.onnx', 'card.json', 'fixture.json', 'README.md'])
        expect(existsSync(new URL(`${m.folder}/${file}`, MODELS)), `${m.name}: ${file}`).toBe(true);
  });

  it.each(['gpu', 'cpu'] as const)('gives the numbers torch gave for the whole model on the %s path, the measured tilts unchanged', async (path) => {
    const ts = fixtureSeries();
    // As trained, as torch ran it: the contrast setting is the engine's (tested below).
    const request = { method: 'latentbp' as const, params: { angles: fixture.targets, thickness: fixture.thickness, contrast: 'dense-bright' as const } };
    const engine = path === 'gpu' ? gpuEngine(await openNodeGpu()) : cpuEngine(callerPool());
    const out = await runTiltSynthesis(engine, ts, resolveOnTiltSeries<'tiltSynthesis'>(ts, request), { models: library });
    expect(out.added).toBe(fixture.targets.length);
    expect(out.label).toBe(`Latent back-projection (-63, 55.5, 10°, ${DEFAULT_SYNTH_MODEL}, C 16, wasm, contrast dense bright, thickness ${fixture.thickness})`);
    expect(out.tiltSeries.tiltAngles).toEqual([...fixture.angles, ...fixture.targets]);
    expect(out.tiltSeries.data.subarray(0, ts.data.length)).toEqual(ts.data);
    expect(synthFixtureError(fixture, out.tiltSeries.data.subarray(ts.data.length))).toBeLessThan(1e-4);
  });

  it('runs a dense-dark series negated (exactly the negative of the bright one), both signs as the odd part, auto from the series', async () => {
    const engine = cpuEngine(callerPool());
    const ts = fixtureSeries();
    const negated = { ...ts, data: ts.data.map((v) => -v) };
    const added = async (series: TiltSeries, contrast: Contrast) => {
      const request = { method: 'latentbp' as const, params: { angles: fixture.targets, thickness: fixture.thickness, contrast } };
      const out = await runTiltSynthesis(engine, series, resolveOnTiltSeries<'tiltSynthesis'>(series, request), { models: library });
      return { data: out.tiltSeries.data.subarray(series.data.length), label: out.label };
    };
    const bright = await added(ts, 'dense-bright');
    const dark = await added(negated, 'dense-dark');
    expect(dark.data).toEqual(bright.data.map((v) => -v));
    expect(dark.label).toContain(', contrast dense dark, run negated, thickness');
    // Given the wrong way up, the network does not return the negative: it is not odd.
    const wrongWay = (await added(negated, 'dense-bright')).data;
    expect(relativeError(wrongWay, bright.data.map((v) => -v))).toBeGreaterThan(0.01);
    // Both signs: the mean of the run as given and the run negated, (g(x) − g(−x))/2, so odd.
    const both = await added(ts, 'both-signs');
    expect(relativeError(both.data, bright.data.map((v, i) => (v - wrongWay[i]) / 2))).toBeLessThan(1e-5);
    expect(relativeError((await added(negated, 'both-signs')).data, both.data.map((v) => -v))).toBeLessThan(1e-5);
    expect(both.label).toContain(', both signs, odd part, thickness');
    // 'auto' runs what the series' own contrast says, and the label says what it read.
    const { polarity } = stackPolarity(negated);
    const auto = await added(negated, 'auto');
    expect(auto.data).toEqual(polarity === 'dense-dark' ? dark.data : wrongWay);
    expect(auto.label).toMatch(/, contrast (dense dark, run negated \(from the series\)|dense bright \(from the series\)|unclear in the series, run as trained \(dense bright\)), thickness/);
  });

  it('synthesises a series too large for one band in bands of rows with halos, one tilt per ORT call, giving the one-band tilts', async () => {
    const engine = gpuEngine(await openNodeGpu());
    const whole = await synthesise(engine, banded);
    expect(whole.messages).toEqual([expect.stringMatching(/^Rows 0–157 of 158 \(band 1 of 1; ORT wasm, 7 tilts a call\)/)]);
    const pieces = await synthesise(engine, banded, bandBudget);
    expect(pieces.messages).toHaveLength(10);
    expect(pieces.messages[1]).toMatch(/^Rows 16–31 of 158 \(band 2 of 10; ORT wasm, 1 tilt a call\)/);
    expect(pieces.messages[9]).toMatch(/^Rows 144–157 of 158 \(band 10 of 10;/);
    expect(relativeError(pieces.added, whole.added)).toBeLessThan(1e-6);
  });

  // Each part on its own, on seeded random input: latent rows 8–11 of 20 (tilt rows 32–47 of 80) from a band with
  // the part's halo are those of the whole input; with one row less they are not.
  const partShapes: Record<keyof Halos, { input: number[]; rowAxis: number; inRows: number; outRows: number }> = {
    encoder: { input: [2, 1, 80, 12], rowAxis: 2, inRows: LATENT_FACTOR, outRows: 1 },
    refiner: { input: [1, 16, 3, 20, 3], rowAxis: 3, inRows: 1, outRows: 1 },
    decoder: { input: [2, 16, 20, 3], rowAxis: 2, inRows: 1, outRows: LATENT_FACTOR },
  };
  it.each(Object.keys(HALOS) as (keyof Halos)[])('needs the %s halo bands.ts gives it, not one row less', async (part) => {
    const { input, rowAxis, inRows, outRows } = partShapes[part];
    const network = await LatentbpNetwork.open(null, library, DEFAULT_SYNTH_MODEL, 'wasm');
    const random = new Rng(17);
    const data = Float32Array.from({ length: input.reduce((a, b) => a * b, 1) }, () => random.normal());
    const whole = await network.evaluate(part, data, input);
    const core = { y0: 8, ny: 4 };
    const errors = [];
    for (const halo of [HALOS[part], HALOS[part] - 1]) {
      const from = (core.y0 - halo) * inRows;
      const rows = (core.ny + 2 * halo) * inRows;
      const band = await network.evaluate(part, rowsOf(data, input, rowAxis, from, rows), input.map((n, i) => (i === rowAxis ? rows : n)));
      const bandCore = rowsOf(band.data, band.dims, rowAxis, halo * outRows, core.ny * outRows);
      errors.push(relativeError(bandCore, rowsOf(whole.data, whole.dims, rowAxis, core.y0 * outRows, core.ny * outRows)));
    }
    await network.release();
    expect(errors[0]).toBeLessThan(1e-6);
    expect(errors[1]).toBeGreaterThan(1e-3);
  });

  it('plans bands of a series of any size within the buffer limits, one band where one fits, and refuses a band no buffer holds', () => {
    // 61 tilts of 4096 × 4096, thickness 512, 12 new, C = 16, on a GPU binding 1 GiB: over the 384 MiB budget even
    // with one core row (a latent-volume row is 8 MiB, six copies of 17), so bands of one row.
    const gib = { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 31 };
    const large = { h: 1024, w: 1024, depth: 128, channels: 16, nTilts: 61, nNew: 12 };
    const { bands, batch } = planBands(gib, undefined, large);
    expect([bands.length, batch]).toEqual([1024, 1]);
    expect(bands.every((b, i) => b.core.y0 === i && b.core.ny === 1)).toBe(true);
    expect(bands[500].encoded).toEqual({ y0: 488, ny: 25 });
    // The same on WebGPU's default limits (128 MiB a binding): the 17 volume rows of 8 MiB do not fit one buffer.
    const defaults = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };
    expect(() => planBands(defaults, undefined, large)).toThrow(/needs a 136(\.0)? MiB buffer, more than this device's limit of 128(\.0)? MiB: reduce the thickness or bin the tilts/);
    // 256 × 256 × 128 from 41 tilts: one band within the default 384 MiB, ORT taking the tilts 26 at a time.
    const small = planBands(defaults, undefined, { h: 64, w: 64, depth: 32, channels: 16, nTilts: 41, nNew: 12 });
    expect([small.bands.length, small.batch]).toEqual([1, 26]);
  });

  it('stops between ORT calls when cancelled', async () => {
    const controller = new AbortController();
    const onProgress = ({ message }: { message: string }) => void (message.includes('band 2 of') && controller.abort());
    const run = synthesiseLatentbp(gpuEngine(await openNodeGpu()), banded, bandedParams, { models: library, onProgress, memoryBudgetBytes: bandBudget, signal: controller.signal });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('gives on the CPU path, in bands, the GPU path\'s tilts', async () => {
    const gpu = await synthesise(gpuEngine(await openNodeGpu()), banded);
    const cpu = await synthesise(cpuEngine(callerPool()), banded, bandBudget);
    expect(cpu.messages).toHaveLength(10);
    expect(relativeError(cpu.added, gpu.added)).toBeLessThan(1e-4);
  });

  it('refuses what it cannot do before any GPU work', () => {
    const ts = { nx: 8, ny: 4, nTilts: 3, data: new Float32Array(96), tiltAngles: [-30, 0, 30], pixelSize: 1 };
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'latentbp' })).toThrow(/no tilt angles to add/);
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'latentbp', params: { angles: [-90] } })).toThrow(/tilt angle -90° to add/);
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'latentbp', params: { angles: [60], model: ' ' } })).toThrow(/needs a model/);
  });
});
