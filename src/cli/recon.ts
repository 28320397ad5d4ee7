/** `wedgelab recon`: reconstruct a tilt series file into a tomogram MRC. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { reconstruct } from '../engine/methods/runners.ts';
import type { Progress } from '../engine/types.ts';
import { writeMrc } from '../io/mrc.ts';
import { readTiltSeriesFiles, type LoadedTiltSeries } from '../io/tiltSeriesFiles.ts';
import { openCliGpu } from './gpu.ts';
import { METHOD_OPTIONS, methodHelp, methodRequest } from './methodFlags.ts';
import { cliModelLibrary } from './models.ts';
import { requireFlag } from '../engine/methods/flags.ts';
import { parseOptions } from './options.ts';

const OPTIONS = { ...METHOD_OPTIONS, tilts: { type: 'string' }, angles: { type: 'string' }, out: { type: 'string' } } as const;

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

export async function reconCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  if (values.help) {
    process.stdout.write(`${methodHelp(values, 'reconstruction')}\n`);
    return;
  }
  const tiltsPath = requireFlag(values, 'tilts');
  const anglesPath = requireFlag(values, 'angles');
  const outPath = requireFlag(values, 'out');
  const request = methodRequest(values, 'reconstruction');
  const loaded = await readTiltSeriesPaths(tiltsPath, anglesPath);
  const gpu = await openCliGpu();
  const started = performance.now();
  const result = await reconstruct(gpu, loaded.tiltSeries, request, { onProgress: progressPrinter(values.quiet === true), models: cliModelLibrary });
  const seconds = (performance.now() - started) / 1000;
  await writeFile(outPath, writeMrc(result.volume, { labels: [result.label, `from ${loaded.stackName}`] }));
  const { nx, ny, nz } = result.volume;
  process.stderr.write(`${values.quiet ? '' : '\n'}${result.label}: ${nx}×${ny}×${nz} in ${seconds.toFixed(2)} s on ${gpu.description} → ${outPath}\n`);
}
