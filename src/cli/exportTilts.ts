/**
 * `wedgelab export-tilts`: the tilt series as the methods see it, written as a stack and its .tlt for another
 * program (IMOD, AreTomo, another run): binned at load (--bin), aligned by the alignment its side files give,
 * without the tilts --exclude-tilts names, and phase flipped for its CTF with --phase-flip. The page's "Export
 * tilt series" on the command line (docs/export.md#a-tilt-series).
 */
import { basename } from 'node:path';
import { describeEngine } from '../engine/context.ts';
import { intFlag, requireFlag, UsageError } from '../engine/methods/flags.ts';
import { openCliEngine } from './engine.ts';
import { parseOptions, stringOptions } from './options.ts';
import { checkOutputs } from './outputs.ts';
import { flaggedTiltSeries, requireAngles, SERIES_OPTIONS, sidePathsOf, sourceLabel, writeTiltSeriesPaths } from './recon.ts';

const OPTIONS = {
  ...stringOptions(['tilts', 'out', 'bin', 'engine']),
  ...SERIES_OPTIONS,
  // The phase flip's defocus gradient at the inverted angles (the angles written stay as loaded).
  'invert-angles': { type: 'boolean' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** The stack's path and its .tlt beside it, with the same stem: OUT.mrc → OUT.tlt. */
function outputPaths(out: string): { tiltSeries: string; tiltAngles: string } {
  if (!/\.(mrc|st|ali)$/i.test(out)) throw new UsageError(`--out names the stack to write, an .mrc (or .st, .ali); ${out} is none: its .tlt is written beside it`);
  return { tiltSeries: out, tiltAngles: out.replace(/\.[^.]+$/, '.tlt') };
}

export async function exportTiltsCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const tiltsPath = requireFlag(values, 'tilts');
  const files = outputPaths(requireFlag(values, 'out'));
  const bin = intFlag(values, 'bin') ?? 1;
  if (!(bin >= 1)) throw new UsageError(`--bin: ${bin}: give a whole binning of 1 or more`);
  await requireAngles(values, tiltsPath);
  await checkOutputs(Object.values(files), [tiltsPath, ...sidePathsOf(values)], values.force === true);
  const { engine } = await openCliEngine(values, []);
  const { loaded, tiltSeries, label } = await flaggedTiltSeries(engine, values, tiltsPath, { bin, quiet: values.quiet === true });
  const source = [sourceLabel(loaded), label].filter(Boolean).join(', ');
  await writeTiltSeriesPaths(tiltSeries, files.tiltSeries, files.tiltAngles, [`tilt series: ${source}`]);
  const { nx, ny, nTilts, pixelSize } = tiltSeries;
  if (values.quiet !== true) process.stderr.write(`${basename(tiltsPath)}: ${nx}×${ny}, ${nTilts} tilts (${source}) on ${describeEngine(engine)} → ${files.tiltSeries}\n`);
  process.stdout.write(`${JSON.stringify({ ...files, nx, ny, nTilts, pixelSize })}\n`);
}
