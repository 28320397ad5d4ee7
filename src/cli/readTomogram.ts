/**
 * A tomogram named on the command line: an MRC file, or an OME-Zarr folder (its finest level, io/omeZarrRead.ts).
 * Opened first (the header, or the Zarr metadata: its size before any voxel is read, for a memory check and the
 * request resolved on it), then read into pieces of rows past `pieceBytes`, with the readers' warnings.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writtenLabel } from '../io/mrc.ts';
import { readCheckedMrcHeader, readMrcVolume } from '../io/mrcStream.ts';
import { openOmeZarr, type OpenedZarr } from '../io/omeZarrRead.ts';
import { poolChunkDecoder } from '../engine/cpu/chunkDecoder.ts';
import { cliPool } from './pool.ts';
import type { Tomogram } from '../io/piecedVolume.ts';
import type { ZarrFiles } from '../io/zarrFolder.ts';
import { openFile } from './openFile.ts';

export interface TomogramRead {
  volume: Tomogram;
  warnings: string[];
}

/** A tomogram file opened: its size, and the label it was written with (an MRC's, by WedgeLab or another program), before its voxels are read. */
export interface OpenedTomogram {
  nx: number;
  ny: number;
  nz: number;
  /** What made it, where the file says (an MRC label WedgeLab wrote); '' otherwise. */
  label: string;
  read(pieceBytes?: number): Promise<TomogramRead>;
}

type Shape = { nx: number; ny: number; nz: number };

/**
 * `permissive`: an MRC file read as `metrics` reads one (warnings, not refusals, for what mrcfile would only warn
 * of); `name`: what an MRC file's messages call it (its file name unless given).
 */
export async function openTomogramPath(path: string, options: { permissive?: boolean; name?: string } = {}): Promise<OpenedTomogram> {
  if ((await stat(path).catch(() => null))?.isDirectory()) {
    const zarr = await openZarrPath(path);
    return { nx: zarr.nx, ny: zarr.ny, nz: zarr.nz, label: '', read: async (pieceBytes) => ({ volume: await zarr.read({ pieceBytes }), warnings: zarr.warnings }) };
  }
  const { blob } = await openFile(path);
  const name = options.name ?? basename(path);
  const header = await readCheckedMrcHeader(blob, { permissive: options.permissive, name });
  return {
    nx: header.nx,
    ny: header.ny,
    nz: header.nz,
    label: writtenLabel(header.labels),
    read: async (pieceBytes) => {
      const file = await readMrcVolume(blob, { permissive: options.permissive, name, pieceBytes });
      return { volume: file.volume, warnings: file.warnings };
    },
  };
}

/** A tomogram read whole (permissive, as `metrics` reads), `checkShape` seeing its size before any voxel is read. */
export async function readTomogramPath(path: string, options: { pieceBytes?: number; checkShape?: (shape: Shape) => void } = {}): Promise<TomogramRead> {
  const opened = await openTomogramPath(path, { permissive: true });
  options.checkShape?.(opened);
  return opened.read(options.pieceBytes);
}

/** An OME-Zarr folder on disk opened, its chunks to be decoded on the command's CPU pool. */
export function openZarrPath(folder: string): Promise<OpenedZarr> {
  return openOmeZarr(zarrOnDisk(folder), { decodeChunks: poolChunkDecoder(cliPool()) });
}

/** A Zarr folder on disk: each file read whole when asked for (chunks are a few MiB). */
export function zarrOnDisk(folder: string): ZarrFiles {
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
