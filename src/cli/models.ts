/**
 * The command line's models: shipped ones (local networks, tilt-synthesis parts, refinement U-Nets) by name from
 * models/, or a model's files by path, checked before any work as the page checks a model the user adds.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelLibrary } from '../engine/onnx/library.ts';
import { shippedModel } from '../engine/methods/localnet/models.ts';
import { shippedSynthFile } from '../engine/methods/latentbp/models.ts';
import { CARD_FILE, FAMILY_FILES, SHIPPED_CHOICES, type ModelChoice, type ModelFamily } from '../engine/methods/modelChoice.ts';
import { methodDefinition, type MethodRequest } from '../engine/methods/registry.ts';
import { shippedRefineModel } from '../engine/methods/unetrefine/models.ts';
import { readUserModel, type ModelFile } from '../engine/methods/userModels.ts';

/** Serves a shipped model's file by its name, anything else as a path (checkModelPaths has checked it). */
export const cliModelLibrary: ModelLibrary = {
  async load(name) {
    const shipped = shippedModel(name)?.file ?? shippedSynthFile(name) ?? shippedRefineModel(name)?.file;
    const path = shipped ? fileURLToPath(new URL(`../../models/${shipped}`, import.meta.url)) : name;
    return new Uint8Array(await readFile(path));
  },
};

/** The file at `path` under the name the check knows it by, or undefined where there is none (the check names what is missing). */
async function readIfThere(path: string, name: string): Promise<ModelFile | undefined> {
  try {
    return { name, bytes: new Uint8Array(await readFile(path)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Where a model's files are, by the names the check knows them by: a single file by its path (so that messages
 * name it so), the parts of a folder and the card beside the file or in the folder by their own names.
 */
function modelFiles(family: ModelFamily, path: string): { at: string; name: string }[] {
  const { parts, card } = FAMILY_FILES[family];
  const folder = parts ? path : dirname(path);
  const models = parts ? parts.map((part) => ({ at: join(folder, part), name: part })) : [{ at: path, name: path }];
  return card ? [...models, { at: join(folder, CARD_FILE), name: CARD_FILE }] : models;
}

/**
 * A model named by path, checked as the page checks a model the user adds (engine/methods/userModels.ts), with
 * the files as the training scripts write them: a local model is its .onnx file; a refinement model its .onnx
 * file and the card.json beside it (models/refine/train.py: DIR/model.onnx, DIR/card.json); a tilt-synthesis
 * model the folder of encoder.onnx, refiner.onnx, decoder.onnx and card.json (models/synth/train.py). The ONNX
 * parts are opened on onnxruntime-web's wasm backend and run once on a small input. Throws "PATH: problem";
 * gives the model as the page lists it (named after the path).
 */
async function checkModelPath(family: ModelFamily, path: string): Promise<ModelChoice> {
  const { noun, parts } = FAMILY_FILES[family];
  const found = await stat(path).catch(() => null);
  if (!found) {
    const shipped = SHIPPED_CHOICES[family].map((m) => m.name).join(', ');
    throw new Error(`no ${noun} "${path}": the shipped ones are ${shipped}; nor is there a ${parts ? 'folder' : 'file'} ${path}`);
  }
  // A file where a folder is wanted, or the reverse, gives the check nothing: it says what the model is made of.
  const read = found.isDirectory() === (parts !== null) ? await Promise.all(modelFiles(family, path).map(({ at, name }) => readIfThere(at, name))) : [];
  const files = read.filter((file) => file !== undefined);
  try {
    return (await readUserModel(family, files, { gpu: null })).choice;
  } catch (error) {
    // The check names a file as the page knows it (card.json, encoder.onnx): the path given leads, once.
    const message = (error as Error).message;
    throw new Error(message.startsWith(`${path}: `) ? message : `${path}: ${message}`, { cause: error });
  }
}

/**
 * Check every model the requests name by path (a shipped name needs none), before any work: a bad one ends the
 * command with "PATH: problem". Undefined requests (a recipe's steps not asked for) are skipped. Gives each named
 * model as the page lists it (a shipped one's entry, a file's from its check), by name.
 */
export async function checkModelPaths(requests: readonly (MethodRequest | undefined)[]): Promise<Map<string, ModelChoice>> {
  const choices = new Map<string, ModelChoice>();
  const checked = new Set<string>();
  for (const request of requests) {
    const family = request && methodDefinition(request.method).modelFamily;
    const model = (request?.params as { model?: unknown } | undefined)?.model;
    // An empty name is the method's validate()'s to refuse; one file named for two families is checked as each.
    if (!family || typeof model !== 'string' || model.trim() === '' || checked.has(`${family} ${model}`)) continue;
    checked.add(`${family} ${model}`);
    choices.set(model, SHIPPED_CHOICES[family].find((m) => m.name === model) ?? (await checkModelPath(family, model)));
  }
  return choices;
}
