/**
 * A Zarr folder's files as the OME-Zarr reader (./omeZarrRead.ts) asks for them, from a folder the page was given
 * (picked or dropped: each file with its path) or from disk (the command line). Page-safe and light: no codec here.
 */

/** A Zarr hierarchy's files by their path below its root ('.zattrs', '0/.zarray', '0/0/0/0', 'zarr.json'). */
export interface ZarrFiles {
  /** The folder's name, for messages ("TS_01.zarr"). */
  name: string;
  /** The file's bytes, or undefined where there is none (a chunk never written holds the fill value). */
  read(path: string): Promise<Uint8Array | undefined>;
}

/** A Zarr folder as the page has it (a picked or dropped folder's files): its name and each file below its root. */
export interface ZarrFolder {
  name: string;
  files: { path: string; blob: Blob }[];
  /** The folder it was picked in, among other Zarr folders (the page then offers them all); absent otherwise. */
  pickedIn?: string;
}

/** The files that mark a Zarr hierarchy's root: a v2 group or array, or any v3 node. */
const ROOT_MARKS = ['.zgroup', '.zattrs', '.zarray', 'zarr.json'];

/** Whether a file of this name marks a Zarr node (a folder of them was dropped where a tilt series was expected). */
export const isZarrMark = (name: string): boolean => ROOT_MARKS.includes(name);

/**
 * The Zarr folders among files picked or dropped with their paths ("run/TS_01.zarr/0/0/0/0": from the picked or
 * dropped folder's name down), shallowest first: each folder holding a root's mark that is not inside another, with
 * the files below it keyed from it; and the files in none of them.
 */
export function zarrFoldersIn<F extends { path: string; blob: Blob }>(files: readonly F[]): { folders: ZarrFolder[]; others: F[] } {
  const marked = files.filter(({ path }) => isZarrMark(path.split('/').pop() as string)).map(({ path }) => path.split('/').slice(0, -1).join('/'));
  const depth = (dir: string) => (dir === '' ? 0 : dir.split('/').length);
  const roots: string[] = [];
  for (const dir of [...new Set(marked)].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))) {
    if (!roots.some((root) => root === '' || dir.startsWith(`${root}/`))) roots.push(dir);
  }
  const rootOf = (path: string) => roots.find((root) => root === '' || path.startsWith(`${root}/`));
  const folders = roots.map((root) => ({
    name: root.split('/').pop() || 'Zarr folder',
    files: files.filter(({ path }) => rootOf(path) === root).map(({ path, blob }) => ({ path: root === '' ? path : path.slice(root.length + 1), blob })),
  }));
  return { folders, others: files.filter(({ path }) => rootOf(path) === undefined) };
}

/**
 * The Zarr folder among `folders` named after the series whose file names make `seriesName` (its stack's stem:
 * TS_026.zarr or TS_026.ome.zarr for TS_026.mrc), or null unless exactly one is.
 */
export function zarrFolderNamedAfter(folders: readonly ZarrFolder[], seriesName: string): ZarrFolder | null {
  const stem = (name: string) => name.replace(/\.gz$/i, '').replace(/(\.ome)?\.[^.]+$/i, '').toLowerCase();
  const stems = new Set(seriesName.split(/\s*\+\s*|,\s*/).map(stem));
  const named = folders.filter((folder) => stems.has(stem(folder.name)));
  return named.length === 1 ? named[0] : null;
}

/** A folder's files as the reader asks for them. */
export function zarrFilesOf(folder: ZarrFolder): ZarrFiles {
  const byPath = new Map(folder.files.map(({ path, blob }) => [path, blob]));
  return {
    name: folder.name,
    read: async (path) => {
      const blob = byPath.get(path);
      return blob && new Uint8Array(await blob.arrayBuffer());
    },
  };
}
