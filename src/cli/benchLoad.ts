/**
 * The load bench (`wedgelab bench --only load`): a real-size int16 stack (4096 × 4096 × 61, 2 GB; --quick: 1024 ×
 * 1024 × 61) written sparse to a temporary folder, read at bin 4 the way recon reads it (readTiltSeriesPaths: section
 * by section, converted, binned, checked), against the reference timed in the same run: a plain read of the same
 * bytes in 32 MiB pieces (fs FileHandle.read), the floor any reader pays. Then, timed apart, the checks the page
 * makes on a series it has loaded (engine/seriesChecks.ts). A second row reads the same series kept as RELION 5
 * keeps it, one image file per tilt named by its STAR table (cli/largeStack.ts writeLargeTiltImages), against the
 * plain read of those files. The files are removed afterwards.
 */
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriesChecks } from '../engine/seriesChecks.ts';
import { writeLargeStack, writeLargeTiltImages } from './largeStack.ts';
import { readTiltSeriesPaths } from './recon.ts';

export interface LoadBenchRow {
  /** "4096×4096×61 int16", and for RELION's layout "…, 61 tilt images + .star". */
  size: string;
  bin: number;
  fileMiB: number;
  seconds: number;
  mibPerSecond: number;
  plainReadSeconds: number;
  plainReadMibPerSecond: number;
  /** Load time over plain read time. */
  ratio: number;
  /** The page's checks of the loaded (binned) series: offset, contrast, dark tilts. */
  checksSeconds: number;
}

const MIB = 2 ** 20;
const LOAD_BIN = 4;

/** Read a whole file in pieces into `buffer` (reused across files): what reading the bytes costs, nothing more. */
async function plainRead(path: string, buffer: Uint8Array): Promise<number> {
  const file = await open(path);
  let total = 0;
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, total);
      if (bytesRead === 0) return total;
      total += bytesRead;
    }
  } finally {
    await file.close();
  }
}

/** Time `load` (a read of `files`, `fileMiB` in all, at LOAD_BIN) against a plain read of the same files, then the page's checks. */
async function timedLoad(size: string, files: string[], fileMiB: number, load: () => ReturnType<typeof readTiltSeriesPaths>, log: (line: string) => void): Promise<LoadBenchRow> {
  // The plain read first, so both find the files in the page cache alike after they were written.
  const buffer = new Uint8Array(32 * MIB);
  let started = performance.now();
  for (const file of files) await plainRead(file, buffer);
  const plainReadSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const loaded = await load();
  const seconds = (performance.now() - started) / 1000;
  started = performance.now();
  seriesChecks(loaded.tiltSeries);
  const checksSeconds = (performance.now() - started) / 1000;
  log(`load ${size} at bin ${LOAD_BIN}: ${seconds.toFixed(2)} s; plain read ${plainReadSeconds.toFixed(2)} s; the page's checks ${checksSeconds.toFixed(2)} s`);
  return { size, bin: LOAD_BIN, fileMiB, seconds, mibPerSecond: fileMiB / seconds, plainReadSeconds, plainReadMibPerSecond: fileMiB / plainReadSeconds, ratio: seconds / plainReadSeconds, checksSeconds };
}

export async function benchLoad(options: { quick: boolean; log: (line: string) => void }): Promise<LoadBenchRow[]> {
  const n = options.quick ? 1024 : 4096;
  const dir = await mkdtemp(join(tmpdir(), 'wedgelab-bench-load-'));
  try {
    const size = `${n}×${n}×61 int16`;
    const large = await writeLargeStack(dir, 'stack', n, n, 61);
    const stackRow = await timedLoad(size, [large.stack], large.bytes / MIB, () => readTiltSeriesPaths(large.stack, large.angles, { bin: LOAD_BIN }), options.log);
    await rm(large.stack);
    const relion = await writeLargeTiltImages(dir, 'TS_01', n, n, 61);
    const images = (await readdir(join(dir, 'frames'))).map((f) => join(dir, 'frames', f));
    const relionRow = await timedLoad(`${size}, 61 tilt images + .star`, images, relion.bytes / MIB, () => readTiltSeriesPaths(relion.star, [], { bin: LOAD_BIN }), options.log);
    return [stackRow, relionRow];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function loadTable(rows: LoadBenchRow[]): string {
  const head = '| stack | bin | file (MiB) | load (s) | MiB/s | plain read (s) | MiB/s | load / read | page checks (s) |\n|---|---|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) => `| ${r.size} | ${r.bin} | ${r.fileMiB.toFixed(0)} | ${r.seconds.toFixed(2)} | ${r.mibPerSecond.toFixed(0)} | ${r.plainReadSeconds.toFixed(2)} | ${r.plainReadMibPerSecond.toFixed(0)} | ${r.ratio.toFixed(1)}× | ${r.checksSeconds.toFixed(2)} |`,
  );
  return [head, ...body].join('\n');
}
