/**
 * Reading a tomogram stored as OME-Zarr (OME-NGFF 0.4 and later, Zarr v2 or v3): the format of the CZ cryoET Data
 * Portal's tomograms, of mrc2omezarr and of WedgeLab's own export (./omeZarr.ts). The finest level of the first
 * image is read, a band of rows at a time, into the pieces a result is held in (./piecedVolume.ts), by zarrita; chunks
 * may be stored raw or compressed by Blosc, LZ4 or Zstandard (decoded by ./blosc.ts), gzip or zlib (zarrita's own).
 *
 * Axes: the last three must be z, y, x (slowest first), which is also x fastest in memory, as an MRC file's
 * sections: the volume reads as an MRC volume of the same sizes would. Axes before them (time, channel) must be of
 * size 1. The voxel size is the level's scale along x in Å (angstrom, nanometer and micrometer units); without a
 * unit it is unknown (0), and said.
 */
import * as zarr from 'zarrita';
import { bloscDecompress, lz4CodecDecompress, zstdFrameDecompress, type ChunkDecoder, type SizedCodec } from './blosc.ts';
import { planPieces, tomogramOf, DEFAULT_PIECE_BYTES, type Tomogram } from './piecedVolume.ts';
import type { Volume } from './types.ts';
import type { StackProgress } from './mrcStream.ts';
import { isZarrMark, type ZarrFiles } from './zarrFolder.ts';

export interface ZarrOpenOptions {
  /**
   * Decodes the Blosc and LZ4 chunks elsewhere (the CPU pool's threads: engine/cpu/chunkDecoder.ts); without it
   * each chunk is decoded on the reading thread as it arrives.
   */
  decodeChunks?: ChunkDecoder;
}

export interface ZarrReadOptions extends ZarrOpenOptions {
  /** Past this many bytes of float32 the volume is held in pieces of rows (the engine's limit by default). */
  pieceBytes?: number;
  /** As each chunk is read (the compressed bytes read so far) and after each band of rows. */
  onProgress?: (progress: StackProgress) => void;
  /** Checked between bands: an aborted read rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with the volume's size before any voxel is read: throws to refuse it (the command line's memory check). */
  checkShape?: (shape: { nx: number; ny: number; nz: number }) => void;
}

export interface ZarrVolume {
  volume: Tomogram;
  /** What was read and what is doubtful, in words (the level, an unknown voxel size, unequal x and y scales). */
  warnings: string[];
}

/** Chunk bytes as the store gave them, with the decoder of the read that asked for them. */
const decoderOf = new WeakMap<Uint8Array, ChunkDecoder>();

/**
 * zarrita's codecs for Blosc, LZ4 and Zstandard, replaced by ./blosc.ts's: theirs evaluate strings as JavaScript,
 * which the page's Content Security Policy refuses. Under both names a codec has (Zarr v3's and numcodecs' for v2).
 * A Blosc or LZ4 chunk whose read has a decoder goes to it; zarrita hands the store's bytes straight to the first
 * codec, so a chunk that went through another codec first (a checksum) is decoded here.
 */
function bytesCodec(name: string, decode: (bytes: Uint8Array) => Uint8Array, pooled?: SizedCodec) {
  return class {
    readonly kind = 'bytes_to_bytes';
    static fromConfig() {
      return new this();
    }
    encode(): never {
      throw new Error(`WedgeLab writes no ${name} chunks`);
    }
    decode(bytes: Uint8Array): Uint8Array | Promise<Uint8Array> {
      const elsewhere = pooled && decoderOf.get(bytes);
      return elsewhere ? elsewhere(pooled, bytes) : decode(bytes);
    }
  };
}
for (const [name, decode, pooled] of [['blosc', bloscDecompress, 'blosc'], ['lz4', lz4CodecDecompress, 'lz4'], ['zstd', zstdFrameDecompress, undefined]] as const) {
  const codec = bytesCodec(name, decode, pooled);
  for (const key of [name, `numcodecs.${name}`]) zarr.registry.set(key, () => codec as never);
}

/** Å per unit of the OME-NGFF space units a tomogram comes in. */
const ANGSTROMS_PER_UNIT: Record<string, number> = { angstrom: 1, nanometer: 10, micrometer: 1e4 };

/** An OME-Zarr image opened (its metadata read, no voxel yet): its finest level's size and voxel size, and its reading. */
export interface OpenedZarr {
  nx: number;
  ny: number;
  nz: number;
  /** Å per voxel; 0 when unknown. */
  pixelSize: number;
  /** What is read and what is doubtful, in words (the level, an unknown voxel size, unequal x and y scales). */
  warnings: string[];
  /** Its voxels as float32, a band of rows at a time into pieces past `pieceBytes`. */
  read(options?: Omit<ZarrReadOptions, 'checkShape'>): Promise<Tomogram>;
  /** The same bands one at a time, none kept: statistics of a volume of any size (`wedgelab info`). */
  bands(options?: Omit<ZarrReadOptions, 'checkShape'>): AsyncGenerator<Volume>;
}

/** The finest level of the OME-Zarr image in `files` opened: refused, naming the folder, when it is not one 3-D volume. */
export async function openOmeZarr(files: ZarrFiles, { decodeChunks }: ZarrOpenOptions = {}): Promise<OpenedZarr> {
  const fail = (message: string): never => {
    throw new Error(`${files.name}: ${message}`);
  };
  // Told of each chunk file read (its compressed bytes), for the progress of the band being read.
  let onChunk: ((bytes: number) => void) | undefined;
  const store: zarr.Readable = {
    get: async (key) => {
      const bytes = await files.read(key.slice(1));
      if (bytes && decodeChunks) decoderOf.set(bytes, decodeChunks);
      if (bytes && !isZarrMark(key.split('/').pop() as string)) onChunk?.(bytes.length);
      return bytes;
    },
  };
  const root = zarr.root(store);
  const node = await zarr.open(root).catch(() => fail('not a Zarr folder (no .zgroup, .zattrs, .zarray or zarr.json at its top)'));
  const image = node instanceof zarr.Array ? { array: node, warnings: ['a bare Zarr array, without OME-NGFF metadata: the voxel size is unknown'], angstroms: 0 } : await finestLevel(node, root, fail);
  const { array } = image;
  const lead = array.shape.slice(0, -3);
  if (array.shape.length < 3 || lead.some((n) => n !== 1)) fail(`its array is ${array.shape.join(' × ')}: WedgeLab reads one 3-D volume (z, y, x; any axes before them of size 1)`);
  const [nz, ny, nx] = array.shape.slice(-3);
  const [cz, cy, cx] = array.chunks.slice(-3);
  // One read at a time: the store tells the band being read of its chunks.
  async function* bands(options: Omit<ZarrReadOptions, 'checkShape'> = {}): AsyncGenerator<Volume> {
    let bytesRead = 0;
    try {
      for (const { y0, ny: rows } of planPieces(nx, ny, nz, options.pieceBytes ?? DEFAULT_PIECE_BYTES, cy)) {
        options.signal?.throwIfAborted();
        // The bar moves with the band's chunks as they are read (a chunk never written, the fill value, is not).
        const chunks = (Math.floor((y0 + rows - 1) / cy) - Math.floor(y0 / cy) + 1) * Math.ceil(nx / cx) * Math.ceil(nz / cz);
        let read = 0;
        onChunk = (bytes) => {
          bytesRead += bytes;
          options.onProgress?.({ fraction: (y0 + (rows * Math.min(++read, chunks)) / chunks) / ny, bytesRead });
        };
        const band = await zarr.get(array, [...lead.map(() => 0), null, zarr.slice(y0, y0 + rows), null]).catch((error: Error) => fail(withCause(error)));
        yield { nx, ny: rows, nz, pixelSize: image.angstroms, data: asFloat32(band.data, files.name, array.dtype) };
        options.onProgress?.({ fraction: (y0 + rows) / ny, bytesRead });
      }
    } finally {
      onChunk = undefined;
    }
  }
  const read = async (options: Omit<ZarrReadOptions, 'checkShape'> = {}) => {
    const pieces: Volume[] = [];
    for await (const band of bands(options)) pieces.push(band);
    return tomogramOf(pieces);
  };
  return { nx, ny, nz, pixelSize: image.angstroms, warnings: image.warnings, read, bands };
}

/** The finest level of the OME-Zarr image in `files`, as nx × ny × nz float32 (in pieces past `pieceBytes`). */
export async function readOmeZarrVolume(files: ZarrFiles, options: ZarrReadOptions = {}): Promise<ZarrVolume> {
  const opened = await openOmeZarr(files, options);
  options.checkShape?.(opened);
  return { volume: await opened.read(options), warnings: opened.warnings };
}

type AnyGroup = zarr.Group<zarr.Readable>;
type AnyArray = zarr.Array<zarr.DataType, zarr.Readable>;

/** The first image's finest level, its voxel size in Å (0: unknown) and what is doubtful about it. */
async function finestLevel(group: AnyGroup, root: zarr.Location<zarr.Readable>, fail: (message: string) => never): Promise<{ array: AnyArray; angstroms: number; warnings: string[] }> {
  const attrs = group.attrs as { multiscales?: unknown; ome?: { multiscales?: unknown } };
  // OME-NGFF 0.5 (Zarr v3) puts its metadata under "ome".
  const multiscales = (attrs.ome?.multiscales ?? attrs.multiscales) as Multiscale[] | undefined;
  const image: Multiscale = (Array.isArray(multiscales) && multiscales[0]) || {};
  const path = image.datasets?.[0]?.path;
  if (typeof path !== 'string') return fail('a Zarr group without OME-NGFF multiscales metadata naming its levels: not an OME-Zarr image');
  const array = await zarr.open(root.resolve(path), { kind: 'array' }).catch((error: Error) => fail(`its level "${path}" cannot be opened: ${error.message}`));
  const axes = (image.axes ?? []).map((axis) => (typeof axis === 'string' ? { name: axis } : axis));
  const spatial = axes.slice(-3).map((axis) => axis.name);
  if (axes.length > 0 && spatial.join() !== 'z,y,x') fail(`its axes are ${axes.map((a) => a.name).join(', ')}: WedgeLab reads z, y, x last`);
  const levels = image.datasets?.length ?? 1;
  const warnings = levels > 1 ? [`the finest of its ${levels} levels ("${path}") is read`] : [];
  const scale = [image.datasets?.[0]?.coordinateTransformations, image.coordinateTransformations].map(scaleOf);
  const factor = (k: number) => scale.reduce((product, s) => product * (s?.[s.length - 3 + k] ?? 1), 1);
  const [z, y, x] = [0, 1, 2].map(factor);
  const perUnit = ANGSTROMS_PER_UNIT[axes.at(-1)?.unit ?? ''];
  if (perUnit === undefined) warnings.push(`its axes give no length unit (angstrom, nanometer or micrometer): the voxel size is unknown`);
  else if (Math.abs(x - y) > 1e-6 * x || Math.abs(x - z) > 1e-6 * x) warnings.push(`its voxels are ${[x, y, z].join(' × ')} ${axes.at(-1)?.unit} (x, y, z): the x size is taken for all three`);
  return { array, angstroms: perUnit === undefined ? 0 : x * perUnit, warnings };
}

interface Multiscale {
  axes?: (string | { name: string; unit?: string })[];
  datasets?: { path?: unknown; coordinateTransformations?: unknown }[];
  coordinateTransformations?: unknown;
}

/** The scale of a list of coordinate transformations, or undefined where it has none. */
function scaleOf(transformations: unknown): number[] | undefined {
  if (!Array.isArray(transformations)) return undefined;
  const found = transformations.find((t): t is { scale: number[] } => t?.type === 'scale' && Array.isArray(t.scale));
  return found?.scale;
}

/** An error's message with its cause's (zarrita's "Failed to decode chunk" says why only there). */
function withCause(error: Error): string {
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message}: ${cause}` : error.message;
}

/** The band's values as float32: float32 as read, other numbers converted; anything else refused. */
function asFloat32(data: unknown, name: string, dtype: string): Float32Array {
  if (data instanceof Float32Array) return data;
  const numeric = [Float64Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array];
  if (numeric.some((type) => data instanceof type)) return Float32Array.from(data as ArrayLike<number>);
  throw new Error(`${name}: its values are ${dtype}: WedgeLab reads integers and floating-point numbers`);
}
