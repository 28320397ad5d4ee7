/**
 * RELION's STAR files on the command line: the images (and per-tilt-series tables) they name, found on disk.
 * RELION writes paths relative to its project folder (`MotionCorr/job002/frames/TS_01_001_0.0.mrc`), which is
 * where RELION runs, not where the STAR file is: each path is looked for as written (from the current folder),
 * then from each folder above the STAR file, then beside it by its base name.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { isStarFile, readRelionTiltSeries } from '../io/relionStar.ts';
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

function found(path: string, starPath: string, what: string): string {
  const onDisk = findOnDisk(path, starPath);
  if (!onDisk) throw new Error(`${starPath} names ${what} ${path}, which is neither there (from this folder) nor under any folder above ${dirname(starPath)}, nor beside it`);
  return onDisk;
}

/**
 * `paths` with the files their STAR files name added: a tomograms.star that lists one tilt series brings that
 * series' own table; a table brings its images. Paths that are not STAR files pass through.
 */
export async function withRelionFiles(paths: readonly string[]): Promise<string[]> {
  const stars = paths.filter(isStarFile);
  if (stars.length === 0) return [...paths];
  const texts = await Promise.all(stars.map(async (path) => ({ path, name: basename(path), text: await readFile(path, 'utf8') })));
  for (const { path, name, text } of [...texts]) {
    const global = parseStar(text, name).find((block) => block.name === 'global');
    const listed = global && starColumn(global, 'rlnTomoTiltSeriesStarFile');
    if (!listed || texts.length > 1) continue;
    if (listed.length > 1) {
      const names = starColumn(global, 'rlnTomoName') ?? [];
      throw new Error(`${path} lists ${listed.length} tilt series (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}): give one's own STAR file (${listed[0]}) with it or instead`);
    }
    const table = found(listed[0], path, 'the tilt series table');
    texts.push({ path: table, name: basename(table), text: await readFile(table, 'utf8') });
  }
  const series = readRelionTiltSeries(texts);
  const starOf = texts.find((t) => t.name === series.file)?.path ?? stars[0];
  const images = [...new Set(series.images.map((image) => image.path))].map((path) => found(path, starOf, 'the image'));
  return [...new Set([...paths, ...texts.map((t) => t.path), ...images])];
}
