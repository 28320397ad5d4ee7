/**
 * Writes that never leave a half file under the final name: the bytes go to a temporary file beside the target,
 * which is renamed over it once complete (a rename within a folder is atomic on POSIX file systems). A run killed
 * or failing part-way leaves at most a `.partial` file, which no reader takes for a finished one. A missing folder
 * is created.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { StoreDirectory } from '../io/omeZarr.ts';

/** `data` may come in pieces (e.g. mrcPieces): each is written as it comes, never joined into one buffer. */
export async function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<Uint8Array>): Promise<void> {
  const temporary = temporaryBeside(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new Error(`could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A folder written whole (an OME-Zarr store): `write` fills a temporary folder beside the target, which then
 * replaces it. Replacing an existing folder takes a remove and a rename, so only the final step is not atomic;
 * a run that fails or is killed while writing leaves the earlier folder as it was and at most a `.partial` one.
 */
export async function writeFolderAtomic(path: string, write: (folder: StoreDirectory) => Promise<void>): Promise<void> {
  const temporary = temporaryBeside(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    await rm(temporary, { recursive: true, force: true });
    await write(nodeDirectory(temporary));
    await rm(path, { recursive: true, force: true });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    throw new Error(`could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function temporaryBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
}

/** A store directory in a Node folder: each file written as it comes, its folders made first. */
function nodeDirectory(root: string): StoreDirectory {
  const made = new Set<string>();
  return {
    async writeFile(path, bytes) {
      const file = join(root, ...path.split('/'));
      const folder = dirname(file);
      if (!made.has(folder)) {
        await mkdir(folder, { recursive: true });
        made.add(folder);
      }
      await writeFile(file, bytes);
    },
  };
}
