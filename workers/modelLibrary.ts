/**
 * The worker's models: the shipped ones (models/localnet, and the tilt-synthesis parts of models/synth, bundled by Vite as assets and fetched on first
 * use, then kept) and those the user adds from files for the session, by file name. Browser only (Vite's
 * import.meta.glob); the CLI has its own library (src/cli/models.ts).
 */
import type { GpuContext } from '../src/engine/gpu/device.ts';
import type { ModelLibrary } from '../src/engine/onnx/library.ts';
import { shippedModel, unknownModelError, type ModelChoice } from '../src/engine/methods/localnet/models.ts';
import { shippedSynthFile } from '../src/engine/methods/latentbp/models.ts';
import { shippedRefineModel } from '../src/engine/methods/unetrefine/models.ts';
import { variantOf } from '../src/engine/methods/localnet/base.ts';
import { LocalModel } from '../src/engine/methods/localnet/model.ts';
import { ORT_WASM_URL } from '../src/engine/onnx/wasmUrl.browser.ts';

const MODEL_URLS = import.meta.glob(['../models/localnet/*/model.onnx', '../models/synth/*/*.onnx', '../models/refine/*/model.onnx'], { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const shippedBytes = new Map<string, Promise<Uint8Array>>();
const addedModels = new Map<string, Uint8Array>();

async function fetchModel(name: string): Promise<Uint8Array> {
  const shipped = shippedModel(name)?.file ?? shippedSynthFile(name) ?? shippedRefineModel(name)?.file;
  const url = shipped && MODEL_URLS[`../models/${shipped}`];
  if (!url) throw unknownModelError(name);
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

/** Open a model file once to check its interface and read its variant and P, then keep it under its name. */
export async function addModelFile(gpu: GpuContext, file: File): Promise<ModelChoice> {
  if (shippedModel(file.name)) throw new Error(`${file.name} is the name of a shipped model: rename the file`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const model = await LocalModel.open(gpu, bytes, { wasmUrl: ORT_WASM_URL });
  const variant = variantOf(model.outputs);
  await model.release();
  addedModels.set(file.name, bytes);
  return { name: file.name, variant, summary: `${variant} variant, ${model.patch} × ${model.patch} patches, from your file (${(bytes.length / 1024).toFixed(0)} KiB)` };
}
