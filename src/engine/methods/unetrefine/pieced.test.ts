// A tomogram held in pieces (io/piecedVolume.ts) refined on both paths: the same voxels as the same tomogram in
// one array, value for value, with the slabs' boundaries off the pieces' ones, and the result in pieces too. The
// stand-in model (kernelChecks.ts) depends on a voxel's place in its cube, so a cube cut from wrong rows would show.
import { describe, expect, it } from 'vitest';
import { relativeError, standInRefineModel } from '../../checks/kernelChecks.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { Rng } from '../../sim/random.ts';
import type { Volume } from '../../types.ts';
import { fileOrderRuns, isPieced, volumePieces, wholeVolume, type Tomogram } from '../../../io/piecedVolume.ts';
import { meanStd, stackMeanStd } from '../preprocess.ts';
import { slabVolume } from '../slabs.ts';
import { planCubes, planRefineSlabs } from './cubes.ts';
import { refineOnGpu, refineWithModel } from './run.ts';
import { inPieces } from '../../piecedFixture.ts';

const [NX, NY, NZ] = [37, 29, 11];
const PARAMS = { model: 'stand-in', cube: 12, overlap: 3, batchSize: 2 };
const rowsBytes = (rows: number) => rows * NX * NZ * 4;
/** Cubes along y start at 0, 9, 17: slabs of at most 14 input rows end at rows 9 and 17, inside pieces of 4 or 20 rows. */
const SLAB_ROWS = 14;

function offsetVolume(): Volume {
  const rng = new Rng(11);
  return { nx: NX, ny: NY, nz: NZ, pixelSize: 3, data: Float32Array.from({ length: NX * NY * NZ }, () => 2 + 3 * rng.normal()) };
}

/** The pieces of `tomogram` hold the voxels of `one` (one array), value for value. */
function expectSameVoxels(tomogram: Tomogram, one: Tomogram): void {
  const whole = wholeVolume(one, 'test');
  for (const { y0, volume } of volumePieces(tomogram)) expect(volume.data, `rows from ${y0}`).toEqual(slabVolume(whole, { y0, ny: volume.ny }));
}

describe('U-Net refinement of a tomogram held in pieces', () => {
  const volume = offsetVolume();
  const pieced = inPieces(volume, 4);

  it('has slab boundaries inside pieces, not on their boundaries', () => {
    const slabs = planRefineSlabs(planCubes(volume, PARAMS.cube, PARAMS.overlap), NY, SLAB_ROWS);
    expect(slabs.map((s) => s.output.y0)).toEqual([0, 9, 17]);
    expect(volumePieces(pieced).map((p) => p.y0)).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
  });

  it('normalises by the mean and std of all pieces, the same float64 sums as one array', () => {
    expect(meanStd([...fileOrderRuns(pieced)])).toEqual(stackMeanStd(volume));
  });

  it('CPU path: the same voxels as one array, in pieces of the requested size', async () => {
    const one = await refineWithModel(standInRefineModel, volume, PARAMS, 'test', { pieceBytes: Infinity });
    expect(isPieced(one.volume)).toBe(false);
    expect(one.slabs).toBe(1);
    // The reference itself: voxel 0 lies in one cube only, at its first voxel, where the stand-in adds nothing.
    const { mean, std } = stackMeanStd(volume);
    const first = (volume.data[0] - mean) / std;
    expect(wholeVolume(one.volume, 'test').data[0]).toBeCloseTo((Math.tanh(first) + 0.5 * first) * std + mean, 5);
    // A slab holds at most one piece's rows of input (5 here: the smallest slab, one row of cubes, each time).
    const byPieces = await refineWithModel(standInRefineModel, pieced, PARAMS, 'test', { pieceBytes: rowsBytes(5) });
    expect(byPieces.slabs).toBe(3);
    expect(volumePieces(byPieces.volume).map((p) => p.volume.ny)).toEqual([5, 5, 5, 5, 5, 4]);
    expect(byPieces.volume.pixelSize).toBe(3);
    expectSameVoxels(byPieces.volume, one.volume);
    // Pieces of 20 rows, slabs of at most 14 input rows.
    const bySlabRows = await refineWithModel(standInRefineModel, pieced, PARAMS, 'test', { pieceBytes: rowsBytes(20), slabRows: SLAB_ROWS });
    expect(bySlabRows.slabs).toBe(3);
    expect(volumePieces(bySlabRows.volume).map((p) => p.volume.ny)).toEqual([20, 9]);
    expectSameVoxels(bySlabRows.volume, one.volume);
  });

  it('GPU path (Dawn): the same voxels as one array, in pieces, and as the CPU path', async () => {
    const gpu = await openNodeGpu();
    const one = await refineOnGpu(gpu, standInRefineModel, volume, PARAMS, 'test', { pieceBytes: Infinity, slabRows: SLAB_ROWS });
    const run = await refineOnGpu(gpu, standInRefineModel, pieced, PARAMS, 'test', { pieceBytes: rowsBytes(4), slabRows: SLAB_ROWS });
    expect([one.slabs, run.slabs]).toEqual([3, 3]);
    expect(volumePieces(run.volume)).toHaveLength(8);
    expectSameVoxels(run.volume, one.volume);
    const cpu = await refineWithModel(standInRefineModel, volume, PARAMS, 'test');
    expect(relativeError(wholeVolume(one.volume, 'test').data, wholeVolume(cpu.volume, 'test').data)).toBeLessThan(1e-5);
  });
});
