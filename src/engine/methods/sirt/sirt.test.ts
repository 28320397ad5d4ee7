// SIRT on a stack whose specimen goes on beyond the reconstructed region, as every real stack's does: the GPU
// method against the CPU reference, and the properties a usable reconstruction of such a stack has.
import { describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { sirtCpu } from '../../reference/sirt.ts';
import { forwardProjectCpu } from '../../reference/projector.ts';
import { makePhantom } from '../../sim/phantoms.ts';
import { tiltRange } from '../../sim/tiltScheme.ts';
import { SIRT } from './base.ts';
import { reconstructSirt } from './run.ts';
import { wholeVolume } from '../../../io/piecedVolume.ts';
import { CLIPPED_NX, CLIPPED_NY, clippedTiltSeries, columnMeans, region, std } from './clippedFixture.ts';

const [NX, NY, NZ] = [CLIPPED_NX, CLIPPED_NY, 32];

describe('SIRT on a specimen wider than the field of view', () => {
  it('matches the CPU reference, keeps border voxels in the interior range, and its residual falls every iteration', async () => {
    const gpu = await openNodeGpu();
    const ts = clippedTiltSeries('blobs', NZ);
    const params = SIRT.defaults(ts, { thickness: NZ, iterations: 12, relaxation: 1 });
    const { volume: pieced, residuals } = await reconstructSirt(gpu, ts, params);
    const volume = wholeVolume(pieced, 'SIRT');
    const reference = sirtCpu(ts, NZ, 12, 1, false);
    expect(relativeError(volume.data, reference.volume.data)).toBeLessThan(1e-4);
    for (let i = 1; i < residuals.length; i++) expect(residuals[i]).toBeLessThanOrEqual(residuals[i - 1] * (1 + 1e-6));

    const interior = region(volume, 8, NX - 8, 0, NZ);
    const [lo, hi] = [Math.min(...interior), Math.max(...interior)];
    const margin = 0.25 * (hi - lo);
    for (const [x0, x1] of [[0, 4], [NX - 4, NX]]) {
      const border = region(volume, x0, x1, 0, NZ);
      expect(Math.min(...border)).toBeGreaterThan(lo - margin);
      expect(Math.max(...border)).toBeLessThan(hi + margin);
    }
  });

  it('leaves no stripes in the empty layers above and below the specimen', () => {
    const specimenNz = 16;
    const { volume } = sirtCpu(clippedTiltSeries('varied', specimenNz), NZ, 12, 1, false);
    const specimen = std(region(volume, 8, NX - 8, (NZ - specimenNz) / 2, (NZ + specimenNz) / 2));
    for (const [z0, z1] of [[0, 4], [NZ - 4, NZ]]) expect(std(columnMeans(volume, z0, z1))).toBeLessThan(0.1 * specimen);
  });

  it('converges for λ < 1 too, the residual never rising', () => {
    const ts = clippedTiltSeries('blobs', NZ);
    for (const relaxation of [0.3, 0.7]) {
      const { residuals } = sirtCpu(ts, NZ, 8, relaxation, false);
      for (let i = 1; i < residuals.length; i++) expect(residuals[i]).toBeLessThanOrEqual(residuals[i - 1] * (1 + 1e-6));
    }
  });

  it('gives textbook SIRT on request, the GPU agreeing with the reference', async () => {
    const gpu = await openNodeGpu();
    const truth = makePhantom('blobs', NX, NY, NZ, 7, 4);
    const ts = forwardProjectCpu(truth, tiltRange(-60, 60, 3));
    const params = SIRT.defaults(ts, { thickness: NZ, iterations: 6, relaxation: 1, textbookWeights: true });
    const volume = wholeVolume((await reconstructSirt(gpu, ts, params)).volume, 'SIRT');
    expect(relativeError(volume.data, sirtCpu(ts, NZ, 6, 1, false, true).volume.data)).toBeLessThan(1e-4);
    expect(SIRT.paramText(params)).toContain('textbook weights');
  });
});
