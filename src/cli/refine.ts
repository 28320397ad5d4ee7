/** `wedgelab refine`: a refinement method (tomogram → tomogram) applied to a tomogram MRC. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { resolveRefinement, runRefinement } from '../engine/methods/runners.ts';
import { readMrc, writtenLabel } from '../io/mrc.ts';
import { openCliEngine } from './engine.ts';
import { methodCommand } from './methodFlags.ts';
import { checkOutputs, writeTomogram } from './outputs.ts';
import { cliModelLibrary } from './models.ts';
import { progressPrinter } from './recon.ts';

export async function refineCommand(args: string[]): Promise<void> {
  const command = methodCommand(args, 'refinement', ['in', 'out']);
  if (!command) return;
  const { values, request } = command;
  const { in: inPath, out: outPath } = command.paths;
  await checkOutputs([outPath], [inPath], values.force === true);
  // The engine before the files: without a GPU the process may restart on the software adapter, and reads (and warns) once.
  const engine = await openCliEngine(values, [request.method]);
  const file = readMrc(new Uint8Array(await readFile(inPath)), { name: inPath });
  const { nx, ny, nz } = file.header;
  const tomogram = { nx, ny, nz, data: file.data, pixelSize: file.pixelSize[0] };
  const sourceLabel = writtenLabel(file.header.labels) || basename(inPath);
  const resolved = resolveRefinement(tomogram, request);
  const started = performance.now();
  const out = await runRefinement(engine, tomogram, sourceLabel, resolved, { onProgress: progressPrinter(values.quiet === true), models: cliModelLibrary });
  const seconds = (performance.now() - started) / 1000;
  await writeTomogram(outPath, out.volume, [out.label, `from ${basename(inPath)}`]);
  process.stderr.write(`${values.quiet ? '' : '\n'}${out.label}: ${nx}×${ny}×${nz} in ${seconds.toFixed(2)} s → ${outPath}\n`);
}
