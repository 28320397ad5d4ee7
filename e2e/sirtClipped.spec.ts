/**
 * End-to-end (#20 item 1): SIRT in the page on a stack whose specimen goes on beyond the tomogram, as every
 * real stack's does. The tomogram's border voxels stay within the interior's range, the empty layers above and
 * below the specimen have no stripes (flat column means), and the residual falls at every iteration for λ ≤ 1.
 * (The same checks on the kernels against the CPU reference: src/engine/methods/sirt/sirt.test.ts.)
 */
import { expect, test, type Page } from '@playwright/test';
import { clippedTiltSeries, columnMeans, region, std } from '../src/engine/methods/sirt/clippedFixture.ts';
import { readMrc, writeMrc } from '../src/io/mrc.ts';
import { exportedMrc, shareDemoPage } from './helpers.ts';
import { writeTlt } from './fixtures.ts';

let page: Page;
const NZ = 32;
const SPECIMEN_NZ = 16;

const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

test('SIRT of a specimen wider than the field of view: no bright borders, no stripes, a falling residual', async () => {
  const ts = clippedTiltSeries('varied', SPECIMEN_NZ);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'clipped.mrc', mimeType: 'application/octet-stream', buffer: Buffer.from(writeMrc({ nx: ts.nx, ny: ts.ny, nz: ts.nTilts, data: ts.data, pixelSize: 4 }, { stack: true })) },
    { name: 'clipped.tlt', mimeType: 'text/plain', buffer: writeTlt(ts.tiltAngles) },
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('clipped.mrc');
  const runs = await page.evaluate(async (thickness) => {
    const out: { id: string; residuals: number[] }[] = [];
    for (const relaxation of [1, 0.5]) {
      const id = await window.wedgelab.run({ method: 'sirt', params: { thickness, iterations: 12, relaxation, subtractMean: false } });
      const summary = window.wedgelab.results().find((r) => r.id === id)!;
      out.push({ id, residuals: summary.residuals ?? [] });
    }
    return out;
  }, NZ);
  for (const { residuals } of runs) {
    expect(residuals).toHaveLength(12);
    for (let i = 1; i < residuals.length; i++) expect(residuals[i]).toBeLessThanOrEqual(residuals[i - 1] * (1 + 1e-6));
  }
  const { header, data } = readMrc(await exportedMrc(page, runs[0].id));
  const volume = { nx: header.nx, ny: header.ny, nz: header.nz, data };
  const interior = region(volume, 8, volume.nx - 8, 0, NZ);
  const [lo, hi] = [Math.min(...interior), Math.max(...interior)];
  const margin = 0.25 * (hi - lo);
  for (const [x0, x1] of [[0, 4], [volume.nx - 4, volume.nx]]) {
    const border = region(volume, x0, x1, 0, NZ);
    expect(Math.min(...border)).toBeGreaterThan(lo - margin);
    expect(Math.max(...border)).toBeLessThan(hi + margin);
  }
  const specimen = std(region(volume, 8, volume.nx - 8, (NZ - SPECIMEN_NZ) / 2, (NZ + SPECIMEN_NZ) / 2));
  for (const [z0, z1] of [[0, 4], [NZ - 4, NZ]]) expect(std(columnMeans(volume, z0, z1))).toBeLessThan(0.1 * specimen);
  expect(pageErrors).toEqual([]);
});
