/**
 * End-to-end: an OME-Zarr tomogram with chunks large enough for the page's CPU pool (four 512 KiB Blosc chunks, 2 MiB
 * in all: src/engine/cpu/chunkDecoder.ts decodes batches from 1 MiB on the pool's threads, smaller ones in place) is
 * read voxel for voxel in the page: the demo's own ground truth, written by zarr-python, added beside its results.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openDemoPage } from './helpers.ts';

const WRITE_ZARR = `
import sys, numpy as np, zarr
path, raw, nx, ny, nz = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
data = np.fromfile(raw, dtype='<f4').reshape(nz, ny, nx)
group = zarr.open_group(path, mode='w')
group.create_dataset('0', data=data, chunks=(32, 64, 64))
axes = [dict(name=n, type='space', unit='nanometer') for n in 'zyx']
group.attrs['multiscales'] = [{'version': '0.4', 'axes': axes, 'datasets': [{'path': '0', 'coordinateTransformations': [{'type': 'scale', 'scale': [0.8, 0.8, 0.8]}]}]}]
`;

test("an OME-Zarr tomogram of 2 MiB of Blosc chunks (decoded on the page's CPU threads) is read voxel for voxel", async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const truth = await page.evaluate(() => window.wedgelab.results().find((r) => r.method === 'ground-truth')!);
  const section = (id: string, z: number) => page.evaluate(([id, z]) => window.wedgelab.slice(id, 'xy', z).then((s) => Array.from(s.data)), [id, z] as const);
  const sections = [];
  for (let z = 0; z < truth.nz; z++) sections.push(...(await section(truth.id, z)));
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-zarr-pool-'));
  writeFileSync(join(dir, 'volume.f32'), new Float32Array(sections));
  const run = spawnSync('/usr/bin/python3', ['-c', WRITE_ZARR, join(dir, 'demo_truth.zarr'), join(dir, 'volume.f32'), String(truth.nx), String(truth.ny), String(truth.nz)], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  await page.getByTestId('import-tomogram-zarr').setInputFiles(join(dir, 'demo_truth.zarr'));
  await expect.poll(async () => page.evaluate(() => window.wedgelab.results().map((r) => r.label))).toContain('demo_truth.zarr');
  const imported = await page.evaluate(() => window.wedgelab.results().find((r) => r.label === 'demo_truth.zarr')!);
  expect([imported.nx, imported.ny, imported.nz, imported.pixelSize]).toEqual([truth.nx, truth.ny, truth.nz, truth.pixelSize]);
  for (const z of [0, 13, truth.nz - 1]) expect(await section(imported.id, z)).toEqual(await section(truth.id, z));
  rmSync(dir, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
  await page.close();
});
