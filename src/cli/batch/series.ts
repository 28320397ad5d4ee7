/**
 * The tilt series of a batch: from a TSV list (name, stack, angle file, tilts to leave out; paths relative to the list) or from a
 * folder (its stacks with their angle files beside them, and its subfolders that hold one stack each); either
 * way with the side files found beside each stack (.mdoc; .xf/.xtilt/.aln for a raw stack; etomo's tilt.com for an
 * .ali; a CTF estimate, STEM.defocus or STEM_CTF.txt), and in a folder a simulation's ground truth beside it.
 * Or from a RELION 5 tomograms.star: the tilt series it lists, each its own table (docs/loading.md#relion-5).
 * Sorted by name, so that a SLURM array task index means the same series in every task.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseTiltNumbers } from '../../engine/evaluation/tiltSubsets.ts';
import { listNames } from '../../io/angles.ts';
import { UsageError } from '../../engine/methods/flags.ts';
import { isStarFile, relionSeriesNames } from '../../io/relionStar.ts';
import { angleFileFor, groundTruthInFolder, hasAnglesBeside, isAngleFile, isGroundTruthStack, isStackFile, seriesStacks, sideFilesFor, stackStem, tomogramHalvesBeside, tomogramsBeside } from '../../io/stackGroups.ts';
import { stackCarriesAngles } from '../recon.ts';
import { listedTiltSeries } from '../relionPaths.ts';

export interface SeriesEntry {
  /** Unique within the batch; names its output folder. */
  name: string;
  /** The stack, or a RELION tilt series' own STAR table. */
  stack: string;
  /**
   * The angle file; null where the stack's extended header (SerialEM, Thermo Fisher) or its AreTomo .aln among
   * the side files holds the angles. For a RELION
   * table (which holds its angles), the tomograms.star that lists it (its pixel size and voltage), or null.
   */
  angles: string | null;
  /**
   * Found beside the stack: STEM.mdoc or STACK.mdoc (metadata), and for a stack that is not an aligned .ali,
   * its alignment STEM.xf (with STEM.xtilt) or STEM.aln, which the load applies; for an .ali, etomo's tilt.com
   * (tilta.com / tiltb.com for STEMa.ali / STEMb.ali), whose excluded views the load leaves out.
   */
  sideFiles: string[];
  /** Tilts to leave out, numbered from 1 in stack order as loaded (a TSV list's fourth column); empty for none. */
  excludeTilts: number[];
  /** For a STAR file that holds several tilt series' tables (RELION 4's tomograms.star): the one to read, the entry's name. */
  relionSeries?: string;
  /** A simulation's ground truth in the stack's folder (ground_truth.mrc: io/stackGroups.ts groundTruthInFolder), scored against. */
  groundTruth?: string;
  /** A pipeline's tomogram of the series beside its stack (pipelineTomogramIn), compared with. */
  pipelineTomogram?: string;
  /** A pipeline's two half tomograms of the series beside its stack (io/stackGroups.ts tomogramHalvesBeside): their FSC is its own odd/even FSC. */
  pipelineHalves?: [string, string];
}

/**
 * The one pipeline tomogram of `stack` among a folder's files to compare with (io/stackGroups.ts tomogramsBeside):
 * etomo's untrimmed STEM_full_rec first (the whole field of view), then STEM_rec, AreTomo's STEM_Vol, IMOD's STEM.rec.
 */
function pipelineTomogramIn(stack: string, files: readonly string[]): string | undefined {
  const rank = (name: string) => ['_full_rec.', '_rec.', '_vol.', '.rec'].findIndex((mark) => name.toLowerCase().includes(mark));
  return tomogramsBeside(stack, files)
    .map((name) => ({ name, rank: rank(name) < 0 ? 4 : rank(name) }))
    .sort((a, b) => a.rank - b.rank)[0]?.name;
}

async function seriesInFolder(folder: string, name: (stack: string) => string): Promise<{ found: SeriesEntry[]; missing: string[] }> {
  const files = await readdir(folder);
  const found: SeriesEntry[] = [];
  const missing: string[] = [];
  // A stack's frame halves beside it (STEM_EVN, STEM_ODD: AreTomo3's) are read with it, not series of their own.
  for (const stack of seriesStacks(files)) {
    const path = join(folder, stack);
    const angles = angleFileFor(stack, files);
    const sideFiles = sideFilesFor(stack, angles, files);
    // AreTomo's .aln, taken with a raw stack, and AreTomo3's _TLT.txt hold the angles too.
    if (hasAnglesBeside(stack, files) || (await stackCarriesAngles(path))) {
      found.push({ name: name(stack), stack: path, angles: angles ? join(folder, angles) : null, sideFiles: sideFiles.map((f) => join(folder, f)), excludeTilts: [] });
    } else {
      missing.push(path);
    }
  }
  // A simulation's ground truth (listSeries finds it) is no stack without angles.
  return { found, missing: missing.filter((path) => !isGroundTruthStack(basename(path))) };
}

/** A folder: its own stacks (named by their stems) and its subfolders holding one series each (named by the subfolder). */
async function seriesFromFolder(dir: string): Promise<SeriesEntry[]> {
  const top = await seriesInFolder(dir, stackStem);
  const entries = [...top.found];
  // One line for all: a pipeline's folder holds a tomogram and spectra beside every series (AreTomo3's STEM_Vol, STEM_CTF).
  if (top.missing.length > 0) {
    const them = top.missing.length === 1 ? 'a stack' : `${top.missing.length} stacks`;
    process.stderr.write(`warning: left out ${them} without an angle file beside (STEM.tlt, .rawtlt, .mdoc, AreTomo's .aln or _TLT.txt) or angles in the extended header: ${listNames(top.missing.map((path) => basename(path)))}\n`);
  }
  for (const sub of await readdir(dir)) {
    const path = join(dir, sub);
    if (!(await stat(path)).isDirectory()) continue;
    // Other stacks beside a subfolder's series (a simulation's ground truth) are not series.
    const inner = await seriesInFolder(path, () => sub);
    if (inner.found.length === 1) entries.push(inner.found[0]);
    else if (inner.found.length > 1) process.stderr.write(`warning: ${path} holds ${inner.found.length} series: left out (list them in a TSV)\n`);
  }
  if (entries.length === 0) {
    throw new UsageError(`no tilt series in ${dir}: a series is a stack (.mrc, .st, .ali, .mrcs) with its angle file beside it (STEM.tlt, .rawtlt or .mdoc) or its angles in its extended header`);
  }
  return entries;
}

/** In a TSV list's angles column: the stack's extended header holds them. */
export const HEADER_ANGLES_CELL = '-';

/** A list's fourth cell, read as --exclude-tilts reads its value; a bad one is the list's usage error. */
function tiltNumbersCell(cell: string, where: string): number[] {
  try {
    return parseTiltNumbers(cell, `${where}, tilts to leave out`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * A TSV list: "name<TAB>stack<TAB>angles[<TAB>tilts to leave out]" or "stack<TAB>angles" per line (angles '-':
 * from the stack's header; tilts as --exclude-tilts takes them, 1-3,41); '#' starts a comment.
 */
function seriesFromTsv(path: string, text: string): SeriesEntry[] {
  const base = dirname(path);
  return text.split(/\r?\n/).flatMap((line, i) => {
    const content = line.replace(/#.*$/, '').trim();
    if (content === '') return [];
    const where = `${path} line ${i + 1}`;
    const cells = content.split('\t').map((c) => c.trim());
    if (cells.length < 2 || cells.length > 4) throw new UsageError(`${where}: expected "name<TAB>stack<TAB>angles[<TAB>tilts to leave out]" or "stack<TAB>angles"`);
    const [stackCell, anglesCell] = cells.length === 2 ? cells : cells.slice(1, 3);
    const stack = resolve(base, stackCell);
    const angles = anglesCell === HEADER_ANGLES_CELL ? null : resolve(base, anglesCell);
    if (isStarFile(stack)) {
      if (angles !== null && !isStarFile(angles)) throw new UsageError(`${where}: beside a RELION table, ${anglesCell} should be its tomograms.star, or '${HEADER_ANGLES_CELL}'`);
    } else {
      if (!isStackFile(stack)) throw new UsageError(`${where}: ${stackCell} is not an MRC stack (.mrc, .st, .ali, .mrcs) nor a RELION tilt-series table (.star)`);
      if (angles !== null && !isAngleFile(angles)) throw new UsageError(`${where}: ${anglesCell} is not an angle file (.tlt, .rawtlt, .mdoc), nor '${HEADER_ANGLES_CELL}' for the stack's own`);
    }
    const excludeTilts = cells.length === 4 ? tiltNumbersCell(cells[3], where) : [];
    return [{ name: cells.length > 2 ? cells[0] : stackStem(stack), stack, angles, sideFiles: [], excludeTilts }];
  });
}

/**
 * A RELION tomograms.star: each tilt series it lists, named by its rlnTomoName, its table as the stack and the list
 * beside it; or, RELION 4's, each table it holds itself, read from the file by its name.
 */
function seriesFromStar(path: string, text: string): SeriesEntry[] {
  const listed = listedTiltSeries(path, text);
  if (listed) return listed.map(({ name, table }) => ({ name, stack: table, angles: resolve(path), sideFiles: [], excludeTilts: [] }));
  const held = relionSeriesNames([{ name: basename(path), text }]);
  if (held.length === 0) throw new UsageError(`--list ${path}: lists no tilt series (no data_global with rlnTomoTiltSeriesStarFile) and holds no tilt-series table: give a tomograms.star`);
  return held.map((name) => ({ name, stack: resolve(path), angles: null, sideFiles: [], excludeTilts: [], relionSeries: name }));
}

/**
 * An entry's STAR file that holds several tilt series' tables (RELION 4's tomograms.star, as a SLURM array's list
 * names it again) is read for the one the entry's name names; one that holds a single table needs no name.
 */
async function withRelionSeries(entry: SeriesEntry): Promise<void> {
  if (!isStarFile(entry.stack) || entry.relionSeries) return;
  const held = relionSeriesNames([{ name: basename(entry.stack), text: await readFile(entry.stack, 'utf8') }]);
  if (held.length < 2) return;
  if (!held.includes(entry.name)) throw new UsageError(`${entry.stack} holds ${held.length} tilt series (${held.join(', ')}): name the entry after one of them`);
  entry.relionSeries = entry.name;
}

async function entriesOf(list: string): Promise<SeriesEntry[]> {
  const info = await stat(list).catch(() => null);
  if (!info) throw new UsageError(`--list ${list}: no such file or folder`);
  if (info.isDirectory()) return seriesFromFolder(list);
  const text = await readFile(list, 'utf8');
  return isStarFile(list) ? seriesFromStar(list, text) : seriesFromTsv(list, text);
}

export async function listSeries(list: string): Promise<SeriesEntry[]> {
  const entries = await entriesOf(list);
  // A RELION table names its own files.
  for (const entry of entries.filter((e) => !isStarFile(e.stack))) {
    const folder = dirname(entry.stack);
    const files = await readdir(folder);
    if (entry.sideFiles.length === 0) entry.sideFiles = sideFilesFor(entry.stack, entry.angles, files).map((f) => join(folder, f));
    // A folder of one series (simulate's layout) may hold its ground truth, whether listed by folder or by TSV.
    const truth = groundTruthInFolder(basename(entry.stack), files);
    if (truth) entry.groundTruth = join(folder, truth);
    const pipeline = pipelineTomogramIn(basename(entry.stack), files);
    if (pipeline) entry.pipelineTomogram = join(folder, pipeline);
    const halves = tomogramHalvesBeside(basename(entry.stack), files);
    if (halves) entry.pipelineHalves = [join(folder, halves[0]), join(folder, halves[1])];
  }
  for (const entry of entries) await withRelionSeries(entry);
  const names = new Set<string>();
  for (const entry of entries) {
    if (!/^[\w.-]+$/.test(entry.name)) throw new UsageError(`series name "${entry.name}" (${entry.stack}): use letters, digits, '.', '_' and '-' only`);
    if (names.has(entry.name)) throw new UsageError(`two series are named "${entry.name}": give them distinct names in the list`);
    names.add(entry.name);
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}
