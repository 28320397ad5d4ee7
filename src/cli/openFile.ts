/** A file on disk as a Blob, read piece by piece through a file handle: never the whole file in memory. */
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';

/** Bytes a stream reads at a time (the readers ask for 4 MiB slices: one read each). */
const CHUNK_BYTES = 4 << 20;

/**
 * The bytes [start, start + size) of a file, with the part of the Blob interface the readers use (size, slice,
 * stream, arrayBuffer, text). Not fs.openAsBlob: Node's (20 here, 22 and 23 too) reports the size of a file over
 * 4 GiB modulo 2³² and gives empty slices past it (nodejs/node#52585), so a 5 GiB stack read as a 1 GiB file and
 * was refused as truncated. Each read opens the file, reads at its offset and closes it.
 */
class FileBlob {
  constructor(
    private readonly path: string,
    private readonly start: number,
    readonly size: number,
  ) {}

  /** As Blob.slice: offsets relative to this slice, negative ones from its end, clamped to it. */
  slice(start = 0, end = this.size): FileBlob {
    const at = (offset: number) => Math.min(this.size, Math.max(0, offset < 0 ? this.size + offset : offset));
    const [from, to] = [at(start), at(end)];
    return new FileBlob(this.path, this.start + from, Math.max(0, to - from));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = new Uint8Array(this.size);
    const handle = await open(this.path, 'r');
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, this.start + done);
        if (bytesRead === 0) break; // the file shrank since: what is there
        done += bytesRead;
      }
      return bytes.buffer.slice(0, done);
    } finally {
      await handle.close();
    }
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer());
  }

  stream(): ReadableStream<Uint8Array> {
    const { path } = this;
    const end = this.start + this.size;
    let position = this.start;
    let handle: Awaited<ReturnType<typeof open>> | null = null;
    const finish = async () => {
      await handle?.close();
      handle = null;
    };
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        handle ??= await open(path, 'r');
        const chunk = new Uint8Array(Math.min(CHUNK_BYTES, end - position));
        const { bytesRead } = chunk.length > 0 ? await handle.read(chunk, 0, chunk.length, position) : { bytesRead: 0 };
        if (bytesRead === 0) {
          await finish();
          controller.close();
          return;
        }
        position += bytesRead;
        controller.enqueue(chunk.subarray(0, bytesRead));
      },
      cancel: finish,
    });
  }
}

/** The file's name and contents; a missing path or a folder is refused naming it. */
export async function openFile(path: string): Promise<{ name: string; blob: Blob }> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new Error(`${path}: ${info ? 'not a file' : 'no such file'}`);
  // The readers use only FileBlob's members of Blob (io/mrcStream.ts, io/tiltSeriesFiles.ts).
  return { name: basename(path), blob: new FileBlob(path, 0, info.size) as unknown as Blob };
}

/** A text file's contents (an angle file); a missing path or a folder is refused naming it, as openFile does. */
export async function readTextFile(path: string): Promise<string> {
  return (await openFile(path)).blob.text();
}
