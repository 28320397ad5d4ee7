/** A dropped folder gives the files inside it, every subfolder opened and every batch of readEntries read. */
import { describe, expect, it } from 'vitest';
import { filesOfEntries, type DroppedEntry } from './droppedFiles.ts';

const fileEntry = (name: string): DroppedEntry => ({ isFile: true, isDirectory: false, name, file: (success) => success(new File([name], name)) });

/** A folder whose reader hands its entries over 100 at a time, as Chrome's does. */
function folderEntry(name: string, children: DroppedEntry[]): DroppedEntry {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (success) => {
          success(children.slice(at, at + 100));
          at += 100;
        },
      };
    },
  };
}

describe('filesOfEntries', () => {
  it('opens folders and subfolders, reading past the first batch of entries', async () => {
    const frames = Array.from({ length: 250 }, (_, k) => fileEntry(`TS_01_${String(k).padStart(3, '0')}.mrc`));
    const files = await filesOfEntries([fileEntry('TS_01.star'), folderEntry('MotionCorr', [folderEntry('frames', frames), fileEntry('note.txt')])]);
    expect(files.map((f) => f.file.name)).toEqual(['TS_01.star', ...frames.map((f) => f.name), 'note.txt']);
    expect(files.map((f) => f.folder)).toEqual(['', ...frames.map(() => 'MotionCorr/frames'), 'MotionCorr']);
    expect(await files[1].file.text()).toBe('TS_01_000.mrc');
  });

  it('passes a reading error on', async () => {
    const broken: DroppedEntry = { isFile: false, isDirectory: true, name: 'gone', createReader: () => ({ readEntries: (_, failure) => failure?.(new Error('NotFoundError')) }) };
    await expect(filesOfEntries([broken])).rejects.toThrow('NotFoundError');
  });
});
