/**
 * `wedgelab info FILE`: what a file holds, read as the loaders read it but permissively, so every problem is shown
 * rather than refused: the header's facts, every warning of the reader, and statistics of the data, streamed
 * section by section (mrcStream.ts: a file of any size in the memory of one section). NaN and ±Inf voxels are
 * counted by kind and shown as such, never folded into a blank statistic.
 */
import type { MrcInfo } from '../io/mrc.ts';
import { readMrcInfo } from '../io/mrcStream.ts';
import { UsageError } from '../engine/methods/flags.ts';
import { openFile } from './openFile.ts';
import { parseOptions } from './options.ts';

export async function infoCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseOptions(args, { json: { type: 'boolean' } }, Infinity);
  if (positionals.length !== 1) throw new UsageError('info takes one MRC file');
  const path = positionals[0];
  const info = await readMrcInfo((await openFile(path)).blob, { name: path });
  process.stdout.write(values.json ? `${JSON.stringify(info, nonFiniteAsText)}\n` : formatInfo(path, info));
}

/** JSON has no NaN or Infinity (JSON.stringify writes null, like a missing value): write them as words. */
function nonFiniteAsText(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Six significant digits, without trailing zeros. */
function number(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** The extreme that ±Inf voxels set, with the finite one beside it; "none" when no value is finite. */
function extreme(finite: number, infinities: number, sign: '+' | '−'): string {
  const finitePart = Number.isNaN(finite) ? 'none finite' : number(finite);
  return infinities > 0 ? `${sign}Inf (${infinities} voxel${infinities === 1 ? '' : 's'}; finite: ${finitePart})` : finitePart;
}

/** The report, one fact a line; warnings last, each on its own line. */
export function formatInfo(path: string, info: MrcInfo): string {
  const voxels = info.nx * info.ny * info.nz;
  const finite = voxels - info.nonFinite;
  const [px, py, pz] = info.pixelSize.map(number);
  const rows: [string, string][] = [
    ['size', `${info.nx} × ${info.ny} × ${info.nz} (${voxels} voxels)`],
    ['mode', `${info.mode} (${info.dtype}), ${info.endianness}-endian`],
    ['pixel size', `${px} × ${py} × ${pz} Å`],
    ['extended header', `${info.extendedHeaderBytes} bytes`],
    ['min', extreme(info.min, info.negInf, '−')],
    ['max', extreme(info.max, info.posInf, '+')],
    ['mean', finite === 0 ? 'none (no finite value)' : `${number(info.mean)}${info.nonFinite ? ` (of the ${finite} finite values)` : ''}`],
    ['std', finite === 0 ? 'none (no finite value)' : number(info.std)],
    ['non-finite', info.nonFinite === 0 ? 'none' : `${info.nan} NaN, ${info.posInf} +Inf, ${info.negInf} −Inf voxels`],
  ];
  const lines = [path, ...rows.map(([name, value]) => `  ${name.padEnd(16)}${value}`), ...info.warnings.map((w) => `warning: ${w}`)];
  return `${lines.join('\n')}\n`;
}
