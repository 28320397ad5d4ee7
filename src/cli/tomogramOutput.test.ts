import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { downsampleVolume } from '../engine/volume.ts';
import { mrcPieces, writeMrc } from '../io/mrc.ts';
import { omeZarrPyramid, writeOmeZarr, zipDirectory } from '../io/omeZarr.ts';
import { wholeVolume } from '../io/piecedVolume.ts';
import type { Volume } from '../io/types.ts';
import { checkOutputs, isOmeZarrPath, writeTomogram } from './outputs.ts';

/** 70 × 50 × 40 (edge chunks cut along x; two pyramid levels), 2.5 Å voxels. */
function testTomogram(): Volume {
  const [nx, ny, nz] = [70, 50, 40];
  const data = Float32Array.from({ length: nx * ny * nz }, (_, i) => Math.cos(0.01 * i) * 100 + (i % 13));
  return { nx, ny, nz, data, pixelSize: 2.5 };
}

const labels = ['SIRT (20 iterations, 2 × 2 binning, 2.5 Å)', 'from test.mrc'];

/** Each test's folder lies in this one, removed at the end. */
const root = mkdtempSync(join(tmpdir(), 'wedgelab-outputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tomogram outputs', () => {
  it('name their format by the path: .zarr is OME-Zarr, anything else MRC', () => {
    expect(['t.ome.zarr', 'T.ZARR', 'dir/t.zarr/'].map(isOmeZarrPath)).toEqual([true, true, true]);
    expect(['t.mrc', 't.rec', 't.zarr.mrc'].map(isOmeZarrPath)).toEqual([false, false, false]);
  });

  it('stream MRC in pieces to exactly the bytes writeMrc builds', async () => {
    const dir = mkdtempSync(join(root, 'out-'));
    // More than one 4 MiB data piece: 1.25 Mi voxels.
    const large = { nx: 128, ny: 128, nz: 80, data: Float32Array.from({ length: 128 * 128 * 80 }, (_, i) => (i % 1001) - 500.5), pixelSize: 3.1 };
    for (const volume of [testTomogram(), large]) {
      expect([...mrcPieces(volume, { labels })].length).toBe(1 + Math.ceil(volume.data.length / (1 << 20)));
      const path = join(dir, `t${volume.nx}.mrc`);
      await writeTomogram(path, volume, labels);
      expect(Buffer.compare(readFileSync(path), Buffer.from(writeMrc(volume, { labels })))).toBe(0);
    }
    expect(readdirSync(dir).sort()).toEqual(['t128.mrc', 't70.mrc']); // no temporary file left
  });

  it('write an OME-Zarr folder atomically, replace one only with --force, and never take it for a plain folder', async () => {
    const dir = mkdtempSync(join(root, 'out-'));
    const path = join(dir, 'tomo.ome.zarr');
    await writeTomogram(path, testTomogram(), labels);
    expect(readdirSync(path).sort()).toEqual(['.zattrs', '.zgroup', '0', '1']);
    expect(readdirSync(join(path, '0', '0', '0')).sort()).toEqual(['0', '1']);
    await expect(checkOutputs([path], [], false)).rejects.toThrow(`${path} exists: add --force to replace it`);
    await expect(checkOutputs([path], [], true)).resolves.toBeUndefined();
    mkdirSync(join(dir, 'plain'));
    await expect(checkOutputs([join(dir, 'plain')], [], true)).rejects.toThrow('is a folder: name a file to write');
    writeFileSync(join(path, 'stale'), 'from an earlier run');
    await writeTomogram(path, testTomogram(), labels);
    expect(readdirSync(path)).not.toContain('stale');
    expect(readdirSync(dir).sort()).toEqual(['plain', 'tomo.ome.zarr']);
  });
});

// Cross-check with Debian's python3-zarr (zarr-python 2.x reads Zarr v2; OME-NGFF 0.4), when this machine has it.
const PYTHON = '/usr/bin/python3';
const zarrAvailable = spawnSync(PYTHON, ['-c', 'import zarr, numpy'], { encoding: 'utf8' }).status === 0;
const title = zarrAvailable
  ? 'python zarr reads the OME-Zarr export'
  : 'python zarr reads the OME-Zarr export (SKIPPED: /usr/bin/python3 cannot import zarr and numpy; apt install python3-zarr)';

/** Compares every voxel of every level (x fastest in our arrays = the last axis of zarr's [z, y, x]) and the metadata. */
const CHECK = `
import sys, json, numpy as np, zarr
store_path, kind, reference = sys.argv[1], sys.argv[2], sys.argv[3]
store = zarr.ZipStore(store_path, mode='r') if kind == 'zip' else zarr.DirectoryStore(store_path)
root = zarr.open_group(store, mode='r', path='tomo.ome.zarr' if kind == 'zip' else '')
ms = root.attrs['multiscales'][0]
out = {'version': ms['version'], 'axes': ms['axes'], 'levels': []}
for i, dataset in enumerate(ms['datasets']):
    a = root[dataset['path']]
    want = np.fromfile(f'{reference}.{i}', dtype='<f4').reshape(a.shape)
    out['levels'].append({'shape': list(a.shape), 'chunks': list(a.chunks), 'dtype': str(a.dtype),
                          'equal': bool(np.array_equal(a[...], want)), 'scale': dataset['coordinateTransformations'][0]['scale']})
print(json.dumps(out))
`;

describe.skipIf(!zarrAvailable)(title, () => {
  it('every voxel and the metadata of the folder and of the zip (zarr.ZipStore)', async () => {
    const dir = mkdtempSync(join(root, 'zarr-'));
    const tomogram = testTomogram();
    const levels = omeZarrPyramid(tomogram).map((_, level) => downsampleVolume(tomogram, 2 ** level));
    levels.forEach((level, i) => writeFileSync(join(dir, `reference.${i}`), wholeVolume(level, 'the reference').data));
    await writeTomogram(join(dir, 'tomo.ome.zarr'), tomogram, labels);
    const zip = zipDirectory('tomo.ome.zarr');
    await writeOmeZarr(zip, levels, labels.join('; '));
    writeFileSync(join(dir, 'tomo.ome.zarr.zip'), new Uint8Array(await zip.finish().arrayBuffer()));

    for (const [path, kind] of [['tomo.ome.zarr', 'dir'], ['tomo.ome.zarr.zip', 'zip']]) {
      const run = spawnSync(PYTHON, ['-c', CHECK, join(dir, path), kind, join(dir, 'reference')], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const read = JSON.parse(run.stdout);
      expect(read.version).toBe('0.4');
      expect(read.axes.map((a: { name: string; unit: string }) => `${a.name} ${a.unit}`)).toEqual(['z angstrom', 'y angstrom', 'x angstrom']);
      expect(read.levels).toEqual([
        { shape: [40, 50, 70], chunks: [64, 64, 64], dtype: 'float32', equal: true, scale: [2.5, 2.5, 2.5] },
        { shape: [20, 25, 35], chunks: [64, 64, 64], dtype: 'float32', equal: true, scale: [5, 5, 5] },
      ]);
    }
  });
});
