/**
 * The files of a drop, folders opened: a RELION project's `frames/` folder (or an etomo folder) dropped whole
 * gives the files inside it, in every subfolder, so that its STAR table finds the images it names. The browser's
 * `File` list of a drop holds a folder as one unreadable entry; its items' file-system entries hold the tree.
 * Each file keeps the folder it was in: a folder of simulations (s1/tilt_series.mrc, s2/tilt_series.mrc) repeats
 * its names, and the page asks which folder to load (state/typedAngles.ts).
 */

/** The part of the File and Directory Entries API a drop's entries are read through (FileSystemEntry and kin). */
export interface DroppedEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(success: (file: File) => void, failure?: (error: unknown) => void): void;
  createReader?(): { readEntries(success: (entries: DroppedEntry[]) => void, failure?: (error: unknown) => void): void };
}

/** A folder's entries: readEntries gives them a batch at a time (100 in Chrome) until it gives none. */
async function entriesOf(folder: DroppedEntry): Promise<DroppedEntry[]> {
  const reader = folder.createReader?.();
  if (!reader) return [];
  const all: DroppedEntry[] = [];
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** A dropped or picked file, with the folder it was in: its path within the drop ('' for a file dropped itself). */
export interface DroppedFile {
  file: File;
  folder: string;
}

/** Files given without their folders (picked one by one, or a script's), as dropped files. */
export const asDropped = (files: readonly File[]): DroppedFile[] => files.map((file) => ({ file, folder: '' }));

/** The files under `entries` (in `folder`), folders opened recursively. */
export async function filesOfEntries(entries: readonly DroppedEntry[], folder = ''): Promise<DroppedFile[]> {
  const files: DroppedFile[] = [];
  for (const entry of entries) {
    if (entry.isFile && entry.file) files.push({ file: await new Promise<File>((resolve, reject) => entry.file?.(resolve, reject)), folder });
    else if (entry.isDirectory) files.push(...(await filesOfEntries(await entriesOf(entry), folder ? `${folder}/${entry.name}` : entry.name)));
  }
  return files;
}

/**
 * A drop's files, its folders opened. The entries must be taken while the drop event runs (the browser empties
 * its items after), so this is called from the handler and reads them afterwards; without entries (an older
 * browser), the drop's own file list.
 */
export function droppedFiles(transfer: DataTransfer | null): Promise<DroppedFile[]> {
  const items = Array.from(transfer?.items ?? []).filter((item) => item.kind === 'file');
  const entries = items.map((item) => item.webkitGetAsEntry?.() as DroppedEntry | null);
  if (entries.length === 0 || entries.some((entry) => !entry)) return Promise.resolve(asDropped(Array.from(transfer?.files ?? [])));
  return filesOfEntries(entries as DroppedEntry[]);
}

/** A folder picked whole ("Open folder…"): each file's folder from its path within the pick (webkitRelativePath). */
export function pickedFolder(files: readonly File[]): DroppedFile[] {
  return files.map((file) => ({ file, folder: file.webkitRelativePath.replace(/\/?[^/]*$/, '') }));
}
