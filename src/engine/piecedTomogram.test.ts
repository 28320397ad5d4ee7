// Tomograms held in pieces (io/piecedVolume.ts) with a tiny piece limit: FBP, SIRT and the local network on the CPU
// path and on the GPU (Dawn), and the coordinate network (Dawn), give the same voxels in pieces as in one array, and every reader of a result (slices, statistics, the
// 3-D view's box averages, MRC and OME-Zarr writing, the command line's files, projections at new angles) gives the same values and bytes
// from the pieces.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTomogram } from '../cli/outputs.ts';
import { cpuEngine, gpuEngine, type EngineContext } from './context.ts';
import { nodePool } from './cpu/nodePool.ts';
import { openNodeGpu } from './gpu/node.ts';
import { forwardProject } from './methods/projection.ts';
import { reconstruct } from './methods/runners.ts';
import type { RequestOf } from './methods/registry.ts';
import type { RunOptions } from './methods/slabs.ts';
import type { ModelLibrary } from './onnx/library.ts';
import { Rng } from './sim/random.ts';
import type { TiltSeries } from './types.ts';
import { downsampleVolume, percentiles, volumeSlice, volumeStats, type SliceAxis } from './volume.ts';
import { mrcPieces, writeMrc } from '../io/mrc.ts';
import { writeOmeZarr, type StoreDirectory } from '../io/omeZarr.ts';
import { fileOrderRuns, isPieced, planPieces, volumePieces, wholeVolume, type Tomogram } from '../io/piecedVolume.ts';
import { omeZarrLevels } from './volume.ts';

// 70 wide so that the OME-Zarr pyramid has a second level; 3 rows per piece cut the 10 rows into 3 + 3 + 3 + 1.
const [NX, NY, NZ] = [70, 10, 6];
const PIECE_BYTES = 3 * NX * NZ * 4;
const ANGLES = [-60, -45, -30, -15, 0, 15, 30, 45, 60];
/** GPU memory per slab: FBP's slabs are then rows 0–3, 4–7, 8–9 and SIRT's 0–5, 6–9, across the pieces' 0–2, 3–5, 6–8, 9. */
const SMALL_BUDGET = 96 * 1024;
/** GPU memory per slab of the local network: slabs of 5 rows (voxel variant) or 4 (wavelet: slabs start on even rows). */
const LOCALNET_BUDGET = 280 * 1024;

function tiltSeries(): TiltSeries {
  const rng = new Rng(18);
  const data = Float32Array.from({ length: NX * NY * ANGLES.length }, () => rng.uniform(-1, 1));
  return { nx: NX, ny: NY, nTilts: ANGLES.length, data, tiltAngles: ANGLES, pixelSize: 3 };
}

const FBP = { method: 'fbp', params: { thickness: NZ, subtractMean: false, doseWeighting: false } } as const;
const SIRT = { method: 'sirt', params: { thickness: NZ, iterations: 3, subtractMean: false, doseWeighting: false } } as const;

/**
 * The local network with a tiny random model of models/tiny (9 tilts, 5 × 5 patches), in batches of 97 points;
 * without the hand-over to FBP (the default) or with it, which needs the tomogram in one array.
 */
const localnet = (variant: 'voxel' | 'wavelet', fbpBelow = 0, fbpFsc = false) =>
  ({ method: 'localnet', params: { thickness: NZ, subtractMean: false, model: `tiny_${variant}`, batchSize: 97, fbpBelow, fbpFsc, fscSigma: 0 } }) as const;
const TINY_MODELS: ModelLibrary = { load: async (name) => readFileSync(new URL(`../../models/tiny/${name}.onnx`, import.meta.url)) };
/** The coordinate network: a tiny SIREN, 2 steps on the first slab of 4 rows and 1 on each later one (slabs 0–3, 4–7, 8–9, across the pieces). */
const COORDNET = { method: 'coordnet', params: { thickness: NZ, subtractMean: false, width: 16, layers: 1, slabRows: 4, stepsFirst: 2, stepsNext: 1 } } as const;

/** The same request with no piece limit to speak of, and with the tiny one. */
async function bothWays(engine: EngineContext, request: RequestOf<'reconstruction'>, options: Pick<RunOptions, 'memoryBudgetBytes' | 'models'> = {}) {
  const ts = tiltSeries();
  const one = await reconstruct(engine, ts, request, options);
  // The slabs the run reported ("rows 4–7 of 10"): they should cross piece boundaries.
  const slabs = new Set<string>();
  const onProgress = ({ message }: { message: string }) => void slabs.add(/rows (\d+)–(\d+) of/.exec(message)?.slice(1).join('–') ?? '');
  const pieced = await reconstruct(engine, ts, request, { ...options, pieceBytes: PIECE_BYTES, onProgress });
  slabs.delete('');
  return { one, pieced, whole: wholeVolume(one.volume, 'the one-array tomogram'), slabs: [...slabs] };
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  return b !== undefined && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** Every voxel of a pieced tomogram, in file order (its pieces' XY sections interleaved along z). */
function gathered(tomogram: Tomogram): Float32Array {
  const runs = [...fileOrderRuns(tomogram)];
  const out = new Float32Array(runs.reduce((n, run) => n + run.length, 0));
  let at = 0;
  for (const run of runs) out.set(run, (at += run.length) - run.length);
  return out;
}

function expectPiecesOfThree(tomogram: Tomogram): void {
  expect(isPieced(tomogram)).toBe(true);
  expect(volumePieces(tomogram).map((p) => [p.y0, p.volume.ny, p.volume.data.byteLength <= PIECE_BYTES])).toEqual([
    [0, 3, true],
    [3, 3, true],
    [6, 3, true],
    [9, 1, true],
  ]);
}

const threads = nodePool(2);
afterAll(() => threads.close());
/** The CPU FBP pair, made once for the tests that read it. */
let cpuFbpPair: ReturnType<typeof bothWays> | null = null;
const cpuFbp = () => (cpuFbpPair ??= bothWays(cpuEngine(threads), FBP));

describe('a tomogram in pieces', () => {
  it('plans pieces of at most the limit, one piece when the tomogram fits', () => {
    expect(planPieces(NX, NY, NZ, PIECE_BYTES)).toEqual([
      { y0: 0, ny: 3 },
      { y0: 3, ny: 3 },
      { y0: 6, ny: 3 },
      { y0: 9, ny: 1 },
    ]);
    expect(planPieces(NX, NY, NZ)).toEqual([{ y0: 0, ny: NY }]);
    // A row larger than the limit still makes a piece of one row.
    expect(planPieces(NX, 2, NZ, 16)).toEqual([
      { y0: 0, ny: 1 },
      { y0: 1, ny: 1 },
    ]);
    // Rows in multiples of 2 (a Zarr array's chunk rows) where a piece holds 2 or more: 3 fit, 2 are taken.
    expect(planPieces(NX, NY, NZ, PIECE_BYTES, 2).map((p) => p.ny)).toEqual([2, 2, 2, 2, 2]);
    // Fewer rows fit than the multiple, or the whole tomogram fits: as without it.
    expect(planPieces(NX, NY, NZ, PIECE_BYTES, 4).map((p) => p.ny)).toEqual([3, 3, 3, 1]);
    expect(planPieces(NX, NY, NZ, undefined, 4)).toEqual([{ y0: 0, ny: NY }]);
  });

  it('CPU FBP and SIRT (two threads): the same voxels and residuals in pieces as in one array', async () => {
    const fbp = await cpuFbp();
    expectPiecesOfThree(fbp.pieced.volume);
    expect(gathered(fbp.pieced.volume)).toEqual(fbp.whole.data);
    const sirt = await bothWays(cpuEngine(threads), SIRT);
    expectPiecesOfThree(sirt.pieced.volume);
    expect(gathered(sirt.pieced.volume)).toEqual(sirt.whole.data);
    expect(sirt.pieced.residuals).toEqual(sirt.one.residuals);
    expect(sirt.one.residuals).toHaveLength(3);
  });

  it('GPU FBP and SIRT (slabs across piece boundaries): the same voxels and residuals in pieces as in one array', async () => {
    const engine = gpuEngine(await openNodeGpu());
    const fbp = await bothWays(engine, FBP, { memoryBudgetBytes: SMALL_BUDGET });
    expect(fbp.slabs).toEqual(['0–3', '4–7', '8–9']);
    expectPiecesOfThree(fbp.pieced.volume);
    expect(gathered(fbp.pieced.volume)).toEqual(fbp.whole.data);
    const sirt = await bothWays(engine, SIRT, { memoryBudgetBytes: SMALL_BUDGET });
    expect(sirt.slabs).toEqual(['0–5', '6–9']);
    expectPiecesOfThree(sirt.pieced.volume);
    expect(gathered(sirt.pieced.volume)).toEqual(sirt.whole.data);
    expect(sirt.pieced.residuals).toEqual(sirt.one.residuals);
    // And the CPU path agrees with the GPU to float precision (an independent check that the voxels are FBP's).
    const cpu = wholeVolume((await reconstruct(cpuEngine(threads), tiltSeries(), FBP)).volume, 'CPU FBP');
    const scale = Math.max(...cpu.data.map(Math.abs));
    expect(Math.max(...cpu.data.map((v, i) => Math.abs(v - fbp.whole.data[i])))).toBeLessThan(1e-5 * scale);
  });

  it('the local network on the CPU path (two threads), both variants and either hand-over to FBP: the same voxels in pieces as in one array', async () => {
    for (const variant of ['voxel', 'wavelet'] as const) {
      const run = await bothWays(cpuEngine(threads), localnet(variant), { models: TINY_MODELS });
      expect(run.slabs).toEqual(['0–2', '3–5', '6–8', '9–9']);
      expectPiecesOfThree(run.pieced.volume);
      expect(gathered(run.pieced.volume), variant).toEqual(run.whole.data);
      expect(run.whole.data.some((v) => v !== 0)).toBe(true);
    }
    // Either hand-over to FBP, in pieces too: its FBPs, FSC, low-passes and sums go piece by piece.
    for (const request of [localnet('voxel', 0.15), localnet('wavelet', 0, true)]) {
      const run = await bothWays(cpuEngine(threads), request, { models: TINY_MODELS });
      expectPiecesOfThree(run.pieced.volume);
      expect(gathered(run.pieced.volume), request.params.model).toEqual(run.whole.data);
    }
    // The FSC-weighted one needs two halves of at least three tilts each: 5 of the 9 tilts are too few, refused before
    // any work (the model is not even opened).
    const opened: string[] = [];
    const models: ModelLibrary = { load: (name) => (opened.push(name), TINY_MODELS.load(name)) };
    const five = { ...tiltSeries(), nTilts: 5, tiltAngles: ANGLES.slice(0, 5) };
    five.data = five.data.slice(0, NX * NY * 5);
    await expect(reconstruct(cpuEngine(threads), five, localnet('voxel', 0, true), { models })).rejects.toThrow('FSC-weighted hand-over to FBP needs at least 6 tilts (this series has 5)');
    expect(opened).toEqual([]);
  });

  it('the local network on the GPU (slabs across piece boundaries), both variants: the same voxels in pieces as in one array', async () => {
    const engine = gpuEngine(await openNodeGpu());
    for (const variant of ['voxel', 'wavelet'] as const) {
      const run = await bothWays(engine, localnet(variant), { models: TINY_MODELS, memoryBudgetBytes: LOCALNET_BUDGET });
      expect(run.slabs, variant).toEqual(variant === 'voxel' ? ['0–4', '5–9'] : ['0–3', '4–7', '8–9']);
      expectPiecesOfThree(run.pieced.volume);
      expect(gathered(run.pieced.volume), variant).toEqual(run.whole.data);
    }
  });

  it('the coordinate network (slabs of 4 rows across piece boundaries): the same voxels and losses in pieces as in one array', async () => {
    const run = await bothWays(gpuEngine(await openNodeGpu()), COORDNET);
    expect(run.one.loss).toHaveLength(2 + 1 + 1);
    expect(run.pieced.loss).toEqual(run.one.loss);
    expectPiecesOfThree(run.pieced.volume);
    expect(gathered(run.pieced.volume)).toEqual(run.whole.data);
  });

  it('projects at new angles from the pieces as from the one array: on the CPU pool a piece at a time, on the GPU slab by slab', async () => {
    const fbp = await cpuFbp();
    const angles = [-50, 7, 66];
    const cpu = await forwardProject(cpuEngine(threads), fbp.pieced.volume, angles, { invertAngles: true });
    expect(cpu.data).toEqual((await forwardProject(cpuEngine(threads), fbp.whole, angles, { invertAngles: true })).data);
    const engine = gpuEngine(await openNodeGpu());
    const gpu = await forwardProject(engine, fbp.pieced.volume, angles, { memoryBudgetBytes: SMALL_BUDGET });
    expect(gpu.data).toEqual((await forwardProject(engine, fbp.whole, angles, { memoryBudgetBytes: SMALL_BUDGET })).data);
  });

  it('every reader gives from the pieces what it gives from the one array: slices, statistics, box averages, MRC and OME-Zarr bytes', async () => {
    const { pieced, whole } = await cpuFbp();
    const tomogram = pieced.volume;
    // Slices through every piece boundary (rows 2|3, 5|6, 8|9) and each axis's ends.
    const cases: [SliceAxis, number[]][] = [
      ['xy', [0, 2, NZ - 1]],
      ['xz', [0, 2, 3, 5, 6, 8, 9]],
      ['yz', [0, 35, NX - 1]],
    ];
    for (const [axis, indices] of cases) for (const i of indices) expect(volumeSlice(tomogram, axis, i)).toEqual(volumeSlice(whole, axis, i));
    // An XZ slice at row y is row y of every section: an independent look at the pieces.
    const xz = volumeSlice(tomogram, 'xz', 4).data;
    for (let z = 0; z < NZ; z++) for (let x = 0; x < NX; x += 7) expect(xz[z * NX + x]).toBe(whole.data[x + NX * (4 + NY * z)]);

    expect(volumeStats([...fileOrderRuns(tomogram)])).toEqual(volumeStats(whole.data));
    expect(percentiles([...fileOrderRuns(tomogram)], [1, 50, 99], 97)).toEqual(percentiles(whole.data, [1, 50, 99], 97));
    expect(wholeVolume(downsampleVolume(tomogram, 3), 'the view')).toEqual(downsampleVolume(whole, 3));

    const labels = ['FBP (test)', 'from a random series'];
    expect(sameBytes(concat([...mrcPieces(tomogram, { labels })]), writeMrc(whole, { labels }))).toBe(true);
    expect(sameBytes(writeMrc(tomogram, { labels }), writeMrc(whole, { labels }))).toBe(true);

    const [a, b] = [memoryStore(), memoryStore()];
    const levels = omeZarrLevels(tomogram);
    expect(levels).toHaveLength(2);
    await writeOmeZarr(a, levels, 'test');
    await writeOmeZarr(b, omeZarrLevels(whole), 'test');
    expect([...a.files.keys()].sort()).toEqual([...b.files.keys()].sort());
    for (const [path, bytes] of a.files) expect(sameBytes(bytes, b.files.get(path)), path).toBe(true);
  });

  it('the command line writes the same MRC file and OME-Zarr folder from the pieces (writeTomogram)', async () => {
    const { pieced, whole } = await cpuFbp();
    const dir = mkdtempSync(join(tmpdir(), 'wedgelab-pieces-'));
    const labels = ['FBP (test)'];
    for (const [name, tomogram] of [['pieced', pieced.volume], ['whole', whole]] as const) {
      await writeTomogram(join(dir, `${name}.mrc`), tomogram, labels);
      await writeTomogram(join(dir, `${name}.ome.zarr`), tomogram, labels);
    }
    expect(sameBytes(readFileSync(join(dir, 'pieced.mrc')), readFileSync(join(dir, 'whole.mrc')))).toBe(true);
    const files = (name: string) => (readdirSync(join(dir, name), { recursive: true }) as string[]).filter((f) => statSync(join(dir, name, f)).isFile()).sort();
    expect(files('pieced.ome.zarr')).toEqual(files('whole.ome.zarr'));
    for (const file of files('whole.ome.zarr')) expect(sameBytes(readFileSync(join(dir, 'pieced.ome.zarr', file)), readFileSync(join(dir, 'whole.ome.zarr', file))), file).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('is refused, with one message naming the work and the size, by work that needs one array', async () => {
    const { pieced } = await cpuFbp();
    expect(() => wholeVolume(pieced.volume, 'Scoring against the ground truth')).toThrow(/^Scoring against the ground truth needs the tomogram in one array, but this 70 × 10 × 6 tomogram \(16.4 KiB\) is held in 4 pieces/);
  });
});

function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) out.set(piece, (at += piece.length) - piece.length);
  return out;
}

function memoryStore(): StoreDirectory & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return { files, writeFile: async (path, bytes) => void files.set(path, bytes.slice()) };
}
