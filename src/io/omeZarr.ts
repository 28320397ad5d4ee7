/**
 * OME-Zarr export of a tomogram (docs/export.md): an OME-NGFF 0.4 image, i.e. a Zarr v2 group holding a
 * multiscale pyramid of float32 arrays in 64³ chunks, axes z, y, x. Zarr v2 because that is what Debian's
 * python3-zarr (2.13), napari's ome-zarr reader, Fiji's MoBIE/N5 tools and Neuroglancer all read; zarrita
 * creates only v3 metadata, so the two small v2 JSON documents per array are written here and zarrita encodes,
 * names and writes every chunk (zarr.set on the array opened with zarr.open.v2).
 *
 * The store is "a directory": anything that can write a file at a relative path ('0/.zarray', '0/1/0/2').
 * Three are provided for the page and the command line: a browser FileSystemDirectoryHandle, a zip archive
 * (what zarr's ZipStore reads) and, in src/cli, a Node folder. Data go out one chunk (at most 1 MiB) at a time.
 *
 * Layout: a tomogram is nx × ny × nz, x fastest, z slowest (docs/conventions.md#arrays-and-axes), which is a
 * C-order array of shape [nz, ny, nx], so level 0 is the volume's own array, unpermuted. A level held in pieces
 * (io/piecedVolume.ts) is read row by row from them, so chunks are the same bytes as from one array.
 */
import { Zip, ZipPassThrough } from 'fflate';
import * as zarr from 'zarrita';
import { rowReader, volumePieces, type Tomogram } from './piecedVolume.ts';

/** Where the store's files go: a file at a '/'-separated path relative to the store's root, folders made as needed. */
export interface StoreDirectory {
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
}

/** Voxels per chunk edge: 64³ float32 = 1 MiB, what viewers fetch comfortably one at a time. */
export const OME_ZARR_CHUNK = 64;

/**
 * The grid of each pyramid level, level 0 first: each further level is the previous one halved (rounded up) along
 * every axis, until the whole volume fits in one 64³ chunk. Level ℓ averages 2^ℓ × 2^ℓ × 2^ℓ voxel boxes (partial
 * at the far edges), so its voxel is 2^ℓ level-0 voxels wide.
 */
export function omeZarrPyramid(size: { nx: number; ny: number; nz: number }): { nx: number; ny: number; nz: number }[] {
  const levels = [{ nx: size.nx, ny: size.ny, nz: size.nz }];
  for (;;) {
    const last = levels[levels.length - 1];
    if (Math.max(last.nx, last.ny, last.nz) <= OME_ZARR_CHUNK) return levels;
    const factor = 2 ** levels.length;
    levels.push({ nx: Math.ceil(size.nx / factor), ny: Math.ceil(size.ny / factor), nz: Math.ceil(size.nz / factor) });
  }
}

/**
 * Write an OME-Zarr image (OME-NGFF 0.4) of the pyramid `levels` (level 0 the tomogram, then the shapes
 * omeZarrPyramid gives, each the box average of the tomogram over 2^ℓ voxels) into `directory`. `name` (the
 * result's label) goes into the multiscales metadata. Every chunk is written once, in order.
 */
export async function writeOmeZarr(directory: StoreDirectory, levels: readonly Tomogram[], name: string): Promise<void> {
  checkLevels(levels);
  const store = new WriteOnlyStore(directory);
  const root = zarr.root(store);
  await store.set('/.zgroup', json({ zarr_format: 2 }));
  await store.set('/.zattrs', json({ multiscales: [multiscales(levels, name)] }));
  for (let level = 0; level < levels.length; level++) {
    const { nx, ny, nz } = levels[level];
    const location = root.resolve(String(level));
    await store.set(`${location.path}/.zarray`, json(arrayMetadata([nz, ny, nx])));
    const array = await zarr.open.v2(location, { kind: 'array' });
    if (!array.is('float32')) throw new Error(`OME-Zarr level ${level} did not open as float32`);
    await writeChunks(array, levels[level]);
  }
}

function checkLevels(levels: readonly Tomogram[]): void {
  if (levels.length === 0) throw new Error('OME-Zarr export: no volume to write');
  const expected = omeZarrPyramid(levels[0]);
  if (levels.length !== expected.length) {
    throw new Error(`OME-Zarr export: a ${levels[0].nx} × ${levels[0].ny} × ${levels[0].nz} volume needs ${expected.length} pyramid levels, got ${levels.length}`);
  }
  levels.forEach((level, i) => {
    const want = expected[i];
    const values = volumePieces(level).reduce((sum, piece) => sum + piece.volume.data.length, 0);
    if (level.nx !== want.nx || level.ny !== want.ny || level.nz !== want.nz || values !== want.nx * want.ny * want.nz) {
      throw new Error(`OME-Zarr export: pyramid level ${i} is ${level.nx} × ${level.ny} × ${level.nz} (${values} values), expected ${want.nx} × ${want.ny} × ${want.nz}`);
    }
  });
}

/**
 * The OME-NGFF 0.4 multiscales entry. Axes z, y, x (slowest first, as the arrays are), in Å when the pixel size
 * is known and unitless (voxels) otherwise. Level ℓ's scale is its voxel size; its translation puts each voxel at
 * the centre of the level-0 voxels it averages ((2^ℓ − 1)/2 level-0 voxels along each axis), so levels overlay.
 */
function multiscales(levels: readonly Tomogram[], name: string): object {
  const pixelSize = levels[0].pixelSize;
  const unit = pixelSize > 0 ? { unit: 'angstrom' } : {};
  const step = pixelSize > 0 ? pixelSize : 1;
  return {
    version: '0.4',
    name,
    axes: ['z', 'y', 'x'].map((axis) => ({ name: axis, type: 'space', ...unit })),
    datasets: levels.map((_, level) => {
      const factor = 2 ** level;
      const scale = { type: 'scale', scale: [1, 1, 1].map(() => step * factor) };
      const translation = { type: 'translation', translation: [1, 1, 1].map(() => (step * (factor - 1)) / 2) };
      return { path: String(level), coordinateTransformations: level === 0 ? [scale] : [scale, translation] };
    }),
    type: 'mean',
    metadata: { description: 'each level is the mean over 2 × 2 × 2 voxels of the one above (boxes cut at the far edges)' },
  };
}

/** Zarr v2 array metadata: float32 little-endian, 64³ chunks stored raw, chunk keys 'z/y/x' as OME-NGFF 0.4 requires. */
function arrayMetadata(shape: number[]): object {
  return {
    zarr_format: 2,
    shape,
    chunks: shape.map(() => OME_ZARR_CHUNK),
    dtype: '<f4',
    // Uncompressed: tomogram noise barely compresses, and every reader decodes raw chunks.
    compressor: null,
    fill_value: 0,
    order: 'C',
    filters: null,
    dimension_separator: '/',
  };
}

/** Copy each 64³ block of the level into a chunk-sized buffer and hand it to zarrita, one chunk at a time. */
async function writeChunks(array: zarr.Array<'float32', WriteOnlyStore>, level: Tomogram): Promise<void> {
  const { nx, ny, nz } = level;
  const row = rowReader(level);
  const c = OME_ZARR_CHUNK;
  const block = new Float32Array(c * c * c);
  for (let z0 = 0; z0 < nz; z0 += c)
    for (let y0 = 0; y0 < ny; y0 += c)
      for (let x0 = 0; x0 < nx; x0 += c) {
        const [dz, dy, dx] = [Math.min(c, nz - z0), Math.min(c, ny - y0), Math.min(c, nx - x0)];
        for (let z = 0; z < dz; z++)
          for (let y = 0; y < dy; y++) block.set(row(y0 + y, z0 + z).subarray(x0, x0 + dx), dx * (y + dy * z));
        const region = [zarr.slice(z0, z0 + dz), zarr.slice(y0, y0 + dy), zarr.slice(x0, x0 + dx)];
        await zarr.set(array, region, { data: block.subarray(0, dz * dy * dx), shape: [dz, dy, dx], stride: [dy * dx, dx, 1] });
      }
}

/**
 * Metadata as ASCII JSON, anything beyond escaped as \uXXXX (as python's json.dumps writes it): zarr-python 2
 * decodes metadata as ASCII and fails on a label's '×' or 'Å' written as UTF-8.
 */
function json(value: object): Uint8Array {
  const ascii = JSON.stringify(value, null, 2).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return new TextEncoder().encode(ascii);
}

/**
 * zarrita's store interface over a StoreDirectory. Reads see only the metadata written in this export (what
 * zarr.open.v2 reads back); chunks are never read back, so a chunk cut at the far edge of the volume starts
 * from the fill value.
 */
class WriteOnlyStore implements zarr.AsyncMutable {
  readonly #metadata = new Map<string, Uint8Array>();
  constructor(readonly directory: StoreDirectory) {}

  async get(key: zarr.AbsolutePath): Promise<Uint8Array | undefined> {
    return this.#metadata.get(key);
  }

  async set(key: zarr.AbsolutePath, value: Uint8Array): Promise<void> {
    if (/\/\.z(array|attrs|group)$/.test(key)) this.#metadata.set(key, value);
    await this.directory.writeFile(key.slice(1), value);
  }
}

/** A store in a browser folder (File System Access API, or the origin-private file system), folders created as needed. */
export function fileSystemDirectory(root: FileSystemDirectoryHandle): StoreDirectory {
  const folders = new Map<string, Promise<FileSystemDirectoryHandle>>([['', Promise.resolve(root)]]);
  const folder = (path: string): Promise<FileSystemDirectoryHandle> => {
    let handle = folders.get(path);
    if (!handle) {
      const cut = path.lastIndexOf('/');
      handle = folder(path.slice(0, Math.max(0, cut))).then((parent) => parent.getDirectoryHandle(path.slice(cut + 1), { create: true }));
      folders.set(path, handle);
    }
    return handle;
  };
  return {
    async writeFile(path, bytes) {
      const cut = path.lastIndexOf('/');
      const parent = await folder(cut < 0 ? '' : path.slice(0, cut));
      const file = await parent.getFileHandle(path.slice(cut + 1), { create: true });
      const writable = await file.createWritable();
      try {
        await writable.write(bytes as Uint8Array<ArrayBuffer>);
        await writable.close();
      } catch (error) {
        await writable.abort().catch(() => undefined);
        throw error;
      }
    },
  };
}

/** The most a zip without ZIP64 records can hold (offsets are 32-bit). */
const ZIP_LIMIT_BYTES = 2 ** 32 - 1;

/**
 * A store as a zip archive of its files under `folder/` (e.g. 'tomogram.ome.zarr/'), entries stored
 * uncompressed (zip method 0): what zarr-python's ZipStore opens (pass path='tomogram.ome.zarr'), and what
 * unzips to the directory store. The archive is built as a list of pieces, never one buffer; `finish` closes
 * it and returns it as a Blob.
 */
export function zipDirectory(folder: string): StoreDirectory & { finish(): Blob } {
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  let failure: Error | null = null;
  const zip = new Zip((error, piece) => {
    if (error) failure = error;
    else pieces.push(piece as Uint8Array<ArrayBuffer>);
  });
  const check = () => {
    if (failure) throw new Error(`zip archive: ${failure.message}`);
  };
  return {
    async writeFile(path, bytes) {
      // fflate writes no ZIP64 records, so offsets past 4 GiB would make a corrupt archive.
      total += bytes.length + 2 * (path.length + folder.length + 64);
      if (total >= ZIP_LIMIT_BYTES) throw new Error(`the OME-Zarr zip would pass 4 GiB, more than a zip without ZIP64 can hold: export into a folder (Chrome, Edge) or with the command line`);
      const entry = new ZipPassThrough(`${folder}/${path}`);
      zip.add(entry);
      entry.push(bytes, true);
      check();
    },
    finish() {
      zip.end();
      check();
      return new Blob(pieces, { type: 'application/zip' });
    },
  };
}
