// FBP and SIRT with dose weighting (docs/metadata.md#dose-weighting), on Dawn: the option resolves from the
// tilt series' doses, names itself in the label, and reconstructs exactly what the same method reconstructs
// from the stack weighted on the CPU beforehand (on a hardware adapter the weighting runs on the GPU: the same to
// float32 precision).
import { gpuEngine } from '../../context.ts';
import { describe, expect, it } from 'vitest';
import { doseWeightTiltSeries } from '../../doseWeighting.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { CancelledError, type TiltSeries } from '../../types.ts';
import { doseWeightTiltSeriesGpu } from '../../doseWeightingGpu.ts';
import { UsageError, readDeclaredFlags } from '../flags.ts';
import { methodFlags, resolveRequest } from '../registry.ts';
import { binTiltSeries } from '../preprocess.ts';
import { reconstruct } from '../runners.ts';
import { FBP } from './base.ts';
import { SIRT } from '../sirt/base.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';

/** Seeded random tilts (a fixed linear congruential sequence), 3 Å pixels, 3 e/Å² per tilt in a dose-symmetric order. */
function dosedSeries(nx: number, ny: number): TiltSeries {
  const tiltAngles = [0, 15, -15, -30, 30, 45, -45];
  const nTilts = tiltAngles.length;
  let state = 12345;
  const data = Float32Array.from({ length: nx * ny * nTilts }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
  return { nx, ny, nTilts, data, tiltAngles, pixelSize: 3, accumulatedDose: tiltAngles.map((_, k) => 3 * k), exposureDose: new Array(nTilts).fill(3) };
}

/** The same tilts without their doses (what dose weighting leaves alone). */
function withoutDoses(ts: TiltSeries): TiltSeries {
  return { nx: ts.nx, ny: ts.ny, nTilts: ts.nTilts, data: ts.data, tiltAngles: ts.tiltAngles, pixelSize: ts.pixelSize };
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[i]))));
  return worst;
}

describe('dose weighting in FBP and SIRT', () => {
  const ts = dosedSeries(24, 4);

  it('is on by default exactly when the tilt series has doses and a pixel size, and the label says so', () => {
    expect(resolveRequest({ method: 'fbp', params: { thickness: 8 } }, ts)).toMatchObject({ params: { doseWeighting: true }, label: 'FBP (ram-lak, thickness 8, bin 1, dose-weighted)' });
    expect(resolveRequest({ method: 'fbp', params: { thickness: 8, doseWeighting: false } }, ts).label).toBe('FBP (ram-lak, thickness 8, bin 1)');
    expect(resolveRequest({ method: 'sirt', params: { thickness: 8 } }, ts).label).toBe('SIRT (20 it, λ 1, thickness 8, bin 1, dose-weighted)');
    // Without doses or without a pixel size the option does not apply, even when asked for.
    expect(FBP.defaults(withoutDoses(ts), { doseWeighting: true }).doseWeighting).toBeUndefined();
    const unknownPixel: TiltSeries = { ...ts, pixelSize: 0 };
    expect(SIRT.defaults(unknownPixel).doseWeighting).toBeUndefined();
    expect(resolveRequest({ method: 'fbp', params: { doseWeighting: true } }, withoutDoses(ts)).label).toBe('FBP (ram-lak, thickness 6, bin 1)');
    expect(FBP.defaults({ nx: 64 }).doseWeighting).toBeUndefined();
  });

  it('reads --dose-weighting and --no-dose-weighting, and refuses both at once', () => {
    for (const definition of [FBP, SIRT]) {
      expect(readDeclaredFlags(methodFlags(definition.name), { 'dose-weighting': true })).toMatchObject({ doseWeighting: true });
      expect(definition.readFlags?.({ 'no-dose-weighting': true })).toMatchObject({ doseWeighting: false });
      expect(() => definition.readFlags?.({ 'dose-weighting': true, 'no-dose-weighting': true })).toThrow(UsageError);
    }
  });

  it('FBP with dose weighting equals FBP of the CPU-weighted stack, after binning', async () => {
    const gpu = await openNodeGpu();
    for (const binning of [1, 2]) {
      const weighted = await reconstruct(gpuEngine(gpu), ts, { method: 'fbp', params: { thickness: 8, binning } });
      expect(weighted.label).toContain('dose-weighted');
      // The engine bins first (pixel size × binning), then weights: the same order here, by hand.
      const byHand = withoutDoses(doseWeightTiltSeries(binTiltSeries(ts, binning)));
      const reference = await reconstruct(gpuEngine(gpu), byHand, { method: 'fbp', params: { thickness: 8 } });
      expect(reference.label).not.toContain('dose-weighted');
      expect(maxDifference(wholeVolume(weighted.volume, 'FBP').data, wholeVolume(reference.volume, 'FBP').data)).toBeLessThan(1e-6);
      // And the weighting changed something: unweighted FBP differs.
      const plain = await reconstruct(gpuEngine(gpu), ts, { method: 'fbp', params: { thickness: 8, binning, doseWeighting: false } });
      expect(maxDifference(wholeVolume(weighted.volume, 'FBP').data, wholeVolume(plain.volume, 'FBP').data)).toBeGreaterThan(1e-3);
    }
  });

  it('SIRT with dose weighting equals SIRT of the CPU-weighted stack', async () => {
    const gpu = await openNodeGpu();
    const weighted = await reconstruct(gpuEngine(gpu), ts, { method: 'sirt', params: { thickness: 8, iterations: 3 } });
    const reference = await reconstruct(gpuEngine(gpu), withoutDoses(doseWeightTiltSeries(ts)), { method: 'sirt', params: { thickness: 8, iterations: 3 } });
    expect(weighted.label).toContain('dose-weighted');
    expect(maxDifference(wholeVolume(weighted.volume, 'FBP').data, wholeVolume(reference.volume, 'FBP').data)).toBeLessThan(1e-6);
  });

  it('on a hardware adapter the GPU weights the tilts: FBP and SIRT the same as from the CPU-weighted stack, to float32 precision; a cancel stops it', async () => {
    // SwiftShader presented as a hardware adapter, so that doseWeightOnDevice takes the GPU version.
    const gpu = { ...(await openNodeGpu()), isFallbackAdapter: false };
    const byHand = withoutDoses(doseWeightTiltSeries(ts));
    for (const request of [{ method: 'fbp', params: { thickness: 8 } }, { method: 'sirt', params: { thickness: 8, iterations: 3 } }] as const) {
      const weighted = wholeVolume((await reconstruct(gpuEngine(gpu), ts, request)).volume, request.method).data;
      const reference = wholeVolume((await reconstruct(gpuEngine(gpu), byHand, request)).volume, request.method).data;
      const largest = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(maxDifference(weighted, reference) / largest).toBeLessThan(1e-5);
      const plain = wholeVolume((await reconstruct(gpuEngine(gpu), withoutDoses(ts), request)).volume, request.method).data;
      expect(maxDifference(weighted, plain) / largest).toBeGreaterThan(1e-3);
    }
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(doseWeightTiltSeriesGpu(gpu, ts, { signal: cancelled.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
