import { describe, expect, it } from 'vitest';
import { zarrFilesOf, zarrFolderNamedAfter, zarrFoldersIn, type ZarrFolder } from './zarrFolder.ts';

const entry = (path: string, text = path) => ({ path, blob: new Blob([text]) });
const paths = (folder: ZarrFolder | undefined) => folder && { name: folder.name, paths: folder.files.map((f) => f.path) };
/** The shallowest Zarr folder among the files. */
const first = (files: { path: string; blob: Blob }[]) => zarrFoldersIn(files).folders[0];

describe('a Zarr folder among picked files', () => {
  it('is the shallowest folder holding a root mark, its files keyed below it', () => {
    // The Zarr folder picked itself (v2): its name first in every path.
    expect(paths(first(['TS_01.zarr/.zgroup', 'TS_01.zarr/.zattrs', 'TS_01.zarr/0/.zarray', 'TS_01.zarr/0/0/0/0'].map((p) => entry(p))))).toEqual({
      name: 'TS_01.zarr',
      paths: ['.zgroup', '.zattrs', '0/.zarray', '0/0/0/0'],
    });
    // A folder above it picked (v3: zarr.json in every node), with other files beside the Zarr folder.
    expect(paths(first(['run/notes.txt', 'run/Tomograms/t.zarr/zarr.json', 'run/Tomograms/t.zarr/0/zarr.json', 'run/Tomograms/t.zarr/0/c/0/0/0'].map((p) => entry(p))))).toEqual({
      name: 't.zarr',
      paths: ['zarr.json', '0/zarr.json', '0/c/0/0/0'],
    });
    expect(first([entry('stack/a.mrc'), entry('stack/a.tlt')])).toBeUndefined();
  });

  it('are every folder with a root mark not inside another, and the files outside them are the others', () => {
    const files = ['run/TS.mrc', 'run/TS.tlt', 'run/a.zarr/.zgroup', 'run/a.zarr/0/.zarray', 'run/a.zarr/0/0.0.0', 'run/deep/b.zarr/zarr.json', 'run/deep/b.zarr/0/zarr.json', 'run/deep/notes.txt'].map((p) => entry(p));
    const { folders, others } = zarrFoldersIn(files);
    expect(folders.map((f) => paths(f))).toEqual([
      { name: 'a.zarr', paths: ['.zgroup', '0/.zarray', '0/0.0.0'] },
      { name: 'b.zarr', paths: ['zarr.json', '0/zarr.json'] },
    ]);
    expect(others.map((f) => f.path)).toEqual(['run/TS.mrc', 'run/TS.tlt', 'run/deep/notes.txt']);
  });

  it("is the one named after the series, where a folder holds several", () => {
    const folders = ['TS_01.zarr', 'TS_026.ome.zarr', 'ts_03.zarr'].map((name) => ({ name, files: [] }));
    expect(zarrFolderNamedAfter(folders, 'TS_026.mrc')?.name).toBe('TS_026.ome.zarr');
    expect(zarrFolderNamedAfter(folders, 'TS_03.st + TS_03.rawtlt')?.name).toBe('ts_03.zarr');
    expect(zarrFolderNamedAfter(folders, 'TS_02.mrc')).toBeNull();
    expect(zarrFolderNamedAfter([...folders, { name: 'TS_01.ome.zarr', files: [] }], 'TS_01.mrc')).toBeNull();
  });

  it("reads a file's bytes by its path, and nothing for a path it lacks", async () => {
    const files = zarrFilesOf({ name: 'x.zarr', files: [entry('.zattrs', '{"a": 1}')] });
    expect(new TextDecoder().decode(await files.read('.zattrs'))).toBe('{"a": 1}');
    expect(await files.read('0/0/0/0')).toBeUndefined();
  });
});
