/**
 * Writes that never leave a half file under the final name: the bytes go to a temporary file beside the target,
 * which is renamed over it once complete (a rename within a folder is atomic on POSIX file systems). A run killed
 * or failing part-way leaves at most a `.partial` file, which no reader takes for a finished one. A missing folder
 * is created.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new Error(`could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
}
