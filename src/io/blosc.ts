/**
 * Decoders for the compressed chunks of Zarr folders (OME-Zarr tomograms, ./omeZarrRead.ts), in plain TypeScript:
 * zarrita's own Blosc, LZ4 and Zstandard codecs are Emscripten builds that evaluate strings as JavaScript, which the
 * page's Content Security Policy forbids ('unsafe-eval' is not allowed). Zstandard's frames are decoded by fzstd.
 *
 * - Blosc 1 (c-blosc's format 2 and 3, as zarr-python and numcodecs write it): a 16-byte header, then the blocks,
 *   each of one stream or of `typesize` streams (one per byte of an element), each stream compressed by LZ4
 *   (or LZ4HC), Zstandard or zlib, or stored; then the block's byte shuffle or bit shuffle undone. Blosc's own
 *   BloscLZ and Snappy are refused by name.
 * - numcodecs' LZ4 codec: the decompressed size (4 bytes, little-endian), then one LZ4 block.
 */
import { unzlibSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';

const BLOSC_HEADER = 16;
const FLAG_BYTE_SHUFFLE = 0x01;
const FLAG_MEMCPYED = 0x02;
const FLAG_BIT_SHUFFLE = 0x04;
const FLAG_DONT_SPLIT = 0x10;
const BLOSC_COMPRESSORS = ['BloscLZ', 'LZ4', 'Snappy', 'zlib', 'Zstandard'];

/** A Blosc 1 buffer's bytes, as c-blosc's blosc_decompress gives them. */
export function bloscDecompress(src: Uint8Array): Uint8Array {
  const header = bloscHeader(src);
  const out = new Uint8Array(header.bytes);
  decodeBloscBlocks(src, out, 0, header.blocks);
  return out;
}

/** A Blosc 1 header: the decoded size, how it is cut into blocks and how they are stored. */
interface BloscHeader {
  version: number;
  flags: number;
  typesize: number;
  blocksize: number;
  /** Bytes once decoded. */
  bytes: number;
  /** Blocks to decode (a stored-whole buffer counts as one). */
  blocks: number;
}

function bloscHeader(src: Uint8Array): BloscHeader {
  if (src.length < BLOSC_HEADER) throw new Error(`a Blosc chunk of ${src.length} bytes is shorter than its 16-byte header`);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const header = { version: src[0], flags: src[2], typesize: src[3], blocksize: view.getUint32(8, true), bytes: view.getUint32(4, true) };
  if (header.bytes === 0) return { ...header, blocks: 0 };
  if (header.flags & FLAG_MEMCPYED) return { ...header, blocks: 1 };
  if (header.typesize < 1 || header.blocksize < 1) throw new Error('a Blosc chunk with no element size or block size: the chunk is damaged');
  return { ...header, blocks: Math.ceil(header.bytes / header.blocksize) };
}

/**
 * Blocks [b0, b1) of the Blosc buffer `src` decoded into their place in `out` (its whole decoded size): the
 * blocks are independent, so threads can share a chunk (engine/cpu/chunkBlocks.ts).
 */
function decodeBloscBlocks(src: Uint8Array, out: Uint8Array, b0: number, b1: number): void {
  const header = bloscHeader(src);
  if (out.length !== header.bytes) throw new Error(`a Blosc chunk of ${header.bytes} bytes decoded into ${out.length}`);
  if (header.flags & FLAG_MEMCPYED) {
    if (b0 < b1) out.set(src.subarray(BLOSC_HEADER, BLOSC_HEADER + out.length));
    return;
  }
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const codec = streamDecoder((header.flags >> 5) & 0x7);
  const scratch = new Uint8Array(header.blocksize);
  for (let b = b0; b < b1; b++) {
    const start = b * header.blocksize;
    decodeBlock(src, view, view.getInt32(BLOSC_HEADER + 4 * b, true), out.subarray(start, Math.min(out.length, start + header.blocksize)), header, codec, scratch);
  }
}

/** The chunk codecs whose decoded size a chunk tells beforehand: chunks a CPU pool can decode into memory it made. */
export type SizedCodec = 'blosc' | 'lz4';

/** Decodes a chunk elsewhere (on a CPU pool's threads: engine/cpu/chunkDecoder.ts) and gives its bytes. */
export type ChunkDecoder = (codec: SizedCodec, chunk: Uint8Array) => Promise<Uint8Array>;

/** A chunk's decoded size and the independent blocks it decodes in (Blosc's blocks; an LZ4 codec chunk is one). */
export function chunkLayout(codec: SizedCodec, src: Uint8Array): { bytes: number; blocks: number } {
  if (codec === 'blosc') return bloscHeader(src);
  if (src.length < 4) throw new Error(`an LZ4 chunk of ${src.length} bytes is shorter than its 4-byte size`);
  return { bytes: new DataView(src.buffer, src.byteOffset, src.byteLength).getUint32(0, true), blocks: 1 };
}

/** Blocks [b0, b1) of the chunk `src` (chunkLayout) decoded into `out`, of the chunk's decoded size. */
export function decodeChunkBlocks(codec: SizedCodec, src: Uint8Array, out: Uint8Array, b0: number, b1: number): void {
  if (codec === 'blosc') decodeBloscBlocks(src, out, b0, b1);
  else if (b0 < b1) lz4Block(src.subarray(4), out);
}

/** One Blosc block, its streams starting at byte `at` of `src`, decoded into `dest` (its bytes in the buffer). */
function decodeBlock(
  src: Uint8Array,
  view: DataView,
  at: number,
  dest: Uint8Array,
  { version, flags, typesize, blocksize }: BloscHeader,
  codec: (src: Uint8Array, out: Uint8Array) => void,
  scratch: Uint8Array,
): void {
  const shuffled = (flags & (FLAG_BYTE_SHUFFLE | FLAG_BIT_SHUFFLE)) !== 0;
  const target = shuffled ? scratch.subarray(0, dest.length) : dest;
  // A last, shorter block is always one stream; a whole one is split into its elements' bytes unless flagged not.
  const streams = flags & FLAG_DONT_SPLIT || dest.length < blocksize ? 1 : typesize;
  const streamBytes = dest.length / streams;
  for (let s = 0; s < streams; s++) {
    const length = view.getInt32(at, true);
    at += 4;
    const stream = target.subarray(s * streamBytes, (s + 1) * streamBytes);
    // A stream that did not compress is stored as it is.
    if (length === streamBytes) stream.set(src.subarray(at, at + length));
    else codec(src.subarray(at, at + length), stream);
    at += length;
  }
  if (flags & FLAG_BIT_SHUFFLE) bitUnshuffle(target, dest, typesize, version);
  else if (flags & FLAG_BYTE_SHUFFLE) byteUnshuffle(target, dest, typesize);
}

/** numcodecs' LZ4 codec's bytes: the size, then one LZ4 block. */
export function lz4CodecDecompress(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(chunkLayout('lz4', src).bytes);
  lz4Block(src.subarray(4), out);
  return out;
}

/** A Zstandard frame's bytes. */
export function zstdFrameDecompress(src: Uint8Array): Uint8Array {
  return zstdDecompress(src);
}

/** How a Blosc stream of each compressor code is decoded into exactly the stream's bytes. */
function streamDecoder(code: number): (src: Uint8Array, out: Uint8Array) => void {
  const name = BLOSC_COMPRESSORS[code] ?? `compressor ${code}`;
  const exactly = (decoded: Uint8Array, out: Uint8Array) => {
    if (decoded.length !== out.length) throw new Error(`a Blosc ${name} stream gave ${decoded.length} bytes, not ${out.length}`);
    out.set(decoded);
  };
  switch (name) {
    case 'LZ4':
      return lz4Block;
    case 'Zstandard':
      return (src, out) => exactly(zstdDecompress(src), out);
    case 'zlib':
      return (src, out) => exactly(unzlibSync(src), out);
    default:
      throw new Error(`its chunks are compressed by Blosc with ${name}, which WedgeLab does not read (LZ4, Zstandard and zlib it does): recompress them, or export the tomogram as MRC`);
  }
}

/** One LZ4 block (the format without frame) decoded into `out`, which it must fill exactly. */
export function lz4Block(src: Uint8Array, out: Uint8Array): void {
  let [i, o] = [0, 0];
  const length = (start: number) => {
    let n = start;
    if (start === 15) {
      let byte;
      do n += byte = src[i++];
      while (byte === 255);
    }
    return n;
  };
  while (i < src.length) {
    const token = src[i++];
    const literals = length(token >> 4);
    if (i + literals > src.length || o + literals > out.length) throw new Error('an LZ4 block runs past its end: the chunk is damaged');
    // Short runs by hand: a view and a set() per sequence cost more than the copy.
    if (literals < 32) for (let k = 0; k < literals; k++) out[o + k] = src[i + k];
    else out.set(src.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    // The last sequence is literals only.
    if (i >= src.length) break;
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > o) throw new Error('an LZ4 block refers before its start: the chunk is damaged');
    const match = length(token & 15) + 4;
    if (o + match > out.length) throw new Error('an LZ4 block runs past its end: the chunk is damaged');
    // Byte by byte where a match overlaps the bytes it writes (a run) or is short.
    if (offset >= match && match >= 32) out.copyWithin(o, o - offset, o - offset + match);
    else for (let k = 0; k < match; k++) out[o + k] = out[o - offset + k];
    o += match;
  }
  if (o !== out.length) throw new Error(`an LZ4 block gave ${o} bytes, not ${out.length}: the chunk is damaged`);
}

/** Blosc's byte shuffle undone: byte j of element i was at j·(n / typesize) + i; the bytes after whole elements stay. */
function byteUnshuffle(src: Uint8Array, dest: Uint8Array, typesize: number): void {
  const elements = Math.floor(src.length / typesize);
  if (typesize === 4 && dest.byteOffset % 4 === 0 && NATIVE_LITTLE_ENDIAN) {
    // float32 and int32, the usual tomogram: a whole element a write (4× faster than a byte a write).
    const words = new Uint32Array(dest.buffer, dest.byteOffset, elements);
    for (let i = 0; i < elements; i++) words[i] = src[i] | (src[elements + i] << 8) | (src[2 * elements + i] << 16) | (src[3 * elements + i] << 24);
  } else {
    for (let j = 0; j < typesize; j++) for (let i = 0; i < elements; i++) dest[i * typesize + j] = src[j * elements + i];
  }
  dest.set(src.subarray(elements * typesize), elements * typesize);
}

const NATIVE_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Blosc's bit shuffle (bitshuffle's bit transpose of the block's elements, over the largest multiple of 8 of them)
 * undone: first the bit-rows back into their bytes' order, then each 8 × 8 bit square of 8 elements' byte
 * transposed back. The bytes after the last multiple of 8 elements are stored as they are; before Blosc's format
 * version 3, a block whose elements are not a multiple of 8 was stored whole.
 */
function bitUnshuffle(src: Uint8Array, dest: Uint8Array, typesize: number, version: number): void {
  const elements = Math.floor(src.length / typesize);
  const size = version < 3 && elements % 8 !== 0 ? 0 : elements - (elements % 8);
  const rowBytes = size / 8;
  const rows = new Uint8Array(size * typesize);
  for (let bit = 0; bit < 8; bit++)
    for (let byte = 0; byte < typesize; byte++)
      for (let k = 0; k < rowBytes; k++) rows[k * typesize * 8 + byte * 8 + bit] = src[(byte * 8 + bit) * rowBytes + k];
  const stride = 8 * typesize;
  for (let byte = 0; byte < stride; byte += 8) {
    for (let start = 0; start + stride <= size * typesize; start += stride) {
      // The square's 8 bytes (bit k of byte r) become 8 elements' byte (bit r of element k's byte).
      for (let k = 0; k < 8; k++) {
        let value = 0;
        for (let r = 0; r < 8; r++) value |= ((rows[start + byte + r] >> k) & 1) << r;
        dest[start + byte / 8 + k * typesize] = value;
      }
    }
  }
  dest.set(src.subarray(size * typesize), size * typesize);
}
