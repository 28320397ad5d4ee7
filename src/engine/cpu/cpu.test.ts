/**
 * The CPU path's kernels and its FBP and SIRT against the plain references (reference/*.ts) on seeded random
 * inputs, on the caller's thread and on two worker threads: the same numbers to float tolerance.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError } from '../checks/kernelChecks.ts';
import { cpuEngine } from '../context.ts';
import { reconstruct } from '../methods/runners.ts';
import { fbpCpu, filterRowsCpu } from '../reference/filter.ts';
import { backProjectCpu, forwardProjectCpu } from '../reference/projector.ts';
import { sirtCpu } from '../reference/sirt.ts';
import { filterResponse, paddedLength } from '../filters.ts';
import { Rng } from '../sim/random.ts';
import { CancelledError, type TiltSeries, type Volume } from '../types.ts';
import { nodePool } from './nodePool.ts';
import { callerPool, type CpuPool } from './pool.ts';
import { backProjectTiltsOnPool, filterTiltsOnPool, forwardProjectOnPool } from './projection.ts';
import { doseWeightOnPool } from './doseWeighting.ts';
import { doseWeightTiltSeries } from '../doseWeighting.ts';
import { wholeVolume } from '../../io/piecedVolume.ts';

const NX = 37;
const NY = 7;
const NZ = 13;
// Uneven, unsorted, and steep enough that rays leave the row at both ends.
const ANGLES = [-72, -51.5, -30, -12, 0, 7.5, 33, 58, 70.25];

function random(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

const tiltSeries = (): TiltSeries => ({ nx: NX, ny: NY, nTilts: ANGLES.length, data: random(NX * NY * ANGLES.length, 1), tiltAngles: ANGLES, pixelSize: 2 });
const tomogram = (): Volume => ({ nx: NX, ny: NY, nz: NZ, data: random(NX * NY * NZ, 2), pixelSize: 2 });

/** tiltSeries() with doses: 9 e/Å² a tilt, so that the 2 Å pixels' Nyquist keeps 0.6 % in the last tilt. */
const dosedSeries = (): TiltSeries => ({ ...tiltSeries(), accumulatedDose: ANGLES.map((_, k) => 9 * k), exposureDose: ANGLES.map(() => 9) });

const threads = nodePool(2);
afterAll(() => threads.close());

describe.each<[string, () => CpuPool]>([
  ['the caller thread', callerPool],
  ['two worker threads', () => threads],
])('CPU path on %s', (_name, pool) => {
  it('back-projects as the reference', async () => {
    const ts = tiltSeries();
    const out = await backProjectTiltsOnPool(pool(), ts, NZ);
    expect(relativeError(out.data, backProjectCpu(ts, NZ).data)).toBeLessThan(1e-5);
    const inverted = await backProjectTiltsOnPool(pool(), ts, NZ, { invertAngles: true });
    expect(relativeError(inverted.data, backProjectCpu(ts, NZ, true).data)).toBeLessThan(1e-5);
  });

  it('forward-projects as the reference, the exact adjoint of its back-projection', async () => {
    const volume = tomogram();
    const out = await forwardProjectOnPool(pool(), volume, ANGLES);
    expect(out.data.some((v) => v !== 0)).toBe(true);
    expect(relativeError(out.data, forwardProjectCpu(volume, ANGLES).data)).toBeLessThan(1e-5);
    // ⟨Ax, y⟩ = ⟨x, Aᵀy⟩
    const ts = tiltSeries();
    const back = await backProjectTiltsOnPool(pool(), ts, NZ);
    let left = 0;
    let right = 0;
    for (let i = 0; i < ts.data.length; i++) left += out.data[i] * ts.data[i];
    for (let i = 0; i < volume.data.length; i++) right += volume.data[i] * back.data[i];
    expect(Math.abs(left - right) / Math.abs(right)).toBeLessThan(1e-5);
  });

  it('filters rows as the reference (an odd number of rows: one row has no partner)', async () => {
    const ts = { ...tiltSeries(), ny: 3, nTilts: 3, data: random(NX * 9, 3) };
    const response = filterResponse({ name: 'shepp-logan' }, paddedLength(NX));
    const out = await filterTiltsOnPool(pool(), ts, response);
    expect(relativeError(out, filterRowsCpu(ts.data, 9, NX, response))).toBeLessThan(1e-5);
  });

  it('reconstructs FBP as the reference, through reconstruct()', async () => {
    const ts = tiltSeries();
    const out = await reconstruct(cpuEngine(pool()), ts, { method: 'fbp', params: { thickness: NZ, filter: { name: 'hann' }, subtractMean: false, doseWeighting: false } });
    expect(out.volume).toMatchObject({ nx: NX, ny: NY, nz: NZ, pixelSize: 2 });
    expect(relativeError(wholeVolume(out.volume, 'FBP').data, fbpCpu(ts, { name: 'hann' }, NZ).data)).toBeLessThan(1e-5);
  });

  it('reconstructs SIRT as the reference, residuals included', async () => {
    const ts = { ...tiltSeries(), data: (await forwardProjectOnPool(pool(), tomogram(), ANGLES)).data };
    const params = { thickness: NZ, iterations: 5, relaxation: 0.9, positivity: true, subtractMean: false, doseWeighting: false };
    const out = await reconstruct(cpuEngine(pool()), ts, { method: 'sirt', params });
    const expected = sirtCpu(ts, NZ, 5, 0.9, true);
    expect(relativeError(wholeVolume(out.volume, 'SIRT').data, expected.volume.data)).toBeLessThan(1e-4);
    expect(out.residuals).toHaveLength(5);
    out.residuals!.forEach((r, i) => expect(r).toBeCloseTo(expected.residuals[i], 5));
    const textbook = await reconstruct(cpuEngine(pool()), ts, { method: 'sirt', params: { ...params, textbookWeights: true } });
    expect(relativeError(wholeVolume(textbook.volume, 'SIRT').data, sirtCpu(ts, NZ, 5, 0.9, true, true).volume.data)).toBeLessThan(1e-4);
  });

  it('dose weights as doseWeighting.ts (9 tilts: parts of odd length), and FBP with it as FBP of the weighted stack', async () => {
    const ts = dosedSeries();
    const expected = doseWeightTiltSeries(ts);
    expect(relativeError((await doseWeightOnPool(pool(), ts)).data, expected.data)).toBeLessThan(1e-6);
    expect(relativeError(expected.data, ts.data)).toBeGreaterThan(0.1);
    const weighted = await reconstruct(cpuEngine(pool()), ts, { method: 'fbp', params: { thickness: NZ } });
    expect(weighted.label).toContain('dose-weighted');
    const byHand = await reconstruct(cpuEngine(pool()), { ...expected, accumulatedDose: undefined, exposureDose: undefined }, { method: 'fbp', params: { thickness: NZ } });
    expect(relativeError(wholeVolume(weighted.volume, 'FBP').data, wholeVolume(byHand.volume, 'FBP').data)).toBeLessThan(1e-5);
  });

  it('stops at a cancel', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(reconstruct(cpuEngine(pool()), tiltSeries(), { method: 'fbp', params: { thickness: NZ } }, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    await expect(doseWeightOnPool(pool(), dosedSeries(), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
