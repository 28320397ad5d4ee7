/**
 * A raw stack dropped with its IMOD .xf comes out of the loader and alignLoadedTiltSeries as the aligned stack:
 * raw sections made by shifting an aligned stack by whole (even) pixels, so bilinear resampling is exact, at
 * load binning 1 and 2.
 */
import { gpuEngine } from '../context.ts';
import { describe, expect, it } from 'vitest';
import { formatTlt } from '../../io/angles.ts';
import { writeMrc } from '../../io/mrc.ts';
import { readTiltSeriesFiles } from '../../io/tiltSeriesFiles.ts';
import { binTiltSeries } from '../methods/preprocess.ts';
import { openNodeGpu } from '../gpu/node.ts';
import { alignLoadedTiltSeries } from './loaded.ts';

const [nx, ny, nz] = [48, 40, 5];
const tiltAngles = [-40, -20, 0, 20, 40];
/** Whole-pixel shifts (DX, DY) of each raw section, even so that they stay whole at bin 2. */
const shifts = [[4, -2], [0, 6], [-8, 2], [2, 0], [6, 4]];
const scene = (x: number, y: number, k: number): number => Math.sin(0.37 * x + 0.11 * k) * Math.cos(0.23 * y) + 0.01 * x;

/** The aligned section k at pixel (i, j), and the raw one: aligned = raw shifted by (DX, DY), so raw(p) = aligned(p + D). */
function stacks(): { aligned: Float32Array; raw: Float32Array } {
  const aligned = new Float32Array(nx * ny * nz);
  const raw = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        aligned[(k * ny + j) * nx + i] = scene(i, j, k);
        raw[(k * ny + j) * nx + i] = scene(i + shifts[k][0], j + shifts[k][1], k);
      }
  return { aligned, raw };
}

const blob = (text: string | Uint8Array) => new Blob([typeof text === 'string' ? text : new Uint8Array(text)]);

describe('alignLoadedTiltSeries', () => {
  it.each([1, 2])('a raw stack with its .xf (bin %i at load) equals the aligned stack away from the filled edges', async (bin) => {
    const gpu = await openNodeGpu();
    const { aligned, raw } = stacks();
    const xf = shifts.map(([dx, dy]) => `1 0 0 1 ${dx} ${dy}`).join('\n');
    const loaded = await readTiltSeriesFiles(
      [
        { name: 'ts.st', blob: blob(writeMrc({ nx, ny, nz, data: raw, pixelSize: 3 }, { stack: true })) },
        { name: 'ts.tlt', blob: blob(formatTlt(tiltAngles)) },
        { name: 'ts.xf', blob: blob(xf) },
      ],
      { bin },
    );
    const ts = await alignLoadedTiltSeries(gpuEngine(gpu), loaded);
    const expected = binTiltSeries({ nx, ny, nTilts: nz, data: aligned, tiltAngles, pixelSize: 3 }, bin);
    expect([ts.nx, ts.ny, ts.nTilts, ts.pixelSize]).toEqual([expected.nx, expected.ny, nz, 3 * bin]);
    // Pixels whose raw sample lies inside the raw image (8 px margin covers every shift).
    const margin = 8 / bin;
    let worst = 0;
    for (let k = 0; k < nz; k++)
      for (let j = margin; j < ts.ny - margin; j++)
        for (let i = margin; i < ts.nx - margin; i++) {
          const at = (k * ts.ny + j) * ts.nx + i;
          worst = Math.max(worst, Math.abs(ts.data[at] - expected.data[at]));
        }
    expect(worst).toBeLessThan(1e-5);
  });
});
