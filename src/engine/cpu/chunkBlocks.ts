/**
 * Decoding compressed Zarr chunks on the CPU pool (an OME-Zarr tomogram's read, io/omeZarrRead.ts): the blocks of
 * a batch of chunks, counted across the chunks, are the task's rows, so that even one large chunk (256³ float32:
 * 64 MiB, in blocks of tens to hundreds of KiB) is shared by every thread. Each chunk's compressed bytes and its
 * decoded bytes are shared memory, the decoded ones sized beforehand from its header (io/blosc.ts chunkLayout).
 */
import { decodeChunkBlocks, type SizedCodec } from '../../io/blosc.ts';

/** Decode blocks [y0, y0 + rows) of the batch: block b is in chunk i where firstBlock[i] ≤ b < firstBlock[i + 1]. */
export interface ChunkBlocksTask {
  kernel: 'chunkBlocks';
  y0: number;
  rows: number;
  codecs: SizedCodec[];
  chunks: Uint8Array[];
  decoded: Uint8Array[];
  /** Cumulative block counts, one more than the chunks. */
  firstBlock: number[];
}

export function decodeChunkBlockRows(task: ChunkBlocksTask, from: number, to: number): void {
  task.chunks.forEach((chunk, i) => {
    const [first, end] = [task.firstBlock[i], task.firstBlock[i + 1]];
    const [b0, b1] = [Math.max(from, first), Math.min(to, end)];
    if (b0 < b1) decodeChunkBlocks(task.codecs[i], chunk, task.decoded[i], b0 - first, b1 - first);
  });
}
