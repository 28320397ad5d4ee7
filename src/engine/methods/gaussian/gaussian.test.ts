// Gaussian smoothing against the full 3-D convolution and, where Debian's python3-scipy is there, against
// scipy.ndimage.gaussian_filter itself; and as a refinement through the registry.
import { gpuEngine } from '../../context.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { gaussianSmoothCpu } from '../../reference/gaussian.ts';
import { Rng } from '../../sim/random.ts';
import { CancelledError, type Volume } from '../../types.ts';
import { planPieces, tomogramOf, volumePieces, wholeVolume } from '../../../io/piecedVolume.ts';
import { resolveRefinement, runRefinement } from '../runners.ts';
import { slabVolume } from '../slabs.ts';
import { gaussianKernel, gaussianSmooth, gaussianSmoothTomogram } from './run.ts';

const PYTHON = '/usr/bin/python3';
const hasScipy = spawnSync(PYTHON, ['-c', 'import scipy.ndimage'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wedgelab-gaussian-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomVolume(nx: number, ny: number, nz: number, seed: number): Volume {
  const rng = new Rng(seed);
  return { nx, ny, nz, pixelSize: 2, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal(1, 2)) };
}

describe('Gaussian smoothing', () => {
  it('has scipy\'s kernel: radius ⌊4σ + 0.5⌋, unit sum', () => {
    expect(gaussianKernel(1)).toHaveLength(9);
    expect(gaussianKernel(2.4)).toHaveLength(21);
    expect(gaussianKernel(0.3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('matches the full 3-D convolution on random volumes, edges included', () => {
    const cases: [number, number, number, number][] = [
      [0.7, 9, 7, 5],
      [1.3, 6, 11, 8],
    ];
    for (const [sigma, nx, ny, nz] of cases) {
      const volume = randomVolume(nx, ny, nz, 4);
      const separable = gaussianSmooth(volume, sigma);
      expect(relativeError(separable.data, gaussianSmoothCpu(volume, sigma).data)).toBeLessThan(1e-6);
      expect(volume.data).toEqual(randomVolume(nx, ny, nz, 4).data); // the input is left as it was
    }
  });

  it.skipIf(!hasScipy)('matches scipy.ndimage.gaussian_filter (mode nearest)', () => {
    const volume = randomVolume(13, 10, 7, 9);
    const input = join(dir, 'in.f32');
    const output = join(dir, 'out.f32');
    writeFileSync(input, new Uint8Array(volume.data.buffer));
    const script = `import numpy as np, sys
from scipy.ndimage import gaussian_filter
v = np.fromfile(sys.argv[1], dtype='<f4').reshape(7, 10, 13).astype(np.float64)
gaussian_filter(v, 1.6, mode='nearest', truncate=4.0).astype('<f4').tofile(sys.argv[2])`;
    const run = spawnSync(PYTHON, ['-c', script, input, output], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const bytes = readFileSync(output);
    const scipy = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    expect(relativeError(gaussianSmooth(volume, 1.6).data, scipy)).toBeLessThan(1e-6);
  });

  it('smooths a tomogram in pieces piece by piece: the one-array voxels exactly, in pieces of the requested size', async () => {
    const volume = randomVolume(9, 23, 5, 6);
    const rows = (n: number) => n * 9 * 5 * 4;
    // σ 1.3: radius 5 rows, more than a piece of 3 rows, so a piece's halo spans several pieces.
    const one = gaussianSmooth(volume, 1.3);
    const pieced = tomogramOf(planPieces(9, 23, 5, rows(3)).map((range) => ({ ...volume, ny: range.ny, data: slabVolume(volume, range) })));
    const out = gaussianSmoothTomogram(pieced, 1.3, { pieceBytes: rows(4) });
    expect(volumePieces(out).map((p) => p.volume.ny)).toEqual([4, 4, 4, 4, 4, 3]);
    for (const { y0, volume: piece } of volumePieces(out)) expect(piece.data).toEqual(slabVolume(one, { y0, ny: piece.ny }));
    // Through the registry, the result in pieces as its options ask.
    const gpu = await openNodeGpu();
    const resolved = resolveRefinement(pieced, { method: 'gaussian', params: { sigma: 1.3 } });
    const refined = await runRefinement(gpuEngine(gpu), pieced, 'FBP', resolved, { pieceBytes: rows(10) });
    expect(volumePieces(refined.volume).map(({ volume: piece }) => piece.data)).toEqual([0, 10, 20].map((y0) => slabVolume(one, { y0, ny: Math.min(10, 23 - y0) })));
  });

  it('refines a tomogram through the registry, named after both, and stops when cancelled', async () => {
    const gpu = await openNodeGpu();
    const tomogram = randomVolume(12, 10, 6, 2);
    const resolved = resolveRefinement(tomogram, { method: 'gaussian', params: { sigma: 2 } });
    const out = await runRefinement(gpuEngine(gpu), tomogram, 'FBP (cosine, thickness 6, bin 1)', resolved);
    expect(out.label).toBe('Gaussian smoothing (σ 2 voxels) ← FBP (cosine, thickness 6, bin 1)');
    expect(out.params).toEqual({ sigma: 2 });
    expect(out.volume.pixelSize).toBe(2);
    expect(relativeError(wholeVolume(out.volume, 'test').data, gaussianSmoothCpu(tomogram, 2).data)).toBeLessThan(1e-6);
    expect(() => resolveRefinement(tomogram, { method: 'gaussian', params: { sigma: 0 } })).toThrow(/σ must be in \(0, 32\] voxels/);
    const controller = new AbortController();
    controller.abort();
    await expect(runRefinement(gpuEngine(gpu), tomogram, 'x', resolved, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
