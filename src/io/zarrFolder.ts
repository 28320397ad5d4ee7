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
}

/** The files that mark a Zarr hierarchy's root: a v2 group or array, or any v3 node. */
const ROOT_MARKS = ['.zgroup', '.zattrs', '.zarray', 'zarr.json'];

/** Whether a file of this name marks a Zarr node (a folder of them was dropped where a tilt series was expected). */
export const isZarrMark = (name: string): boolean => ROOT_MARKS.includes(name);

/**
 * The Zarr folder among files picked or dropped with their paths ("TS_01.zarr/0/0/0/0", a folder's files' paths
 * below the picked folder, its own name first): the shallowest folder holding a root's mark. Null when there is none.
 */
export function zarrFolderOf(files: readonly { path: string; blob: Blob }[]): ZarrFolder | null {
  const roots = files
    .map(({ path }) => path.split('/'))
    .filter((parts) => isZarrMark(parts[parts.length - 1]))
    .map((parts) => parts.slice(0, -1).join('/'));
  if (roots.length === 0) return null;
  const root = roots.reduce((shallowest, dir) => (dir.split('/').length < shallowest.split('/').length ? dir : shallowest));
  const prefix = root === '' ? '' : `${root}/`;
  const inside = files.filter(({ path }) => path.startsWith(prefix)).map(({ path, blob }) => ({ path: path.slice(prefix.length), blob }));
  return { name: root.split('/').pop() || 'Zarr folder', files: inside };
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
