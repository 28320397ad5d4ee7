/**
 * RELION's STAR files on the command line: the images (and per-tilt-series tables) they name, found on disk.
 * RELION writes paths relative to its project folder (`MotionCorr/job002/frames/TS_01_001_0.0.mrc`), which is
 * where RELION runs, not where the STAR file is: each path is looked for as written (from the current folder),
 * then from each folder above the STAR file, then beside it by its base name.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { listNames } from '../io/angles.ts';
import { frameHalfImages, imageFiles, isStarFile, readRelionTiltSeries, type FrameHalf } from '../io/relionStar.ts';
import { parseStar, starColumn } from '../io/star.ts';

/** Where `path`, as a STAR file beside `starPath` writes it, is on disk; null when nowhere. */
function findOnDisk(path: string, starPath: string): string | null {
  const candidates = [path];
  for (let folder = dirname(resolve(starPath)); !isAbsolute(path); folder = dirname(folder)) {
    candidates.push(join(folder, path));
    if (dirname(folder) === folder) break;
  }
  candidates.push(join(dirname(starPath), basename(path)));
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/** `path` as `starPath` names it (`what` it is, for the message), found on disk (findOnDisk), or an error naming all three. */
function found(path: string, starPath: string, what: string): string {
  const onDisk = findOnDisk(path, starPath);
  if (!onDisk) throw new Error(`${starPath} names ${what} ${path}, which is neither there (from this folder) nor under any folder above ${dirname(starPath)}, nor beside it`);
  return onDisk;
}

/**
 * The tilt series a tomograms.star lists (its data_global rows: rlnTomoName and rlnTomoTiltSeriesStarFile), each
 * table found on disk; null when the file lists none (it is a tilt series' own table).
 */
export function listedTiltSeries(path: string, text: string): { name: string; table: string }[] | null {
  const global = parseStar(text, basename(path)).find((block) => block.name === 'global');
  const tables = global && starColumn(global, 'rlnTomoTiltSeriesStarFile');
  if (!global || !tables) return null;
  const names = starColumn(global, 'rlnTomoName') ?? [];
  return tables.map((table, row) => ({ name: names[row] ?? basename(table).replace(/\.star$/i, ''), table: found(table, path, 'the tilt series table') }));
}

/** The table of the one tilt series a tomograms.star lists, or of the one named `name`; null for a file that lists none. */
function listedTable(path: string, text: string, name?: string): string | null {
  const listed = listedTiltSeries(path, text);
  if (!listed) return null;
  const names = listed.map((series) => series.name);
  if (name !== undefined) {
    const chosen = listed.find((series) => series.name === name);
    if (!chosen) throw new Error(`${path} lists no tilt series ${name} (it lists ${listNames(names)})`);
    return chosen.table;
  }
  if (listed.length > 1) {
    throw new Error(`${path} lists ${listed.length} tilt series (${listNames(names)}): pick one with --series ${names[0]}, or give its own STAR file (${listed[0].table}), or run them all with wedgelab batch --list ${path}`);
  }
  return listed[0].table;
}

/**
 * `paths` with the files their STAR files name added: a tomograms.star that lists one tilt series (or the one
 * `options.series` names) brings that series' own table; a table brings its images, and those of its frame-half
 * sums that are on disk (`options.frames`: the sums of both halves instead, each required). Paths that are not
 * STAR files pass through.
 */
export async function withRelionFiles(paths: readonly string[], options: { frames?: FrameHalf; series?: string } = {}): Promise<string[]> {
  const { frames, series: name } = options;
  const stars = paths.filter(isStarFile);
  if (stars.length === 0) return [...paths];
  const texts = await Promise.all(stars.map(async (path) => ({ path, name: basename(path), text: await readFile(path, 'utf8') })));
  if (texts.length === 1) {
    const table = listedTable(texts[0].path, texts[0].text, name);
    if (table) texts.push({ path: table, name: basename(table), text: await readFile(table, 'utf8') });
  }
  const series = readRelionTiltSeries(texts, name, frames);
  const starOf = texts.find((t) => t.name === series.file)?.path ?? stars[0];
  const halves = imageFiles(frameHalfImages(series), 'path');
  // For one frame half, both halves' sums must be there, before the first is read; otherwise they are optional:
  // which of them are there, the load says (its "Frame halves" row).
  const images = (frames ? halves : imageFiles(series.images, 'path')).map((path) => found(path, starOf, 'the image'));
  const present = frames ? [] : halves.map((path) => findOnDisk(path, starOf));
  return [...new Set([...paths, ...texts.map((t) => t.path), ...images, ...present.filter((path): path is string => path !== null)])];
}
