/** Which files a batch takes with each stack: its angles, its .mdoc, and the alignment of a raw stack only. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSeries } from './series.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-series-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('listSeries side files', () => {
  it('finds STEM.mdoc / STACK.mdoc and, for a raw stack, STEM.xf, .xtilt and .aln; never an alignment for an .ali', async () => {
    mkdirSync(join(dir, 'b'));
    for (const name of ['ts.st', 'ts.tlt', 'ts.xf', 'ts.xtilt', 'ts.st.mdoc', 'ts.ali', 'notes.txt']) writeFileSync(join(dir, name), '');
    for (const name of ['b.mrc', 'b.mdoc', 'b.aln']) writeFileSync(join(dir, 'b', name), '');
    writeFileSync(join(dir, 'list.tsv'), 'raw\tts.st\tts.tlt\naligned\tts.ali\tts.tlt\n');
    const byName = Object.fromEntries((await listSeries(join(dir, 'list.tsv'))).map((e) => [e.name, e.sideFiles]));
    expect(byName.raw).toEqual(['ts.st.mdoc', 'ts.xf', 'ts.xtilt'].map((f) => join(dir, f)));
    expect(byName.aligned).toEqual([]);
    const folder = Object.fromEntries((await listSeries(join(dir, 'b'))).map((e) => [e.name, e]));
    expect(folder.b.angles).toBe(join(dir, 'b', 'b.mdoc'));
    expect(folder.b.sideFiles).toEqual([join(dir, 'b', 'b.aln')]);
  });
});
