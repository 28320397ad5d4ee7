/**
 * The WebAssembly SIMD back-projection (wasmProjector.ts, wasm/backproject.wat) against the plain reference
 * (reference/projector.ts) on seeded random tilts: widths that are not whole groups of 4 voxels, thin and thick
 * sections, tilts at ±90° and steep ones whose rays leave the row at both ends, and inverted angles.
 */
import { describe, expect, it } from 'vitest';
import { relativeError } from '../checks/kernelChecks.ts';
import { backProjectCpu } from '../reference/projector.ts';
import { Rng } from '../sim/random.ts';
import type { TiltSeries } from '../types.ts';
import { rowGeometry } from './projection.ts';
import { backProjectRowWasm } from './wasmProjector.ts';

const ANGLES = [-90, -72, -51.5, -30, -12, 0, 7.5, 33, 58, 70.25, 89.5, 90];

function tiltSeries(nx: number, ny: number, seed: number): TiltSeries {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: nx * ny * ANGLES.length }, () => rng.uniform(-1, 1));
  return { nx, ny, nTilts: ANGLES.length, data, tiltAngles: ANGLES, pixelSize: 1 };
}

describe('back-projection in WebAssembly SIMD', () => {
  it.each([
    [37, 5, 13, false],
    [64, 3, 8, true],
    [30, 4, 1, false],
    [130, 2, 71, true],
  ])('nx %i, ny %i, nz %i (inverted angles: %s): the reference to float tolerance', (nx, ny, nz, invert) => {
    const ts = tiltSeries(nx, ny, nx + nz);
    const g = rowGeometry(nx, nz, ts.tiltAngles, invert);
    const volume = new Float32Array(nx * ny * nz);
    for (let y = 0; y < ny; y++) backProjectRowWasm(g, ts.data, ny, y, volume, ny, y, 1);
    expect(relativeError(volume, backProjectCpu(ts, nz, invert).data)).toBeLessThan(1e-5);
  });

  it('adds weight × the back-projection into what the volume holds, row by row of a larger array', () => {
    const [nx, ny, nz, weight] = [21, 6, 9, 0.37];
    const ts = tiltSeries(nx, ny, 5);
    const g = rowGeometry(nx, nz, ts.tiltAngles);
    const start = Float32Array.from({ length: nx * ny * nz }, (_, i) => Math.sin(i));
    const volume = start.slice();
    // Rows out of order, each into the same row of the volume.
    for (const y of [3, 0, 5, 1, 4, 2]) backProjectRowWasm(g, ts.data, ny, y, volume, ny, y, weight);
    const reference = backProjectCpu(ts, nz).data;
    expect(relativeError(volume, start.map((v, i) => v + weight * reference[i]))).toBeLessThan(1e-5);
  });
});
