// Tilts synthesised by reprojection against the CPU references: SIRT (reference/sirt.ts), then the projector.
import { gpuEngine } from '../../context.ts';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { forwardProjectCpu } from '../../reference/projector.ts';
import { sirtCpu } from '../../reference/sirt.ts';
import { Rng } from '../../sim/random.ts';
import { tiltRange } from '../../sim/tiltScheme.ts';
import { resolveOnTiltSeries, runTiltSynthesis } from '../runners.ts';
import { angleListText, parseAngleList } from './base.ts';

describe('reprojection (tilt synthesis)', () => {
  it('reads and writes angle lists, ± giving both signs', () => {
    expect(parseAngleList('±63, ±66,70, -72.5')).toEqual([63, -63, 66, -66, 70, -72.5]);
    expect(parseAngleList('+-5')).toEqual([5, -5]);
    expect(() => parseAngleList('63, sixty')).toThrow(/"sixty" is not an angle/);
    expect(angleListText([63, -63, 66, -66, 70, -72.5])).toBe('±63, ±66, 70, -72.5');
  });

  it('appends the projections of a SIRT tomogram at the new angles, the measured tilts unchanged', async () => {
    const gpu = await openNodeGpu();
    const rng = new Rng(11);
    const [nx, ny, nz] = [20, 5, 8];
    const truth = { nx, ny, nz, pixelSize: 3, data: Float32Array.from({ length: nx * ny * nz }, () => rng.uniform(0, 1)) };
    const ts = forwardProjectCpu(truth, tiltRange(-45, 45, 15));
    const request = { method: 'reproject' as const, params: { angles: [60, -60, 75], thickness: nz, iterations: 4 } };
    const out = await runTiltSynthesis(gpuEngine(gpu), ts, resolveOnTiltSeries<'tiltSynthesis'>(ts, request));
    expect(out.added).toBe(3);
    expect(out.label).toBe('Reprojection (±60, 75°, SIRT 4 it, thickness 8)');
    expect(out.tiltSeries.tiltAngles).toEqual([...ts.tiltAngles, 60, -60, 75]);
    expect(out.tiltSeries.data.subarray(0, ts.data.length)).toEqual(ts.data);
    const reference = forwardProjectCpu(sirtCpu(ts, nz, 4, 1, false).volume, [60, -60, 75]);
    expect(relativeError(out.tiltSeries.data.subarray(ts.data.length), reference.data)).toBeLessThan(1e-4);
  });

  it('refuses what it cannot do before any GPU work', () => {
    const ts = { nx: 8, ny: 2, nTilts: 3, data: new Float32Array(48), tiltAngles: [-30, 0, 30], pixelSize: 1 };
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'reproject' })).toThrow(/no tilt angles to add/);
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'reproject', params: { angles: [90] } })).toThrow(/tilt angle 90° to add/);
    expect(() => resolveOnTiltSeries<'tiltSynthesis'>(ts, { method: 'reproject', params: { angles: [60], iterations: 0 } })).toThrow(/at least 1 iteration/);
  });
});
