/**
 * End-to-end: a result exported from the viewer's buttons as MRC and as OME-Zarr (docs/export.md), both ways the
 * page writes them. With the File System Access pickers (headless Chromium cannot show them, so they are pointed at
 * the origin-private file system, which hands out the same FileSystemDirectoryHandle/FileSystemFileHandle kinds):
 * the MRC is written in pieces into the picked file, the OME-Zarr folder chunk by chunk into the picked folder.
 * Without them (Firefox, Safari): a download of the MRC, and of the OME-Zarr folder as a zip. Every file is read
 * back here: the MRC byte for byte against the worker's writeMrc, the OME-Zarr with zarrita, every voxel of level
 * 0 against the MRC's and the metadata against its pixel size.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import * as zarr from 'zarrita';
import { readMrc } from '../src/io/mrc.ts';
import { exportedMrc, shareDemoPage } from './helpers.ts';

let page: Page;
let resultId: string;
/** The result as the worker's writeMrc builds it (window.wedgelab.exportMrc). */
let reference: Uint8Array;

const pageErrors = shareDemoPage(async (opened) => {
  page = opened;
  resultId = await page.evaluate(() => window.wedgelab.run({ method: 'fbp', params: { binning: 1, thickness: 8 } }));
  reference = await exportedMrc(page, resultId);
});

/**
 * The folder of the origin-private file system the pickers are pointed at: beside, not over, the page's own saved
 * session (docs/reliability.md), which the test neither wipes nor reads back.
 */
const PICKED = 'picked-by-the-test';

/**
 * Every file under the picked folder, by '/'-separated path: its bytes in base64 (a number array of the 5 MiB of
 * chunks took 40 s to pass out of the page), or (`sizesOnly`) just its size, which is quick to poll. A file gone
 * by the time it is read is left out.
 */
async function walkPicked(sizesOnly: boolean): Promise<[string, string | number][]> {
  return page.evaluate(
    async ({ picked, sizesOnly }) => {
      const base64 = (bytes: Uint8Array): string => {
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      const out: [string, string | number][] = [];
      const walk = async (folder: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
        for await (const [name, handle] of (folder as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
          if (handle.kind === 'directory') {
            await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
            continue;
          }
          // A writer's swap file (Chromium keeps one beside a file while it is written) can vanish between the
          // listing and this read: the walk polls while the export writes, so such an entry is skipped.
          const file = await (handle as FileSystemFileHandle).getFile().catch((error: DOMException) => {
            if (error.name === 'NotFoundError') return undefined;
            throw error;
          });
          if (!file) continue;
          out.push([`${prefix}${name}`, sizesOnly ? file.size : base64(new Uint8Array(await file.arrayBuffer()))]);
        }
      };
      await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(picked, { create: true }), '');
      return out;
    },
    { picked: PICKED, sizesOnly },
  );
}

async function privateFiles(): Promise<Map<string, Uint8Array>> {
  return new Map((await walkPicked(false)).map(([path, bytes]) => [path, new Uint8Array(Buffer.from(bytes as string, 'base64'))]));
}

/** The size of the last file (in path order) under the picked folder whose path passes `match`; -1 if none. */
async function privateFileSize(match: (path: string) => boolean): Promise<number> {
  const sizes = (await walkPicked(true)).filter(([path]) => match(path)).sort(([a], [b]) => a.localeCompare(b));
  return sizes.length ? (sizes[sizes.length - 1][1] as number) : -1;
}

/** Check an OME-Zarr store (its files by path inside the store) against the MRC export of the same result. */
async function expectOmeZarrMatchesMrc(files: Map<string, Uint8Array>): Promise<void> {
  const mrc = readMrc(reference);
  const { nx, ny, nz } = mrc.header;
  const store = new Map([...files].map(([path, bytes]) => [`/${path}` as const, bytes]));
  const attrs = JSON.parse(new TextDecoder().decode(files.get('.zattrs')));
  const [multiscale] = attrs.multiscales;
  expect(multiscale.version).toBe('0.4');
  expect(multiscale.axes.map((a: { name: string }) => a.name)).toEqual(['z', 'y', 'x']);
  const pixelSize = mrc.pixelSize[0];
  expect(multiscale.datasets[0].coordinateTransformations[0].scale[0]).toBeCloseTo(pixelSize > 0 ? pixelSize : 1, 4);
  const level0 = await zarr.open.v2(zarr.root(store).resolve('0'), { kind: 'array' });
  expect(level0.shape).toEqual([nz, ny, nx]);
  expect(level0.chunks).toEqual([64, 64, 64]);
  const voxels = (await zarr.get(level0, null)).data as Float32Array;
  expect(voxels).toEqual(mrc.data);
  // A 128 × 128 × 8 tomogram: level 1 is its 2 × 2 × 2 mean, 64 × 64 × 4, which fits one chunk, so the pyramid ends there.
  expect([nx, ny, nz]).toEqual([128, 128, 8]);
  expect(multiscale.datasets.map((d: { path: string }) => d.path)).toEqual(['0', '1']);
  const level1 = await zarr.open.v2(zarr.root(store).resolve('1'), { kind: 'array' });
  const means = (await zarr.get(level1, null)).data as Float32Array;
  expect(level1.shape).toEqual([4, 64, 64]);
  const at = (x: number, y: number, z: number) => mrc.data[x + nx * (y + ny * z)];
  for (const [x, y, z] of [[0, 0, 0], [17, 40, 1], [63, 63, 3]]) {
    const box = [0, 1].flatMap((dz) => [0, 1].flatMap((dy) => [0, 1].map((dx) => at(2 * x + dx, 2 * y + dy, 2 * z + dz))));
    expect(means[x + 64 * (y + 64 * z)]).toBeCloseTo(box.reduce((a, b) => a + b) / 8, 4);
  }
}

test('with the File System Access pickers: MRC streamed into the picked file, OME-Zarr into a new folder in the picked one', async () => {
  await page.evaluate(async (picked) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(picked, { create: true });
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) await root.removeEntry(name, { recursive: true });
    Object.assign(window, {
      showSaveFilePicker: async ({ suggestedName }: { suggestedName: string }) => root.getFileHandle(suggestedName, { create: true }),
      showDirectoryPicker: async () => root,
    });
  }, PICKED);
  await page.getByTestId('export-mrc').click();
  // A picked file exists (empty) from the moment it is picked; the written one replaces it when closed.
  await expect.poll(() => privateFileSize((name) => name.endsWith('.mrc'))).toBe(reference.length);
  await page.getByTestId('export-ome-zarr').click();
  // The last file written is the one chunk of the coarsest level (level 1 for this 128 × 128 × 8 tomogram).
  await expect.poll(() => privateFileSize((name) => /\.ome\.zarr\/1\/0\/0\/0$/.test(name))).toBe(4 * 64 ** 3);

  const files = await privateFiles();
  const mrcName = [...files.keys()].find((path) => path.endsWith('.mrc'))!;
  expect(mrcName).toMatch(/_fbp\.mrc$/);
  expect(Buffer.compare(Buffer.from(files.get(mrcName)!), Buffer.from(reference))).toBe(0);
  const folder = mrcName.replace(/\.mrc$/, '.ome.zarr/');
  const zarrFiles = new Map([...files].filter(([path]) => path.startsWith(folder)).map(([path, bytes]) => [path.slice(folder.length), bytes]));
  expect(zarrFiles.has('.zgroup')).toBe(true);
  await expectOmeZarrMatchesMrc(zarrFiles);

  // Exporting into the same folder again is refused with one message; the page and the result stay.
  await page.getByTestId('export-ome-zarr').click();
  await expect(page.getByTestId('error-message')).toContainText(`OME-Zarr export failed: the folder ${PICKED} already has a ${folder.slice(0, -1)}`);
  await page.getByTestId('error-dismiss').click();
  expect(await page.evaluate(() => window.wedgelab.results().length)).toBeGreaterThan(0);
});

test('without the pickers: the MRC downloads as before, and the OME-Zarr folder as a zip that unpacks to the store', async () => {
  await page.evaluate(() => Object.assign(window, { showSaveFilePicker: undefined, showDirectoryPicker: undefined }));
  const mrcDownload = page.waitForEvent('download');
  await page.getByTestId('export-mrc').click();
  const mrcFile = await mrcDownload;
  expect(Buffer.compare(await readFile((await mrcFile.path())!), Buffer.from(reference))).toBe(0);

  const zipDownload = page.waitForEvent('download');
  await page.getByTestId('export-ome-zarr').click();
  const zipFile = await zipDownload;
  const folder = zipFile.suggestedFilename().replace(/\.zip$/, '');
  expect(folder).toMatch(/_fbp\.ome\.zarr$/);
  const entries = unzipSync(new Uint8Array(await readFile((await zipFile.path())!)));
  expect(Object.keys(entries).every((path) => path.startsWith(`${folder}/`))).toBe(true);
  await expectOmeZarrMatchesMrc(new Map(Object.entries(entries).map(([path, bytes]) => [path.slice(folder.length + 1), bytes])));
  expect(pageErrors).toEqual([]);
});
