/**
 * The load bench (`wedgelab bench --only load`): a real-size int16 stack (4096 × 4096 × 61, 2 GB; --quick: 1024 ×
 * 1024 × 61) written sparse to a temporary folder, read at bin 4 the way recon reads it (readTiltSeriesPaths: section
 * by section, converted, binned, checked), against the reference timed in the same run: a plain read of the same
 * bytes in 32 MiB pieces (fs FileHandle.read), the floor any reader pays. Then, timed apart, the checks the page
 * makes on a series it has loaded (engine/seriesChecks.ts). The file is removed afterwards.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriesChecks } from '../engine/seriesChecks.ts';
import { writeLargeStack } from './largeStack.ts';
import { readTiltSeriesPaths } from './recon.ts';

export interface LoadBenchRow {
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

/** Read a whole file in 32 MiB pieces into one reused buffer: what reading the bytes costs, nothing more. */
async function plainRead(path: string): Promise<number> {
  const file = await open(path);
  const buffer = new Uint8Array(32 * MIB);
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

export async function benchLoad(options: { quick: boolean; log: (line: string) => void }): Promise<LoadBenchRow[]> {
  const n = options.quick ? 1024 : 4096;
  const dir = await mkdtemp(join(tmpdir(), 'wedgelab-bench-load-'));
  try {
    const large = await writeLargeStack(dir, 'stack', n, n, 61);
    const fileMiB = large.bytes / MIB;
    // The plain read first, so both find the file in the page cache alike after it was written.
    let started = performance.now();
    await plainRead(large.stack);
    const plainReadSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const loaded = await readTiltSeriesPaths(large.stack, large.angles, { bin: LOAD_BIN });
    const seconds = (performance.now() - started) / 1000;
    started = performance.now();
    seriesChecks(loaded.tiltSeries);
    const checksSeconds = (performance.now() - started) / 1000;
    options.log(`load ${n}×${n}×61 int16 at bin ${LOAD_BIN}: ${seconds.toFixed(2)} s; plain read ${plainReadSeconds.toFixed(2)} s; the page's checks ${checksSeconds.toFixed(2)} s`);
    return [
      {
        size: `${n}×${n}×61 int16`,
        bin: LOAD_BIN,
        fileMiB,
        seconds,
        mibPerSecond: fileMiB / seconds,
        plainReadSeconds,
        plainReadMibPerSecond: fileMiB / plainReadSeconds,
        ratio: seconds / plainReadSeconds,
        checksSeconds,
      },
    ];
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
