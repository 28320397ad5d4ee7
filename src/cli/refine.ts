/** `wedgelab refine`: a refinement method (tomogram → tomogram) applied to a tomogram MRC. */
import { basename } from 'node:path';
import { resolveRefinement, runRefinement } from '../engine/methods/runners.ts';
import { writtenLabel } from '../io/mrc.ts';
import { DEFAULT_PIECE_BYTES } from '../io/piecedVolume.ts';
import { readMrcVolume } from '../io/mrcStream.ts';
import { openCliEngine } from './engine.ts';
import { methodCommand } from './methodFlags.ts';
import { checkOutputs, writeTomogram } from './outputs.ts';
import { checkModelPaths, cliModelLibrary } from './models.ts';
import { openFile } from './openFile.ts';
import { progressPrinter } from './recon.ts';

export async function refineCommand(args: string[]): Promise<void> {
  const command = methodCommand(args, 'refinement', ['in', 'out']);
  if (!command) return;
  const { values, request } = command;
  const { in: inPath, out: outPath } = command.paths;
  await checkOutputs([outPath], [inPath], values.force === true);
  await checkModelPaths([request]);
  // The engine before the files: without a GPU the process may restart on the software adapter, and reads (and warns) once.
  const engine = await openCliEngine(values, [request.method]);
  // Section by section into pieces of rows (the engine's piece size), so a tomogram larger than one buffer refines.
  const file = await readMrcVolume((await openFile(inPath)).blob, { name: inPath, pieceBytes: DEFAULT_PIECE_BYTES });
  const { volume: tomogram, nx, ny, nz } = file;
  const sourceLabel = writtenLabel(file.header.labels) || basename(inPath);
  const resolved = resolveRefinement(tomogram, request);
  const started = performance.now();
  const out = await runRefinement(engine, tomogram, sourceLabel, resolved, { onProgress: progressPrinter(values.quiet === true), models: cliModelLibrary });
  const seconds = (performance.now() - started) / 1000;
  await writeTomogram(outPath, out.volume, [out.label, `from ${basename(inPath)}`]);
  process.stderr.write(`${values.quiet ? '' : '\n'}${out.label}: ${nx}×${ny}×${nz} in ${seconds.toFixed(2)} s → ${outPath}\n`);
}
