/**
 * SLURM job arrays for a batch: one task per series (`--array=0-(N−1)%THROTTLE`, each task runs `wedgelab batch`
 * with its SLURM_ARRAY_TASK_ID) and a merge job that depends on the whole array (afterany: it also runs when a
 * task failed, so the rows that finished are merged). The scripts are written into OUT/slurm; `--submit` hands
 * them to sbatch.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../atomicWrite.ts';
import { HEADER_ANGLES_CELL, type SeriesEntry } from './series.ts';

export interface SlurmOptions {
  partition?: string;
  /** Wall time per task, SLURM's syntax (e.g. 2:00:00). */
  time: string;
  /** Memory per task, SLURM's syntax (e.g. 32G). */
  mem: string;
  /** GPUs per task (0: none, e.g. a CPU-only test cluster). */
  gpus: number;
  /** At most this many tasks at once (0: no limit). */
  throttle: number;
}

const WEDGELAB = fileURLToPath(new URL('../../../bin/wedgelab.js', import.meta.url));

/** A shell word: kept as it is when safe, single-quoted otherwise. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function header(name: string, logs: string, options: SlurmOptions, extra: string[]): string[] {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${logs}`,
    `#SBATCH --time=${options.time}`,
    `#SBATCH --mem=${options.mem}`,
    ...(options.partition ? [`#SBATCH --partition=${options.partition}`] : []),
    ...extra,
  ];
}

/**
 * Write OUT/slurm/series.tsv (the series as listed now: every task reads this list, so a task index names the same
 * series whatever happens to the folder later), OUT/slurm/batch.sbatch (the array; each task reruns `args`, the
 * batch's own arguments, on that list for its own series) and OUT/slurm/merge.sbatch. Returns the scripts' paths.
 */
export async function writeSlurmScripts(outDir: string, args: readonly string[], series: readonly SeriesEntry[], options: SlurmOptions): Promise<{ array: string; merge: string }> {
  const dir = join(resolve(outDir), 'slurm');
  const list = join(dir, 'series.tsv');
  const line = (e: SeriesEntry) => [e.name, resolve(e.stack), e.angles ? resolve(e.angles) : HEADER_ANGLES_CELL, ...(e.excludeTilts.length > 0 ? [e.excludeTilts.join(',')] : [])];
  await writeFileAtomic(list, `# name\tstack\tangles\ttilts to leave out\n${series.map((e) => line(e).join('\t')).join('\n')}\n`);
  const command = [process.execPath, WEDGELAB, 'batch', ...args, '--list', list].map(shellWord).join(' ');
  const seriesCount = series.length;
  const throttle = options.throttle > 0 ? `%${options.throttle}` : '';
  const array = header('wedgelab-batch', join(dir, 'task-%A_%a.log'), options, [
    `#SBATCH --array=0-${seriesCount - 1}${throttle}`,
    ...(options.gpus > 0 ? [`#SBATCH --gres=gpu:${options.gpus}`] : []),
  ]);
  const merge = header('wedgelab-merge', join(dir, 'merge-%j.log'), { ...options, gpus: 0, time: '0:10:00', mem: '1G' }, []);
  const paths = { array: join(dir, 'batch.sbatch'), merge: join(dir, 'merge.sbatch') };
  // Each task finds its series by SLURM_ARRAY_TASK_ID; its rows are merged by the merge job, not by the task.
  await writeFileAtomic(paths.array, `${[...array, `cd ${shellWord(process.cwd())}`, `exec ${command} --no-merge`].join('\n')}\n`);
  const mergeCommand = [process.execPath, WEDGELAB, 'batch', '--merge', '--out-dir', resolve(outDir)].map(shellWord).join(' ');
  await writeFileAtomic(paths.merge, `${[...merge, `exec ${mergeCommand}`].join('\n')}\n`);
  return paths;
}

const run = promisify(execFile);

/** Submit the array, then the merge job after it (afterany); returns both job ids. */
export async function submitSlurm(paths: { array: string; merge: string }): Promise<{ arrayJob: string; mergeJob: string }> {
  const sbatch = async (args: string[]) => {
    try {
      return (await run('sbatch', ['--parsable', ...args], { encoding: 'utf8' })).stdout.trim().split(';')[0];
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: string };
      throw new Error(e.code === 'ENOENT' ? 'sbatch is not on this machine: submit the scripts from a SLURM login node' : `sbatch failed: ${(e.stderr ?? e.message).trim()}`, { cause: error });
    }
  };
  const arrayJob = await sbatch([paths.array]);
  const mergeJob = await sbatch([`--dependency=afterany:${arrayJob}`, paths.merge]);
  return { arrayJob, mergeJob };
}
