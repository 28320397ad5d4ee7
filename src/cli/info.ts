/**
 * `wedgelab info FILE [SIDE FILES…]`: what a file holds, read as the loaders read it but permissively, so every
 * problem is shown rather than refused: the header's facts, every warning of the reader, and statistics of the
 * data, streamed section by section (mrcStream.ts: a file of any size in the memory of one section). NaN and ±Inf
 * voxels are counted by kind and shown as such, never folded into a blank statistic. With a stack's side files
 * (angles, alignment, .mdoc, IMOD's tilt.com), also what they say about it as the page and `recon` would load it, checked against
 * the header before the data is read: a mismatch is refused with the loaders' words. A folder or a TSV list: the
 * tilt series batch would run from it (seriesListInfo); an OME-Zarr folder: the tomogram in it (zarrInfo).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { astigmatismAxes } from '../io/astigmatism.ts';
import { dataStats, mergeStats, type MrcInfo, type MrcStats } from '../io/mrc.ts';
import type { HeaderAngles } from '../io/extendedHeader.ts';
import { readMrcInfo, readStackHeaderAngles } from '../io/mrcStream.ts';
import { isStackFile } from '../io/stackGroups.ts';
import { planTiltSeriesFiles, type TiltSeriesFilesPlan } from '../io/tiltSeriesFiles.ts';
import { UsageError } from '../engine/methods/flags.ts';
import { darkTiltsOfMeans, type DarkTiltHint } from '../engine/darkTilts.ts';
import { openFile } from './openFile.ts';
import { withRelionFiles } from './relionPaths.ts';
import { listSeries } from './batch/series.ts';
import { darkTiltsWarning, withFrameHalfStacks } from './recon.ts';
import { parseOptions } from './options.ts';
import { openZarrPath } from './readTomogram.ts';
import { isZarrMark } from '../io/zarrFolder.ts';

export async function infoCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseOptions(args, { json: { type: 'boolean' } }, Infinity);
  if (positionals.length === 0) throw new UsageError('info takes an MRC file, and optionally its side files (.tlt, .rawtlt, .mdoc, .xf, .xtilt, .aln, tilt.com, .defocus, _CTF.txt, _TLT.txt), a RELION tilt-series STAR file, a folder or TSV list as batch takes them, or an OME-Zarr tomogram\'s folder');
  if (positionals.length === 1 && (await isZarrFolder(positionals[0]))) {
    await zarrInfo(positionals[0], values.json === true);
    return;
  }
  if (positionals.length === 1 && (/\.tsv$/i.test(positionals[0]) || (await stat(positionals[0]).catch(() => null))?.isDirectory())) {
    await seriesListInfo(positionals[0], values.json === true);
    return;
  }
  // With side files, a stack's frame-half stacks beside it are listed as recon finds them.
  const stackPath = positionals.length > 1 ? positionals.find(isStackFile) : undefined;
  const halves = stackPath ? withFrameHalfStacks(stackPath).filter((half) => !positionals.some((p) => resolve(p) === resolve(half))) : [];
  const paths = await withRelionFiles([...positionals, ...halves]);
  const files = await Promise.all(paths.map(openFile));
  const series = files.length > 1 ? await planTiltSeriesFiles(files) : null;
  const stack = series?.stacks[0] ?? files[0];
  const path = paths[files.indexOf(stack)];
  const info = await readMrcInfo(stack.blob, { name: path });
  // RELION's tilt images, one file each: the section means of all of them, read as the loader reads them, one after the other.
  const others = await Promise.all((series?.stacks.slice(1) ?? []).map((f) => readMrcInfo(f.blob, { name: paths[files.indexOf(f)] })));
  const sectionMeans = [info, ...others].flatMap((i) => i.sectionMeans);
  // A stack on its own may carry its tilt angles (SerialEM, Thermo Fisher); with side files, the series names the angles' source.
  const headerAngles = series ? null : await readStackHeaderAngles(stack.blob, stack.name);
  if (values.json) {
    const facts = { ...info, ...(headerAngles && { headerTiltAngles: headerAngles.tiltAngles }), ...(series && { tiltSeries: seriesFacts(series) }) };
    process.stdout.write(`${JSON.stringify(facts, nonFiniteAsText)}\n`);
  } else {
    process.stdout.write(formatInfo(path, info, headerAngles) + (series ? formatSeries(series, sectionMeans) : ''));
  }
}

/** Whether `path` is a folder with a Zarr node's mark at its top (.zgroup, .zattrs, .zarray, zarr.json). */
async function isZarrFolder(path: string): Promise<boolean> {
  const names = await readdir(path).catch(() => [] as string[]);
  return names.some(isZarrMark);
}

/**
 * An OME-Zarr tomogram as the page and `metrics` read it (io/omeZarrRead.ts): its size, voxel size, the reader's
 * remarks and statistics, merged band by band (none kept: a volume of any size), as an MRC file's are.
 */
async function zarrInfo(path: string, json: boolean): Promise<void> {
  const { nx, ny, nz, pixelSize, warnings, bands } = await openZarrPath(path);
  let stats: MrcStats | null = null;
  let count = 0;
  for await (const { data } of bands()) {
    const band = dataStats(data);
    stats = stats ? mergeStats(stats, band, count, data.length) : band;
    count += data.length;
  }
  const { min, max, mean, std } = stats as MrcStats;
  if (json) {
    process.stdout.write(`${JSON.stringify({ format: 'OME-Zarr', nx, ny, nz, pixelSize, min, max, mean, std, warnings }, nonFiniteAsText)}\n`);
    return;
  }
  const rows: [string, string][] = [
    ['format', 'OME-Zarr (its finest level, as the page and metrics read it)'],
    ['size', `${nx} × ${ny} × ${nz} (${nx * ny * nz} voxels)`],
    ['pixel size', pixelSize > 0 ? `${number(pixelSize)} Å` : 'unknown'],
    ...(['min', 'max', 'mean', 'std'] as const).map((key): [string, string] => [key, number({ min, max, mean, std }[key])]),
  ];
  process.stdout.write(`${[path, ...rows.map(([name, value]) => `  ${name.padEnd(16)}${value}`), ...warnings.map((w) => `note: ${w}`)].join('\n')}\n`);
}

/** One series of a batch list, planned as batch would load it (no data read), or why it cannot be. */
interface ListedSeries {
  name: string;
  files: string[];
  tilts?: string;
  /** The data panel's rows' labels (what the side files give: Alignment applied, Dose, Defocus, …). */
  gives?: string[];
  warnings?: string[];
  error?: string;
  /** A simulation's ground truth beside it, which batch scores against (its truth score). */
  groundTruth?: string;
  /** A pipeline's tomogram and half tomograms beside it, which batch compares with (--scores pipeline). */
  pipeline?: { tomogram?: string; halves?: [string, string] };
}

/** "; --scores pipeline compares with TS_1_Vol.mrc and the halves TS_1_EVN_Vol.mrc, TS_1_ODD_Vol.mrc", or nothing. */
function pipelineText(pipeline: ListedSeries['pipeline']): string {
  if (!pipeline) return '';
  const halves = pipeline.halves && `the halves ${pipeline.halves.join(', ')}`;
  return `; --scores pipeline compares with ${[pipeline.tomogram, halves].filter(Boolean).join(' and ')}`;
}

/**
 * `wedgelab info DIR|LIST.tsv`: the tilt series batch would run from that folder or list (cli/batch/series.ts),
 * each with the files it would read and what they give, planned without reading any data; a series that would
 * fail says why. One line a series, or --json.
 */
async function seriesListInfo(list: string, json: boolean): Promise<void> {
  const listed: ListedSeries[] = [];
  for (const entry of await listSeries(list)) {
    const given = [entry.stack, ...(entry.angles ? [entry.angles] : []), ...entry.sideFiles];
    try {
      const paths = await withRelionFiles([...given, ...withFrameHalfStacks(entry.stack)], { series: entry.relionSeries });
      const { seriesName, side, header, plan, warnings } = await planTiltSeriesFiles(await Promise.all(paths.map(openFile)), { relionSeries: entry.relionSeries });
      const tilts = `${plan.tiltAngles.length} of ${header.nz} sections, ${angleRange(plan.tiltAngles)}`;
      const gives = plan.rows.map((r) => r.label).filter((label) => label !== 'Tilt angles');
      const { groundTruth, pipelineTomogram, pipelineHalves } = entry;
      const pipeline = (pipelineTomogram || pipelineHalves) && {
        ...(pipelineTomogram && { tomogram: basename(pipelineTomogram) }),
        ...(pipelineHalves && { halves: pipelineHalves.map((path) => basename(path)) as [string, string] }),
      };
      listed.push({ name: entry.name, files: [seriesName, ...side.map((f) => f.name)], tilts, gives, warnings, ...(groundTruth && { groundTruth: basename(groundTruth) }), ...(pipeline && { pipeline }) });
    } catch (error) {
      listed.push({ name: entry.name, files: given.map((path) => basename(path)), error: (error as Error).message });
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(listed)}\n`);
    return;
  }
  const width = Math.max(...listed.map((s) => s.name.length)) + 2;
  const lines = listed.map((s) => {
    const truth = s.groundTruth ? `; scored against ${s.groundTruth}` : '';
    const facts = s.error ? `cannot load: ${s.error}` : `${s.tilts}${s.gives?.length ? `; ${s.gives.join(', ')}` : ''}${truth}${pipelineText(s.pipeline)}${s.warnings?.length ? `; ${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'}` : ''}`;
    return `  ${s.name.padEnd(width)}${s.files.join(' + ')}\n  ${' '.repeat(width)}${facts}`;
  });
  process.stdout.write(`${listed.length} tilt series in ${list}, as batch --list takes them:\n${lines.join('\n')}\n`);
}

/** e.g. "-60° … 60°". */
function angleRange(tiltAngles: readonly number[]): string {
  return `${number(Math.min(...tiltAngles))}° … ${number(Math.max(...tiltAngles))}°`;
}

/** What the side files decide, for --json: the kept sections (raw stack order), their angles, each value with its source. */
function seriesFacts({ plan, warnings }: TiltSeriesFilesPlan) {
  return { keptSections: plan.keptSections, tiltAngles: plan.tiltAngles, angleSource: plan.angleSource, metadata: plan.rows, warnings };
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

/**
 * The series as its side files describe it, in the data panel's words, each value with its source; the tilt table
 * with the tilts that look dark by their sections' means marked; then their warnings, and the dark tilts'.
 */
function formatSeries({ seriesName, side, header, plan, warnings }: TiltSeriesFilesPlan, sectionMeans: readonly number[]): string {
  const { tiltAngles } = plan;
  const dark = darkTiltsOfMeans(plan.keptSections.map((section) => sectionMeans[section]), tiltAngles);
  const rows: [string, string][] = [
    ['tilts', `${tiltAngles.length} of ${header.nz} sections, ${angleRange(tiltAngles)}`],
    ...plan.rows.map(({ label, value, source }): [string, string] => [label, `${value} (${source})`]),
  ];
  const width = Math.max(16, ...rows.map(([label]) => label.length + 1));
  const lines = [
    `tilt series ${[seriesName, ...side.map((f) => f.name)].join(' + ')}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
    ...tiltTable(plan, dark),
    ...warnings.map((w) => `warning: ${w}`),
    ...[darkTiltsWarning(dark, seriesName)].filter((w) => w !== null),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * One line per tilt: its number (from 1, what --exclude-tilts takes), the stack section it is (from 0, as the
 * .mdoc's ZValue and the messages count them), its angle and, where known, what the specimen received before it and
 * its defocus (µm under focus, the CTF estimate's, with its astigmatism and a phase plate's shift in units of π); "dark (12%)" after a
 * tilt that looks dark.
 */
function tiltTable({ keptSections, tiltAngles, accumulatedDose, defocus, astigmatism, phaseShift }: TiltSeriesFilesPlan['plan'], dark: readonly DarkTiltHint[]): string[] {
  // Astigmatism as the two axes' difference and defocus 1's angle (degrees, in the stack as stored: before an alignment turns it).
  const astigmatic = (j: number) => {
    const { difference, angle } = astigmatismAxes(astigmatism?.cos2[j] ?? 0, astigmatism?.sin2[j] ?? 0);
    return `${difference.toFixed(2)} @ ${angle.toFixed(0)}°`;
  };
  const columns: { head: string; cell: (j: number) => string }[] = [
    ...(accumulatedDose ? [{ head: 'dose before (e/Å²)', cell: (j: number) => accumulatedDose[j].toFixed(1) }] : []),
    ...(defocus ? [{ head: 'defocus (µm)', cell: (j: number) => defocus[j].toFixed(2) }] : []),
    ...(astigmatism ? [{ head: 'astigmatism (µm @ angle)', cell: astigmatic }] : []),
    ...(phaseShift ? [{ head: 'plate (π)', cell: (j: number) => (phaseShift[j] / Math.PI).toFixed(2) }] : []),
  ];
  const extra = (cell: (c: (typeof columns)[number]) => string) => columns.map((c) => `  ${cell(c).padStart(c.head.length)}`).join('');
  const head = `  ${'tilt'.padStart(4)}  ${'section'.padStart(7)}  ${'angle'.padStart(8)}${extra((c) => c.head)}`;
  return [
    head,
    ...tiltAngles.map((angle, j) => {
      const hint = dark.find((d) => d.number === j + 1);
      const mark = hint ? `  dark (${hint.percent.toFixed(0)}%)` : '';
      return `  ${String(j + 1).padStart(4)}  ${String(keptSections[j]).padStart(7)}  ${`${angle.toFixed(2)}°`.padStart(8)}${extra((c) => c.cell(j))}${mark}`;
    }),
  ];
}

/** The report, one fact a line; warnings last, each on its own line. */
export function formatInfo(path: string, info: MrcInfo, headerAngles: HeaderAngles | null = null): string {
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
    ...(headerAngles ? [['tilt angles', `${headerAngles.tiltAngles.length}, ${angleRange(headerAngles.tiltAngles)} (${headerAngles.kind} extended header)`] as [string, string]] : []),
  ];
  // Angles from the header number every section, so its tilts are its sections.
  const dark = headerAngles?.tiltAngles.length === info.nz ? darkTiltsOfMeans(info.sectionMeans, headerAngles.tiltAngles) : [];
  const lines = [path, ...rows.map(([name, value]) => `  ${name.padEnd(16)}${value}`), ...info.warnings.map((w) => `warning: ${w}`), ...[darkTiltsWarning(dark, path)].filter((w) => w !== null)];
  return `${lines.join('\n')}\n`;
}
