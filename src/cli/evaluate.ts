/** `wedgelab cv` and `wedgelab oddeven`: scores for any method on data without ground truth. */
import { crossValidate } from '../engine/evaluation/crossValidation.ts';
import { oddEvenFsc } from '../engine/evaluation/oddEven.ts';
import { heldOutTilts } from '../engine/evaluation/tiltSubsets.ts';
import { openCliGpu } from './gpu.ts';
import { requireFlag } from '../engine/methods/flags.ts';
import { parseOptions } from './options.ts';
import { cliModelLibrary } from './models.ts';
import { METHOD_OPTIONS, methodRequest } from './methodFlags.ts';
import { progressPrinter, readTiltSeriesPaths } from './recon.ts';

const OPTIONS = { ...METHOD_OPTIONS, tilts: { type: 'string' }, angles: { type: 'string' }, drop: { type: 'string' }, json: { type: 'boolean' } } as const;

async function setUp(args: string[]) {
  const { values } = parseOptions(args, OPTIONS);
  const request = methodRequest(values, 'reconstruction');
  // The GPU before the files: without one the process restarts on the software adapter, and reads (and warns) once.
  const gpu = await openCliGpu();
  const loaded = await readTiltSeriesPaths(requireFlag(values, 'tilts'), requireFlag(values, 'angles'));
  // Progress goes to stderr only for people watching: --json output stays clean on stdout.
  return { values, request, ts: loaded.tiltSeries, gpu, onProgress: progressPrinter(values.quiet === true || values.json === true) };
}

/** `--drop 0|±15|every:K|12,-30` (default 0): held-out tilts, one reconstruction, scores per tilt. */
export async function cvCommand(args: string[]): Promise<void> {
  const { values, request, ts, gpu, onProgress } = await setUp(args);
  const heldOut = heldOutTilts(ts.tiltAngles, (values.drop as string | undefined) ?? '0');
  const report = await crossValidate(gpu, ts, request, heldOut, { onProgress, models: cliModelLibrary });
  const perAngle = report.scores.map(({ index, angle, nmse, corr }) => ({ index, angle, nmse, corr }));
  const out = { label: report.label, perAngle, meanNmse: report.meanNmse, meanCorr: report.meanCorr };
  if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(`${report.label}\n  angle      nmse      corr\n`);
    for (const s of perAngle) process.stdout.write(`${s.angle.toFixed(2).padStart(7)}  ${s.nmse.toFixed(4).padStart(8)}  ${s.corr.toFixed(4).padStart(8)}\n`);
    process.stdout.write(`   mean  ${out.meanNmse.toFixed(4).padStart(8)}  ${out.meanCorr.toFixed(4).padStart(8)}\n`);
  }
}

export async function oddEvenCommand(args: string[]): Promise<void> {
  const { values, request, ts, gpu, onProgress } = await setUp(args);
  const report = await oddEvenFsc(gpu, ts, request, { onProgress, models: cliModelLibrary });
  const toResolution = (f: number | null) => (f === null ? null : report.pixelSize > 0 ? report.pixelSize / f : 1 / f);
  const out = {
    label: report.label,
    shells: report.shells,
    fsc: report.fsc,
    res0143: toResolution(report.res0143),
    res05: toResolution(report.res05),
    resolutionUnit: report.pixelSize > 0 ? 'Å' : 'voxel',
  };
  if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else process.stdout.write(`${report.label}\nresolution at 0.143: ${out.res0143 ?? 'never crossed'} ${out.resolutionUnit}; at 0.5: ${out.res05 ?? 'never crossed'} ${out.resolutionUnit}\n`);
}
