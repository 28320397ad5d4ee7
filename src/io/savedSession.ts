/**
 * Tilt series and results kept for after a reload (or a crash) in the browser's origin-private file system
 * (OPFS: navigator.storage.getDirectory(), a folder only this origin can see, never uploaded). Each entry is two
 * files in one folder: `<key>.f32`, the values (float32, native order), written first, then `<key>.json`, what the
 * page needs to list and rebuild it. The .json is written last, so an entry with one is complete; a write cut short
 * (a crash, a full quota) leaves at most a .f32 without one, which is not listed and is removed.
 *
 * The folder is taken as the small part of FileSystemDirectoryHandle used here, so the format is tested in Node.
 */
import { formatBytes } from './bytes.ts';

/** What is kept: a loaded tilt series, or a result of one. `meta` is the summary and sizes the page rebuilds it from. */
export interface SavedEntry<M = unknown> {
  key: string;
  kind: 'dataset' | 'result';
  /** As the page lists it: the data set's or the result's name. */
  name: string;
  /** Bytes of the values. */
  bytes: number;
  /** ms since 1970. */
  savedAt: number;
  meta: M;
}

/** The part of FileSystemDirectoryHandle a saved session uses. */
export interface SessionFolder {
  getFileHandle(name: string, options?: { create?: boolean }): Promise<SessionFile>;
  removeEntry(name: string): Promise<void>;
  keys(): AsyncIterable<string>;
}

export interface SessionFile {
  getFile(): Promise<Blob>;
  createWritable(): Promise<{ write(data: BufferSource): Promise<void>; close(): Promise<void>; abort(): Promise<void> }>;
}

/** Room the browser reports (navigator.storage.estimate()); absent where it does not. */
export type StorageEstimate = () => Promise<{ usage?: number; quota?: number }>;

/** Values written per call: a large volume is not handed to the file system as one 4 GB write. */
const PIECE_VALUES = 4 << 20;

/** Why an entry was not kept; the data stay in the page (only the copy for after a reload is missing). */
export class NotSavedError extends Error {
  constructor(name: string, reason: string) {
    super(`${name} is not kept for after a reload: ${reason}; it stays open in this page (export it to keep it, or clear the saved session to make room)`);
    this.name = 'NotSavedError';
  }
}

function isQuotaError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'QuotaExceededError' || /quota/i.test(error.message));
}

/**
 * Keep one entry: the values, then the description. Refused before writing when the browser says the room is not
 * there; a write that fails part way is removed again. Either way a NotSavedError says what happened.
 */
export async function saveEntry(folder: SessionFolder, entry: Omit<SavedEntry, 'bytes'>, data: Float32Array | readonly Float32Array[], estimate?: StorageEstimate): Promise<SavedEntry> {
  // A tomogram held in pieces is written piece after piece into the one file (readEntryPieces reads it back so).
  const pieces = data instanceof Float32Array ? [data] : data;
  const saved: SavedEntry = { ...entry, bytes: pieces.reduce((n, piece) => n + piece.byteLength, 0) };
  const room = await estimate?.().catch(() => null);
  if (room?.quota !== undefined && (room.usage ?? 0) + saved.bytes > room.quota) {
    const free = Math.max(0, room.quota - (room.usage ?? 0));
    throw new NotSavedError(entry.name, `its ${formatBytes(saved.bytes)} exceed the ${formatBytes(free)} the browser's storage quota leaves`);
  }
  try {
    await writeFile(folder, `${entry.key}.f32`, pieces);
    await writeDescription(folder, saved);
    return saved;
  } catch (error) {
    await removeEntry(folder, entry.key);
    const reason = isQuotaError(error) ? `the browser's storage quota is full (${formatBytes(saved.bytes)} needed)` : `writing it failed (${(error as Error).message})`;
    throw new NotSavedError(entry.name, reason);
  }
}

async function writeFile(folder: SessionFolder, name: string, pieces: readonly (Float32Array | Uint8Array)[]): Promise<void> {
  const writable = await (await folder.getFileHandle(name, { create: true })).createWritable();
  try {
    for (const data of pieces) {
      for (let start = 0; start < data.length; start += PIECE_VALUES) {
        // Views of an ArrayBuffer (the data this page makes), which the type of write() cannot tell from a shared one.
        await writable.write(data.subarray(start, Math.min(data.length, start + PIECE_VALUES)) as unknown as BufferSource);
      }
    }
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    throw error;
  }
}

/** An entry's description, `<key>.json`. */
async function readDescription<M>(folder: SessionFolder, key: string): Promise<SavedEntry<M>> {
  return JSON.parse(await (await (await folder.getFileHandle(`${key}.json`)).getFile()).text()) as SavedEntry<M>;
}

async function writeDescription(folder: SessionFolder, entry: SavedEntry): Promise<void> {
  await writeFile(folder, `${entry.key}.json`, [new TextEncoder().encode(JSON.stringify(entry))]);
}

/** The complete entries, oldest first; leftovers of a write cut short are removed. */
export async function listEntries(folder: SessionFolder): Promise<SavedEntry[]> {
  const names: string[] = [];
  for await (const name of folder.keys()) names.push(name);
  const entries: SavedEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const key = name.slice(0, -'.json'.length);
    try {
      const entry = await readDescription(folder, key);
      const values = await (await folder.getFileHandle(`${key}.f32`)).getFile();
      if (entry.key === key && values.size === entry.bytes) entries.push(entry);
      else await removeEntry(folder, key);
    } catch {
      await removeEntry(folder, key); // unreadable: not something this page wrote whole
    }
  }
  const complete = new Set(entries.map((e) => e.key));
  for (const name of names.filter((n) => n.endsWith('.f32') && !complete.has(n.slice(0, -'.f32'.length)))) {
    await folder.removeEntry(name).catch(() => undefined);
  }
  return entries.sort((a, b) => a.savedAt - b.savedAt);
}

/**
 * Change a kept entry's description (a result's trust score, computed after it was kept); its values stay as
 * written. The .json is written whole again: a file system writable takes effect only when closed, so a rewrite cut
 * short leaves the description before it.
 */
export async function changeMeta<M>(folder: SessionFolder, key: string, change: (meta: M) => M): Promise<void> {
  const entry = await readDescription<M>(folder, key);
  await writeDescription(folder, { ...entry, meta: change(entry.meta) });
}

/** The values of an entry listEntries gave. */
export async function readEntryData(folder: SessionFolder, entry: SavedEntry): Promise<Float32Array> {
  const [data] = await readEntryPieces(folder, entry, [entry.bytes / 4]);
  return data;
}

/**
 * The values of an entry as pieces of these lengths (values), in file order: a tomogram saved in pieces comes back
 * in pieces, each its own buffer, never as one array larger than a buffer holds.
 */
export async function readEntryPieces(folder: SessionFolder, entry: SavedEntry, lengths: readonly number[]): Promise<Float32Array[]> {
  const blob = await (await folder.getFileHandle(`${entry.key}.f32`)).getFile();
  const bytes = 4 * lengths.reduce((n, length) => n + length, 0);
  if (blob.size !== entry.bytes || bytes !== entry.bytes) throw new Error(`${entry.name}: the saved values are ${blob.size} bytes, not ${bytes}`);
  const pieces: Float32Array[] = [];
  let start = 0;
  for (const length of lengths) {
    pieces.push(new Float32Array(await blob.slice(start, start + 4 * length).arrayBuffer()));
    start += 4 * length;
  }
  return pieces;
}

export async function removeEntry(folder: SessionFolder, key: string): Promise<void> {
  for (const name of [`${key}.json`, `${key}.f32`]) await folder.removeEntry(name).catch(() => undefined);
}

/** Remove every entry (and any leftover). */
export async function clearEntries(folder: SessionFolder): Promise<void> {
  const names: string[] = [];
  for await (const name of folder.keys()) names.push(name);
  for (const name of names) await folder.removeEntry(name).catch(() => undefined);
}
