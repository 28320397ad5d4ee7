/** `wedgelab simulate`: a ground-truth volume, its tilt series and the .tlt, from the built-in simulator. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { forwardProjectGpu } from '../engine/methods/projection.ts';
import { PHANTOM_NAMES, type PhantomName } from '../engine/sim/phantoms.ts';
import { simulateTiltSeries, type SimulationOptions } from '../engine/sim/simulate.ts';
import type { GpuContext } from '../engine/gpu/device.ts';
import { doseSymmetric, parseAngleSpec, tiltRange } from '../engine/sim/tiltScheme.ts';
import { readAngleFile } from '../io/angles.ts';
import { writeMrc } from '../io/mrc.ts';
import { openCliGpu } from './gpu.ts';
import { UsageError, intFlag, numberFlag, requireFlag } from '../engine/methods/flags.ts';
import { parseOptions } from './options.ts';
import { writeFileAtomic } from './atomicWrite.ts';
import { checkOutputs } from './outputs.ts';
import { writeTiltSeriesPaths } from './recon.ts';

const OPTIONS = {
  phantom: { type: 'string' },
  size: { type: 'string' },
  angles: { type: 'string' },
  'angle-file': { type: 'string' },
  'dose-symmetric': { type: 'boolean' },
  'snr-db': { type: 'string' },
  seed: { type: 'string' },
  'pixel-size': { type: 'string' },
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
    return readAngleFile(path, await readFile(path, 'utf8')).tiltAngles;
  }
  const spec = requireFlag(values, 'angles');
  if (!values['dose-symmetric']) return parseAngleSpec(spec);
  const angles = parseAngleSpec(spec);
  const step = angles.length > 1 ? angles[1] - angles[0] : 1;
  return angles.length === tiltRange(angles[0], angles[angles.length - 1], step).length
    ? doseSymmetric(angles[0], angles[angles.length - 1], step)
    : angles;
}

/** The files a simulation writes into outDir. */
function simulationFiles(outDir: string) {
  return { groundTruth: join(outDir, 'ground_truth.mrc'), tiltSeries: join(outDir, 'tilt_series.mrc'), tiltAngles: join(outDir, 'tilt_series.tlt') };
}

/** Simulate on the GPU and write ground_truth.mrc, tilt_series.mrc and tilt_series.tlt into outDir. */
export async function writeSimulation(gpu: GpuContext, options: SimulationOptions, outDir: string) {
  const { groundTruth, tiltSeries } = await simulateTiltSeries(options, (volume, angles) => forwardProjectGpu(gpu, volume, angles));
  const describe = `simulate ${options.phantom} ${options.size.join('x')} seed ${options.seed}${options.snrDb === undefined ? ' noise-free' : ` snr ${options.snrDb} dB`}`;
  const files = simulationFiles(outDir);
  await writeFileAtomic(files.groundTruth, writeMrc(groundTruth, { labels: [`ground truth: ${describe}`] }));
  await writeTiltSeriesPaths(tiltSeries, files.tiltSeries, files.tiltAngles, [`tilt series: ${describe}`]);
  return { ...files, nTilts: tiltSeries.nTilts };
}

export async function simulateCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const phantom = requireFlag(values, 'phantom');
  if (!(PHANTOM_NAMES as readonly string[]).includes(phantom)) throw new UsageError(`unknown phantom "${phantom}": use ${PHANTOM_NAMES.join(', ')}`);
  const size = parseSize(requireFlag(values, 'size'));
  const outDir = requireFlag(values, 'out-dir');
  await checkOutputs(Object.values(simulationFiles(outDir)), [], values.force === true);
  const options = {
    phantom: phantom as PhantomName,
    size,
    tiltAngles: await tiltAngles(values),
    snrDb: numberFlag(values, 'snr-db'),
    seed: intFlag(values, 'seed') ?? 1,
    pixelSize: numberFlag(values, 'pixel-size') ?? 1,
  };
  const files = await writeSimulation(await openCliGpu(), options, outDir);
  process.stdout.write(`${JSON.stringify({ ...files, size })}\n`);
}
