/** `wedgelab synthesize`: a tilt-synthesis method (tilt series → tilt series with added tilts), written as a new stack and .tlt. */
import { basename, join } from 'node:path';
import { describeEngine } from '../engine/context.ts';
import { UsageError } from '../engine/methods/flags.ts';
import { resolveOnTiltSeries, runTiltSynthesis } from '../engine/methods/runners.ts';
import { openCliEngine } from './engine.ts';
import { methodCommand } from './methodFlags.ts';
import { checkOutputs } from './outputs.ts';
import { cliModelLibrary } from './models.ts';
import { progressPrinter } from './progress.ts';
import { flaggedTiltSeries, requireAngles, SERIES_OPTIONS, sidePathsOf, warnUnflipped, writeTiltSeriesPaths } from './recon.ts';

export async function synthesizeCommand(args: string[]): Promise<void> {
  const command = methodCommand(args, 'tiltSynthesis', ['tilts', 'out-dir'], SERIES_OPTIONS);
  if (!command) return;
  const { values, request, paths } = command;
  // Every tilt synthesis method takes its angles from --add (the evaluations, from --synthesize-at).
  if (typeof values.add !== 'string') throw new UsageError('--add ANGLES is required: the tilt angles to add, e.g. --add ±63,±66');
  const outDir = paths['out-dir'];
  const files = { tiltSeries: join(outDir, 'tilt_series.mrc'), tiltAngles: join(outDir, 'tilt_series.tlt') };
  await requireAngles(values, paths.tilts);
  await checkOutputs(Object.values(files), [paths.tilts, ...sidePathsOf(values)], values.force === true);
  const { engine } = await openCliEngine(values, [request]);
  const excluded = await flaggedTiltSeries(engine, values, paths.tilts);
  const resolved = resolveOnTiltSeries<'tiltSynthesis'>(excluded.tiltSeries, request);
  warnUnflipped([resolved], excluded.tiltSeries, paths.tilts);
  const progress = progressPrinter(values.quiet === true);
  const out = await runTiltSynthesis(engine, excluded.tiltSeries, resolved, { onProgress: progress, models: cliModelLibrary });
  progress.end();
  const source = [basename(paths.tilts), excluded.label].filter(Boolean).join(' ');
  const labels = [`tilt series: ${source} + the last ${out.added} tilts by ${out.label}`];
  await writeTiltSeriesPaths(out.tiltSeries, files.tiltSeries, files.tiltAngles, labels);
  process.stderr.write(`${out.label}: ${out.added} tilt${out.added === 1 ? '' : 's'} added on ${describeEngine(engine)} → ${outDir}\n`);
  process.stdout.write(`${JSON.stringify({ ...files, nTilts: out.tiltSeries.nTilts, added: out.added, label: out.label })}\n`);
}
