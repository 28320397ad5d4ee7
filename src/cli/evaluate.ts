/** `wedgelab cv`, `wedgelab oddeven` and `wedgelab trust`: scores for any method on data without ground truth. */
import { crossValidateAsAsked, type CrossValidationReport, type EachTiltReport } from '../engine/evaluation/crossValidation.ts';
import { flaggedTiltNumbers } from '../engine/metrics/crossValidation.ts';
import { resolutionLength, resolutionUnit } from '../engine/metrics/fsc.ts';
import { ODD_EVEN_SPLITS, oddEvenFsc } from '../engine/evaluation/oddEven.ts';
import type { Half } from '../engine/evaluation/halves.ts';
import type { FrameHalf } from '../io/relionStar.ts';
import { heldOutTilts, parseHeldOut } from '../engine/evaluation/tiltSubsets.ts';
import { trustScore } from '../engine/evaluation/trust.ts';
import { DEFAULT_TRUST_HELD_OUT, verdictText } from '../engine/metrics/trust.ts';
import { resolveRecipe, type ResultRecipe } from '../engine/evaluation/recipe.ts';
import { methodChoices } from '../engine/methods/registry.ts';
import { openCliEngine } from './engine.ts';
import { choiceFlag, requireFlag, UsageError, type FlagValues } from '../engine/methods/flags.ts';
import { parseOptions, stringOptions } from './options.ts';
import { cliModelLibrary } from './models.ts';
import { learnedChoices, METHOD_OPTIONS, methodHelp, methodRequest } from './methodFlags.ts';
import { progressPrinter } from './progress.ts';
import { flaggedTiltSeries, requireAngles, SERIES_OPTIONS, warnOffset, warnUnflipped } from './recon.ts';
import { DEFAULT_SYNTH_METHOD, RECIPE_OPTIONS, RECIPE_USAGE, recipeFromFlags } from './recipeFlags.ts';

/** --tilts and the flags that say which series (its side files, tilt axis, tilts to leave out), as recon takes them. */
const TILTS_OPTIONS = { ...stringOptions(['tilts']), ...SERIES_OPTIONS };
const OPTIONS = { ...METHOD_OPTIONS, ...TILTS_OPTIONS, drop: { type: 'string' }, json: { type: 'boolean' } } as const;
const ODD_EVEN_OPTIONS = { ...OPTIONS, halves: { type: 'string' } } as const;
const CV_OPTIONS = { ...OPTIONS, ...RECIPE_OPTIONS } as const;
const TRUST_OPTIONS = { ...METHOD_OPTIONS, ...RECIPE_OPTIONS, ...TILTS_OPTIONS, 'held-out': { type: 'string' }, json: { type: 'boolean' } } as const;

/**
 * The method's request (cv and trust: the recipe, with its refinement and synthesis), the GPU and the tilt series of
 * a scoring command's parsed options. `comparedWithFbp`: the command scores the method against FBP (trust).
 */
async function setUp<R extends ResultRecipe>(values: FlagValues, read: (values: FlagValues) => R, comparedWithFbp = false, frames?: FrameHalf) {
  const request = read(values);
  // FBP is the baseline of every score.
  const { engine } = await openCliEngine(values, [request.synthesis, request, request.refinement], ['fbp']);
  const tiltsPath = requireFlag(values, 'tilts');
  await requireAngles(values, tiltsPath);
  const { tiltSeries: ts } = await flaggedTiltSeries(engine, values, tiltsPath, { frames });
  // Resolved here only to refuse a bad request before the warning: the command resolves it again as it runs.
  warnOffset(resolveRecipe(ts, request).reconstruction, ts, tiltsPath, comparedWithFbp);
  warnUnflipped([request.synthesis, request, request.refinement], ts, tiltsPath);
  // Progress goes to stderr only for people watching: --json output stays clean on stdout.
  return { request, ts, engine, onProgress: progressPrinter(values.quiet === true || values.json === true) };
}

/** `--method NAME --help` of a scoring command: the method's help, printed (main.ts answers --help without --method). */
function printedMethodHelp(values: FlagValues): boolean {
  if (values.help) process.stdout.write(`${methodHelp(values, 'reconstruction')}\n`);
  return values.help === true;
}

/**
 * `--drop 0|±15|every:K|12,-30` (default 0): held-out tilts, one reconstruction, scores per tilt; `--drop each`:
 * every tilt in turn (crossValidateEachTilt), the tilts that agree less than their neighbours named.
 */
export async function cvCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, CV_OPTIONS);
  if (printedMethodHelp(values)) return;
  const { request, ts, engine, onProgress } = await setUp(values, recipeFromFlags);
  const spec = (values.drop as string | undefined) ?? '0';
  const report = await crossValidateAsAsked(engine, ts, request, spec, { onProgress, models: cliModelLibrary });
  onProgress.end();
  writeCvReport(report, values.json === true);
}

/** A cross-validation report on stdout: JSON, or a table per held-out tilt (with each tilt's agreement, held out in turn). */
function writeCvReport(report: CrossValidationReport & Partial<Pick<EachTiltReport, 'agreement'>>, json: boolean): void {
  const { agreement } = report;
  const perAngle = report.scores.map(({ index, angle, nmse, corr }, i) => ({
    index,
    angle,
    nmse,
    corr,
    ...(agreement && { agreement: agreement.score[i], expected: agreement.expected[i], flagged: agreement.flagged[i] }),
  }));
  const flagged = flaggedTiltNumbers(report);
  const out = { label: report.label, perAngle, meanNmse: report.meanNmse, meanCorr: report.meanCorr, ...(agreement && { flagged, threshold: agreement.threshold }) };
  if (json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  process.stdout.write(`${report.label}\n  angle      nmse      corr${agreement ? '  FRC≤0.25  expected' : ''}\n`);
  for (const [i, s] of perAngle.entries()) {
    const beside = agreement ? `  ${agreement.score[i].toFixed(4).padStart(8)}  ${agreement.expected[i].toFixed(4).padStart(8)}${agreement.flagged[i] ? '  agrees less than its neighbours' : ''}` : '';
    process.stdout.write(`${s.angle.toFixed(2).padStart(7)}  ${s.nmse.toFixed(4).padStart(8)}  ${s.corr.toFixed(4).padStart(8)}${beside}\n`);
  }
  process.stdout.write(`   mean  ${out.meanNmse.toFixed(4).padStart(8)}  ${out.meanCorr.toFixed(4).padStart(8)}\n`);
  if (!agreement) return;
  process.stdout.write(
    flagged.length
      ? `tilts that agree with the others less than their neighbours do (by more than ${agreement.threshold.toFixed(3)}): ${flagged.join(',')} (--exclude-tilts ${flagged.join(',')} leaves them out)\n`
      : 'every tilt agrees with the others as well as its neighbours do\n',
  );
}

/**
 * `--halves tilts` (default): the even- and odd-indexed tilts; `--halves frames`: the sums of every tilt's even and
 * of its odd movie frames (a RELION table's, or STEM_EVN / STEM_ODD stacks), the even read first (as the series the
 * command checks), the odd after.
 */
export async function oddEvenCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, ODD_EVEN_OPTIONS);
  if (printedMethodHelp(values)) return;
  const split = choiceFlag(values, 'halves', ODD_EVEN_SPLITS) ?? 'tilts';
  if (split === 'frames' && values.frames !== undefined) throw new UsageError('--halves frames reads both frame halves: leave out --frames');
  const { request, ts, engine, onProgress } = await setUp(values, (v) => methodRequest(v, 'reconstruction'), false, split === 'frames' ? 'even' : undefined);
  const readOdd = async () => (await flaggedTiltSeries(engine, values, values.tilts as string, { frames: 'odd', quiet: true })).tiltSeries;
  const data = split === 'frames' ? { read: async (which: Half) => (which === 'even' ? ts : readOdd()) } : ts;
  const report = await oddEvenFsc(engine, data, request, { onProgress, models: cliModelLibrary });
  onProgress.end();
  const out = {
    label: report.label,
    halves: report.split,
    shells: report.shells,
    fsc: report.fsc,
    res0143: resolutionLength(report.res0143, report.pixelSize),
    res05: resolutionLength(report.res05, report.pixelSize),
    resolutionUnit: resolutionUnit(report.pixelSize),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else process.stdout.write(`${report.label}\nresolution at 0.143: ${out.res0143 ?? 'never crossed'} ${out.resolutionUnit}; at 0.5: ${out.res05 ?? 'never crossed'} ${out.resolutionUnit}\n`);
}

const TRUST_HELP = `wedgelab trust --tilts STACK.mrc --angles F.tlt [--exclude-tilts LIST] --method METHOD [method options]
               ${RECIPE_USAGE}
               [--held-out ${DEFAULT_TRUST_HELD_OUT}] [--json]

Trust score of a method against FBP on your data (docs/trust.md): the held-out tilts (default ${DEFAULT_TRUST_HELD_OUT}: every 4th by
angle, the extremes kept in) are withheld, the rest reconstructed by the method and by FBP (default filter, the same
thickness, binning, angle sign and mean subtraction), both reprojected at the held-out angles, and each prediction compared with the
measured tilt by Fourier ring correlation. The verdict compares the mean FRC over 0 < f <= 0.25 cycles/pixel.

METHOD: a learned method, ${learnedChoices().join(', ')}; any reconstruction method (${methodChoices('reconstruction').join(', ')}) is scored alike.
wedgelab trust --method METHOD --help: the method's flags with their defaults.

A refined result: --refine ${methodChoices('refinement').join('|')} after the reconstruction that made its input, the refinement's own
flags given as --refine-FLAG (e.g. --refine cryogen --refine-model cryogen-sim; wedgelab refine --method cryogen --help lists
them). The scored side reconstructs the remaining tilts and refines that; FBP is as without --refine.

A result of a series with synthesised tilts: --synthesize-at ANGLES (the tilts that were added, e.g. ±63,±66) with
--synth-method ${methodChoices('tiltSynthesis').join('|')} (default ${DEFAULT_SYNTH_METHOD}) and its flags as --synth-FLAG (e.g. --synth-model lbp-small).
--tilts is the measured series: the scored side synthesises the same angles from the remaining measured tilts and
reconstructs them all; FBP gets the remaining measured tilts only. Synthesised tilts are never held out.

--exclude-tilts 1-3,41: those tilts are left out of everything, before any is held out (numbered from 1 in stack
order as loaded).`;

/** `--held-out SPEC` (default every:4): a method's trust score against FBP, the verdict first, then one row per held-out tilt. */
export async function trustCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, TRUST_OPTIONS);
  if (values.help && !values.method) {
    process.stdout.write(`${TRUST_HELP}\n`);
    return;
  }
  if (printedMethodHelp(values)) return;
  const spec = values['held-out'] ?? DEFAULT_TRUST_HELD_OUT;
  // A bad spec fails now, before the GPU opens and the files are read.
  parseHeldOut(spec);
  const { request, ts, engine, onProgress } = await setUp(values, recipeFromFlags, true);
  const report = await trustScore(engine, ts, request, heldOutTilts(ts.tiltAngles, spec), { onProgress, models: cliModelLibrary });
  onProgress.end();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...report, heldOutSpec: spec })}\n`);
    return;
  }
  const { summaryMethod, summaryFbp, difference, tolerance, band } = report;
  const sign = difference >= 0 ? '+' : '-';
  const rows = report.heldOut.map((t) => `${t.angle.toFixed(2).padStart(7)}  ${String(t.index).padStart(5)}  ${t.summaryMethod.toFixed(4).padStart(7)}  ${t.summaryFbp.toFixed(4).padStart(7)}`);
  process.stdout.write(
    [
      `${verdictText(report.verdict)}: mean FRC over 0 < f <= ${band} cycles/pixel ${summaryMethod.toFixed(4)} vs FBP ${summaryFbp.toFixed(4)}, ` +
        `difference ${sign}${Math.abs(difference).toFixed(4)} (within ±${tolerance.toFixed(4)} is the same)`,
      `${report.label} vs ${report.fbpLabel}, held out ${spec}`,
      '  angle   tilt   method      FBP',
      ...rows,
      `   mean         ${summaryMethod.toFixed(4).padStart(7)}  ${summaryFbp.toFixed(4).padStart(7)}`,
      '',
    ].join('\n'),
  );
}
