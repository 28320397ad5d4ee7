// Zarr chunks decoded on the CPU pool's threads against the same chunks decoded on the caller's thread and against
// the bytes numcodecs (Debian's python3-zarr brings it) compressed; and an OME-Zarr folder zarr-python wrote, read
// through the pool, against its values.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bloscDecompress, lz4CodecDecompress } from '../../io/blosc.ts';
import { readOmeZarrVolume } from '../../io/omeZarrRead.ts';
import { fileOrderRuns } from '../../io/piecedVolume.ts';
import { poolChunkDecoder } from './chunkDecoder.ts';
import { nodePool } from './nodePool.ts';
import { callerPool } from './pool.ts';

const PYTHON = '/usr/bin/python3';
const zarrAvailable = spawnSync(PYTHON, ['-c', 'import zarr, numcodecs, numpy'], { encoding: 'utf8' }).status === 0;

const WRITE = `
import sys, numpy as np, zarr, numcodecs
out = sys.argv[1]
rng = np.random.default_rng(11)
# Chunks of many blocks (small block sizes), of every shuffle, and one chunk stored whole (memcpyed).
for i, (dtype, shuffle, cname, blocksize) in enumerate([('float32', 1, 'lz4', 4096), ('int16', 2, 'zstd', 2048), ('float64', 0, 'lz4hc', 8192), ('uint8', 1, 'zlib', 1024), ('float32', 1, 'lz4', 0)]):
    values = rng.normal(0, 100, 20000 + 3001 * i).astype(dtype)
    codec = numcodecs.Blosc(cname=cname, shuffle=shuffle, blocksize=blocksize, clevel=0 if blocksize == 0 else 5)
    open(f'{out}/blosc-{i}.enc', 'wb').write(codec.encode(values))
    open(f'{out}/blosc-{i}.raw', 'wb').write(values.tobytes())
open(f'{out}/lz4.enc', 'wb').write(numcodecs.LZ4().encode(rng.normal(0, 1, 7000).astype('float32')))
# A tomogram of 3 chunk rows (16 each, the last cut at 5), Blosc LZ4 with byte shuffle as the cryoET Data Portal's.
z, y, x = 20, 37, 45
data = rng.normal(100, 30, (z, y, x)).astype('float32')
group = zarr.open_group(f'{out}/tomo.zarr', mode='w')
group.create_dataset('s0', data=data, chunks=(8, 16, 16), compressor=numcodecs.Blosc(cname='lz4', shuffle=1, blocksize=1024))
group.attrs['multiscales'] = [{'version': '0.4', 'axes': [dict(name=n, type='space', unit='angstrom') for n in 'zyx'], 'datasets': [{'path': 's0', 'coordinateTransformations': [{'type': 'scale', 'scale': [10.0, 10.0, 10.0]}]}]}]
data.tofile(f'{out}/tomo.f32')
`;

describe.skipIf(!zarrAvailable)('Zarr chunks decoded on the CPU pool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-chunks-'));
  const pool = nodePool(2);
  afterAll(() => {
    pool.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const bytes = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

  it('gives the bytes numcodecs compressed, in batches of any size, and refuses a damaged chunk with its own message while the others arrive', async () => {
    const run = spawnSync(PYTHON, ['-c', WRITE, dir], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const blosc = readdirSync(dir).filter((name) => name.startsWith('blosc') && name.endsWith('.enc')).sort();
    expect(blosc).toHaveLength(5);
    // Every request in one run, then a run per chunk (each over a 1-byte batch); the chunks are small, so no least size.
    for (const batchBytes of [2 ** 30, 1]) {
      const decode = poolChunkDecoder(pool, { batchBytes, minPoolBytes: 0 })!;
      const decoded = await Promise.all([...blosc.map((name) => decode('blosc', bytes(name))), decode('lz4', bytes('lz4.enc'))]);
      blosc.forEach((name, i) => expect(same(decoded[i], bytes(name.replace('.enc', '.raw'))), `${name}, batches of ${batchBytes} bytes`).toBe(true));
      expect(same(decoded[5], lz4CodecDecompress(bytes('lz4.enc')))).toBe(true);
      expect(decoded[0].buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    // At the usual least size, these small chunks are decoded on the calling thread (its own memory).
    const here = await poolChunkDecoder(pool)!('blosc', bytes(blosc[0]));
    expect(same(here, bytes(blosc[0].replace('.enc', '.raw')))).toBe(true);
    expect(here.buffer).toBeInstanceOf(ArrayBuffer);
    const decode = poolChunkDecoder(pool, { batchBytes: 2 ** 30, minPoolBytes: 0 })!;
    const damaged = bytes('lz4.enc').slice(0, 500);
    const outcomes = await Promise.allSettled([decode('blosc', bytes(blosc[0])), decode('lz4', damaged), decode('blosc', bytes(blosc[1])), decode('blosc', new Uint8Array(8))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('an LZ4 block runs past its end: the chunk is damaged');
    expect((outcomes[3] as PromiseRejectedResult).reason.message).toBe('a Blosc chunk of 8 bytes is shorter than its 16-byte header');
    expect(same((outcomes[2] as PromiseFulfilledResult<Uint8Array>).value, bloscDecompress(bytes(blosc[1])))).toBe(true);
  });

  it("reads an OME-Zarr tomogram through the pool voxel for voxel, in pieces of whole chunk rows, and a one-thread pool leaves decoding to the reader", async () => {
    const files = {
      name: 'tomo.zarr',
      read: async (path: string) => {
        try {
          return new Uint8Array(readFileSync(join(dir, 'tomo.zarr', path)));
        } catch {
          return undefined;
        }
      },
    };
    // Room for 35 rows a piece: 32, two whole chunk rows, so no chunk is decoded twice.
    const pooled = poolChunkDecoder(pool, { batchBytes: 2 ** 30, minPoolBytes: 0 })!;
    let decodes = 0;
    const decodeChunks: typeof pooled = (codec, chunk) => (decodes++, pooled(codec, chunk));
    const read = await readOmeZarrVolume(files, { pieceBytes: 4 * 45 * 20 * 35, decodeChunks });
    expect('pieces' in read.volume && read.volume.pieces.map((p) => p.ny)).toEqual([32, 5]);
    // 3 × 3 × 3 chunks (z, y, x), each decoded once, all on the pool.
    expect(decodes).toBe(27);
    const expected = new Float32Array(readFileSync(join(dir, 'tomo.f32')).buffer.slice(0));
    expect(Float32Array.from([...fileOrderRuns(read.volume)].flatMap((run) => Array.from(run)))).toEqual(expected);
    expect(poolChunkDecoder(callerPool())).toBeUndefined();
  });
});
