/** `wedgelab recon`: reconstruct a tilt series file into a tomogram MRC. */
import { alignLoadedTiltSeries } from '../engine/align/loaded.ts';
import { cpuPoolOf, describeEngine } from '../engine/context.ts';
import { doseWeightingUnavailable } from '../engine/doseWeighting.ts';
import type { DoseWeightingParams } from '../engine/methods/common.ts';
import { offsetReasonFor, offsetWarning } from '../engine/methods/preprocess.ts';
import type { EngineContext } from '../engine/context.ts';
import { isLearned, isOffsetFree, type MethodName, type RequestOf, type ResolvedRequest } from '../engine/methods/registry.ts';
import { resolveOnTiltSeries, runReconstruction, SeriesProblemError, type Reconstruction } from '../engine/methods/runners.ts';
import type { RunOptions } from '../engine/methods/slabs.ts';
import { parseTiltNumbers, withoutTilts } from '../engine/evaluation/tiltSubsets.ts';
import { darkTiltsInData, describeDarkTilts, type DarkTiltHint } from '../engine/darkTilts.ts';
import { binnedLength } from '../io/binning.ts';
import type { TiltSeries } from '../engine/types.ts';
import { formatTlt, isAreTomoTiltFile } from '../io/angles.ts';
import { isAreTomoSession } from '../io/areTomoSession.ts';
import { mrcPieces } from '../io/mrc.ts';
import { readStackHeaderAngles } from '../io/mrcStream.ts';
import { companionsOf, frameHalfStackNames, isStackFile } from '../io/stackGroups.ts';
import { readTiltSeriesFiles, type LoadedTiltSeries, type TiltSeriesLoadOptions } from '../io/tiltSeriesFiles.ts';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { choiceFlag, numberFlag, UsageError, type FlagValues } from '../engine/methods/flags.ts';
import { otherThanImodRadial } from '../engine/methods/fbp/base.ts';
import { thicknessWithMargin } from '../engine/thickness.ts';
import { openCliEngine } from './engine.ts';
import { writeFileAtomic } from './atomicWrite.ts';
import { methodCommand } from './methodFlags.ts';
import { checkOutputs, checkTomogramMemory, writeTomogram } from './outputs.ts';
import { cliModelLibrary } from './models.ts';
import { openFile } from './openFile.ts';
import { withRelionFiles } from './relionPaths.ts';
import { FRAME_HALVES, isStarFile } from '../io/relionStar.ts';
import { progressPrinter } from './progress.ts';
import { stringOptions } from './options.ts';
import { isDefocusFile } from '../io/defocusFiles.ts';
import { flipChangesNothing, MICROSCOPE_FLAGS, readMicroscopeFlags, phaseFlipReachText, phaseFlipText, phaseFlipUnavailable, type MicroscopeOverride, type PhaseFlipOptions, type PhaseFlipReport } from '../engine/phaseFlip.ts';
import { phaseFlipTiltSeries } from '../engine/cpu/phaseFlip.ts';

/**
 * Read a stack and its side files (angles, alignment, .mdoc; io/sideFiles.ts), or a RELION STAR table and the
 * images it names (cli/relionPaths.ts), from disk, the stack section by
 * section (cli/openFile.ts: never the whole file in memory), binned at load by `options.bin` and with the tilt
 * axis `options.tiltAxis`; warnings go to stderr. An alignment (or rotation) is not applied yet: see
 * alignLoadedTiltSeries.
 */
export async function readTiltSeriesPaths(
  tiltsPath: string,
  sidePaths: string | readonly string[],
  options: Pick<TiltSeriesLoadOptions, 'bin' | 'tiltAxis' | 'frames' | 'relionSeries'> & { quiet?: boolean } = {},
): Promise<LoadedTiltSeries> {
  const given = [tiltsPath, ...withFrameHalfStacks(tiltsPath), ...(typeof sidePaths === 'string' ? [sidePaths] : sidePaths)];
  const paths = await withRelionFiles(given, { frames: options.frames, series: options.relionSeries });
  const loaded = await readTiltSeriesFiles(await Promise.all(paths.map(openFile)), options);
  if (!options.quiet) for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`);
  return loaded;
}

/** The stacks of the even- and odd-frame sums beside the stack at `tiltsPath` (io frameHalfStackNames), when both are there. */
export function withFrameHalfStacks(tiltsPath: string): string[] {
  if (!isStackFile(tiltsPath)) return [];
  const halves = Object.values(frameHalfStackNames(basename(tiltsPath))).map((name) => join(dirname(tiltsPath), name));
  return halves.every((path) => existsSync(path)) ? halves : [];
}

/** Write a tilt series as an MRC stack and its .tlt (one angle per line, stack order). */
export async function writeTiltSeriesPaths(ts: TiltSeries, stackPath: string, anglesPath: string, labels: string[]): Promise<void> {
  const stack = { nx: ts.nx, ny: ts.ny, nz: ts.nTilts, data: ts.data, pixelSize: ts.pixelSize };
  await writeFileAtomic(stackPath, mrcPieces(stack, { labels, stack: true }));
  await writeFileAtomic(anglesPath, formatTlt(ts.tiltAngles));
}

/**
 * `--bin B` bins at load (each section as it is read: memory for the binned stack only) and the method then runs
 * at binning 1, with the same tomogram as binning B of a fully loaded stack (the one binning, io/binning.ts).
 * Returns the binning to load at and the request to run.
 */
export function binningAtLoad<R extends { params?: { binning?: number } }>(request: R): { bin: number; request: R } {
  return { bin: request.params?.binning ?? 1, request: { ...request, params: { ...request.params, binning: 1 } } };
}

/** The stack a result came from, with its load-time binning ("tilt.st binned 4 at load"). */
export function sourceLabel(loaded: LoadedTiltSeries): string {
  return loaded.bin > 1 ? `${loaded.stackName} binned ${loaded.bin} at load` : loaded.stackName;
}

/**
 * The tilts a command uses: without those `--exclude-tilts LIST` names (recon, synthesize, cv, oddeven, trust),
 * numbered from 1 in stack order as loaded (after any dark tilts the side files leave out), in IMOD's list syntax
 * (1-3,41). Says on stderr which were left out, with their angles, and warns of tilts left in that look dark;
 * `label` is for the output's header.
 */
function chooseTilts(values: FlagValues, ts: TiltSeries, tiltsPath: string, quiet = false): { tiltSeries: TiltSeries; label: string | null } {
  const list = values['exclude-tilts'];
  const numbers = typeof list === 'string' ? parseTiltNumbers(list, '--exclude-tilts') : [];
  if (quiet) {
    const chosen = numbers.length > 0 ? withoutTilts(ts, numbers, '--exclude-tilts') : null;
    return { tiltSeries: chosen?.tiltSeries ?? ts, label: chosen?.label ?? null };
  }
  const chosen = leaveOutTilts(ts, numbers, '--exclude-tilts', tiltsPath);
  if (chosen) process.stderr.write(`left out (--exclude-tilts): tilt${numbers.length === 1 ? '' : 's'} ${chosen.leftOut}\n`);
  return { tiltSeries: chosen?.tiltSeries ?? ts, label: chosen?.label ?? null };
}

/**
 * `ts` without the tilts `numbers` names (engine withoutTilts; null for none), warning on stderr of the tilts left
 * in that look dark (engine/darkTilts.ts). They are looked for in `ts`, so they are numbered as `numbers` is, and
 * `howToLeaveOut` gets the list that leaves them out as well (1,41) and says where it goes.
 */
export function leaveOutTilts(ts: TiltSeries, numbers: readonly number[], what: string, tiltsPath: string, howToLeaveOut?: (list: string) => string): ReturnType<typeof withoutTilts> | null {
  const chosen = numbers.length > 0 ? withoutTilts(ts, numbers, what) : null;
  const dark = darkTiltsInData(ts).filter((d) => !numbers.includes(d.number));
  const warning = darkTiltsWarning(dark, tiltsPath, numbers, howToLeaveOut);
  if (warning) process.stderr.write(`${warning}\n`);
  return chosen;
}

/** "warning: PATH: tilts … look dark: … (--exclude-tilts 1,41 leaves them out)", the list with those `leftOut` already; null when none does. */
export function darkTiltsWarning(
  dark: readonly DarkTiltHint[],
  tiltsPath: string,
  leftOut: readonly number[] = [],
  howToLeaveOut = (list: string) => `--exclude-tilts ${list}`,
): string | null {
  if (dark.length === 0) return null;
  const list = [...new Set([...leftOut, ...dark.map((d) => d.number)])].sort((a, b) => a - b).join(',');
  return `warning: ${tiltsPath}: ${describeDarkTilts(dark)} (${howToLeaveOut(list)} leaves them out)`;
}

/** A thickness other than the one IMOD's tilt.com gave (both in the pixels as loaded): said, with the flag that matches it. */
function sayImodThickness(loaded: LoadedTiltSeries, thickness: number): void {
  const imod = loaded.imodThickness;
  const pixels = imod && Math.max(1, Math.round(imod.value));
  if (imod && pixels !== thickness) process.stderr.write(`${imod.source}: IMOD's tomogram is ${pixels} pixels thick at this binning, this one ${thickness} (--thickness ${pixels} matches it)\n`);
}

/**
 * A tomogram (`params`: its thickness and binning, of a series `nx` wide as loaded) thinner than the specimen AreTomo
 * measured (its .aln, in the pixels as loaded): the words, with the thickness that holds it with a margin; null
 * when it is not thinner or there is no such measure.
 */
export function thinnerThanSpecimen(specimen: LoadedTiltSeries['specimenThickness'], params: { thickness: number; binning: number }, nx: number): string | null {
  if (!specimen) return null;
  const measured = specimen.value / params.binning;
  const pixels = Math.max(1, Math.round(measured));
  if (pixels <= params.thickness) return null;
  const holds = thicknessWithMargin(measured, binnedLength(nx, params.binning));
  return `${specimen.source}: AreTomo measured the specimen ${pixels} pixels thick at this binning, thicker than this tomogram's ${params.thickness} (--thickness ${holds} holds it with a margin)`;
}

/** FBP with a filter other than IMOD's tilt.com RADIAL (at this run's binning): said, with the flags that match it. */
function sayImodRadial(loaded: LoadedTiltSeries, resolved: ResolvedRequest<'reconstruction'>): void {
  const radial = loaded.imodRadial;
  const differs = radial && otherThanImodRadial(resolved, radial);
  if (!radial || !differs) return;
  const { imod, imodText, oursText } = differs;
  process.stderr.write(`${radial.source}: IMOD's FBP filter is ${imodText} at this binning, this one ${oursText} (--filter radial --cutoff ${imod.cutoff} --falloff ${imod.falloff} matches it)\n`);
}

/** `--dose-weighting` asked for a series that cannot be weighted: it runs unweighted (the label says so), and this says why. */
function warnUnweighted(request: { params?: object }, tiltSeries: TiltSeries): void {
  if ((request.params as DoseWeightingParams | undefined)?.doseWeighting !== true) return;
  const why = doseWeightingUnavailable(tiltSeries);
  if (why) process.stderr.write(`warning: --dose-weighting is not applied: ${why}\n`);
}

/**
 * A stack with a large offset and no `--subtract-mean` (engine/methods/preprocess.ts offsetWarning): says so,
 * naming the file as given. Called once the request is resolved, so that a refused one ends in its one message.
 * Silent for a method whose result does not depend on the offset (the registry's offsetFree) unless the command
 * also runs the FBP its trust score compares with (`comparedWithFbp`), which does.
 */
export function warnOffset(request: { method: MethodName; params: { subtractMean: boolean } }, tiltSeries: TiltSeries, tiltsPath: string, comparedWithFbp = false): void {
  const offsetFree = isOffsetFree(request.method);
  if (offsetFree && !comparedWithFbp) return;
  const why = offsetWarning(tiltSeries, request.params);
  if (why) process.stderr.write(`warning: ${tiltsPath}: ${offsetReasonFor(why, offsetFree)}; --subtract-mean subtracts them\n`);
}

/**
 * A learned method asked for on a series that has a CTF estimate and was not phase flipped (no --phase-flip): says
 * that flipping first did better, as the page's method panel does (docs/localnet-history.md, "Phase flipping
 * before the model"). `requests`: every method the command runs (a recipe's synthesis and refinement too).
 */
export function warnUnflipped(requests: readonly ({ method: MethodName } | undefined)[], tiltSeries: TiltSeries, tiltsPath: string): void {
  const learned = [...new Set(requests.flatMap((request) => (request && isLearned(request.method) ? [request.method] : [])))];
  if (learned.length === 0 || phaseFlipUnavailable(tiltSeries) !== null) return;
  const names = learned.join(', ');
  process.stderr.write(`warning: ${tiltsPath} has a CTF estimate and is not phase flipped: ${names} model${learned.length === 1 ? 's' : ''} no CTF (the local network did better on phase-flipped tilts); --phase-flip flips them first\n`);
}

/** Whether the stack at `path` holds its tilt angles in its extended header (SerialEM, Thermo Fisher); false for one that does not open. */
export async function stackCarriesAngles(path: string): Promise<boolean> {
  const stack = await openFile(path).catch(() => null);
  return stack !== null && (await readStackHeaderAngles(stack.blob, stack.name)) !== null;
}

/** The files that may come with a stack: angles, an alignment, SerialEM metadata, IMOD's tilt.com, a CTF estimate, AreTomo3's session record (any order, any subset with angles). */
const SIDE_FLAGS = ['angles', 'xf', 'xtilt', 'aln', 'mdoc', 'tilt-com', 'defocus', 'session'] as const;
/** Those that carry the tilt angles: one of them is needed (requireAngles). */
const ANGLE_FLAGS = ['angles', 'mdoc', 'aln'] as const;

/**
 * The angle files among a command's side files (ANGLE_FLAGS: --angles, --mdoc, --aln), refusing none of them only
 * when the stack at `tiltsPath` carries its angles in its extended header (SerialEM, Thermo Fisher), or is a
 * RELION STAR table (its angles are a column).
 */
export async function requireAngles(values: FlagValues, tiltsPath: string): Promise<void> {
  if (ANGLE_FLAGS.some((flag) => typeof values[flag] === 'string') || isStarFile(tiltsPath) || (await stackCarriesAngles(tiltsPath))) return;
  const others = ANGLE_FLAGS.filter((flag) => flag !== 'angles').map((flag) => `--${flag} F.${flag}`);
  const or = others.length ? ` (or ${others.join(' or ')}, which carry the angles)` : '';
  throw new UsageError(`--angles FILE.tlt is required${or} when the stack's extended header has none${await besideSuggestion(tiltsPath)}`);
}

/** "; beside it: --angles TS.tlt --aln TS.aln": the flags for the files batch would take with the stack (io/stackGroups.ts), or nothing. */
async function besideSuggestion(tiltsPath: string): Promise<string> {
  const folder = dirname(tiltsPath);
  const names = await readdir(folder).catch(() => [] as string[]);
  const flags = companionsOf(basename(tiltsPath), names).flatMap((name) => {
    const flag = sideFlagFor(name);
    return flag ? [`--${flag} ${join(folder, name)}`] : [];
  });
  return flags.length ? `; beside it: ${flags.join(' ')}` : '';
}

/** The flag that takes a side file of each extension. */
const SIDE_FLAG_OF: Partial<Record<string, (typeof SIDE_FLAGS)[number]>> = { tlt: 'angles', rawtlt: 'angles', mdoc: 'mdoc', xf: 'xf', xtilt: 'xtilt', aln: 'aln', com: 'tilt-com' };

/** The flag that takes a side file, by its name (readSideFiles sorts them the same way). */
function sideFlagFor(name: string): (typeof SIDE_FLAGS)[number] | undefined {
  if (isDefocusFile(name)) return 'defocus';
  if (isAreTomoTiltFile(name)) return 'mdoc';
  if (isAreTomoSession(name)) return 'session';
  return SIDE_FLAG_OF[name.slice(name.lastIndexOf('.') + 1).toLowerCase()];
}

/** The flags that say which tilt series a command works on, beside --tilts: its side files, its tilt axis, the tilts to leave out. */
export const SERIES_FLAGS = [...SIDE_FLAGS, 'tilt-axis', 'exclude-tilts', 'frames', 'series'] as const;
/** MICROSCOPE_FLAGS as parseArgs takes them (batch's too). */
export const MICROSCOPE_OPTIONS = stringOptions(Object.keys(MICROSCOPE_FLAGS) as (keyof typeof MICROSCOPE_FLAGS)[]);
/** SERIES_FLAGS as parseArgs takes them, with the switch --phase-flip (the series corrected for its CTF as it is read) and its MICROSCOPE_OPTIONS. */
export const SERIES_OPTIONS = { ...stringOptions(SERIES_FLAGS), ...MICROSCOPE_OPTIONS, 'phase-flip': { type: 'boolean' } } as const;

/**
 * --voltage, --cs and --amplitude-contrast as the phase flip takes them: refused out of range, or without --phase-flip
 * or FBP's --ctf-by-depth, which alone use them, or with both (two corrections of one CTF).
 */
export function microscopeFlags(values: FlagValues): MicroscopeOverride {
  if (values['phase-flip'] === true && values['ctf-by-depth'] === true) throw new UsageError('--phase-flip and --ctf-by-depth both correct the CTF (the tilts once, or each depth slab\'s): give one');
  const given = Object.keys(MICROSCOPE_FLAGS).filter((flag) => values[flag] !== undefined);
  if (given.length > 0 && values['phase-flip'] !== true && values['ctf-by-depth'] !== true) {
    throw new UsageError(`${given.map((flag) => `--${flag}`).join(' and ')}: the microscope for --phase-flip or --ctf-by-depth, neither of which was asked for`);
  }
  return readMicroscopeFlags(values);
}

/** The side files the flags name (SIDE_FLAGS), as paths. */
export function sidePathsOf(values: FlagValues): string[] {
  return SIDE_FLAGS.map((flag) => values[flag]).filter((path): path is string => typeof path === 'string');
}

/**
 * The tilt series a command works on, read as recon reads it: the stack at `tiltsPath` with the side files its
 * flags name (SERIES_FLAGS: angles, an alignment, .mdoc, tilt.com, the tilt axis; requireAngles has checked that
 * one gives the angles), binned at load by `options.bin`, aligned, without the tilts --exclude-tilts names.
 * `label` says which were left out, for an output's header. `--series NAME`: that tilt series of a RELION STAR
 * file that holds or lists several. The sums of only the even or the odd movie frames instead with `--frames
 * even|odd` or `options.frames`; `--phase-flip`: then phase flipped for its defocus (`--defocus FILE`, or a RELION
 * table's columns), refused without one; `options.quiet`: no warnings (a second read of the same series).
 */
export async function flaggedTiltSeries(
  engine: EngineContext,
  values: FlagValues,
  tiltsPath: string,
  options: Pick<TiltSeriesLoadOptions, 'bin' | 'frames'> & { quiet?: boolean } = {},
): Promise<{ loaded: LoadedTiltSeries; tiltSeries: TiltSeries; label: string | null }> {
  const frames = options.frames ?? choiceFlag(values, 'frames', FRAME_HALVES);
  const relionSeries = values.series as string | undefined;
  if (relionSeries !== undefined && !isStarFile(tiltsPath)) throw new UsageError(`--series picks one tilt series of a RELION STAR file; ${tiltsPath} is not one`);
  const defocusPath = values.defocus;
  if (typeof defocusPath === 'string' && !isDefocusFile(basename(defocusPath))) {
    throw new UsageError(`--defocus takes IMOD's .defocus or CTFFIND's or AreTomo's text with "ctf" in its name (TS_01_CTF.txt); ${defocusPath} is neither`);
  }
  const microscope = microscopeFlags(values);
  const sessionPath = values.session;
  if (typeof sessionPath === 'string' && !isAreTomoSession(basename(sessionPath))) throw new UsageError(`--session takes AreTomo3's AreTomo3_Session.json; ${sessionPath} is not one`);
  const loaded = await readTiltSeriesPaths(tiltsPath, sidePathsOf(values), { ...options, frames, relionSeries, tiltAxis: numberFlag(values, 'tilt-axis') });
  const chosen = chooseTilts(values, await alignLoadedTiltSeries(engine, loaded), tiltsPath, options.quiet);
  if (values['phase-flip'] !== true) return { loaded, ...chosen };
  const flipped = await phaseFlipOfFile(chosen.tiltSeries, tiltsPath, engine, { microscope, invertAngles: values['invert-angles'] === true });
  if (!options.quiet) {
    process.stderr.write(`${phaseFlipText(flipped)} (--phase-flip)\n`);
    warnIfFlipChangesNothing(flipped, tiltsPath);
  }
  return { loaded, tiltSeries: flipped.tiltSeries, label: [chosen.label, 'phase-flipped'].filter(Boolean).join(', ') };
}

/** A warning, naming the stack at `path`, when a flip changed nothing (its first zero out of reach at this pixel size). */
export function warnIfFlipChangesNothing(flipped: PhaseFlipReport, path: string): void {
  if (flipChangesNothing(flipped.reach)) process.stderr.write(`warning: ${path}: ${phaseFlipReachText(flipped.reach)}\n`);
}

/**
 * `ts` phase flipped for its defocus on the CPU pool (engine/cpu/phaseFlip.ts) as `options` ask (Cs and Q before
 * the series' own; the defocus gradient at inverted angles with --invert-angles); a series that cannot be is
 * refused naming `path`, the file it was read from.
 */
export async function phaseFlipOfFile(ts: TiltSeries, path: string, engine: EngineContext, options: PhaseFlipOptions = {}): Promise<PhaseFlipReport> {
  try {
    return await phaseFlipTiltSeries(ts, cpuPoolOf(engine), options);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Complete and check a request for a tomogram that will be written to `outPath`, refusing one larger than this
 * machine's memory holds (checkTomogramMemory): checked once the request is complete, since the thickness defaults
 * to the tilts' width. A request the series cannot take (FBP's CTF by depth without a defocus) names `tiltsPath`.
 */
export function resolveInto(outPath: string, ts: TiltSeries, request: RequestOf<'reconstruction'>, tiltsPath?: string): ResolvedRequest<'reconstruction'> {
  const resolved = namingStack(tiltsPath, () => resolveOnTiltSeries<'reconstruction'>(ts, request));
  const { binning, thickness } = resolved.params;
  checkTomogramMemory(outPath, { nx: binnedLength(ts.nx, binning), ny: binnedLength(ts.ny, binning), nz: thickness });
  return resolved;
}

/** `resolve()`, a request the series cannot take (SeriesProblemError) refused naming the stack it was read from. */
function namingStack<T>(tiltsPath: string | undefined, resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (tiltsPath && error instanceof SeriesProblemError) throw new Error(`${tiltsPath}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Reconstruct a tomogram that will be written to `outPath` (resolveInto, then the run). */
export async function reconstructInto(outPath: string, engine: EngineContext, ts: TiltSeries, request: RequestOf<'reconstruction'>, options: RunOptions): Promise<Reconstruction> {
  return runReconstruction(engine, ts, resolveInto(outPath, ts, request), options);
}

export async function reconCommand(args: string[]): Promise<void> {
  const command = methodCommand(args, 'reconstruction', ['tilts', 'out'], SERIES_OPTIONS);
  if (!command) return;
  const { values, request, paths } = command;
  await requireAngles(values, paths.tilts);
  const outPath = paths.out;
  await checkOutputs([outPath], [paths.tilts, ...sidePathsOf(values)], values.force === true);
  const { engine } = await openCliEngine(values, [request]);
  const atLoad = binningAtLoad(request);
  const { loaded, tiltSeries, label } = await flaggedTiltSeries(engine, values, paths.tilts, { bin: atLoad.bin });
  warnUnweighted(atLoad.request, tiltSeries);
  const resolved = resolveInto(outPath, tiltSeries, atLoad.request, paths.tilts);
  warnOffset(resolved, tiltSeries, paths.tilts);
  warnUnflipped([resolved], tiltSeries, paths.tilts);
  sayImodThickness(loaded, resolved.params.thickness);
  const thinner = thinnerThanSpecimen(loaded.specimenThickness, resolved.params, tiltSeries.nx);
  if (thinner) process.stderr.write(`${thinner}\n`);
  sayImodRadial(loaded, resolved);
  const started = performance.now();
  const progress = progressPrinter(values.quiet === true);
  const result = await runReconstruction(engine, tiltSeries, resolved, { onProgress: progress, models: cliModelLibrary });
  progress.end();
  const seconds = (performance.now() - started) / 1000;
  await writeTomogram(outPath, result.volume, [result.label, `from ${[sourceLabel(loaded), label].filter(Boolean).join(', ')}`]);
  const { nx, ny, nz } = result.volume;
  process.stderr.write(`${result.label}: ${nx}×${ny}×${nz} in ${seconds.toFixed(2)} s on ${describeEngine(engine)} → ${outPath}\n`);
}
