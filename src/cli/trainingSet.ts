/**
 * `wedgelab training-set`: simulated training pairs for the learned methods, written as MRC by
 * the project's own simulator (the single source of truth for the geometry; the Python training
 * scripts only read these files). Each example draws, from one seeded stream:
 * its phantom family (one of --phantom's list), a non-square size (nx, ny multiples of 8 in [min, max],
 * nz 24–64), a tilt range ±40…±70° in steps of 1–4°, sequential or dose-symmetric order, Gaussian noise at
 * −10…+10 dB SNR, and for half of the examples a blur and a noise level of their own per tilt
 * (sim/tiltVariation.ts); with --ctf-fraction F, that fraction of the examples filtered by a microscope's CTF at a
 * defocus drawn from TRAINING_DEFOCUS_UM, 1.5–5 µm (sim/ctf.ts; F = 0, the default, draws nothing for it, so a set without is the same as
 * before the option), at --ctf-pixel-size Å per pixel (8, the set's own, or drawn from a range A-B) and with, as
 * target, the phantom or (--ctf-target filtered) the phantom through the same CTF. Random tilt dropout and
 * inverted contrast are left to training time, where each step can drop other tilts and flip the sign of its example.
 * Writes DIR/example_NNNN/ (ground_truth.mrc, tilt_series.mrc/.tlt), DIR/manifest.json (every example's draws) and
 * DIR/set.json (the options, TrainingSetRecord).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PHANTOM_NAMES, type PhantomName } from '../engine/sim/phantoms.ts';
import { drawDefocus, TRAINING_DEFOCUS_UM } from '../engine/sim/ctf.ts';
import { Rng } from '../engine/sim/random.ts';
import type { SimulationOptions } from '../engine/sim/simulate.ts';
import { doseSymmetric, tiltRange } from '../engine/sim/tiltScheme.ts';
import { drawTiltVariation } from '../engine/sim/tiltVariation.ts';
import { openCliGpu } from './gpu.ts';
import { UsageError, choiceFlag, intFlag, numberFlag, requireFlag } from '../engine/methods/flags.ts';
import { parseOptions } from './options.ts';
import { writeSimulation } from './simulate.ts';

const OPTIONS = {
  count: { type: 'string' },
  phantom: { type: 'string' },
  'min-size': { type: 'string' },
  'max-size': { type: 'string' },
  seed: { type: 'string' },
  'ctf-fraction': { type: 'string' },
  'ctf-pixel-size': { type: 'string' },
  'ctf-target': { type: 'string' },
  'out-dir': { type: 'string' },
} as const;

export interface TrainingExample extends SimulationOptions {
  dir: string;
  range: number;
  step: number;
  doseSymmetric: boolean;
}

const CTF_TARGETS = ['phantom', 'filtered'] as const;

/** How the examples with a CTF are drawn: the fraction with one, their pixel sizes and their target. */
export interface CtfDraw {
  /** 0–1; 0 draws nothing for it. */
  fraction: number;
  /** Å per pixel of an example with a CTF: [lo, hi], drawn uniformly in 0.5 Å steps when lo < hi. */
  pixelSize: [number, number];
  /** The target of those examples: the phantom, or the phantom filtered by the same CTF. */
  target: (typeof CTF_TARGETS)[number];
  /** The range the series' defocus is drawn from (µm; TRAINING_DEFOCUS_UM): recorded for the model's card. */
  defocusUm: readonly [number, number];
}

/** DIR/set.json: the options a set was drawn with, which training-patches passes on toward the model's card. */
export interface TrainingSetRecord {
  count: number;
  phantoms: string[];
  minSize: number;
  maxSize: number;
  seed: number;
  ctf: CtfDraw;
}

const NO_CTF: CtfDraw = { fraction: 0, pixelSize: [8, 8], target: 'phantom', defocusUm: TRAINING_DEFOCUS_UM };

/** The k-th example's simulation, drawn from the set's seed; a CTF for `ctf.fraction` of them (0: no draw for it). */
export function drawExample(rng: Rng, k: number, phantoms: readonly PhantomName[], minSize: number, maxSize: number, ctf: CtfDraw = NO_CTF): TrainingExample {
  const phantom = phantoms[rng.int(0, phantoms.length - 1)];
  const side = () => 8 * rng.int(Math.ceil(minSize / 8), Math.floor(maxSize / 8));
  const size: [number, number, number] = [side(), side(), 8 * rng.int(3, 8)];
  const range = rng.int(40, 70);
  const step = rng.int(1, 4);
  const dose = rng.uniform() < 0.5;
  const top = range - (range % step);
  const tiltAngles = dose ? doseSymmetric(-top, top, step) : tiltRange(-top, top, step);
  const example: TrainingExample = {
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
    defocusUm: ctf.fraction > 0 && rng.uniform() < ctf.fraction ? drawDefocus(rng, tiltAngles.length) : undefined,
  };
  if (!example.defocusUm) return example;
  // Drawn after everything else, and only when asked, so that a set at 8 Å is the same as before the option.
  const [lo, hi] = ctf.pixelSize;
  const pixelSize = lo < hi ? lo + 0.5 * rng.int(0, Math.floor((hi - lo) / 0.5)) : lo;
  return { ...example, pixelSize, groundTruthThroughCtf: ctf.target === 'filtered' || undefined };
}

/** --ctf-fraction, --ctf-pixel-size (A or A-B, Å) and --ctf-target (phantom|filtered). */
function ctfDraw(values: Record<string, string | boolean | undefined>): CtfDraw {
  const fraction = numberFlag(values, 'ctf-fraction') ?? 0;
  if (!(fraction >= 0 && fraction <= 1)) throw new UsageError(`--ctf-fraction takes a fraction of the examples, 0–1 (got ${fraction})`);
  const sizes = ((values['ctf-pixel-size'] as string | undefined) ?? '8').split('-').map(Number);
  const pixelSize = [sizes[0], sizes[sizes.length - 1]] as [number, number];
  if (sizes.length > 2 || !(pixelSize[0] > 0 && pixelSize[1] >= pixelSize[0])) {
    throw new UsageError(`--ctf-pixel-size takes Å per pixel, A or a range A-B with 0 < A ≤ B (got "${values['ctf-pixel-size']}")`);
  }
  return { fraction, pixelSize, target: choiceFlag(values, 'ctf-target', CTF_TARGETS) ?? 'phantom', defocusUm: TRAINING_DEFOCUS_UM };
}

/** `wedgelab training-set --count N --out-dir DIR [--phantom lamella[,varied…]] [--min-size 64] [--max-size 160] [--seed 1] [--ctf-fraction 0] [--ctf-pixel-size 8] [--ctf-target phantom]` */
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
  const ctf = ctfDraw(values);
  const outDir = requireFlag(values, 'out-dir');
  const seed = intFlag(values, 'seed') ?? 1;
  const rng = new Rng(seed);
  const gpu = await openCliGpu();
  const manifest: TrainingExample[] = [];
  for (let k = 0; k < count; k++) {
    const example = drawExample(rng, k, phantoms as PhantomName[], minSize, maxSize, ctf);
    await writeSimulation(gpu, example, join(outDir, example.dir));
    manifest.push(example);
    const varied = example.variation ? ', blur and noise vary per tilt' : '';
    const transfer = example.defocusUm ? `, CTF at ${example.defocusUm[0]} µm, ${example.pixelSize} Å${example.groundTruthThroughCtf ? ', target through it' : ''}` : '';
    process.stderr.write(`${example.dir}: ${example.phantom} ${example.size.join('×')}, ±${example.range}° step ${example.step}, ${example.snrDb} dB${varied}${transfer}\n`);
  }
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  const record: TrainingSetRecord = { count, phantoms, minSize, maxSize, seed, ctf };
  await writeFile(join(outDir, 'set.json'), `${JSON.stringify(record)}\n`);
  process.stdout.write(`${JSON.stringify({ outDir, count })}\n`);
}
