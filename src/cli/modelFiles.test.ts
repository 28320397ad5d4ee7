// A model named by path on the command line (`--model FILE.onnx|FOLDER`, `--refine-model …`) is checked before
// any work as the page checks a model the user adds (engine/methods/userModels.ts): a broken or wrong-family file
// ends in exactly one line naming it and what is wrong, exit 1, no output; a good copy of a shipped model, with
// its card beside it as models/refine/train.py writes them, runs and gives the shipped model's very numbers.
// In this process (main, as bin/wedgelab.js calls it), on onnxruntime-web's wasm backend.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readMrc } from '../io/mrc.ts';
import { METHODS } from '../engine/methods/registry.ts';
import { main } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-model-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODELS = new URL('../../models/', import.meta.url);
const shipped = (path: string) => readFileSync(new URL(path, MODELS));
const series = ['--tilts', join(dir, 'tilt_series.mrc'), '--angles', join(dir, 'tilt_series.tlt')];
const tomogram = join(dir, 'fbp.mrc');

/** Run the command line in this process: its exit code and what it wrote to stderr (stdout is dropped). */
async function wedgelab(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args), stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

/** A folder of `files` (name → bytes) under the test's directory; its path. */
function folder(name: string, files: Record<string, Uint8Array | string>): string {
  const path = join(dir, name);
  mkdirSync(path);
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(path, file), bytes);
  return path;
}

const isonetCard = shipped('refine/isonet_sim/card.json');

beforeAll(async () => {
  for (const args of [
    ['simulate', '--phantom', 'spheres', '--size', '32,32,16', '--angles', '-60,60,6', '--seed', '3', '--out-dir', dir],
    ['recon', ...series, '--method', 'fbp', '--thickness', '16', '--quiet', '--out', tomogram],
  ]) {
    const run = await wedgelab(args);
    expect(run.code, run.stderr).toBe(0);
  }
}, 120_000);

describe('the methods that run a model file', () => {
  it('each names its model family, and only they: what the check (and the page menu) goes by', () => {
    const families = Object.fromEntries(METHODS.flatMap((d) => (d.modelFamily ? [[d.name, d.modelFamily]] : [])));
    expect(families).toEqual({ localnet: 'localnet', cryogen: 'refine', isonet: 'refine', latentbp: 'synth' });
    // A method with a --model flag but no family would skip the check.
    const withModelFlag = METHODS.filter((d) => (d.flags as readonly { param?: string }[]).some((f) => f.param === 'model')).map((d) => d.name);
    expect(withModelFlag.sort()).toEqual(Object.keys(families).sort());
  });
});

describe('a model file refused before any work, in one line naming it', () => {
  /** `wedgelab refine --method isonet --model MODEL`: the one line it says; it exits 1 and writes no tomogram. */
  async function refused(model: string, out = join(dir, 'refined.mrc')): Promise<string> {
    const run = await wedgelab(['refine', '--in', tomogram, '--method', 'isonet', '--model', model, '--out', out]);
    expect(run.code, run.stderr).toBe(1);
    expect(existsSync(out)).toBe(false);
    return run.stderr;
  }

  it('a truncated .onnx', async () => {
    const model = join(folder('truncated', { 'model.onnx': shipped('refine/isonet_sim/model.onnx').subarray(0, 5000), 'card.json': isonetCard }), 'model.onnx');
    expect(await refused(model)).toBe(`wedgelab refine: ${model}: not an ONNX model: truncated protocol buffer\n`);
  });

  it('a local model cut short past its graph: the inputs read, the weights do not (onnxruntime-web says so)', async () => {
    const bytes = shipped('localnet/broad_p11/model.onnx');
    const model = join(folder('half', { 'model.onnx': bytes.subarray(0, bytes.length >> 1) }), 'model.onnx');
    const out = join(dir, 'half.mrc');
    const run = await wedgelab(['recon', ...series, '--method', 'localnet', '--model', model, '--quiet', '--out', out]);
    expect([run.code, run.stderr]).toEqual([1, `wedgelab recon: ${model}: not an ONNX model: its bytes do not parse (a file cut short, or another kind of file)\n`]);
    expect(existsSync(out)).toBe(false);
  });

  it('a file that is not ONNX at all', async () => {
    const model = join(folder('text', { 'model.onnx': 'not a model, some notes\n', 'card.json': isonetCard }), 'model.onnx');
    expect(await refused(model)).toMatch(new RegExp(`^wedgelab refine: ${model}: not an ONNX model: [^\\n]+\\n$`));
  });

  it('a model of another family: the shipped local network given to a refinement', async () => {
    const model = join(folder('localnet', { 'model.onnx': shipped('localnet/broad_p11/model.onnx'), 'card.json': isonetCard }), 'model.onnx');
    expect(await refused(model)).toBe(`wedgelab refine: ${model}: a refinement model takes one input "cube" [batch, 1, nz, ny, nx] and has one output; this one has inputs patches, angles\n`);
  });

  it('a refinement model without the card.json beside it, and a card that is not JSON', async () => {
    const lone = join(folder('lone', { 'model.onnx': shipped('refine/isonet_sim/model.onnx') }), 'model.onnx');
    expect(await refused(lone)).toBe(`wedgelab refine: ${lone}: no card.json: a refinement model is one .onnx file and card.json (given ${lone})\n`);
    const badCard = join(folder('bad-card', { 'model.onnx': shipped('refine/isonet_sim/model.onnx'), 'card.json': '{ objective: isonet' }), 'model.onnx');
    expect(await refused(badCard)).toMatch(new RegExp(`^wedgelab refine: ${badCard}: card.json: not JSON \\([^\\n]+\\)\\n$`));
  });

  it('a file that is not there: neither a shipped name nor a file', async () => {
    const model = join(dir, 'nowhere', 'model.onnx');
    expect(await refused(model)).toBe(`wedgelab refine: no refinement model "${model}": the shipped ones are cryogen-sim, isonet-sim; nor is there a file ${model}\n`);
  });

  it('the other commands and families: recon, batch, synthesize, trust --refine-model', async () => {
    const refineModel = join(folder('isonet', { 'model.onnx': shipped('refine/isonet_sim/model.onnx'), 'card.json': isonetCard }), 'model.onnx');
    const out = join(dir, 'localnet.mrc');
    const recon = await wedgelab(['recon', ...series, '--method', 'localnet-wavelet', '--model', refineModel, '--out', out]);
    expect([recon.code, recon.stderr]).toEqual([1, `wedgelab recon: ${refineModel}: a local reconstruction model takes inputs "patches" and "angles" and has one output; this one has inputs cube\n`]);
    expect(existsSync(out)).toBe(false);
    const batchDir = join(dir, 'batch');
    const batch = await wedgelab(['batch', '--list', join(dir, 'series.tsv'), '--methods', 'fbp,localnet', '--model', refineModel, '--out-dir', batchDir]);
    expect([batch.code, batch.stderr]).toEqual([1, `wedgelab batch: ${refineModel}: a local reconstruction model takes inputs "patches" and "angles" and has one output; this one has inputs cube\n`]);
    expect(existsSync(batchDir)).toBe(false);

    const parts = Object.fromEntries(['encoder.onnx', 'refiner.onnx', 'decoder.onnx', 'card.json'].map((f) => [f, shipped(`synth/lbp_small/${f}`)]));
    const synth = folder('synth', { ...parts, 'encoder.onnx': parts['encoder.onnx'].subarray(0, 3000) });
    const outDir = join(dir, 'synthesised');
    const synthesize = await wedgelab(['synthesize', ...series, '--method', 'latentbp', '--add', '63,-63', '--model', synth, '--out-dir', outDir]);
    expect(synthesize.code, synthesize.stderr).toBe(1);
    expect(synthesize.stderr).toMatch(new RegExp(`^wedgelab synthesize: ${synth}: encoder.onnx: [^\\n]+\\n$`));
    expect(existsSync(outDir)).toBe(false);

    const wrong = join(dir, 'localnet', 'model.onnx');
    const trust = await wedgelab(['trust', ...series, '--method', 'fbp', '--thickness', '16', '--refine', 'isonet', '--refine-model', wrong, '--json']);
    expect([trust.code, trust.stderr]).toEqual([1, `wedgelab trust: ${wrong}: a refinement model takes one input "cube" [batch, 1, nz, ny, nx] and has one output; this one has inputs patches, angles\n`]);
  });
});

describe('a good model file', () => {
  it('a copy of isonet-sim with its card runs, and refines exactly as the shipped model does', async () => {
    const copy = folder('my-isonet', {});
    for (const file of ['model.onnx', 'card.json']) copyFileSync(new URL(`refine/isonet_sim/${file}`, MODELS), join(copy, file));
    const [mine, theirs] = [join(dir, 'mine.mrc'), join(dir, 'theirs.mrc')];
    const said: string[] = [];
    for (const [model, out] of [
      [join(copy, 'model.onnx'), mine],
      ['isonet-sim', theirs],
    ]) {
      const run = await wedgelab(['refine', '--in', tomogram, '--method', 'isonet', '--model', model, '--quiet', '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      said.push(run.stderr);
    }
    expect(said[0]).toContain(`IsoNet-style (${join(copy, 'model.onnx')}, 32 × 32 × 16 cubes, overlap 12, wasm, contrast not known, run as trained (dense bright))`);
    const [a, b] = [mine, theirs].map((path) => readMrc(new Uint8Array(readFileSync(path))));
    expect([a.header.nx, a.header.ny, a.header.nz]).toEqual([32, 32, 16]);
    expect(a.data.every(Number.isFinite)).toBe(true);
    // The same bytes on the same backend: the same numbers, and not the input's.
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(readMrc(new Uint8Array(readFileSync(tomogram))).data);
  }, 120_000);
});
