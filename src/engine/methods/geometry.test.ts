// Geometry of the whole pipeline on Dawn: FBP of full angular coverage returns the density it was
// projected from (docs/conventions.md#fbp-scale), and reprojecting it reproduces the data.
import { gpuEngine } from '../context.ts';
import { describe, expect, it } from 'vitest';
import { openNodeGpu } from '../gpu/node.ts';
import { centred } from '../geometry.ts';
import type { Volume } from '../types.ts';
import { reconstruct } from './runners.ts';
import { forwardProjectGpu } from './projection.ts';
import { wholeVolume } from '../../io/piecedVolume.ts';

/** A solid ball of density 1 with a one-voxel soft edge, off centre in x and z. */
function ball(n: number, ny: number, radius: number, cx: number, cz: number): Volume {
  const data = new Float32Array(n * ny * n);
  for (let z = 0; z < n; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < n; x++) {
        const r = Math.hypot(centred(x, n) - cx, centred(y, ny), centred(z, n) - cz);
        data[x + n * (y + ny * z)] = Math.min(1, Math.max(0, radius + 0.5 - r));
      }
  return { nx: n, ny, nz: n, data, pixelSize: 1 };
}

const fullCoverage = Array.from({ length: 180 }, (_, k) => -89.5 + k);

describe('FBP scale and consistency with full coverage', () => {
  it('recovers the density of a ball and reproduces its projections', async () => {
    const gpu = await openNodeGpu();
    const truth = ball(48, 3, 10, 5, -4);
    const tilts = await forwardProjectGpu(gpu, truth, fullCoverage);
    const volume = wholeVolume((await reconstruct(gpuEngine(gpu), tilts, { method: 'fbp', params: { thickness: 48, filter: { name: 'ram-lak' } } })).volume, 'FBP');
    // Inside the ball, away from its edge, the density is 1.
    let inside = 0;
    let count = 0;
    for (let z = 0; z < 48; z++)
      for (let x = 0; x < 48; x++) {
        if (Math.hypot(centred(x, 48) - 5, centred(z, 48) + 4) < 6) {
          inside += volume.data[x + 48 * (1 + 3 * z)];
          count++;
        }
      }
    expect(inside / count).toBeCloseTo(1, 1);
    expect(Math.abs(inside / count - 1)).toBeLessThan(0.03);
    // Reprojection reproduces the data it came from.
    const reprojected = await forwardProjectGpu(gpu, volume, fullCoverage);
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < tilts.data.length; i++) {
      diff += (reprojected.data[i] - tilts.data[i]) ** 2;
      norm += tilts.data[i] ** 2;
    }
    expect(Math.sqrt(diff / norm)).toBeLessThan(0.05);
  });

  it('moves a feature at +x, +z to u = x·cos θ + z·sin θ', async () => {
    const gpu = await openNodeGpu();
    const truth = ball(40, 1, 2, 8, 6);
    const tilts = await forwardProjectGpu(gpu, truth, [30]);
    let peak = 0;
    for (let i = 1; i < 40; i++) if (tilts.data[i] > tilts.data[peak]) peak = i;
    const expected = 8 * Math.cos(Math.PI / 6) + 6 * Math.sin(Math.PI / 6);
    expect(Math.abs(centred(peak, 40) - expected)).toBeLessThanOrEqual(1);
  });
});
