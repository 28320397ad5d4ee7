/** `wedgelab recon`: reconstruct a tilt series file into a tomogram MRC. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { reconstruct } from '../engine/methods/runners.ts';
import type { Progress, TiltSeries } from '../engine/types.ts';
import { formatTlt } from '../io/angles.ts';
import { mrcPieces } from '../io/mrc.ts';
import { readTiltSeriesFiles, type LoadedTiltSeries } from '../io/tiltSeriesFiles.ts';
import { openCliGpu } from './gpu.ts';
import { writeFileAtomic } from './atomicWrite.ts';
import { methodCommand } from './methodFlags.ts';
import { checkOutputs, writeTomogram } from './outputs.ts';
import { cliModelLibrary } from './models.ts';

export function progressPrinter(quiet: boolean): (p: Progress) => void {
  let last = -1;
  return (p) => {
    const percent = Math.floor(p.fraction * 100);
    if (quiet || percent === last) return;
    last = percent;
    process.stderr.write(`\r${percent.toString().padStart(3)}% ${p.message.padEnd(60)}`);
  };
}

/** Read a stack and its angle file from disk; warnings go to stderr. */
export async function readTiltSeriesPaths(tiltsPath: string, anglesPath: string): Promise<LoadedTiltSeries> {
  const read = async (path: string) => ({ name: basename(path), bytes: new Uint8Array(await readFile(path)) });
  const loaded = readTiltSeriesFiles([await read(tiltsPath), await read(anglesPath)]);
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`);
  return loaded;
}

/** Write a tilt series as an MRC stack and its .tlt (one angle per line, stack order). */
export async function writeTiltSeriesPaths(ts: TiltSeries, stackPath: string, anglesPath: string, labels: string[]): Promise<void> {
  const stack = { nx: ts.nx, ny: ts.ny, nz: ts.nTilts, data: ts.data, pixelSize: ts.pixelSize };
  await writeFileAtomic(stackPath, mrcPieces(stack, { labels, stack: true }));
  await writeFileAtomic(anglesPath, formatTlt(ts.tiltAngles));
}

export async function reconCommand(args: string[]): Promise<void> {
  const command = methodCommand(args, 'reconstruction', ['tilts', 'angles', 'out']);
  if (!command) return;
  const { values, request, paths } = command;
  const outPath = paths.out;
  await checkOutputs([outPath], [paths.tilts, paths.angles], values.force === true);
  // The GPU before the files: without one the process restarts on the software adapter, and reads (and warns) once.
  const gpu = await openCliGpu();
  const loaded = await readTiltSeriesPaths(paths.tilts, paths.angles);
  const started = performance.now();
  const result = await reconstruct(gpu, loaded.tiltSeries, request, { onProgress: progressPrinter(values.quiet === true), models: cliModelLibrary });
  const seconds = (performance.now() - started) / 1000;
  await writeTomogram(outPath, result.volume, [result.label, `from ${loaded.stackName}`]);
  const { nx, ny, nz } = result.volume;
  process.stderr.write(`${values.quiet ? '' : '\n'}${result.label}: ${nx}×${ny}×${nz} in ${seconds.toFixed(2)} s on ${gpu.description} → ${outPath}\n`);
}
