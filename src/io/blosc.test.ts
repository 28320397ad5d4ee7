// The chunk decoders against numcodecs (Debian's python3-zarr brings it): every compressor, shuffle and element
// size Blosc combines, written by numcodecs with the bytes they hold beside them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bloscDecompress, lz4CodecDecompress, zstdFrameDecompress } from './blosc.ts';

const PYTHON = '/usr/bin/python3';
const numcodecsAvailable = spawnSync(PYTHON, ['-c', 'import numcodecs, numpy'], { encoding: 'utf8' }).status === 0;

const WRITE = `
import sys, numpy as np, numcodecs
out = sys.argv[1]
rng = np.random.default_rng(7)
def save(name, codec, values):
    open(f'{out}/{name}.enc', 'wb').write(codec.encode(values))
    open(f'{out}/{name}.raw', 'wb').write(values.tobytes())
for dtype in ['float32', 'int16', 'float64', 'uint8']:
    for shuffle in [0, 1, 2]:
        for cname in ['lz4', 'lz4hc', 'zstd', 'zlib']:
            # Block sizes that leave a shorter last block, and element counts not a multiple of 8.
            values = rng.normal(0, 100, 1000 + int(rng.integers(0, 5000))).astype(dtype)
            save(f'blosc-{dtype}-{shuffle}-{cname}', numcodecs.Blosc(cname=cname, shuffle=shuffle, blocksize=256 * int(rng.integers(1, 9))), values)
save('blosc-runs', numcodecs.Blosc(cname='lz4'), np.repeat(np.arange(50, dtype='float32'), 400))
save('blosc-tiny', numcodecs.Blosc(cname='lz4'), np.arange(3, dtype='float32'))
save('lz4-float32', numcodecs.LZ4(), rng.normal(0, 1, 3000).astype('float32'))
save('zstd-float64', numcodecs.Zstd(level=5), rng.normal(0, 1, 3000))
open(f'{out}/blosclz.enc', 'wb').write(numcodecs.Blosc(cname='blosclz').encode(np.arange(1000, dtype='float32')))
`;

describe.skipIf(!numcodecsAvailable)('Zarr chunk decoders against numcodecs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-blosc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

  it('Blosc (LZ4, LZ4HC, Zstandard, zlib; no shuffle, byte and bit shuffle; 1, 2, 4 and 8-byte elements), LZ4 and Zstandard give the bytes numcodecs compressed', () => {
    const run = spawnSync(PYTHON, ['-c', WRITE, dir], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const cases = readdirSync(dir).filter((name) => name.endsWith('.raw')).map((name) => name.slice(0, -4));
    expect(cases).toHaveLength(4 * 3 * 4 + 4);
    const decoder = (name: string) => (name.startsWith('blosc') ? bloscDecompress : name.startsWith('lz4') ? lz4CodecDecompress : zstdFrameDecompress);
    for (const name of cases) expect(Buffer.compare(Buffer.from(decoder(name)(bytes(`${name}.enc`))), Buffer.from(bytes(`${name}.raw`))), name).toBe(0);
  });

  it("refuses Blosc's own BloscLZ by name, and a damaged chunk", () => {
    expect(() => bloscDecompress(bytes('blosclz.enc'))).toThrow('its chunks are compressed by Blosc with BloscLZ, which WedgeLab does not read');
    const damaged = bytes('lz4-float32.enc').slice(0, 500);
    expect(() => lz4CodecDecompress(damaged)).toThrow('an LZ4 block runs past its end: the chunk is damaged');
    expect(() => bloscDecompress(new Uint8Array(8))).toThrow('a Blosc chunk of 8 bytes is shorter than its 16-byte header');
  });
});
