/**
 * A model the user adds from files, checked once before any run (the worker calls this; docs/synthesis.md and
 * docs/refine.md): the files a model of its family is made of (./modelChoice.ts), its card, and each ONNX part
 * opened and run once on a small input of the method's contract. One check per family, one way of finding the
 * files and naming what is wrong: every error starts with the file it is about.
 */
import type { GpuContext } from '../gpu/device.ts';
import type { ModelLibrary } from '../onnx/library.ts';
import { variantOf } from './localnet/base.ts';
import { LocalModel } from './localnet/model.ts';
import { LATENT_FACTOR, LatentbpNetwork } from './latentbp/network.ts';
import { CARD_FILE, FAMILY_FILES, SHIPPED_CHOICES, type ModelChoice, type ModelFamily } from './modelChoice.ts';
import { RefineModel } from './unetrefine/model.ts';
import { DEFAULT_REFINE_MODEL, type UnetObjective } from './unetrefine/models.ts';
import { trainingWedges } from './unetrefine/trainingWedges.ts';

export interface ModelFile {
  name: string;
  bytes: Uint8Array;
  /** The folder the file was picked from ('' or absent when picked alone). */
  folder?: string;
}

export interface UserModel<F extends ModelFamily = ModelFamily> {
  choice: ModelChoice<F>;
  /** The bytes a run's ModelLibrary serves, by the name it loads (the model's name, or "NAME/part.onnx"). */
  files: Map<string, Uint8Array>;
}

interface CheckContext {
  gpu: GpuContext | null;
  wasmUrl?: string;
  /** Names of the models added before in the session: a new one never takes one (it would replace its files). */
  added?: ReadonlySet<string>;
}

/** A multi-part model picked as loose files, not as a folder, is called this (then my-model-2, my-model-3…). */
export const UNNAMED_MODEL = 'my-model';

type Card = Record<string, unknown>;
/** `library` serves the model's files under the names its runs load, `name` the model's. */
type Check<F extends ModelFamily> = (parts: ModelFile[], card: Card, context: CheckContext, library: ModelLibrary, name: string) => Promise<Omit<ModelChoice<F>, 'name'>>;

/** `body`'s error, prefixed with the file it is about. */
async function about<T>(file: string, body: () => Promise<T> | T): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Seeded values in [−1, 1): a probe input that is not all zeros (a bias-free network maps zeros to zeros). */
function probe(length: number): Float32Array {
  let s = 12345;
  return Float32Array.from({ length }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 31) - 1);
}

function expectLength(got: Float32Array, dims: number[], what: string): void {
  const want = dims.reduce((a, b) => a * b, 1);
  if (got.length !== want) throw new Error(`${what} gave ${got.length} values, not [${dims.join(', ')}]`);
}

function kib(parts: ModelFile[]): string {
  return `${(parts.reduce((n, p) => n + p.bytes.length, 0) / 1024).toFixed(0)} KiB`;
}

function thousands(n: unknown): string {
  return typeof n === 'number' ? `${(n / 1000).toFixed(0)} k parameters` : 'parameters not on the card';
}

const CHECKS: { [F in ModelFamily]: Check<F> } = {
  async localnet([file], _card, { gpu, wasmUrl }) {
    const model = await about(file.name, () => LocalModel.open(gpu, file.bytes, { wasmUrl }));
    await model.release();
    const variant = variantOf(model.outputs);
    const odd = model.odd ? '' : '; not odd: run as its odd part, unless run as trained';
    return { tag: variant, summary: `${variant} variant, ${model.patch} × ${model.patch} patches, from your file (${kib([file])})${odd}`, odd: model.odd };
  },

  async refine([file], card, { gpu, wasmUrl }) {
    const objective = card.objective;
    const objectives = Object.keys(DEFAULT_REFINE_MODEL);
    if (typeof objective !== 'string' || !objectives.includes(objective))
      throw new Error(`${CARD_FILE}: objective ${JSON.stringify(objective)}, not ${objectives.map((o) => `"${o}"`).join(' or ')} (models/refine/train.py writes it)`);
    const model = await about(file.name, () => RefineModel.open(gpu, file.bytes, { wasmUrl, backend: 'wasm' }));
    try {
      const dims = [1, 1, 8, 8, 8];
      await about(file.name, async () => expectLength(await model.run(probe(512), 1, [8, 8, 8]), dims, 'a cube [1, 1, 8, 8, 8]'));
    } finally {
      await model.release();
    }
    return { tag: objective as UnetObjective, summary: `${objective} objective, ${thousands(card.parameters)}, from your files (${kib([file])})`, trainingWedges: trainingWedges(card) };
  },

  async synth(parts, card, _context, library, name) {
    if (card.factor !== LATENT_FACTOR) throw new Error(`${CARD_FILE}: factor ${JSON.stringify(card.factor)}, but the engine's latent grid is 1/${LATENT_FACTOR} of the tilt (factor ${LATENT_FACTOR})`);
    const channels = card.channels;
    if (!Number.isInteger(channels) || (channels as number) < 1) throw new Error(`${CARD_FILE}: channels ${JSON.stringify(channels)}, not a whole number ≥ 1`);
    const c = channels as number;
    const network = await LatentbpNetwork.open(null, library, name, 'wasm');
    try {
      // One 8 × 8 tilt → [1, C, 2, 2]; the refiner on a 2 × 2 × 2 latent volume; the decoder back to 8 × 8.
      const encoded = await about('encoder.onnx', async () => {
        const out = await network.evaluate('encoder', probe(64), [1, 1, 8, 8]);
        if (out.dims[1] !== c) throw new Error(`gives ${out.dims[1]} latent channels, the card says ${c}`);
        expectLength(out.data, [1, c, 2, 2], 'a tilt [1, 1, 8, 8]');
        return out.data;
      });
      await about('refiner.onnx', async () => expectLength((await network.evaluate('refiner', probe(8 * c), [1, c, 2, 2, 2])).data, [1, c, 2, 2, 2], `a latent volume [1, ${c}, 2, 2, 2]`));
      await about('decoder.onnx', async () => expectLength((await network.evaluate('decoder', encoded, [1, c, 2, 2])).data, [1, 1, 8, 8], `a latent tilt [1, ${c}, 2, 2]`));
    } finally {
      await network.release();
    }
    const parameters = card.parameters && typeof card.parameters === 'object' ? Object.values(card.parameters).reduce((n: number, v) => n + Number(v), 0) : undefined;
    return { tag: 'yours', summary: `C = ${c} latent channels at 1/${LATENT_FACTOR} size, ${thousands(parameters)}, from your files (${kib(parts)})` };
  },
};

function readCard(file: ModelFile | undefined): Card {
  if (!file) return {};
  let card: unknown;
  try {
    card = JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (error) {
    throw new Error(`${CARD_FILE}: not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!card || typeof card !== 'object' || Array.isArray(card)) throw new Error(`${CARD_FILE}: not a JSON object`);
  return card as Card;
}

/** The ONNX files a family's model is made of, in its order; throws naming what is missing or extra. */
function findParts(family: ModelFamily, files: ModelFile[]): ModelFile[] {
  const { noun, parts, card } = FAMILY_FILES[family];
  const wanted = `${parts ? parts.join(', ') : 'one .onnx file'}${card ? ` and ${CARD_FILE}` : ''}`;
  const given = `given ${files.map((f) => f.name).join(', ') || 'nothing'}`;
  if (card && !files.some((f) => f.name === CARD_FILE)) throw new Error(`no ${CARD_FILE}: a ${noun} is ${wanted} (${given})`);
  const others = files.filter((f) => f.name !== CARD_FILE);
  // Besides the card, the one file given, else the one .onnx file among several (a folder may hold a fixture too).
  const models = others.length > 1 ? others.filter((f) => f.name.toLowerCase().endsWith('.onnx')) : others;
  if (!parts) {
    if (models.length !== 1) throw new Error(`a ${noun} is ${wanted} (${given})`);
    return models;
  }
  return parts.map((part) => {
    const file = models.find((f) => f.name === part);
    if (!file) throw new Error(`no ${part}: a ${noun} is ${wanted} (${given})`);
    return file;
  });
}

/**
 * `name`, or when a model added before has it, the first free of NAME-2, NAME-3… (before an .onnx ending:
 * model-2.onnx), so that two models picked from folders or files of the same name are both kept.
 */
export function unusedName(name: string, added: ReadonlySet<string>): string {
  const [stem, ending] = name.toLowerCase().endsWith('.onnx') ? [name.slice(0, -5), name.slice(-5)] : [name, ''];
  let candidate = name;
  for (let k = 2; added.has(candidate); k++) candidate = `${stem}-${k}${ending}`;
  return candidate;
}

/** Check the files as a model of `family`; what to list in its menu and what to serve its runs. */
export async function readUserModel<F extends ModelFamily>(family: F, files: ModelFile[], context: CheckContext): Promise<UserModel<F>> {
  const parts = findParts(family, files);
  const multiPart = FAMILY_FILES[family].parts !== null;
  const given = multiPart ? (parts[0].folder?.split('/').filter(Boolean).at(-1) ?? UNNAMED_MODEL) : parts[0].name;
  if (SHIPPED_CHOICES[family].some((m) => m.name === given)) throw new Error(`${given} is the name of a shipped model: rename the ${multiPart ? 'folder' : 'file'}`);
  const name = unusedName(given, context.added ?? new Set());
  const served = new Map(parts.map((p) => [multiPart ? `${name}/${p.name}` : name, p.bytes]));
  const library: ModelLibrary = {
    wasmUrl: context.wasmUrl,
    load: async (n) => {
      const bytes = served.get(n);
      if (!bytes) throw new Error(`no ${n} among the files`);
      return bytes;
    },
  };
  const card = readCard(files.find((f) => f.name === CARD_FILE));
  const check = CHECKS[family] as Check<F>;
  const checked = await check(parts, card, context, library, name);
  return { choice: { name, ...checked }, files: served };
}
