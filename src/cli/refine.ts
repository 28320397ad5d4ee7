/** `wedgelab refine`: a refinement method (tomogram → tomogram) applied to a tomogram MRC. */
import { basename } from 'node:path';
import { UsageError, type FlagValues } from '../engine/methods/flags.ts';
import { resolveRefinement, runRefinement } from '../engine/methods/runners.ts';
import { modelWedgeWarning, type TiltRange } from '../engine/methods/unetrefine/trainingWedges.ts';
import { readAngleFile } from '../io/angles.ts';
import { DEFAULT_PIECE_BYTES } from '../io/piecedVolume.ts';
import { readCheckedMrcHeader, readMrcStack } from '../io/mrcStream.ts';
import type { MrcHeader } from '../io/mrc.ts';
import { tomogramFits } from '../engine/importedTomogram.ts';
import { stackPolarity, type Polarity } from '../engine/polarity.ts';
import { openCliEngine } from './engine.ts';
import { stringOptions } from './options.ts';
import { methodCommand } from './methodFlags.ts';
import { checkOutputs, checkTomogramMemory, writeTomogram } from './outputs.ts';
import { cliModelLibrary } from './models.ts';
import { openFile, readTextFile } from './openFile.ts';
import { progressPrinter } from './progress.ts';
import { openTomogramPath } from './readTomogram.ts';

/** The input tomogram's path: --tomogram, or --in as earlier versions spelt it. */
function tomogramPath(values: FlagValues): string {
  const [tomogram, alias] = [values.tomogram, values.in];
  if (typeof tomogram === 'string' && typeof alias === 'string') throw new UsageError('give the tomogram once: --tomogram (or its older name --in)');
  const path = tomogram ?? alias;
  if (typeof path !== 'string' || path === '') throw new UsageError('--tomogram is required');
  return path;
}

/** The tomogram's measured range [θmin, θmax] in degrees, from --angles (its tilt series' angle file) or --wedge MIN,MAX; null with neither. */
async function measuredRange(values: FlagValues): Promise<TiltRange | null> {
  const { angles, wedge } = values;
  if (typeof angles === 'string' && typeof wedge === 'string') throw new UsageError('give the measured range once: --angles FILE.tlt or --wedge MIN,MAX');
  if (typeof angles === 'string') {
    const { tiltAngles } = readAngleFile(angles, await readTextFile(angles));
    return [Math.min(...tiltAngles), Math.max(...tiltAngles)];
  }
  if (typeof wedge !== 'string') return null;
  const range = wedge.split(',').map(Number);
  if (range.length !== 2 || !range.every(Number.isFinite) || range[0] >= range[1] || range.some((x) => Math.abs(x) > 90))
    throw new UsageError(`--wedge takes the lowest and highest tilt in degrees, MIN,MAX with −90 ≤ MIN < MAX ≤ 90 (e.g. --wedge=-60,60), got "${wedge}"`);
  return [range[0], range[1]];
}

/** Widest the tilts are read for their contrast (binned at read to it): the skewness needs no finer grid. */
const POLARITY_WIDTH = 1024;

/** The tilt series a tomogram was made from (--tilts). */
interface TiltsFile {
  path: string;
  blob: Blob;
  header: MrcHeader;
}

/** With --tilts: its file and header, checked now, before any work. */
async function tiltsOf(values: FlagValues): Promise<TiltsFile | undefined> {
  const path = values.tilts;
  if (typeof path !== 'string') return undefined;
  const { blob } = await openFile(path);
  return { path, blob, header: await readCheckedMrcHeader(blob, { name: path }) };
}

/**
 * Which way the tilts' contrast runs, read only if the refinement asks (a U-Net's 'auto' contrast,
 * methods/contrast.ts), as the page reads it at load; the tilts binned at read to at most POLARITY_WIDTH.
 */
function seriesPolarity({ path, blob, header }: TiltsFile): () => Promise<Polarity> {
  return async () => {
    const stack = await readMrcStack(blob, { name: path, bin: Math.max(1, Math.ceil(header.nx / POLARITY_WIDTH)) });
    return stackPolarity({ nx: stack.nx, ny: stack.ny, nTilts: stack.nz, data: stack.data }).polarity;
  };
}

/**
 * A tomogram whose sizes fit its tilts only read as XZY (engine/importedTomogram.ts: IMOD's tilt and AreTomo write
 * the thickness along y) is refused for a learned refinement, which takes the thickness, and the missing wedge,
 * along z (a Gaussian smoothing does not mind).
 */
function refuseXzy(path: string, header: Pick<MrcHeader, 'nx' | 'ny' | 'nz'>, { path: tiltsPath, header: tilts }: TiltsFile): void {
  const fits = tomogramFits(header, tilts);
  if (fits.length === 0 || fits.some((fit) => fit.layout === 'xyz')) return;
  throw new Error(
    `${path}: ${header.nx} × ${header.ny} × ${header.nz} fits the tilts of ${basename(tiltsPath)} only with its y (${header.ny}) as the thickness, as IMOD's tilt and AreTomo write a ` +
      "tomogram (XZY): a learned refinement takes the thickness and the missing wedge along z. Turn it first (IMOD's trimvol -rx), or add it to the page's results (Add a tomogram), which turns it",
  );
}

export async function refineCommand(args: string[]): Promise<void> {
  const command = methodCommand(args, 'refinement', ['out'], stringOptions(['tomogram', 'in', 'angles', 'wedge', 'tilts']));
  if (!command) return;
  const { values, request } = command;
  const inPath = tomogramPath(values);
  const outPath = command.paths.out;
  const measured = await measuredRange(values);
  await checkOutputs([outPath], [inPath, ...(typeof values.tilts === 'string' ? [values.tilts] : [])], values.force === true);
  // The header (1 KiB; a Zarr folder's metadata) before any work: the tomogram and its result stay in memory until
  // the result is written, and the request resolved on its size names the model that runs (the default one too) for the check.
  const header = await openTomogramPath(inPath, { name: inPath });
  const tilts = await tiltsOf(values);
  checkTomogramMemory(outPath, header, { copies: 2, remedy: "bin it or cut out a subvolume first (IMOD's binvol, trimvol)" });
  const resolved = resolveRefinement(header, request);
  const { engine, models } = await openCliEngine(values, [resolved]);
  const [model] = models.values();
  if (tilts && model) refuseXzy(inPath, header, tilts);
  const warning = measured && model && modelWedgeWarning(model, measured);
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  const polarity = tilts && seriesPolarity(tilts);
  // Section by section into pieces of rows (the engine's piece size), so a tomogram larger than one buffer refines.
  const { volume: tomogram, warnings } = await header.read(DEFAULT_PIECE_BYTES);
  for (const remark of warnings) process.stderr.write(`warning: ${basename(inPath)}: ${remark}\n`);
  const { nx, ny, nz } = tomogram;
  const sourceLabel = header.label || basename(inPath);
  const started = performance.now();
  const progress = progressPrinter(values.quiet === true);
  const out = await runRefinement(engine, tomogram, sourceLabel, resolved, { onProgress: progress, models: cliModelLibrary, seriesPolarity: polarity });
  progress.end();
  const seconds = (performance.now() - started) / 1000;
  await writeTomogram(outPath, out.volume, [out.label, `from ${basename(inPath)}`]);
  process.stderr.write(`${out.label}: ${nx}×${ny}×${nz} in ${seconds.toFixed(2)} s → ${outPath}\n`);
}
