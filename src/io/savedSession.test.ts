import { describe, expect, it } from 'vitest';
import { memoryFolder } from './memoryFolder.ts';
import { changeMeta, clearEntries, listEntries, NotSavedError, readEntryData, readEntryPieces, saveEntry } from './savedSession.ts';

const entry = (key: string, savedAt: number) => ({ key, kind: 'result' as const, name: `FBP ${key}`, savedAt, meta: { nx: 3 } });

describe('saved session', () => {
  it('keeps values and description, lists complete entries oldest first, and reads the values back bit for bit', async () => {
    const folder = memoryFolder();
    const values = Float32Array.from([1.5, -2, NaN, 3e38, 0]);
    await saveEntry(folder, entry('b', 2), values);
    await saveEntry(folder, entry('a', 1), Float32Array.from([7]));
    const listed = await listEntries(folder);
    expect(listed.map((e) => [e.key, e.bytes, e.meta])).toEqual([['a', 4, { nx: 3 }], ['b', 20, { nx: 3 }]]);
    expect(Array.from(await readEntryData(folder, listed[1]))).toEqual(Array.from(values));
    await clearEntries(folder);
    expect(await listEntries(folder)).toEqual([]);
  });

  it('keeps pieces one after another in one file, reads them back in pieces, and refuses lengths that do not add up', async () => {
    const folder = memoryFolder();
    const saved = await saveEntry(folder, entry('p', 1), [Float32Array.from([1, 2, 3]), Float32Array.from([4]), Float32Array.from([5, 6])]);
    expect(saved.bytes).toBe(24);
    expect(Array.from(await readEntryData(folder, saved))).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await readEntryPieces(folder, saved, [3, 1, 2])).map((piece) => Array.from(piece))).toEqual([[1, 2, 3], [4], [5, 6]]);
    await expect(readEntryPieces(folder, saved, [3, 2])).rejects.toThrow('FBP p: the saved values are 24 bytes, not 20');
  });

  it("changes an entry's description and leaves its values as written", async () => {
    const folder = memoryFolder();
    await saveEntry(folder, entry('c', 3), Float32Array.from([1, -2]));
    await changeMeta<{ nx: number }>(folder, 'c', (meta) => ({ ...meta, nx: 4 }));
    const listed = await listEntries(folder);
    expect(listed).toEqual([{ key: 'c', kind: 'result', name: 'FBP c', bytes: 8, savedAt: 3, meta: { nx: 4 } }]);
    expect(Array.from(await readEntryData(folder, listed[0]))).toEqual([1, -2]);
  });

  it("a description's rewrite cut short (a full quota) leaves the description before it, and the entry listed", async () => {
    const values = Float32Array.from([1, -2]);
    const measured = memoryFolder();
    await saveEntry(measured, entry('c', 3), values);
    const savedBytes = [...measured.files.values()].reduce((n, f) => n + f.length, 0);
    const folder = memoryFolder(savedBytes + 1); // room for the entry, not for its description written again
    await saveEntry(folder, entry('c', 3), values);
    const error = await changeMeta<{ nx: number }>(folder, 'c', (meta) => ({ ...meta, nx: 4 })).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('QuotaExceededError');
    expect(await listEntries(folder)).toEqual([{ key: 'c', kind: 'result', name: 'FBP c', bytes: 8, savedAt: 3, meta: { nx: 3 } }]);
  });

  it('a full quota is one clear message, and leaves no half entry behind', async () => {
    const folder = memoryFolder(10);
    const error = await saveEntry(folder, entry('q', 1), new Float32Array(8)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSavedError);
    expect((error as Error).message).toBe(
      "FBP q is not kept for after a reload: the browser's storage quota is full (32 bytes needed); it stays open in this page (export it to keep it, or clear the saved session to make room)",
    );
    expect([...folder.files.keys()]).toEqual([]);
  });

  it('refuses before writing when the browser says the room is not there', async () => {
    const folder = memoryFolder();
    const estimate = async () => ({ usage: 9 << 20, quota: 10 << 20 });
    await expect(saveEntry(folder, entry('big', 1), new Float32Array(1 << 19), estimate)).rejects.toThrow(
      "FBP big is not kept for after a reload: its 2.0 MiB exceed the 1.0 MiB the browser's storage quota leaves",
    );
    expect(folder.files.size).toBe(0);
  });

  it('a write cut short (values without a description, or values of the wrong size) is not listed and is removed', async () => {
    const folder = memoryFolder();
    await saveEntry(folder, entry('ok', 1), Float32Array.from([1, 2]));
    folder.files.set('crash.f32', new Uint8Array(8));
    await saveEntry(folder, entry('short', 2), Float32Array.from([1, 2]));
    folder.files.set('short.f32', new Uint8Array(4));
    expect((await listEntries(folder)).map((e) => e.key)).toEqual(['ok']);
    expect([...folder.files.keys()].sort()).toEqual(['ok.f32', 'ok.json']);
  });
});
