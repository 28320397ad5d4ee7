/** `wedgelab refine`: a refinement method (tomogram → tomogram) applied to a tomogram MRC. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { requireFlag } from '../engine/methods/flags.ts';
import { resolveRefinement, runRefinement } from '../engine/methods/runners.ts';
import { readMrc, writeMrc } from '../io/mrc.ts';
import { openCliGpu } from './gpu.ts';
import { METHOD_OPTIONS, methodHelp, methodRequest } from './methodFlags.ts';
import { cliModelLibrary } from './models.ts';
import { parseOptions } from './options.ts';
import { progressPrinter } from './recon.ts';

const OPTIONS = { ...METHOD_OPTIONS, in: { type: 'string' }, out: { type: 'string' } } as const;

/**
 * What made a tomogram, from its MRC labels as WedgeLab writes them: after the 'WedgeLab' stamp, the method and
 * its parameters (wrapped over labels at spaces) until "from …". Empty for files from other tools.
 */
function tomogramLabel(labels: readonly string[]): string {
  if (!labels[0]?.startsWith('WedgeLab')) return '';
  const end = labels.findIndex((label) => label.startsWith('from '));
  return labels.slice(1, end < 0 ? undefined : end).join(' ');
}

export async function refineCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  if (values.help) {
    process.stdout.write(`${methodHelp(values, 'refinement')}\n`);
    return;
  }
  const inPath = requireFlag(values, 'in');
  const outPath = requireFlag(values, 'out');
  const request = methodRequest(values, 'refinement');
  const file = readMrc(new Uint8Array(await readFile(inPath)), { name: inPath });
  const { nx, ny, nz } = file.header;
  const tomogram = { nx, ny, nz, data: file.data, pixelSize: file.pixelSize[0] };
  const sourceLabel = tomogramLabel(file.header.labels) || basename(inPath);
  const resolved = resolveRefinement(tomogram, request);
  const gpu = await openCliGpu();
  const started = performance.now();
  const out = await runRefinement(gpu, tomogram, sourceLabel, resolved, { onProgress: progressPrinter(values.quiet === true), models: cliModelLibrary });
  const seconds = (performance.now() - started) / 1000;
  await writeFile(outPath, writeMrc(out.volume, { labels: [out.label, `from ${basename(inPath)}`] }));
  process.stderr.write(`${values.quiet ? '' : '\n'}${out.label}: ${nx}×${ny}×${nz} in ${seconds.toFixed(2)} s → ${outPath}\n`);
}
