import { describe, expect, it } from 'vitest';
import { forwardProjectCpu } from '../reference/projector.ts';
import type { Volume } from '../types.ts';
import { measureSnrDb } from './noise.ts';
import { DEMO_DEFAULTS, simulateTiltSeries, type SimulationOptions } from './simulate.ts';
import { tiltRange } from './tiltScheme.ts';

const small: SimulationOptions = { phantom: 'cell', size: [40, 32, 16], tiltAngles: tiltRange(-60, 60, 10), snrDb: 3, seed: 4, pixelSize: 6.5 };

describe('simulateTiltSeries', () => {
  it('demo defaults follow the brief', () => {
    expect(DEMO_DEFAULTS).toMatchObject({ phantom: 'cell', size: [256, 256, 64], snrDb: 5, seed: 1, pixelSize: 8 });
    expect(DEMO_DEFAULTS.tiltAngles).toHaveLength(61);
  });

  it('projects the phantom, adds noise at the requested SNR, keeps pixel size and angles', async () => {
    const { groundTruth, tiltSeries, noiseFree } = await simulateTiltSeries(small);
    expect([groundTruth.nx, groundTruth.ny, groundTruth.nz, groundTruth.pixelSize]).toEqual([40, 32, 16, 6.5]);
    expect([tiltSeries.nx, tiltSeries.ny, tiltSeries.nTilts, tiltSeries.pixelSize]).toEqual([40, 32, 13, 6.5]);
    expect(tiltSeries.tiltAngles).toEqual(small.tiltAngles);
    expect(noiseFree.data).toEqual(forwardProjectCpu(groundTruth, small.tiltAngles).data);
    expect(Math.abs(measureSnrDb(noiseFree.data, tiltSeries.data) - 3)).toBeLessThan(0.2);
  });

  it('is deterministic; the noise stream is independent of the phantom stream', async () => {
    const a = await simulateTiltSeries(small);
    const b = await simulateTiltSeries(small);
    expect(b.tiltSeries.data).toEqual(a.tiltSeries.data);
    const c = await simulateTiltSeries({ ...small, snrDb: 10 });
    expect(c.groundTruth.data).toEqual(a.groundTruth.data); // the SNR does not change the specimen
    const d = await simulateTiltSeries({ ...small, seed: 5 });
    expect(d.groundTruth.data).not.toEqual(a.groundTruth.data);
  });

  it('without snrDb the series is noise-free (a separate copy)', async () => {
    const { tiltSeries, noiseFree } = await simulateTiltSeries({ ...small, snrDb: undefined });
    expect(tiltSeries.data).toEqual(noiseFree.data);
    expect(tiltSeries.data).not.toBe(noiseFree.data);
  });

  it('uses an injected (async) projector', async () => {
    let calls = 0;
    const project = async (v: Volume, angles: number[]) => {
      calls++;
      return forwardProjectCpu(v, angles);
    };
    const { noiseFree } = await simulateTiltSeries({ ...small, snrDb: undefined, pixelSize: undefined }, project);
    expect(calls).toBe(1);
    expect(noiseFree.pixelSize).toBe(0);
  });
});
