// Models added from files (the page's "Add a model"): the shipped models' own files pass as "yours", and each kind
// of wrong model is refused with one message naming the file and what is wrong. Node, onnxruntime-web's wasm backend.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readUserModel, UNNAMED_MODEL, unusedName, type ModelFile } from './userModels.ts';
import { REFINE_MODELS } from './unetrefine/models.ts';

const MODELS = new URL('../../../models/', import.meta.url);
const file = (path: string, name = path.split('/').at(-1)!, folder?: string): ModelFile => ({ name, bytes: new Uint8Array(readFileSync(new URL(path, MODELS))), folder });
const card = (fields: Record<string, unknown>): ModelFile => ({ name: 'card.json', bytes: new TextEncoder().encode(JSON.stringify(fields)) });
const cpu = { gpu: null };

const synthParts = (folder?: string) => ['encoder', 'refiner', 'decoder'].map((p) => file(`synth/lbp_small/${p}.onnx`, undefined, folder));
const synthCard = JSON.parse(readFileSync(new URL('synth/lbp_small/card.json', MODELS), 'utf8')) as Record<string, unknown>;

describe('a refinement model from files', () => {
  it('takes the shipped IsoNet-style model and its card, named after the file, tagged with its objective', async () => {
    const model = await readUserModel('refine', [file('refine/isonet_sim/model.onnx', 'mine.onnx'), file('refine/isonet_sim/card.json')], cpu);
    // Its training wedges from the card, for the warning on a series measured over another range (trainingWedges.ts).
    const trainingWedges = REFINE_MODELS.find((m) => m.name === 'isonet-sim')?.trainingWedges;
    expect(model.choice).toEqual({ name: 'mine.onnx', tag: 'isonet', summary: 'isonet objective, 88 k parameters, from your files (349 KiB)', trainingWedges });
    expect([...model.files.keys()]).toEqual(['mine.onnx']);
  });

  it('refuses a model without its card, a card without an objective, and a model of another interface', async () => {
    const onnx = file('refine/cryogen_sim/model.onnx');
    await expect(readUserModel('refine', [onnx], cpu)).rejects.toThrow('no card.json: a refinement model is one .onnx file and card.json (given model.onnx)');
    await expect(readUserModel('refine', [onnx, card({ factor: 4 })], cpu)).rejects.toThrow('card.json: objective undefined, not "cryogen" or "isonet"');
    await expect(readUserModel('refine', [file('synth/lbp_small/encoder.onnx'), card({ objective: 'cryogen' })], cpu)).rejects.toThrow(
      'encoder.onnx: a refinement model takes one input "cube" [batch, 1, nz, ny, nx] and has one output; this one has inputs tilts',
    );
  });
});

describe('a tilt-synthesis model from files', () => {
  it('takes the shipped parts and card, named after their folder, served as FOLDER/part.onnx', async () => {
    const model = await readUserModel('synth', [...synthParts('picked/lbp_small'), file('synth/lbp_small/card.json')], cpu);
    expect(model.choice).toEqual({ name: 'lbp_small', tag: 'yours', summary: 'C = 16 latent channels at 1/4 size, 64 k parameters, from your files (255 KiB)' });
    expect([...model.files.keys()]).toEqual(['lbp_small/encoder.onnx', 'lbp_small/refiner.onnx', 'lbp_small/decoder.onnx']);
    const loose = await readUserModel('synth', [...synthParts(), card(synthCard)], cpu);
    expect(loose.choice.name).toBe(UNNAMED_MODEL);
  });

  it('names loose parts picked after others my-model-2, my-model-3…, served under that name: a second pick keeps the first', async () => {
    const second = await readUserModel('synth', [...synthParts(), card(synthCard)], { ...cpu, added: new Set(['my-model']) });
    expect(second.choice.name).toBe('my-model-2');
    expect([...second.files.keys()]).toEqual(['my-model-2/encoder.onnx', 'my-model-2/refiner.onnx', 'my-model-2/decoder.onnx']);
    const third = await readUserModel('synth', [...synthParts(), card(synthCard)], { ...cpu, added: new Set(['my-model', 'my-model-2', 'mine.onnx']) });
    expect(third.choice.name).toBe('my-model-3');
    const folder = await readUserModel('synth', [...synthParts('picked/lbp_small'), card(synthCard)], { ...cpu, added: new Set(['lbp_small']) });
    expect(folder.choice.name).toBe('lbp_small-2');
  });

  it('numbers a taken name before its .onnx ending, and leaves a free one as it is', () => {
    expect(unusedName('model.onnx', new Set(['model.onnx']))).toBe('model-2.onnx');
    expect(unusedName('model.ONNX', new Set(['model.ONNX', 'model-2.ONNX']))).toBe('model-3.ONNX');
    expect(unusedName('my-model', new Set(['model.onnx', 'my-model-2']))).toBe('my-model');
  });

  it('names the missing part, a card that does not fit, and the part of the wrong interface', async () => {
    const [encoder, refiner, decoder] = synthParts();
    await expect(readUserModel('synth', [encoder, decoder, card(synthCard)], cpu)).rejects.toThrow(
      'no refiner.onnx: a tilt-synthesis model is encoder.onnx, refiner.onnx, decoder.onnx and card.json (given encoder.onnx, decoder.onnx, card.json)',
    );
    await expect(readUserModel('synth', [encoder, refiner, decoder, card({ ...synthCard, factor: 16 })], cpu)).rejects.toThrow("card.json: factor 16, but the engine's latent grid is 1/4 of the tilt (factor 4)");
    await expect(readUserModel('synth', [encoder, refiner, decoder, card({ ...synthCard, channels: 8 })], cpu)).rejects.toThrow('encoder.onnx: gives 16 latent channels, the card says 8');
    const swapped = [{ ...decoder, name: 'encoder.onnx' }, refiner, { ...encoder, name: 'decoder.onnx' }];
    await expect(readUserModel('synth', [...swapped, card(synthCard)], cpu)).rejects.toThrow(/^encoder\.onnx: /);
    await expect(readUserModel('synth', [encoder, refiner, decoder, { name: 'card.json', bytes: new Uint8Array([123]) }], cpu)).rejects.toThrow(/^card\.json: not JSON/);
  });
});

describe('a local model from a file', () => {
  it('reads its variant and patch size, and refuses a shipped name', async () => {
    const model = await readUserModel('localnet', [file('localnet/broad_p11_wavelet/model.onnx', 'w.onnx')], cpu);
    expect(model.choice.tag).toBe('wavelet');
    expect(model.choice.summary).toMatch(/^wavelet variant, 11 × 11 patches, from your file \(\d+ KiB\)$/);
    await expect(readUserModel('localnet', [file('localnet/broad_p11/model.onnx', 'broad-p11')], cpu)).rejects.toThrow('broad-p11 is the name of a shipped model: rename the file');
    await expect(readUserModel('localnet', [{ name: 'broken.onnx', bytes: new TextEncoder().encode('not a model') }], cpu)).rejects.toThrow(/^broken\.onnx: /);
  });
});
