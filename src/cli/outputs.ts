/**
 * Checks on a command's outputs, made before any work starts: an output must not be one of the inputs, must not
 * replace an existing file unless --force, and its folder must be writable (or creatable). A long run is never
 * thrown away at the end for a path that could have been checked at the start. And the one writer of a
 * tomogram output, whose format the path names (docs/export.md).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { machineBudget, tomogramMemoryProblem } from '../engine/memoryBudget.ts';
import { omeZarrLevels } from '../engine/volume.ts';
import { mrcPieces } from '../io/mrc.ts';
import { writeOmeZarr } from '../io/omeZarr.ts';
import type { Tomogram } from '../io/piecedVolume.ts';
import { writeFileAtomic, writeFolderAtomic } from './atomicWrite.ts';

/** A tomogram output path ending .zarr (tomo.ome.zarr, tomo.zarr) names an OME-Zarr folder; any other, an MRC file. */
export function isOmeZarrPath(path: string): boolean {
  return /\.zarr\/*$/i.test(path);
}

/**
 * Write a tomogram to `path` in the format its name gives: an OME-Zarr folder (its pyramid the 2^level box
 * averages of the tomogram) or an MRC file streamed in pieces; either replaces the target only once complete. A
 * tomogram held in pieces (io/piecedVolume.ts) is written from them, never gathered into one array.
 * `labels` are the MRC labels (method and parameters, then the source); the OME-Zarr image is named by them.
 */
export async function writeTomogram(path: string, tomogram: Tomogram, labels: string[]): Promise<void> {
  if (!isOmeZarrPath(path)) return writeFileAtomic(path, mrcPieces(tomogram, { labels }));
  const levels = omeZarrLevels(tomogram);
  await writeFolderAtomic(path, (folder) => writeOmeZarr(folder, levels, labels.join('; ')));
}

export interface TomogramMemoryOptions {
  /** 2 when the command holds its input tomogram beside the output (refine), more for `metrics`; 1 (a reconstruction) by default. */
  copies?: number;
  /** How to make it smaller, for the message; by default a reconstruction's flags. */
  remedy?: string;
  /** The machine's memory; all of it by default. */
  memoryBytes?: number;
}

/**
 * Refuse, before the work, a tomogram output of nx × ny × nz float32 voxels (with its input, for `copies` 2) that
 * this machine's memory cannot hold: the command holds the whole tomogram until it is written, and past its share
 * Linux's OOM killer would end the process partway through without a word. The message says how to make it smaller.
 */
export function checkTomogramMemory(output: string, shape: { nx: number; ny: number; nz: number }, options: TomogramMemoryOptions = {}): void {
  const { copies = 1, remedy = 'bin the tilts (--bin 2 makes it a quarter) or lower --thickness', memoryBytes = totalmem() } = options;
  const problem = tomogramMemoryProblem(shape, machineBudget(memoryBytes), copies);
  if (problem) throw new Error(`${output}: ${problem}: ${remedy}`);
}

/** Whether two paths name the same file (the same path, or the same device and inode: links included). */
async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** The nearest folder at or above `path` that exists (where a missing output folder would be created). */
async function existingAncestor(path: string): Promise<string> {
  for (let folder = path; ; folder = dirname(folder)) {
    if (await stat(folder).catch(() => null)) return folder;
    if (dirname(folder) === folder) return folder;
  }
}

export async function checkOutputs(outputs: readonly string[], inputs: readonly string[], force: boolean): Promise<void> {
  for (const output of outputs) {
    for (const input of inputs) {
      if (await sameFile(output, input)) throw new Error(`${output} is also an input (${input}): name another output`);
    }
    const existing = await stat(output).catch(() => null);
    if (existing?.isDirectory() && !isOmeZarrPath(output)) throw new Error(`${output} is a folder: name a file to write`);
    if (existing && !force) throw new Error(`${output} exists: add --force to replace it`);
    const folder = await existingAncestor(dirname(resolve(output)));
    if (!(await stat(folder)).isDirectory()) throw new Error(`cannot write ${output}: ${folder} is not a folder`);
    await access(folder, constants.W_OK).catch(() => {
      throw new Error(`cannot write ${output}: ${folder} is not writable`);
    });
  }
}
