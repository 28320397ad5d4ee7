import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import * as zarr from 'zarrita';
import { downsampleVolume } from '../engine/volume.ts';
import { omeZarrPyramid, writeOmeZarr, zipDirectory, type StoreDirectory } from './omeZarr.ts';
import type { Volume } from './types.ts';
import { wholeVolume } from './piecedVolume.ts';

/** 70 × 50 × 40: chunks cut at the far edge along x (70 = 64 + 6); the pyramid has two levels. */
function testTomogram(pixelSize: number): Volume {
  const [nx, ny, nz] = [70, 50, 40];
  const data = Float32Array.from({ length: nx * ny * nz }, (_, i) => {
    const [x, y, z] = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
    return Math.sin(0.3 * x) + 0.01 * y * y - 0.5 * z + (i % 7) * 0.125;
  });
  return { nx, ny, nz, data, pixelSize };
}

function pyramidOf(volume: Volume): Volume[] {
  return omeZarrPyramid(volume).map((_, level) => wholeVolume(downsampleVolume(volume, 2 ** level), 'a level'));
}

function memoryDirectory(): StoreDirectory & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return { files, writeFile: async (path, bytes) => void files.set(path, bytes.slice()) };
}

/** The files as a read-only zarrita store (keys '/path'). */
function storeOf(files: Map<string, Uint8Array>): Map<`/${string}`, Uint8Array> {
  return new Map([...files].map(([path, bytes]) => [`/${path}` as const, bytes]));
}

/** Every voxel of level `level` read back with zarrita, as x fastest, z slowest (the tomogram's own order). */
async function readLevel(store: Map<`/${string}`, Uint8Array>, level: number): Promise<{ shape: number[]; chunks: number[]; data: Float32Array }> {
  const array = await zarr.open.v2(zarr.root(store).resolve(String(level)), { kind: 'array' });
  if (!array.is('float32')) throw new Error(`level ${level} is ${array.dtype}`);
  const all = await zarr.get(array, null);
  return { shape: array.shape, chunks: array.chunks, data: all.data as Float32Array };
}

describe('OME-Zarr export', () => {
  it('halves the grid, rounding up, until the volume fits one 64³ chunk', () => {
    expect(omeZarrPyramid({ nx: 70, ny: 50, nz: 40 })).toEqual([{ nx: 70, ny: 50, nz: 40 }, { nx: 35, ny: 25, nz: 20 }]);
    expect(omeZarrPyramid({ nx: 64, ny: 64, nz: 64 })).toHaveLength(1);
    expect(omeZarrPyramid({ nx: 300, ny: 129, nz: 5 }).map((l) => [l.nx, l.ny, l.nz])).toEqual([[300, 129, 5], [150, 65, 3], [75, 33, 2], [38, 17, 1]]);
  });

  it('writes every voxel of every level, readable with zarrita as Zarr v2 arrays in 64³ chunks', async () => {
    const tomogram = testTomogram(2.5);
    const levels = pyramidOf(tomogram);
    const directory = memoryDirectory();
    await writeOmeZarr(directory, levels, 'FBP (ramp), from test.mrc');
    const store = storeOf(directory.files);
    for (const [level, volume] of levels.entries()) {
      const read = await readLevel(store, level);
      expect(read.shape).toEqual([volume.nz, volume.ny, volume.nx]);
      expect(read.chunks).toEqual([64, 64, 64]);
      expect(read.data).toEqual(volume.data); // bit for bit: float32 in and out
    }
    // Level 1 voxel (0, 0, 0) is the mean of the 2 × 2 × 2 level-0 voxels it covers.
    const { data, nx, ny } = tomogram;
    const box = [0, 1].flatMap((z) => [0, 1].flatMap((y) => [0, 1].map((x) => data[x + nx * (y + ny * z)])));
    expect(levels[1].data[0]).toBeCloseTo(box.reduce((a, b) => a + b) / 8, 5);
    // Chunk keys are 'z/y/x' (dimension_separator '/'): level 0 has 1 × 1 × 2 chunks, the x edge chunk included.
    const chunkKeys = [...directory.files.keys()].filter((k) => /^0\/\d/.test(k)).sort();
    expect(chunkKeys).toEqual(['0/0/0/0', '0/0/0/1']);
    expect(directory.files.get('0/0/0/1')!.length).toBe(4 * 64 ** 3); // edge chunks are stored whole, as Zarr v2 requires
  });

  it('describes the image as OME-NGFF 0.4: axes z, y, x in Å, scale and translation per level', async () => {
    const directory = memoryDirectory();
    await writeOmeZarr(directory, pyramidOf(testTomogram(2.5)), 'SIRT, 2 × 2 binning, 2.5 Å');
    // ASCII only (zarr-python 2 refuses anything else), the label's symbols escaped.
    expect(directory.files.get('.zattrs')!.every((byte) => byte < 0x80)).toBe(true);
    const read = (path: string) => JSON.parse(new TextDecoder().decode(directory.files.get(path)));
    expect(read('.zgroup')).toEqual({ zarr_format: 2 });
    const [multiscale] = read('.zattrs').multiscales;
    expect(multiscale.version).toBe('0.4');
    expect(multiscale.name).toBe('SIRT, 2 × 2 binning, 2.5 Å');
    expect(multiscale.axes).toEqual(['z', 'y', 'x'].map((name) => ({ name, type: 'space', unit: 'angstrom' })));
    expect(multiscale.datasets).toEqual([
      { path: '0', coordinateTransformations: [{ type: 'scale', scale: [2.5, 2.5, 2.5] }] },
      { path: '1', coordinateTransformations: [{ type: 'scale', scale: [5, 5, 5] }, { type: 'translation', translation: [1.25, 1.25, 1.25] }] },
    ]);
    expect(read('1/.zarray')).toMatchObject({ zarr_format: 2, shape: [20, 25, 35], chunks: [64, 64, 64], dtype: '<f4', compressor: null, dimension_separator: '/' });
  });

  it('leaves the axes unitless, in voxels, when the pixel size is unknown', async () => {
    const directory = memoryDirectory();
    await writeOmeZarr(directory, pyramidOf(testTomogram(0)), 'unknown pixel size');
    const [multiscale] = JSON.parse(new TextDecoder().decode(directory.files.get('.zattrs'))).multiscales;
    expect(multiscale.axes[0]).toEqual({ name: 'z', type: 'space' });
    expect(multiscale.datasets[1].coordinateTransformations).toEqual([{ type: 'scale', scale: [2, 2, 2] }, { type: 'translation', translation: [0.5, 0.5, 0.5] }]);
  });

  it('zips the store under its folder name, entries stored, and reads back identically', async () => {
    const tomogram = testTomogram(1.7);
    const levels = pyramidOf(tomogram);
    const zip = zipDirectory('tomogram.ome.zarr');
    await writeOmeZarr(zip, levels, 'zipped');
    const entries = unzipSync(new Uint8Array(await zip.finish().arrayBuffer()));
    const files = new Map(Object.entries(entries).map(([path, bytes]) => [path.replace(/^tomogram\.ome\.zarr\//, ''), bytes]));
    expect([...files.keys()].every((path) => !path.startsWith('tomogram'))).toBe(true);
    expect((await readLevel(storeOf(files), 0)).data).toEqual(tomogram.data);
    expect((await readLevel(storeOf(files), 1)).data).toEqual(levels[1].data);
  });

  it('refuses a pyramid that does not match the volume, naming the level', async () => {
    const tomogram = testTomogram(1);
    await expect(writeOmeZarr(memoryDirectory(), [tomogram], 'x')).rejects.toThrow('a 70 × 50 × 40 volume needs 2 pyramid levels, got 1');
    const wrong = { ...tomogram, nx: 36, ny: 25, nz: 20, data: new Float32Array(36 * 25 * 20) };
    await expect(writeOmeZarr(memoryDirectory(), [tomogram, wrong], 'x')).rejects.toThrow('pyramid level 1 is 36 × 25 × 20 (18000 values), expected 35 × 25 × 20');
  });
});
