/**
 * Compressed Zarr chunks decoded on the CPU pool (io/omeZarrRead.ts asks for each chunk as its bytes arrive): the
 * requests that arrive while the pool is busy wait and go together, their blocks split over the threads
 * (chunkBlocks.ts), a bounded amount at a time (ChunkBatching). Where the pool fails, the batch is decoded again
 * here, chunk by chunk, so that a damaged chunk is refused with its own message and the others still arrive.
 */
import { chunkLayout, decodeChunkBlocks, type ChunkDecoder, type SizedCodec } from '../../io/blosc.ts';
import type { CpuPool } from './pool.ts';

/** How batches are made, in decoded bytes. */
export interface ChunkBatching {
  /** The most one pool run decodes (a batch's first chunk goes whatever its size). */
  batchBytes: number;
  /** The least: a smaller batch is decoded on the calling thread (a pool run, and the threads' start the first time, cost more than it saves). */
  minPoolBytes: number;
}

const BATCHING: ChunkBatching = { batchBytes: 256 * 2 ** 20, minPoolBytes: 2 ** 20 };

interface Request {
  codec: SizedCodec;
  chunk: Uint8Array;
  layout: { bytes: number; blocks: number };
  resolve: (decoded: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/** A decoder on `pool`'s threads; none for a pool of one thread (the reader's own decode costs no copies). */
export function poolChunkDecoder(pool: CpuPool, { batchBytes, minPoolBytes }: ChunkBatching = BATCHING): ChunkDecoder | undefined {
  if (pool.threads < 2) return undefined;
  let waiting: Request[] = [];
  let draining = false;
  const staging = stagingBytes();
  const drain = async () => {
    while (waiting.length > 0) {
      const batch = takeBatch(waiting, batchBytes);
      waiting = waiting.slice(batch.length);
      await decodeBatch(pool, batch, staging, minPoolBytes);
    }
    draining = false;
  };
  return (codec, chunk) =>
    new Promise((resolve, reject) => {
      waiting.push({ codec, chunk, layout: chunkLayout(codec, chunk), resolve, reject });
      // A turn of the event loop first, so that the chunks read meanwhile go in the same run.
      if (!draining) setTimeout(drain, 0);
      draining = true;
    });
}

/** The first requests of `waiting` up to `batchBytes` decoded (one at least). */
function takeBatch(waiting: Request[], batchBytes: number): Request[] {
  let bytes = 0;
  const count = waiting.findIndex((request) => (bytes += request.layout.bytes) > batchBytes);
  return waiting.slice(0, Math.max(1, count < 0 ? waiting.length : count));
}

/**
 * Shared memory the compressed chunks of a batch are copied into, kept from batch to batch (a new one only when a
 * batch needs more): fresh memory costs its first touch, as much as the copy again. The decoded chunks go to the
 * reader, so they are new each time.
 */
function stagingBytes(): (chunks: Uint8Array[]) => Uint8Array[] {
  let buffer = new SharedArrayBuffer(0);
  return (chunks) => {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    if (buffer.byteLength < total) buffer = new SharedArrayBuffer(total);
    let at = 0;
    return chunks.map((chunk) => {
      const copy = new Uint8Array(buffer, at, chunk.length);
      copy.set(chunk);
      at += chunk.length;
      return copy;
    });
  };
}

async function decodeBatch(pool: CpuPool, batch: Request[], staging: (chunks: Uint8Array[]) => Uint8Array[], minPoolBytes: number): Promise<void> {
  const firstBlock = [0];
  for (const { layout } of batch) firstBlock.push(firstBlock.at(-1)! + layout.blocks);
  if (batch.reduce((sum, { layout }) => sum + layout.bytes, 0) >= minPoolBytes) {
    const decoded = batch.map(({ layout }) => new Uint8Array(new SharedArrayBuffer(layout.bytes)));
    try {
      const chunks = staging(batch.map(({ chunk }) => chunk));
      await pool.run({ kernel: 'chunkBlocks', y0: 0, rows: firstBlock.at(-1)!, codecs: batch.map((r) => r.codec), chunks, decoded, firstBlock });
      batch.forEach((request, i) => request.resolve(decoded[i]));
      return;
    } catch {
      // Decoded again below, chunk by chunk: a damaged chunk is refused with its own message.
    }
  }
  for (const request of batch) {
    try {
      const decoded = new Uint8Array(request.layout.bytes);
      decodeChunkBlocks(request.codec, request.chunk, decoded, 0, request.layout.blocks);
      request.resolve(decoded);
    } catch (error) {
      request.reject(error);
    }
  }
}
