/**
 * Reading an OME-Zarr tomogram's bench (`wedgelab bench --only zarr`): a folder as zarr-python writes one by default
 * (Blosc LZ4 with byte shuffle, 256³ chunks: the cryoET Data Portal's layout), written by bench/zarr_read_reference.py,
 * read by the command line's reader (cli/readTomogram.ts: io/omeZarrRead.ts, the Blosc and LZ4 decoders of
 * io/blosc.ts on the CPU pool's threads, engine/cpu/chunkDecoder.ts, into pieces of rows) and by the same reader
 * decoding on its own thread, against zarr-python reading it into numpy, timed in the same run; best of three each.
 * Needs python3-zarr (without it the part says so and has no rows). --quick: 256 × 256 × 64 only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestOfThree, type BenchContext } from '../engine/methods/benchKit.ts';
import { openOmeZarr } from '../io/omeZarrRead.ts';
import { readTomogramPath, zarrOnDisk } from './readTomogram.ts';

export interface ZarrBenchRow {
  size: string;
  /** The folder's bytes on disk (compressed chunks and metadata). */
  bytes: number;
  seconds: number;
  /** The same read with every chunk decoded on the reading thread. */
  oneThreadSeconds: number;
  referenceSeconds: number | null;
  /** Reference time over ours: above 1, ours is faster. */
  speedup: number | null;
}

export async function benchZarr(context: Pick<BenchContext, 'quick' | 'log' | 'python'>): Promise<ZarrBenchRow[]> {
  const sizes: [number, number, number][] = context.quick ? [[256, 256, 64]] : [[256, 256, 64], [512, 512, 200], [1024, 1024, 256]];
  const rows: ZarrBenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-zarr-bench-'));
  try {
    for (const [nx, ny, nz] of sizes) {
      const folder = join(dir, `${nx}x${ny}x${nz}.zarr`);
      const written = context.python('zarr_read_reference.py', ['write', folder, nx, ny, nz]) as { bytes: number } | null;
      if (!written) {
        context.log('zarr: bench/zarr_read_reference.py could not write the folder (python3-zarr missing?): no rows');
        return rows;
      }
      const seconds = await bestOfThree(() => readTomogramPath(folder));
      const oneThreadSeconds = await bestOfThree(async () => (await openOmeZarr(zarrOnDisk(folder))).read());
      const reference = context.python('zarr_read_reference.py', ['time', folder]) as { seconds: number } | null;
      const referenceSeconds = reference?.seconds ?? null;
      context.log(`zarr ${nx}×${ny}×${nz}: ${seconds.toFixed(3)} s (one thread ${oneThreadSeconds.toFixed(3)} s); zarr-python ${referenceSeconds?.toFixed(3) ?? 'n/a'} s`);
      rows.push({ size: `${nx}×${ny}×${nz}`, bytes: written.bytes, seconds, oneThreadSeconds, referenceSeconds, speedup: referenceSeconds === null ? null : referenceSeconds / seconds });
      rmSync(folder, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function zarrTable(rows: ZarrBenchRow[]): string {
  const fmt = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));
  return [
    '| tomogram | on disk (MiB) | WedgeLab (s) | volume read (MiB/s) | decoding on one thread (s) | zarr-python (s) | speed-up |\n|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const [nx, ny, nz] = r.size.split('×').map(Number);
      const mib = (4 * nx * ny * nz) / 2 ** 20;
      return `| ${r.size} | ${(r.bytes / 2 ** 20).toFixed(1)} | ${r.seconds.toFixed(3)} | ${(mib / r.seconds).toFixed(0)} | ${r.oneThreadSeconds.toFixed(3)} | ${fmt(r.referenceSeconds, 3)} | ${fmt(r.speedup, 2)}× |`;
    }),
  ].join('\n');
}
