/**
 * A tomogram named on the command line: an MRC file, or an OME-Zarr folder (its finest level, io/omeZarrRead.ts),
 * held in pieces of rows past `pieceBytes`, with the readers' warnings. `checkShape` sees its size before any voxel
 * is read (a memory check).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readCheckedMrcHeader, readMrcVolume } from '../io/mrcStream.ts';
import { readOmeZarrVolume } from '../io/omeZarrRead.ts';
import type { Tomogram } from '../io/piecedVolume.ts';
import type { ZarrFiles } from '../io/zarrFolder.ts';
import { openFile } from './openFile.ts';

export interface TomogramRead {
  volume: Tomogram;
  warnings: string[];
}

export async function readTomogramPath(path: string, options: { pieceBytes?: number; checkShape?: (shape: { nx: number; ny: number; nz: number }) => void } = {}): Promise<TomogramRead> {
  const { pieceBytes, checkShape } = options;
  if ((await stat(path).catch(() => null))?.isDirectory()) return readOmeZarrVolume(zarrOnDisk(path), { pieceBytes, checkShape });
  const { blob } = await openFile(path);
  const name = basename(path);
  checkShape?.(await readCheckedMrcHeader(blob, { permissive: true, name }));
  const file = await readMrcVolume(blob, { permissive: true, name, pieceBytes });
  return { volume: file.volume, warnings: file.warnings };
}

/** A Zarr folder on disk: each file read whole when asked for (chunks are a few MiB). */
function zarrOnDisk(folder: string): ZarrFiles {
  return {
    name: basename(folder),
    read: async (path) => {
      try {
        return new Uint8Array(await readFile(join(folder, path)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
