// A file on disk as the readers' Blob (openFile.ts), checked on a sparse file larger than 4 GiB: its size, slices
// anywhere in it, a stream of a slice, and an MRC header check that sees the true length (Node's fs.openAsBlob
// reports such a file's size modulo 2³², so a 5 GiB stack looked like a truncated 1 GiB one).
import { mkdtempSync, openSync, rmSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMrc } from '../io/mrc.ts';
import { readCheckedMrcHeader } from '../io/mrcStream.ts';
import { openFile } from './openFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse file of `size` bytes (no disk used) holding `marks` at their offsets. */
function sparseFile(name: string, size: number, marks: [number, Uint8Array][]): string {
  const path = join(dir, name);
  closeSync(openSync(path, 'w'));
  truncateSync(path, size);
  const fd = openSync(path, 'r+');
  for (const [offset, bytes] of marks) writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
  return path;
}

const GIB = 2 ** 30;

describe('openFile', () => {
  it('gives the size, slices and streams of a file over 4 GiB', async () => {
    const marks: [number, Uint8Array][] = [
      [0, Uint8Array.of(1, 2, 3)],
      [2 * GIB - 1, Uint8Array.of(4, 5)], // across the 2 GiB mark
      [4.5 * GIB, Uint8Array.of(6, 7, 8)],
      [5 * GIB - 2, Uint8Array.of(9, 10)], // the last two bytes
    ];
    const { name, blob } = await openFile(sparseFile('big.bin', 5 * GIB, marks));
    expect(name).toBe('big.bin');
    expect(blob.size).toBe(5 * GIB);
    for (const [offset, bytes] of marks) expect(new Uint8Array(await blob.slice(offset, offset + bytes.length).arrayBuffer())).toEqual(bytes);
    expect(new Uint8Array(await blob.slice(-2).arrayBuffer())).toEqual(Uint8Array.of(9, 10));
    expect(blob.slice(5 * GIB - 1, 6 * GIB).size).toBe(1);
    // A 9 MiB stream from just before the 4.5 GiB mark: three chunks, the mark where it belongs.
    const chunks: Uint8Array[] = [];
    const reader = blob.slice(4.5 * GIB - 5, 4.5 * GIB - 5 + (9 << 20)).stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(chunks.map((c) => c.length)).toEqual([4 << 20, 4 << 20, 1 << 20]);
    expect([...chunks[0].subarray(5, 8)]).toEqual([6, 7, 8]);
    expect(await (await openFile(sparseFile('small.tlt', 0, [[0, new TextEncoder().encode('-60\n0\n60\n')]]))).blob.text()).toBe('-60\n0\n60\n');
  });

  it('lets the MRC reader see a 5 GiB stack whole, and refuses a missing path or a folder naming it', async () => {
    const [nx, ny, nz] = [8192, 8192, 20]; // 5 GiB of float32
    const header = writeMrc({ nx: 1, ny: 1, nz: 1, data: new Float32Array(1), pixelSize: 1 }).slice(0, 1024);
    const view = new DataView(header.buffer);
    [nx, ny, nz].forEach((n, i) => [0, 28].forEach((at) => view.setInt32(at + 4 * i, n, true)));
    const path = sparseFile('big.mrc', 1024 + 4 * nx * ny * nz, [[0, header]]);
    const read = await readCheckedMrcHeader((await openFile(path)).blob, { name: 'big.mrc' });
    expect([read.nx, read.ny, read.nz]).toEqual([nx, ny, nz]);
    await expect(openFile(join(dir, 'none.mrc'))).rejects.toThrow(`${join(dir, 'none.mrc')}: no such file`);
    await expect(openFile(dir)).rejects.toThrow(`${dir}: not a file`);
  });
});
