/** `wedgelab simulate`: a ground-truth volume, its tilt series and the .tlt, from the built-in simulator. */
import { join } from 'node:path';
import { forwardProjectGpu } from '../engine/methods/projection.ts';
import { PHANTOM_NAMES, type PhantomName } from '../engine/sim/phantoms.ts';
import { simulateTiltSeries, type SimulationOptions } from '../engine/sim/simulate.ts';
import type { GpuContext } from '../engine/gpu/device.ts';
import { doseSymmetric, parseAngleSpec, tiltRange } from '../engine/sim/tiltScheme.ts';
import { readAngleFile } from '../io/angles.ts';
import { formatImodDefocus } from '../io/defocusFiles.ts';
import { writeMrc } from '../io/mrc.ts';
import { openCliGpu } from './gpu.ts';
import { UsageError, intFlag, numberFlag, requireFlag } from '../engine/methods/flags.ts';
import { parseOptions } from './options.ts';
import { writeFileAtomic } from './atomicWrite.ts';
import { checkOutputs } from './outputs.ts';
import { writeTiltSeriesPaths } from './recon.ts';
import { readTextFile } from './openFile.ts';

const OPTIONS = {
  phantom: { type: 'string' },
  size: { type: 'string' },
  angles: { type: 'string' },
  'angle-file': { type: 'string' },
  'dose-symmetric': { type: 'boolean' },
  'snr-db': { type: 'string' },
  seed: { type: 'string' },
  'pixel-size': { type: 'string' },
  defocus: { type: 'string' },
  'out-dir': { type: 'string' },
  force: { type: 'boolean' },
} as const;

function parseSize(spec: string): [number, number, number] {
  const parts = spec.split(',').map(Number);
  if (parts.length !== 3 || !parts.every((n) => Number.isInteger(n) && n > 0)) {
    throw new UsageError(`--size must be NX,NY,NZ with three positive whole numbers (got "${spec}")`);
  }
  return parts as [number, number, number];
}

async function tiltAngles(values: Record<string, unknown>): Promise<number[]> {
  if (values['angle-file'] !== undefined) {
    const path = values['angle-file'] as string;
    return readAngleFile(path, await readTextFile(path)).tiltAngles;
  }
  const spec = requireFlag(values, 'angles');
  if (!values['dose-symmetric']) return parseAngleSpec(spec);
  const angles = parseAngleSpec(spec);
  const step = angles.length > 1 ? angles[1] - angles[0] : 1;
  return angles.length === tiltRange(angles[0], angles[angles.length - 1], step).length
    ? doseSymmetric(angles[0], angles[angles.length - 1], step)
    : angles;
}

/** The files a simulation writes into outDir: with a CTF, its defocus too, as IMOD ctfplotter's .defocus. */
function simulationFiles(outDir: string, withCtf: boolean) {
  const files = { groundTruth: join(outDir, 'ground_truth.mrc'), tiltSeries: join(outDir, 'tilt_series.mrc'), tiltAngles: join(outDir, 'tilt_series.tlt') };
  return withCtf ? { ...files, defocus: join(outDir, 'tilt_series.defocus') } : files;
}

/**
 * --defocus: µm under focus, every tilt's (at the centre of the volume: the defocus follows depth, sim/simulate.ts).
 * It needs --pixel-size, which sets the CTF's frequencies: the default 1 Å would put every CTF zero in the tilts.
 */
function defocusFlag(values: Record<string, unknown>): number | undefined {
  const defocus = numberFlag(values, 'defocus');
  if (defocus === undefined) return undefined;
  if (!(defocus > 0 && defocus <= 20)) throw new UsageError(`--defocus: ${defocus} µm: give a defocus under focus from above 0 to 20 µm`);
  if (values['pixel-size'] === undefined) throw new UsageError('--defocus needs --pixel-size (Å): the CTF depends on it');
  return defocus;
}

/** Simulate on the GPU and write ground_truth.mrc, tilt_series.mrc and tilt_series.tlt into outDir (and tilt_series.defocus with a CTF). */
export async function writeSimulation(gpu: GpuContext, options: SimulationOptions, outDir: string) {
  const { groundTruth, tiltSeries } = await simulateTiltSeries(options, (volume, angles) => forwardProjectGpu(gpu, volume, angles));
  const { defocusUm } = options;
  const ctf = defocusUm ? ` ctf ${(defocusUm.reduce((sum, d) => sum + d, 0) / defocusUm.length).toFixed(2)} um` : '';
  const describe = `simulate ${options.phantom} ${options.size.join('x')} seed ${options.seed}${options.snrDb === undefined ? ' noise-free' : ` snr ${options.snrDb} dB`}${ctf}`;
  const files = simulationFiles(outDir, defocusUm !== undefined);
  await writeFileAtomic(files.groundTruth, writeMrc(groundTruth, { labels: [`ground truth: ${describe}`] }));
  await writeTiltSeriesPaths(tiltSeries, files.tiltSeries, files.tiltAngles, [`tilt series: ${describe}`]);
  if ('defocus' in files && defocusUm) await writeFileAtomic(files.defocus, formatImodDefocus(tiltSeries.tiltAngles, defocusUm));
  return { ...files, nTilts: tiltSeries.nTilts };
}

export async function simulateCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const phantom = requireFlag(values, 'phantom');
  if (!(PHANTOM_NAMES as readonly string[]).includes(phantom)) throw new UsageError(`unknown phantom "${phantom}": use ${PHANTOM_NAMES.join(', ')}`);
  const size = parseSize(requireFlag(values, 'size'));
  const outDir = requireFlag(values, 'out-dir');
  const defocus = defocusFlag(values);
  await checkOutputs(Object.values(simulationFiles(outDir, defocus !== undefined)), [], values.force === true);
  const angles = await tiltAngles(values);
  const options = {
    phantom: phantom as PhantomName,
    size,
    tiltAngles: angles,
    snrDb: numberFlag(values, 'snr-db'),
    seed: intFlag(values, 'seed') ?? 1,
    pixelSize: numberFlag(values, 'pixel-size') ?? 1,
    defocusUm: defocus === undefined ? undefined : angles.map(() => defocus),
  };
  const files = await writeSimulation(await openCliGpu(), options, outDir);
  process.stdout.write(`${JSON.stringify({ ...files, size })}\n`);
}
