/**
 * `wedgelab training-set`: simulated training pairs for the learned methods, written as MRC by
 * the project's own simulator (the single source of truth for the geometry; the Python training
 * scripts only read these files). Each example draws, from one seeded stream:
 * its phantom family (one of --phantom's list), a non-square size (nx, ny multiples of 8 in [min, max],
 * nz 24–64), a tilt range ±40…±70° in steps of 1–4°, sequential or dose-symmetric order, Gaussian noise at
 * −10…+10 dB SNR, and for half of the examples a blur and a noise level of their own per tilt
 * (sim/tiltVariation.ts); with --ctf-fraction F, that fraction of the examples filtered by a microscope's CTF at a
 * defocus of 1.5–5 µm (sim/ctf.ts; F = 0, the default, draws nothing for it, so a set without is the same as
 * before the option). Random tilt dropout and inverted contrast are left to training time, where each
 * step can drop other tilts and flip the sign of its example.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PHANTOM_NAMES, type PhantomName } from '../engine/sim/phantoms.ts';
import { drawDefocus } from '../engine/sim/ctf.ts';
import { Rng } from '../engine/sim/random.ts';
import type { SimulationOptions } from '../engine/sim/simulate.ts';
import { doseSymmetric, tiltRange } from '../engine/sim/tiltScheme.ts';
import { drawTiltVariation } from '../engine/sim/tiltVariation.ts';
import { openCliGpu } from './gpu.ts';
import { UsageError, intFlag, numberFlag, requireFlag } from '../engine/methods/flags.ts';
import { parseOptions } from './options.ts';
import { writeSimulation } from './simulate.ts';

const OPTIONS = {
  count: { type: 'string' },
  phantom: { type: 'string' },
  'min-size': { type: 'string' },
  'max-size': { type: 'string' },
  seed: { type: 'string' },
  'ctf-fraction': { type: 'string' },
  'out-dir': { type: 'string' },
} as const;

export interface TrainingExample extends SimulationOptions {
  dir: string;
  range: number;
  step: number;
  doseSymmetric: boolean;
}

/** The k-th example's simulation, drawn from the set's seed; a CTF for `ctfFraction` of them (0: no draw for it). */
export function drawExample(rng: Rng, k: number, phantoms: readonly PhantomName[], minSize: number, maxSize: number, ctfFraction = 0): TrainingExample {
  const phantom = phantoms[rng.int(0, phantoms.length - 1)];
  const side = () => 8 * rng.int(Math.ceil(minSize / 8), Math.floor(maxSize / 8));
  const size: [number, number, number] = [side(), side(), 8 * rng.int(3, 8)];
  const range = rng.int(40, 70);
  const step = rng.int(1, 4);
  const dose = rng.uniform() < 0.5;
  const top = range - (range % step);
  const tiltAngles = dose ? doseSymmetric(-top, top, step) : tiltRange(-top, top, step);
  return {
    dir: `example_${String(k).padStart(4, '0')}`,
    phantom,
    size,
    range: top,
    step,
    doseSymmetric: dose,
    tiltAngles,
    snrDb: Math.round(rng.uniform(-10, 10) * 10) / 10,
    seed: rng.int(1, 2 ** 30),
    pixelSize: 8,
    variation: rng.uniform() < 0.5 ? drawTiltVariation(rng, tiltAngles) : undefined,
    defocusUm: ctfFraction > 0 && rng.uniform() < ctfFraction ? drawDefocus(rng, tiltAngles.length) : undefined,
  };
}

/** `wedgelab training-set --count N --out-dir DIR [--phantom lamella[,varied…]] [--min-size 64] [--max-size 160] [--seed 1] [--ctf-fraction 0]` */
export async function trainingSetCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const count = intFlag(values, 'count') ?? 10;
  const phantoms = ((values.phantom as string | undefined) ?? 'lamella').split(',');
  for (const phantom of phantoms) {
    if (!(PHANTOM_NAMES as readonly string[]).includes(phantom)) throw new UsageError(`unknown phantom "${phantom}": use ${PHANTOM_NAMES.join(', ')}`);
  }
  const minSize = intFlag(values, 'min-size') ?? 64;
  const maxSize = intFlag(values, 'max-size') ?? 160;
  if (!(count >= 1 && minSize >= 16 && maxSize >= minSize)) throw new UsageError(`need --count ≥ 1 and 16 ≤ --min-size ≤ --max-size (got ${count}, ${minSize}, ${maxSize})`);
  const ctfFraction = numberFlag(values, 'ctf-fraction') ?? 0;
  if (!(ctfFraction >= 0 && ctfFraction <= 1)) throw new UsageError(`--ctf-fraction takes a fraction of the examples, 0–1 (got ${ctfFraction})`);
  const outDir = requireFlag(values, 'out-dir');
  const rng = new Rng(intFlag(values, 'seed') ?? 1);
  const gpu = await openCliGpu();
  const manifest: TrainingExample[] = [];
  for (let k = 0; k < count; k++) {
    const example = drawExample(rng, k, phantoms as PhantomName[], minSize, maxSize, ctfFraction);
    await writeSimulation(gpu, example, join(outDir, example.dir));
    manifest.push(example);
    const varied = example.variation ? ', blur and noise vary per tilt' : '';
    const ctf = example.defocusUm ? `, CTF at ${example.defocusUm[0]} µm` : '';
    process.stderr.write(`${example.dir}: ${example.phantom} ${example.size.join('×')}, ±${example.range}° step ${example.step}, ${example.snrDb} dB${varied}${ctf}\n`);
  }
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  process.stdout.write(`${JSON.stringify({ outDir, count })}\n`);
}
