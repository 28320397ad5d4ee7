// The FSC over half spectra in pieces on the pool (spectrumPasses.ts) against the one-array FSC (metrics/fsc.ts):
// the same curves, directional ones included, for even and odd sizes (even ones have Nyquist planes that are their
// own mirrors), in one array and in pieces, on the caller's thread and on two worker threads. The radial filter is
// tested through CTF deconvolution (methods/deconv/deconv.test.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { fsc } from '../metrics/fsc.ts';
import { Rng } from '../sim/random.ts';
import { CancelledError, type Volume } from '../types.ts';
import { nodePool } from './nodePool.ts';
import { callerPool, type CpuPool } from './pool.ts';
import { fscOfTomograms } from './spectrumPasses.ts';
import { inPieces } from '../piecedFixture.ts';

const threads = nodePool(2);
afterAll(() => threads.close());

/** Two volumes sharing a smooth signal, each with its own noise and a mean of its own. */
function pair(nx: number, ny: number, nz: number, seed: number): [Volume, Volume] {
  const rng = new Rng(seed);
  const n = nx * ny * nz;
  const signal = Float32Array.from({ length: n }, () => rng.normal());
  // A little smoothing along x so that the curves fall with frequency.
  const smooth = signal.map((v, i) => (i % nx > 0 ? 0.5 * (v + signal[i - 1]) : v));
  const volume = (mean: number): Volume => ({ nx, ny, nz, pixelSize: 2, data: Float32Array.from(smooth, (v) => mean + v + 0.7 * rng.normal()) });
  return [volume(3), volume(-1)];
}

describe.each<[string, () => CpuPool]>([
  ['the caller thread', callerPool],
  ['two worker threads', () => threads],
])('FSC over half spectra in pieces, on %s', (_name, pool) => {
  // −85° … 80°: the cone's edges reach the Nyquist planes of even sizes, where a coefficient's mirror (−kx, kz = −½)
  // lies on the other side of the cone from it (kx, −½): the mirror must be counted in its own region.
  const tilted = [-57, -42, -27, -12, 3, 18, 33, 48];
  const wide = [-85, -60, -30, 0, 30, 60, 80];
  it.each([
    [16, 12, 10, tilted],
    [15, 13, 9, tilted],
    [20, 9, 14, tilted],
    [12, 10, 16, wide],
  ])('equals the one-array FSC for %i × %i × %i, directional curves and counts included', async (nx, ny, nz, angles) => {
    const [a, b] = pair(nx, ny, nz, nx + ny + nz);
    const expected = fsc(a, b, angles);
    const got = await fscOfTomograms(inPieces(a, 4), inPieces(b, 5), angles, pool(), { pieceBytes: 3 * nx * nz * 4 });
    expect(got.counts).toEqual(expected.counts);
    expect(got.countsMissing).toEqual(expected.countsMissing);
    expect(got.countsWedge).toEqual(expected.countsWedge);
    for (const curve of ['fsc', 'fscMeasured', 'fscMissing', 'fscWedge', 'fscWedgeMissing'] as const) {
      const [x, y] = [got[curve] as number[], expected[curve] as number[]];
      expect(Math.max(...x.map((v, r) => Math.abs(v - y[r]))), curve).toBeLessThan(1e-5);
    }
    const whole = await fscOfTomograms(a, b, undefined, pool());
    expect(whole.fscMissing).toBeUndefined();
    expect(Math.max(...whole.fsc.map((v, r) => Math.abs(v - expected.fsc[r])))).toBeLessThan(1e-5);
  });

  it('stops at a cancel', async () => {
    const [a, b] = pair(8, 8, 8, 1);
    const controller = new AbortController();
    controller.abort();
    await expect(fscOfTomograms(a, b, undefined, pool(), { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
