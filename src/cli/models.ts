/** The command line's model library: shipped models (local networks, tilt-synthesis parts) by name from models/, or any .onnx file by path. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ModelLibrary } from '../engine/onnx/library.ts';
import { shippedModel, unknownModelError } from '../engine/methods/localnet/models.ts';
import { shippedSynthFile } from '../engine/methods/latentbp/models.ts';
import { shippedRefineModel } from '../engine/methods/unetrefine/models.ts';

export const cliModelLibrary: ModelLibrary = {
  async load(name) {
    const shipped = shippedModel(name)?.file ?? shippedSynthFile(name) ?? shippedRefineModel(name)?.file;
    const path = shipped ? fileURLToPath(new URL(`../../models/${shipped}`, import.meta.url)) : name;
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if (!shipped && (error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${unknownModelError(name).message}; nor is there a file ${name}`, { cause: error });
      throw error;
    }
  },
};
