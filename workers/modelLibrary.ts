/**
 * The worker's models: the shipped ones (models/localnet, the tilt-synthesis parts of models/synth and the refinement U-Nets of models/refine,
 * bundled by Vite as assets and fetched on first use, then kept) and those the user adds from files for the session, by the names runs load. Browser only (Vite's
 * import.meta.glob); the CLI has its own library (src/cli/models.ts).
 */
import type { GpuContext } from '../src/engine/gpu/device.ts';
import type { ModelLibrary } from '../src/engine/onnx/library.ts';
import { shippedModel } from '../src/engine/methods/localnet/models.ts';
import { shippedSynthFile } from '../src/engine/methods/latentbp/models.ts';
import { shippedRefineModel } from '../src/engine/methods/unetrefine/models.ts';
import { SHIPPED_CHOICES, type ModelChoice, type ModelFamily } from '../src/engine/methods/modelChoice.ts';
import { readUserModel } from '../src/engine/methods/userModels.ts';
import { ORT_WASM_URL } from '../src/engine/onnx/wasmUrl.browser.ts';

const MODEL_URLS = import.meta.glob(['../models/localnet/*/model.onnx', '../models/synth/*/*.onnx', '../models/refine/*/model.onnx'], { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const shippedBytes = new Map<string, Promise<Uint8Array>>();
const addedModels = new Map<string, Uint8Array>();

async function fetchModel(name: string): Promise<Uint8Array> {
  const shipped = shippedModel(name)?.file ?? shippedSynthFile(name) ?? shippedRefineModel(name)?.file;
  const url = shipped && MODEL_URLS[`../models/${shipped}`];
  // Any family's run may ask (a script can name anything): the message lists every shipped model.
  if (!url) throw new Error(`no model "${name}" among the shipped ones (${Object.values(SHIPPED_CHOICES).flat().map((m) => m.name).join(', ')}) or those added this session`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the model ${name} could not be read (${url}: HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

export const models: ModelLibrary = {
  wasmUrl: ORT_WASM_URL,
  load(name) {
    const added = addedModels.get(name);
    if (added) return Promise.resolve(added);
    let bytes = shippedBytes.get(name);
    if (!bytes) {
      bytes = fetchModel(name);
      shippedBytes.set(name, bytes);
      bytes.catch(() => shippedBytes.delete(name));
    }
    return bytes;
  },
};

/**
 * Check files as a model of `family` (src/engine/methods/userModels.ts: its parts, its card, each part run once),
 * then keep them under the names its runs load. Files picked as a folder name the model after it; a name taken
 * before is never reused (the files of the model that has it would be replaced).
 */
export async function addModelFiles<F extends ModelFamily>(gpu: GpuContext, family: F, files: File[]): Promise<ModelChoice<F>> {
  const read = await Promise.all(files.map(async (f) => ({ name: f.name, folder: f.webkitRelativePath.split('/').slice(0, -1).join('/'), bytes: new Uint8Array(await f.arrayBuffer()) })));
  // Served as NAME or NAME/part.onnx: the names taken so far, of every family (they share the one map).
  const added = new Set([...addedModels.keys()].map((served) => served.split('/')[0]));
  const model = await readUserModel(family, read, { gpu, wasmUrl: ORT_WASM_URL, added });
  for (const [name, bytes] of model.files) addedModels.set(name, bytes);
  return model.choice;
}
