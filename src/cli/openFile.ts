/** A file on disk as a Blob, read piece by piece (fs.openAsBlob: never the whole file in memory). */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';

/** The file's name and contents; a missing path or a folder is refused naming it (openAsBlob's own error names neither). */
export async function openFile(path: string): Promise<{ name: string; blob: Blob }> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new Error(`${path}: ${info ? 'not a file' : 'no such file'}`);
  return { name: basename(path), blob: await openAsBlob(path) };
}
