/**
 * One row per series and method: written to OUT/rows/SERIES.METHOD.json when the run ends (done or failed), so a
 * row's presence says the run finished; merged into OUT/metrics.csv and OUT/metrics.json.
 */
import type { OddEvenSplit } from '../../engine/evaluation/oddEven.ts';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toCsv } from '../../io/csv.ts';
import { writeFileAtomic } from '../atomicWrite.ts';

export interface BatchRow {
  series: string;
  /** The method as named on the command line (an alias such as localnet-wavelet stays as given). */
  method: string;
  status: 'done' | 'failed';
  /** The reason of a failure, in one line. */
  error?: string;
  /** The tomogram, relative to the output folder. */
  output?: string;
  label?: string;
  seconds?: number;
  /** Held-out-tilt cross-validation: mean NMSE and correlation of the predicted held-out tilts. */
  cvNmse?: number;
  cvCorr?: number;
  /**
   * With --drop each (every tilt held out in turn): the tilts that agree with the others less than their neighbours
   * do, numbered from 1 as --exclude-tilts takes them ("6,11"; empty when none).
   */
  cvFlaggedTilts?: string;
  /** Odd/even FSC resolution at 0.143 and 0.5, in `resolutionUnit`; null where the curve never crosses. */
  oddEvenRes0143?: number | null;
  oddEvenRes05?: number | null;
  resolutionUnit?: 'Å' | 'voxel';
  /** How the odd/even FSC halved the series: by tilt, or by movie frame (--halves). */
  oddEvenHalves?: OddEvenSplit;
  /**
   * Against the series' ground truth (the truth score, a simulation's ground_truth.mrc beside its stack): PSNR after
   * the affine fit, whole and of the error on the measured and the missing side of the wedge cone (dB); SSIM (null
   * below its 11-voxel window); the FSC resolution at 0.143 in `resolutionUnit`. Null where not finite or not crossed.
   */
  truthPsnr?: number | null;
  truthPsnrMeasured?: number | null;
  truthPsnrMissing?: number | null;
  truthSsim?: number | null;
  truthRes0143?: number | null;
  /**
   * Against a pipeline's tomogram of the series beside its stack (the pipeline score: AreTomo's STEM_Vol, etomo's
   * STEM_full_rec or STEM_rec, IMOD's STEM.rec), lined up with the tilts: its file, and the FSC resolution at 0.143
   * and 0.5 in `resolutionUnit` (how far the two agree, not which is right). Null where not crossed.
   */
  pipelineFile?: string;
  pipelineRes0143?: number | null;
  pipelineRes05?: number | null;
  /**
   * The pipeline's own odd/even FSC (the pipeline score, with its two half tomograms beside the stack: AreTomo3's
   * STEM_EVN_Vol and STEM_ODD_Vol): their files, and the FSC resolution at 0.143 and 0.5 between them, the second
   * lined up as the first. The series', the same in each of its rows, beside each method's own oddEvenRes.
   */
  pipelineHalves?: string;
  pipelineHalvesRes0143?: number | null;
  pipelineHalvesRes05?: number | null;
  gpu: string;
  version: string;
  /** The method's complete parameters, as JSON. */
  params?: string;
  finishedAt: string;
}

const COLUMNS: (keyof BatchRow)[] = [
  'series',
  'method',
  'status',
  'error',
  'output',
  'label',
  'seconds',
  'cvNmse',
  'cvCorr',
  'cvFlaggedTilts',
  'oddEvenRes0143',
  'oddEvenRes05',
  'resolutionUnit',
  'oddEvenHalves',
  'truthPsnr',
  'truthPsnrMeasured',
  'truthPsnrMissing',
  'truthSsim',
  'truthRes0143',
  'pipelineFile',
  'pipelineRes0143',
  'pipelineRes05',
  'pipelineHalves',
  'pipelineHalvesRes0143',
  'pipelineHalvesRes05',
  'gpu',
  'version',
  'params',
  'finishedAt',
];

export function rowPath(outDir: string, series: string, method: string): string {
  return join(outDir, 'rows', `${series}.${method}.json`);
}

export async function writeRow(outDir: string, row: BatchRow): Promise<void> {
  await writeFileAtomic(rowPath(outDir, row.series, row.method), `${JSON.stringify(row)}\n`);
}

export async function readRow(outDir: string, series: string, method: string): Promise<BatchRow | null> {
  try {
    return JSON.parse(await readFile(rowPath(outDir, series, method), 'utf8')) as BatchRow;
  } catch {
    return null;
  }
}

/** Every row written so far into metrics.csv and metrics.json, sorted by series then method; returns them. */
export async function mergeRows(outDir: string): Promise<BatchRow[]> {
  const dir = join(outDir, 'rows');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  const rows = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as BatchRow));
  rows.sort((a, b) => a.series.localeCompare(b.series) || a.method.localeCompare(b.method));
  await writeFileAtomic(join(outDir, 'metrics.csv'), toCsv(COLUMNS, rows.map((r) => COLUMNS.map((c) => r[c]))));
  await writeFileAtomic(join(outDir, 'metrics.json'), `${JSON.stringify(rows, null, 2)}\n`);
  return rows;
}
