/**
 * `wedgelab training-patches`: the local model's inputs and targets at random points of every example of a
 * training set (`wedgelab training-set`), cut by the engine itself, so Python never re-implements geometry.
 * Points are voxels (voxel variant) or points of the bior3.1 half grid (`--variant wavelet`), whose targets
 * are the 8 sub-band coefficients of the scaled ground truth (reference/wavelet3d.ts, 'zero' mode as
 * CryoLithe trains), at the half-grid positions reconstructLocalnet asks the model about.
 *
 * Inputs are prepared exactly as reconstructLocalnet prepares them (methods/localnet/run.ts: prepareLocalnetInput
 * and slabPatches: one global mean/std, cosine-ramp filter, patch kernel). Targets follow the same scale
 * convention: reconstructLocalnet multiplies the model's output by the stack's std, so the target is
 * (ground truth − its mean) / stack std. The mean goes because the ramp filter removes each row's mean and
 * a bias-free network cannot add a constant back; the metrics fit offset and scale anyway.
 *
 * Sampling: random rows y of the target grid (without repetition), and in each row's x–z plane a lattice
 * with random offsets and a stride that gives about 256 points, so each row costs one small extraction.
 * Per example in OUT/<dir>/:
 *   patches.npy  float32 [N, nTilts, P, P]   angles.npy  float32 [nTilts], degrees, stack order
 *   targets.npy  float32 [N] (voxel) or [N, 8] (wavelet)
 *   points.npy   int32 [N, 3], (x, y, z) indices on the voxel grid or the half grid
 * and OUT/patches.json, the options the set was cut with ({ examples, points, patch, variant, seed }, and the set's
 * CTF draw, ctf, when it has one), which train.py copies into the model's card so that its command line names them.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFloats } from '../engine/gpu/buffers.ts';
import type { GpuContext } from '../engine/gpu/device.ts';
import { prepareLocalnetInput, slabPatches, type LocalnetInput } from '../engine/methods/localnet/run.ts';
import { halfGridOrigin, patchFloatsPerPoint, type PatchGrid } from '../engine/methods/localnet/grid.ts';
import { dwt3Cpu } from '../engine/reference/wavelet3d.ts';
import { Rng } from '../engine/sim/random.ts';
import type { TiltSeries, Volume } from '../engine/types.ts';
import { readMrc } from '../io/mrc.ts';
import { openCliGpu } from './gpu.ts';
import { UsageError, intFlag, requireFlag } from '../engine/methods/flags.ts';
import { parseOptions } from './options.ts';
import { readTiltSeriesPaths } from './recon.ts';
import type { CtfDraw, TrainingSetRecord } from './trainingSet.ts';

const OPTIONS = {
  set: { type: 'string' },
  points: { type: 'string' },
  patch: { type: 'string' },
  seed: { type: 'string' },
  variant: { type: 'string' },
  'out-dir': { type: 'string' },
} as const;

/** Points per row plane the lattice aims at. */
const POINTS_PER_ROW = 256;

/** The points a model variant is asked about, and its targets there: values [z][y][x][outputs]. */
interface TargetGrid {
  size: [number, number, number];
  /** Centred coordinates of point (0, 0, 0), and the spacing (1: voxels, 2: half grid). */
  origin: [number, number, number];
  step: number;
  outputs: number;
  values: Float32Array;
}

/** Targets in the model's scale: (ground truth − its mean) / stack std, or that volume's sub-bands. */
function targetGrid(truth: Volume, std: number, variant: 'voxel' | 'wavelet'): TargetGrid {
  const { nx, ny, nz } = truth;
  let mean = 0;
  for (const v of truth.data) mean += v / truth.data.length;
  const scaled: Volume = { ...truth, data: truth.data.map((v) => (v - mean) / std) };
  if (variant === 'voxel') {
    return { size: [nx, ny, nz], origin: [-(nx - 1) / 2, -(ny - 1) / 2, -(nz - 1) / 2], step: 1, outputs: 1, values: scaled.data };
  }
  const c = dwt3Cpu(scaled, 'zero');
  return { size: [c.mx, c.my, c.mz], origin: [halfGridOrigin(nx), halfGridOrigin(ny), halfGridOrigin(nz)], step: 2, outputs: 8, values: c.data };
}

/**
 * Write a NumPy .npy file (format 1.0, little-endian, C order) of float32 or int32 values given as
 * consecutive parts, one after another, so a file may exceed the largest single typed array (wide patches
 * of a long tilt series pass 4 GiB).
 */
async function writeNpy(path: string, parts: readonly (Float32Array | Int32Array)[], shape: number[]): Promise<void> {
  const descr = parts[0] instanceof Int32Array ? '<i4' : '<f4'; // no parts (no points): float32, the patches' type
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const headerLength = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const header = new Uint8Array(10 + headerLength);
  header.set([0x93, ...Buffer.from('NUMPY'), 1, 0, headerLength & 0xff, headerLength >> 8]);
  header.set(Buffer.from(dict.padEnd(headerLength - 1, ' ') + '\n', 'latin1'), 10);
  const file = await open(path, 'w');
  try {
    await file.write(header);
    for (const part of parts) await file.write(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  } finally {
    await file.close();
  }
}

/**
 * The set's CTF draw (set.json) when it has one, for patches.json: train.py copies it into the card, whose command
 * then names it. Nothing for a set without a CTF, or one written before set.json, so their records stay as they were.
 */
async function ctfOfSet(setDir: string): Promise<{ ctf?: CtfDraw }> {
  const path = join(setDir, 'set.json');
  if (!existsSync(path)) return {};
  const { ctf } = JSON.parse(await readFile(path, 'utf8')) as TrainingSetRecord;
  return ctf.fraction > 0 ? { ctf } : {};
}

/** `wedgelab training-patches --set DIR --points N --patch P [--seed 1] --out-dir OUT` */
export async function trainingPatchesCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const setDir = requireFlag(values, 'set');
  const outDir = requireFlag(values, 'out-dir');
  const wanted = intFlag(values, 'points') ?? 4096;
  const patch = intFlag(values, 'patch') ?? 11;
  if (!(wanted >= 1 && patch >= 1)) throw new UsageError(`need --points ≥ 1 and --patch ≥ 1 (got ${wanted}, ${patch})`);
  const variant = values.variant ?? 'voxel';
  if (variant !== 'voxel' && variant !== 'wavelet') throw new UsageError(`--variant is voxel or wavelet (got ${variant})`);
  const manifest = JSON.parse(await readFile(join(setDir, 'manifest.json'), 'utf8')) as { dir: string }[];
  const seed = intFlag(values, 'seed') ?? 1;
  const rng = new Rng(seed);
  const gpu = await openCliGpu();
  for (const { dir } of manifest) {
    const ts = (await readTiltSeriesPaths(join(setDir, dir, 'tilt_series.mrc'), join(setDir, dir, 'tilt_series.tlt'))).tiltSeries;
    const mrc = readMrc(new Uint8Array(await readFile(join(setDir, dir, 'ground_truth.mrc'))));
    const { nx, ny, nz } = mrc.header;
    if (nx !== ts.nx || ny !== ts.ny) throw new Error(`${dir}: ground truth ${nx}×${ny} does not match the tilts' ${ts.nx}×${ts.ny}`);
    const input = prepareLocalnetInput(gpu, ts, false);
    let sample: ExampleSample;
    try {
      const targets = targetGrid({ nx, ny, nz, pixelSize: 1, data: mrc.data }, input.std, variant);
      sample = await sampleExample(gpu, ts, input, targets, patch, wanted, rng);
    } finally {
      input.trig.destroy();
    }
    const n = sample.points.length / 3;
    const out = join(outDir, dir);
    await mkdir(out, { recursive: true });
    await writeNpy(join(out, 'patches.npy'), sample.patches, [n, ts.nTilts, patch, patch]);
    await writeNpy(join(out, 'angles.npy'), [Float32Array.from(ts.tiltAngles)], [ts.nTilts]);
    await writeNpy(join(out, 'targets.npy'), [sample.targets], variant === 'voxel' ? [n] : [n, 8]);
    await writeNpy(join(out, 'points.npy'), [sample.points], [n, 3]);
    process.stderr.write(`${dir}: ${n} points, ${ts.nTilts} tilts\n`);
  }
  const record = { examples: manifest.length, points: wanted, patch, variant, seed, ...(await ctfOfSet(setDir)) };
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'patches.json'), `${JSON.stringify(record)}\n`);
  process.stdout.write(`${JSON.stringify({ outDir, ...record })}\n`);
}

interface ExampleSample {
  /** The points' patches, [N, nTilts, P, P], in parts of one row each (written one after another). */
  patches: Float32Array[];
  targets: Float32Array;
  points: Int32Array;
}

/** About `wanted` points of one example: random rows of the target grid, a lattice in each. */
async function sampleExample(gpu: GpuContext, ts: TiltSeries, input: LocalnetInput, targets: TargetGrid, patch: number, wanted: number, rng: Rng): Promise<ExampleSample> {
  const [gx, gy, gz] = targets.size;
  const { origin, step, outputs } = targets;
  const stride = Math.max(1, Math.round(Math.sqrt((gx * gz) / POINTS_PER_ROW)));
  const rowOrder = Array.from({ length: gy }, (_, i) => i);
  const patches: Float32Array[] = [];
  const values: number[] = [];
  const points: number[] = [];
  for (let k = 0; k < gy && points.length / 3 < wanted; k++) {
    // Partial Fisher–Yates: the k-th random row.
    const j = rng.int(k, gy - 1);
    [rowOrder[k], rowOrder[j]] = [rowOrder[j], rowOrder[k]];
    const y = rowOrder[k];
    const [ox, oz] = [rng.int(0, stride - 1), rng.int(0, stride - 1)];
    const [lx, lz] = [Math.ceil((gx - ox) / stride), Math.ceil((gz - oz) / stride)];
    const grid: PatchGrid = {
      gx: lx,
      gy: 1,
      gz: lz,
      origin: [origin[0] + ox * step, origin[1] + y * step, origin[2] + oz * step],
      step: [stride * step, step, stride * step],
    };
    const prepared = slabPatches(gpu, ts, input, grid, patch, lx * lz);
    try {
      const encoder = gpu.device.createCommandEncoder({ label: 'trainingPatches' });
      prepared.extractor.encode(encoder, 0, lx * lz);
      gpu.device.queue.submit([encoder.finish()]);
      patches.push(await readFloats(gpu, prepared.extractor.patches, lx * lz * patchFloatsPerPoint(ts.nTilts, patch)));
    } finally {
      prepared.destroy();
    }
    // Grid order: x fastest, then z (one row).
    for (let iz = 0; iz < lz; iz++) {
      for (let ix = 0; ix < lx; ix++) {
        const [x, z] = [ox + ix * stride, oz + iz * stride];
        points.push(x, y, z);
        const at = ((z * gy + y) * gx + x) * outputs;
        for (let b = 0; b < outputs; b++) values.push(targets.values[at + b]);
      }
    }
  }
  return { patches, targets: Float32Array.from(values), points: Int32Array.from(points) };
}
