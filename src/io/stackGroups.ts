/**
 * A stack's files by their names: which names are stacks and angle files, a stack's frame halves, and the files
 * that go with a stack among those of a folder or of a drop. How batch finds a folder's tilt series
 * (cli/batch/series.ts), and how a drop of a pipeline's whole output folder (AreTomo3's, with its tomograms and
 * CTF spectra beside the tilt series; several series at once) loads the one series asked for
 * (io/tiltSeriesFiles.ts sortDroppedFiles). Names only: no file is read here.
 */
import { isAreTomoTiltFile } from './angles.ts';
import { isAreTomoSession } from './areTomoSession.ts';
import { FRAME_HALVES, type FrameHalf } from './relionStar.ts';

const STACK = /\.(mrc|st|ali|mrcs|map)(\.gz)?$/i;
const ANGLES = /\.(tlt|rawtlt|mdoc)$/i;

export function isStackFile(name: string): boolean {
  return STACK.test(name);
}

export function isAngleFile(name: string): boolean {
  return ANGLES.test(name);
}

/**
 * `STEM_EVN.ext` / `STEM_ODD.ext`: the stack of the sums of every tilt's even or odd movie frames beside STEM.ext
 * (AreTomo3, MotionCor2's -SplitSum): the suffix of each half.
 */
const HALF_STACK_SUFFIX: Record<FrameHalf, string> = { even: '_EVN', odd: '_ODD' };
/** A stack name's extension, `.gz` included. */
const STACK_EXTENSION = /\.[^.]+(\.gz)?$/i;

/** The name of the stack `name` is a frame half of (`TS_01_EVN.mrc` → `TS_01.mrc`), and which half; null for any other name. */
export function frameHalfOfStack(name: string): { stack: string; half: FrameHalf } | null {
  const dot = name.search(STACK_EXTENSION);
  const stem = name.slice(0, dot);
  const half = dot > 0 ? FRAME_HALVES.find((h) => stem.toUpperCase().endsWith(HALF_STACK_SUFFIX[h])) : undefined;
  return half ? { stack: `${stem.slice(0, -HALF_STACK_SUFFIX[half].length)}${name.slice(dot)}`, half } : null;
}

/** The names a stack's frame halves go by (frameHalfOfStack): `TS_01.mrc` → TS_01_EVN.mrc, TS_01_ODD.mrc. */
export function frameHalfStackNames(stack: string): Record<FrameHalf, string> {
  const dot = stack.search(STACK_EXTENSION);
  const named = (half: FrameHalf) => `${stack.slice(0, dot)}${HALF_STACK_SUFFIX[half]}${stack.slice(dot)}`;
  return { even: named('even'), odd: named('odd') };
}

/** A file name without its folder and extensions (frames/tilt_series.mrc.gz → tilt_series). */
export function stackStem(path: string): string {
  return path.replace(/^.*[\\/]/, '').replace(/(\.gz)?$/i, '').replace(/\.[^.]+$/, '');
}

function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '');
}

/** The stacks among `names` that are tilt series of their own: a stack's frame halves beside it (STEM_EVN, STEM_ODD) are not. */
export function seriesStacks(names: readonly string[]): string[] {
  return names.filter((name) => isStackFile(name) && !names.includes(frameHalfOfStack(name)?.stack ?? ''));
}

/** The angle file that goes with a stack among `names`: STEM.tlt, STEM.rawtlt, STEM.mdoc or STACK.mdoc (SerialEM). */
export function angleFileFor(stack: string, names: readonly string[]): string | undefined {
  const candidates = ['tlt', 'rawtlt', 'mdoc'].map((ext) => `${stackStem(stack)}.${ext}`).concat(`${baseName(stack)}.mdoc`);
  return candidates.find((name) => names.includes(name));
}

/**
 * The side files of a stack among `names`, its angle file (`angles`) left out: STEM.mdoc or STACK.mdoc; for a
 * stack that is not an aligned .ali, its alignment STEM.xf (with STEM.xtilt) or STEM.aln, which the load applies;
 * for an .ali, etomo's tilt.com (tilta.com / tiltb.com for STEMa.ali / STEMb.ali), whose excluded views the load
 * leaves out; a CTF estimate, STEM.defocus or STEM_CTF.txt, AreTomo3's tilt table STEM_TLT.txt and its folder's
 * AreTomo3_Session.json (in either case).
 */
export function sideFilesFor(stack: string, angles: string | null | undefined, names: readonly string[]): string[] {
  const stem = stackStem(stack);
  const metadata = [`${stem}.mdoc`, `${baseName(stack)}.mdoc`];
  // An .ali is already aligned: the .xf beside it is the one that made it, not one to apply again.
  const aligned = /\.ali(\.gz)?$/i.test(stack);
  const alignment = aligned ? [] : ['xf', 'xtilt', 'aln'].map((ext) => `${stem}.${ext}`);
  // etomo's command file for the .ali's reconstruction: tilt.com, or tilta.com / tiltb.com for a dual-axis STEMa.ali / STEMb.ali.
  const axis = /[ab]$/.exec(stem)?.[0];
  const tiltCom = aligned ? [...(axis ? [`tilt${axis}.com`] : []), 'tilt.com'].filter((name) => names.includes(name)).slice(0, 1) : [];
  // A CTF estimate: ctfplotter's STEM.defocus, AreTomo's STEM_CTF.txt (AreTomo2: STEM_ctf.txt); AreTomo3's STEM_TLT.txt.
  const named = names.filter((name) => name.startsWith(stem) && ['.defocus', '_ctf.txt', '_tlt.txt'].includes(name.slice(stem.length).toLowerCase()));
  // AreTomo3's session record is every series' of its folder.
  const session = names.filter(isAreTomoSession).slice(0, 1);
  return [...new Set([...metadata, ...alignment, ...tiltCom, ...named, ...session])].filter((name) => names.includes(name) && name !== (angles && baseName(angles)));
}

/** Whether a stack's angles come with it by name: an angle file, or AreTomo's .aln (its TILT column) or AreTomo3's _TLT.txt. */
export function hasAnglesBeside(stack: string, names: readonly string[]): boolean {
  return angleFileFor(stack, names) !== undefined || sideFilesFor(stack, null, names).some((name) => /\.aln$/i.test(name) || isAreTomoTiltFile(name));
}

/** A stack's own text files among `names`: its angle file and its side files (sideFilesFor). */
export function companionsOf(stack: string, names: readonly string[]): string[] {
  const angles = angleFileFor(stack, names);
  return [...(angles ? [angles] : []), ...sideFilesFor(stack, angles, names)];
}

/** A simulation's ground truth beside its tilt series, by name: ground_truth.mrc (WedgeLab's simulate), groundtruth, gt, phantom. */
const GROUND_TRUTH = /^(ground[-_ ]?truth|gt|phantom)([-_.].*)?$/i;

/** Whether a file is a stack named as a simulation's ground truth (GROUND_TRUTH). */
export function isGroundTruthStack(name: string): boolean {
  return isStackFile(name) && GROUND_TRUTH.test(stackStem(name));
}

/**
 * The one stack of a drop other than its tilt series `stack` named as a simulation's ground truth (GROUND_TRUTH),
 * which the load brings in as the series' ground truth; none when there is no such stack, or several.
 */
function groundTruthBeside(stack: string, names: readonly string[]): string | undefined {
  const named = seriesStacks(names).filter((name) => name !== stack && isGroundTruthStack(name));
  return named.length === 1 ? named[0] : undefined;
}

/**
 * A series' ground truth in its folder (`names`, the folder's files): groundTruthBeside, when `stack` is the only
 * stack there whose angles come with it by name, the layout `wedgelab simulate` writes; none in a folder of several
 * series, whose ground truth could be any one's.
 */
export function groundTruthInFolder(stack: string, names: readonly string[]): string | undefined {
  const others = seriesStacks(names).filter((name) => name !== stack && hasAnglesBeside(name, names));
  return others.length === 0 ? groundTruthBeside(stack, names) : undefined;
}

/**
 * A pipeline's tomograms of the tilt series `stack` (a stack's file name, or a RELION tilt series' name) among
 * `names`, by name: AreTomo's STEM_Vol (not its _EVN_Vol / _ODD_Vol halves), etomo's STEM_rec (trimmed) and
 * STEM_full_rec, IMOD's older STEM.rec, and RELION 5's rec_NAME (not its _half1 / _half2), any MRC extension (.gz
 * too). What the page offers to add beside the results once the series is loaded (docs/loading.md).
 */
export function tomogramsBeside(stack: string, names: readonly string[]): string[] {
  const stem = stackStem(stack).toLowerCase();
  const tomogram = (name: string) => {
    const lower = baseName(name).toLowerCase().replace(/\.gz$/, '');
    if (/\.rec$/.test(lower)) return lower === `${stem}.rec`;
    const own = stackStem(lower);
    return isStackFile(name) && (['_vol', '_rec', '_full_rec'].some((suffix) => own === `${stem}${suffix}`) || own === `rec_${stem}`);
  };
  return names.filter((name) => name !== stack && tomogram(name));
}

/**
 * A pipeline's two half tomograms of the series `stack` among `names` (a tomogram of the even and one of the odd
 * frames, or of two halves of the data): AreTomo3's STEM_EVN_Vol and STEM_ODD_Vol, RELION 5's rec_NAME_half1 and
 * _half2, any MRC extension; null unless both are there. Their FSC is the pipeline's own odd/even FSC.
 */
export function tomogramHalvesBeside(stack: string, names: readonly string[]): [string, string] | null {
  const stem = stackStem(stack).toLowerCase();
  const named = (suffixes: [string, string], prefix = '') =>
    suffixes.map((suffix) => names.find((name) => name !== stack && isStackFile(name) && stackStem(baseName(name).toLowerCase().replace(/\.gz$/, '')) === `${prefix}${stem}${suffix}`));
  for (const [first, second] of [named(['_evn_vol', '_odd_vol']), named(['_half1', '_half2'], 'rec_')]) if (first && second) return [first, second];
  return null;
}

/**
 * The stack a drop of `names` loads as its tilt series (io/tiltSeriesFiles.ts sortDroppedFiles): `chosen`, else
 * the only series stack, else the only one whose angles come with it by name; undefined when that leaves several
 * or none.
 */
export function droppedSeriesStack(names: readonly string[], chosen?: string): string | undefined {
  const stacks = seriesStacks(names);
  if (chosen !== undefined) return stacks.includes(chosen) ? chosen : undefined;
  const withAngles = stacks.filter((stack) => hasAnglesBeside(stack, names));
  return stacks.length === 1 ? stacks[0] : withAngles.length === 1 ? withAngles[0] : undefined;
}
