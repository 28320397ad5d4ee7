import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { downsampleVolume } from '../engine/volume.ts';
import { omeZarrPyramid, writeOmeZarr } from './omeZarr.ts';
import { readOmeZarrVolume } from './omeZarrRead.ts';
import type { ZarrFiles } from './zarrFolder.ts';
import { fileOrderRuns, isPieced, type Tomogram } from './piecedVolume.ts';
import type { Volume } from './types.ts';

/** 70 × 50 × 40, every voxel different: chunks cut at the far edges. */
function testTomogram(pixelSize: number): Volume {
  const [nx, ny, nz] = [70, 50, 40];
  const data = Float32Array.from({ length: nx * ny * nz }, (_, i) => Math.sin(0.3 * (i % nx)) + 0.01 * i - (i % 7) * 0.125);
  return { nx, ny, nz, data, pixelSize };
}

/** The voxels in file order, joined from the pieces. */
const voxels = (tomogram: Tomogram) => Float32Array.from([...fileOrderRuns(tomogram)].flatMap((run) => Array.from(run)));

const inMemory = (name: string, files: Map<string, Uint8Array>): ZarrFiles => ({ name, read: async (path) => files.get(path) });
const onDisk = (dir: string): ZarrFiles => ({
  name: dir,
  read: async (path) => {
    try {
      return new Uint8Array(readFileSync(join(dir, path)));
    } catch {
      return undefined;
    }
  },
});

describe('reading OME-Zarr', () => {
  it("reads WedgeLab's own export back, voxel for voxel, as one array or in pieces of rows", async () => {
    const tomogram = testTomogram(2.5);
    const files = new Map<string, Uint8Array>();
    const levels = omeZarrPyramid(tomogram).map((_, level) => downsampleVolume(tomogram, 2 ** level));
    await writeOmeZarr({ writeFile: async (path, bytes) => void files.set(path, bytes.slice()) }, levels, 'test');
    const one = await readOmeZarrVolume(inMemory('tomo.ome.zarr', files));
    expect(one.volume).toEqual(tomogram);
    expect(one.warnings).toEqual(['the finest of its 2 levels ("0") is read']);
    const progress: { fraction: number; bytesRead: number }[] = [];
    const pieced = await readOmeZarrVolume(inMemory('tomo.ome.zarr', files), { pieceBytes: 4 * 70 * 40 * 12, onProgress: (p) => progress.push(p) });
    expect(isPieced(pieced.volume) && pieced.volume.pieces.map((p) => p.ny)).toEqual([12, 12, 12, 12, 2]);
    expect(voxels(pieced.volume)).toEqual(tomogram.data);
    expect(pieced.volume.pixelSize).toBe(2.5);
    // Each band of rows reads its two 64³ chunks (x 0–63 and 64–69; 1 MiB each, stored raw): the bar moves half its
    // rows at the first, the rest at the second, and stays there when the band is done.
    const bands = [[0, 12], [12, 12], [24, 12], [36, 12], [48, 2]];
    expect(progress.map((p) => p.fraction)).toEqual(bands.flatMap(([y0, rows]) => [y0 + rows / 2, y0 + rows, y0 + rows].map((y) => y / 50)));
    expect(progress.map((p) => p.bytesRead / 2 ** 20)).toEqual([1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9, 10, 10]);
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(readOmeZarrVolume(inMemory('tomo.ome.zarr', files), { signal: controller.signal })).rejects.toThrow('cancelled');
  });

  it('reads OME-NGFF 0.5 on Zarr v3 (its metadata under "ome", chunks keyed c/z/y/x), its voxel size in nm', async () => {
    const tomogram = testTomogram(0);
    const store = new Map<string, Uint8Array>();
    const root = zarr.root(store as unknown as zarr.Mutable);
    const axes = ['z', 'y', 'x'].map((name) => ({ name, type: 'space', unit: 'nanometer' }));
    await zarr.create(root, { attributes: { ome: { version: '0.5', multiscales: [{ axes, datasets: [{ path: 's0', coordinateTransformations: [{ type: 'scale', scale: [0.25, 0.25, 0.25] }] }] }] } } });
    const array = await zarr.create(root.resolve('s0'), { shape: [40, 50, 70], chunkShape: [16, 16, 32], dtype: 'float32' });
    await zarr.set(array, null, { data: tomogram.data, shape: [40, 50, 70], stride: [50 * 70, 70, 1] });
    const files = new Map([...store].map(([key, bytes]) => [key.slice(1), bytes]));
    expect([...files.keys()]).toContain('s0/c/0/0/0');
    const read = await readOmeZarrVolume(inMemory('v3.zarr', files));
    expect(read.warnings).toEqual([]);
    expect(read.volume).toEqual({ ...tomogram, pixelSize: 2.5 });
  });

  it('refuses, naming the folder, what is not one OME-Zarr volume', async () => {
    const json = (value: object) => new TextEncoder().encode(JSON.stringify(value));
    const group = (attrs: object) => new Map([['.zgroup', json({ zarr_format: 2 })], ['.zattrs', json(attrs)]]);
    await expect(readOmeZarrVolume(inMemory('empty.zarr', new Map()))).rejects.toThrow('empty.zarr: not a Zarr folder');
    await expect(readOmeZarrVolume(inMemory('plain.zarr', group({ name: 'x' })))).rejects.toThrow('plain.zarr: a Zarr group without OME-NGFF multiscales metadata');
    const files = group({ multiscales: [{ axes: ['x', 'y', 'z'], datasets: [{ path: '0' }] }] });
    files.set('0/.zarray', json({ zarr_format: 2, shape: [2, 3, 4], chunks: [2, 3, 4], dtype: '<f4', compressor: null, fill_value: 0, order: 'C', filters: null }));
    await expect(readOmeZarrVolume(inMemory('xyz.zarr', files))).rejects.toThrow('xyz.zarr: its axes are x, y, z: WedgeLab reads z, y, x last');
    files.set('.zattrs', json({ multiscales: [{ axes: ['c', 'z', 'y', 'x'], datasets: [{ path: '0' }] }] }));
    files.set('0/.zarray', json({ zarr_format: 2, shape: [2, 2, 3, 4], chunks: [1, 2, 3, 4], dtype: '<f4', compressor: null, fill_value: 0, order: 'C', filters: null }));
    await expect(readOmeZarrVolume(inMemory('channels.zarr', files))).rejects.toThrow('channels.zarr: its array is 2 × 2 × 3 × 4: WedgeLab reads one 3-D volume');
  });

  it('reads a bare Zarr array (no OME-NGFF metadata) at an unknown voxel size, and a chunk never written as the fill value', async () => {
    const json = (value: object) => new TextEncoder().encode(JSON.stringify(value));
    const values = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i - 5.5);
    const files = new Map([
      ['.zarray', json({ zarr_format: 2, shape: [4, 3, 4], chunks: [2, 3, 4], dtype: '<f4', compressor: null, fill_value: 7, order: 'C', filters: null })],
      ['0.0.0', new Uint8Array(values.buffer)],
    ]);
    const read = await readOmeZarrVolume(inMemory('bare.zarr', files));
    expect(read.warnings).toEqual(['a bare Zarr array, without OME-NGFF metadata: the voxel size is unknown']);
    expect([read.volume.nx, read.volume.ny, read.volume.nz, read.volume.pixelSize]).toEqual([4, 3, 4, 0]);
    expect(voxels(read.volume)).toEqual(Float32Array.from([...values, ...new Array(24).fill(7)]));
  });
});

// Written by Debian's python3-zarr (zarr-python 2, numcodecs): compressed chunks as the cryoET Data Portal's and
// mrc2omezarr's (Blosc with LZ4, the default), and others, with each file's values beside it as raw float32.
const PYTHON = '/usr/bin/python3';
const zarrAvailable = spawnSync(PYTHON, ['-c', 'import zarr, numcodecs, numpy'], { encoding: 'utf8' }).status === 0;
const WRITE = `
import sys, numpy as np, zarr, numcodecs
out = sys.argv[1]
rng = np.random.default_rng(3)
z, y, x = 23, 37, 29
cases = {
  'blosc-lz4-float32': (np.float32, numcodecs.Blosc(cname='lz4', clevel=5, shuffle=numcodecs.Blosc.SHUFFLE), 'angstrom', 13.48, None),
  'blosc-zstd-int16': (np.int16, numcodecs.Blosc(cname='zstd', shuffle=numcodecs.Blosc.BITSHUFFLE), 'nanometer', 1.2, None),
  'gzip-uint8-channel': (np.uint8, numcodecs.GZip(level=1), 'angstrom', 8.0, 'c'),
  'zstd-float64-v03': (np.float64, numcodecs.Zstd(level=3), None, 1.0, 'v0.3'),
}
for name, (dtype, compressor, unit, size, extra) in cases.items():
    values = rng.normal(100, 30, (z, y, x))
    data = values.astype(dtype) if dtype != np.uint8 else np.clip(values, 0, 255).astype(dtype)
    group = zarr.open_group(f'{out}/{name}.zarr', mode='w')
    shape = (1, z, y, x) if extra == 'c' else (z, y, x)
    group.create_dataset('s0', data=data.reshape(shape), chunks=(1, 8, 16, 16) if extra == 'c' else (8, 16, 16), compressor=compressor)
    group.create_dataset('s1', data=data[::2, ::2, ::2], chunks=(8, 8, 8))
    names = ['c', 'z', 'y', 'x'] if extra == 'c' else ['z', 'y', 'x']
    axes = names if extra == 'v0.3' else [dict(name=n, type='channel' if n == 'c' else 'space', **({'unit': unit} if unit and n != 'c' else {})) for n in names]
    scale = ([1.0] if extra == 'c' else []) + [size, size, size]
    group.attrs['multiscales'] = [{'version': '0.3' if extra == 'v0.3' else '0.4', 'axes': axes, 'datasets': [
        {'path': 's0', 'coordinateTransformations': [{'type': 'scale', 'scale': scale}]},
        {'path': 's1', 'coordinateTransformations': [{'type': 'scale', 'scale': [2 * s for s in scale]}]}]}]
    data.astype('<f4').tofile(f'{out}/{name}.f32')
`;

describe.skipIf(!zarrAvailable)('reading OME-Zarr written by zarr-python (numcodecs: Blosc LZ4 and Zstandard, gzip, Zstandard)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-zarr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every voxel, its voxel size in Å, a channel axis of size 1, OME-NGFF 0.3 axes', async () => {
    const run = spawnSync(PYTHON, ['-c', WRITE, dir], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const cases: [string, number, string[]][] = [
      ['blosc-lz4-float32', 13.48, []],
      ['blosc-zstd-int16', 12, []],
      ['gzip-uint8-channel', 8, []],
      ['zstd-float64-v03', 0, ['its axes give no length unit (angstrom, nanometer or micrometer): the voxel size is unknown']],
    ];
    for (const [name, pixelSize, warnings] of cases) {
      const read = await readOmeZarrVolume(onDisk(join(dir, `${name}.zarr`)), { pieceBytes: 4 * 29 * 23 * 10 });
      const expected = new Float32Array(readFileSync(join(dir, `${name}.f32`)).buffer.slice(0));
      expect([read.volume.nx, read.volume.ny, read.volume.nz], name).toEqual([29, 37, 23]);
      expect(read.volume.pixelSize, name).toBeCloseTo(pixelSize, 10);
      expect(voxels(read.volume), name).toEqual(expected);
      expect(read.warnings, name).toEqual(['the finest of its 2 levels ("s0") is read', ...warnings]);
    }
  });
});
