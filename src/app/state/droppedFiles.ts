/**
 * The files of a drop, folders opened: a RELION project's `frames/` folder (or an etomo folder) dropped whole
 * gives the files inside it, in every subfolder, so that its STAR table finds the images it names. The browser's
 * `File` list of a drop holds a folder as one unreadable entry; its items' file-system entries hold the tree.
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

/** The files under `entries`, folders opened recursively. */
export async function filesOfEntries(entries: readonly DroppedEntry[]): Promise<File[]> {
  const files: File[] = [];
  for (const entry of entries) {
    if (entry.isFile && entry.file) files.push(await new Promise<File>((resolve, reject) => entry.file?.(resolve, reject)));
    else if (entry.isDirectory) files.push(...(await filesOfEntries(await entriesOf(entry))));
  }
  return files;
}

/**
 * A drop's files, its folders opened. The entries must be taken while the drop event runs (the browser empties
 * its items after), so this is called from the handler and reads them afterwards; without entries (an older
 * browser), the drop's own file list.
 */
export function droppedFiles(transfer: DataTransfer | null): Promise<File[]> {
  const items = Array.from(transfer?.items ?? []).filter((item) => item.kind === 'file');
  const entries = items.map((item) => item.webkitGetAsEntry?.() as DroppedEntry | null);
  if (entries.length === 0 || entries.some((entry) => !entry)) return Promise.resolve(Array.from(transfer?.files ?? []));
  return filesOfEntries(entries as DroppedEntry[]);
}
