/**
 * The WebAssembly SIMD projector pair (wasmProjector.ts, wasm/projector.wat) against the plain reference
 * (reference/projector.ts) on seeded random tilts and tomograms: widths that are not whole groups of 4 voxels, thin and thick
 * sections, tilts at ±90° and steep ones whose rays leave the row at both ends, inverted angles, and a depth slab's volume
 * whose middle lies above or below the tomogram's (zCentre; the TypeScript loop too).
 */
import { describe, expect, it } from 'vitest';
import { relativeError } from '../checks/kernelChecks.ts';
import { backProjectCpu, forwardProjectCpu } from '../reference/projector.ts';
import { Rng } from '../sim/random.ts';
import type { TiltSeries } from '../types.ts';
import { rowGeometry } from './projection.ts';
import { backProjectRow, forwardProjectRow } from './projector.ts';
import { backProjectRowWasm, forwardProjectRowWasm } from './wasmProjector.ts';

const ANGLES = [-90, -72, -51.5, -30, -12, 0, 7.5, 33, 58, 70.25, 89.5, 90];

function tiltSeries(nx: number, ny: number, seed: number): TiltSeries {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: nx * ny * ANGLES.length }, () => rng.uniform(-1, 1));
  return { nx, ny, nTilts: ANGLES.length, data, tiltAngles: ANGLES, pixelSize: 1 };
}

/** nx, ny, nz, inverted angles, zCentre (a depth slab's: its middle above or below the tomogram's, far enough to need a wider pad). */
const CASES: [number, number, number, boolean, number][] = [
  [37, 5, 13, false, 0],
  [64, 3, 8, true, 0],
  [30, 4, 1, false, 0],
  [130, 2, 71, true, 0],
  [41, 3, 6, false, 17.5],
  [50, 2, 9, true, -22],
];

describe('back-projection in WebAssembly SIMD', () => {
  it.each(CASES)('nx %i, ny %i, nz %i (inverted angles: %s, zCentre %f): the reference to float tolerance', (nx, ny, nz, invert, zCentre) => {
    const ts = tiltSeries(nx, ny, nx + nz);
    const g = { ...rowGeometry(nx, nz, ts.tiltAngles, invert), zCentre };
    const volume = new Float32Array(nx * ny * nz);
    for (let y = 0; y < ny; y++) backProjectRowWasm(g, ts.data, ny, y, volume, ny, y, 1);
    expect(relativeError(volume, backProjectCpu(ts, nz, invert, zCentre).data)).toBeLessThan(1e-5);
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

describe('forward projection in WebAssembly SIMD', () => {
  it.each(CASES)('nx %i, ny %i, nz %i (inverted angles: %s, zCentre %f): the reference to float tolerance', (nx, ny, nz, invert, zCentre) => {
    const rng = new Rng(nx * nz);
    const volume = { nx, ny, nz, data: Float32Array.from({ length: nx * ny * nz }, () => rng.uniform(-1, 1)), pixelSize: 1 };
    const g = { ...rowGeometry(nx, nz, ANGLES, invert), zCentre };
    // Added into what the tilts hold, rows out of order.
    const start = Float32Array.from({ length: nx * ny * ANGLES.length }, (_, i) => Math.cos(i));
    const tilts = start.slice();
    for (let y = ny - 1; y >= 0; y--) forwardProjectRowWasm(g, volume.data, ny, y, tilts, ny, y);
    const reference = forwardProjectCpu(volume, ANGLES, invert, zCentre).data;
    expect(relativeError(tilts, start.map((v, i) => v + reference[i]))).toBeLessThan(1e-5);
  });
});

describe('the TypeScript loop (where WebAssembly lacks SIMD)', () => {
  it.each(CASES.filter((c) => c[4] !== 0))('nx %i, ny %i, nz %i (inverted angles: %s, zCentre %f): the reference both ways', (nx, ny, nz, invert, zCentre) => {
    const ts = tiltSeries(nx, ny, nx + nz);
    const g = { ...rowGeometry(nx, nz, ts.tiltAngles, invert), zCentre };
    const volume = new Float32Array(nx * ny * nz);
    for (let y = 0; y < ny; y++) backProjectRow(g, ts.data, ny, y, volume, ny, y, 1);
    expect(relativeError(volume, backProjectCpu(ts, nz, invert, zCentre).data)).toBeLessThan(1e-5);
    const tilts = new Float32Array(ts.data.length);
    for (let y = 0; y < ny; y++) forwardProjectRow(g, volume, ny, y, tilts, ny, y);
    expect(relativeError(tilts, forwardProjectCpu({ nx, ny, nz, data: volume, pixelSize: 1 }, ANGLES, invert, zCentre).data)).toBeLessThan(1e-5);
  });
});
