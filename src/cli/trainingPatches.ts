/**
 * `wedgelab training-patches`: the local model's inputs and targets at random voxels of every example of a
 * training set (`wedgelab training-set`), cut by the engine itself, so Python never re-implements geometry.
 *
 * Inputs are prepared exactly as reconstructLocalnet prepares them (methods/localnet.ts: prepareLocalnetInput
 * and slabPatches: one global mean/std, cosine-ramp filter, patch kernel). Targets follow the same scale
 * convention: reconstructLocalnet multiplies the model's output by the stack's std, so the target is
 * (ground truth − its mean) / stack std. The mean goes because the ramp filter removes each row's mean and
 * a bias-free network cannot add a constant back; the metrics fit offset and scale anyway.
 *
 * Sampling: random rows y (without repetition), and in each row's x–z plane a lattice with random offsets
 * and a stride that gives about 256 points, so each row costs one small extraction. Per example in OUT/<dir>/:
 *   patches.npy  float32 [N, nTilts, P, P]   angles.npy  float32 [nTilts], degrees, stack order
 *   targets.npy  float32 [N]                  points.npy  int32 [N, 3], (x, y, z) voxel indices
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFloats } from '../engine/gpu/buffers.ts';
import { prepareLocalnetInput, slabPatches } from '../engine/methods/localnet.ts';
import type { PatchGrid } from '../engine/reference/patches.ts';
import { Rng } from '../engine/sim/random.ts';
import { readMrc } from '../io/mrc.ts';
import { openCliGpu } from './gpu.ts';
import { intOption, parseOptions, requireOption, UsageError } from './options.ts';
import { readTiltSeriesPaths } from './recon.ts';

const OPTIONS = {
  set: { type: 'string' },
  points: { type: 'string' },
  patch: { type: 'string' },
  seed: { type: 'string' },
  'out-dir': { type: 'string' },
} as const;

/** Points per row plane the lattice aims at. */
const POINTS_PER_ROW = 256;

/** A NumPy .npy file (format 1.0, little-endian, C order) of float32 or int32 values. */
export function npyBytes(data: Float32Array | Int32Array, shape: number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const headerLength = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  const out = new Uint8Array(10 + headerLength + data.byteLength);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0, headerLength & 0xff, headerLength >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + headerLength);
  return out;
}

/** `wedgelab training-patches --set DIR --points N --patch P [--seed 1] --out-dir OUT` */
export async function trainingPatchesCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const setDir = requireOption(values, 'set');
  const outDir = requireOption(values, 'out-dir');
  const wanted = intOption(values, 'points') ?? 4096;
  const patch = intOption(values, 'patch') ?? 11;
  if (!(wanted >= 1 && patch >= 1)) throw new UsageError(`need --points ≥ 1 and --patch ≥ 1 (got ${wanted}, ${patch})`);
  const manifest = JSON.parse(await readFile(join(setDir, 'manifest.json'), 'utf8')) as { dir: string }[];
  const rng = new Rng(intOption(values, 'seed') ?? 1);
  const gpu = await openCliGpu();
  for (const { dir } of manifest) {
    const ts = (await readTiltSeriesPaths(join(setDir, dir, 'tilt_series.mrc'), join(setDir, dir, 'tilt_series.tlt'))).tiltSeries;
    const truth = readMrc(new Uint8Array(await readFile(join(setDir, dir, 'ground_truth.mrc'))));
    const { nx, ny, nz } = truth.header;
    if (nx !== ts.nx || ny !== ts.ny) throw new Error(`${dir}: ground truth ${nx}×${ny} does not match the tilts' ${ts.nx}×${ts.ny}`);
    let truthMean = 0;
    for (const v of truth.data) truthMean += v / truth.data.length;

    const stride = Math.max(1, Math.round(Math.sqrt((nx * nz) / POINTS_PER_ROW)));
    const rowOrder = Array.from({ length: ny }, (_, i) => i);
    const input = prepareLocalnetInput(gpu, ts, false);
    const patches: Float32Array[] = [];
    const targets: number[] = [];
    const points: number[] = [];
    try {
      for (let k = 0; k < ny && targets.length < wanted; k++) {
        // Partial Fisher–Yates: the k-th random row.
        const j = rng.int(k, ny - 1);
        [rowOrder[k], rowOrder[j]] = [rowOrder[j], rowOrder[k]];
        const y = rowOrder[k];
        const [ox, oz] = [rng.int(0, stride - 1), rng.int(0, stride - 1)];
        const gx = Math.ceil((nx - ox) / stride);
        const gz = Math.ceil((nz - oz) / stride);
        const grid: PatchGrid = { gx, gy: 1, gz, origin: [ox - (nx - 1) / 2, y - (ny - 1) / 2, oz - (nz - 1) / 2], step: [stride, 1, stride] };
        const prepared = slabPatches(gpu, ts, input, grid, patch, gx * gz);
        try {
          const encoder = gpu.device.createCommandEncoder({ label: 'trainingPatches' });
          prepared.extractor.encode(encoder, 0, gx * gz);
          gpu.device.queue.submit([encoder.finish()]);
          patches.push(await readFloats(gpu, prepared.extractor.patches, gx * gz * ts.nTilts * patch * patch));
        } finally {
          prepared.destroy();
        }
        // Grid order: x fastest, then z (gy = 1).
        for (let iz = 0; iz < gz; iz++) {
          for (let ix = 0; ix < gx; ix++) {
            const [x, z] = [ox + ix * stride, oz + iz * stride];
            points.push(x, y, z);
            targets.push((truth.data[(z * ny + y) * nx + x] - truthMean) / input.std);
          }
        }
      }
    } finally {
      input.trig.destroy();
    }
    const n = targets.length;
    const all = new Float32Array(n * ts.nTilts * patch * patch);
    let offset = 0;
    for (const part of patches) {
      all.set(part, offset);
      offset += part.length;
    }
    const out = join(outDir, dir);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'patches.npy'), npyBytes(all, [n, ts.nTilts, patch, patch]));
    await writeFile(join(out, 'angles.npy'), npyBytes(Float32Array.from(ts.tiltAngles), [ts.nTilts]));
    await writeFile(join(out, 'targets.npy'), npyBytes(Float32Array.from(targets), [n]));
    await writeFile(join(out, 'points.npy'), npyBytes(Int32Array.from(points), [n, 3]));
    process.stderr.write(`${dir}: ${n} points, ${ts.nTilts} tilts, stride ${stride}\n`);
  }
  process.stdout.write(`${JSON.stringify({ outDir, examples: manifest.length, patch })}\n`);
}
