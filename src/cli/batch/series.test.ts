/** Which files a batch takes with each stack: its angles, its .mdoc, and the alignment of a raw stack only. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withSerialEmTiltAngles } from '../../io/extendedHeaderFixture.ts';
import { writeMrc } from '../../io/mrc.ts';
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

  it("takes an AreTomo3 folder's stacks with their .aln for angles, and their even- and odd-frame stacks as theirs, not as series", async () => {
    const aretomo = join(dir, 'aretomo3');
    mkdirSync(aretomo);
    for (const name of ['Position_1.mrc', 'Position_1.aln', 'Position_1_EVN.mrc', 'Position_1_ODD.mrc', 'Position_1_Vol.mrc', 'lone_EVN.mrc', 'lone_EVN.tlt']) writeFileSync(join(aretomo, name), '');
    const found = await listSeries(aretomo);
    // Position_1_Vol.mrc, a tomogram with no angles, is left out with a warning; lone_EVN.mrc has no stack beside it: a series.
    expect(found.map((e) => [e.name, e.angles, e.sideFiles])).toEqual([
      ['lone_EVN', join(aretomo, 'lone_EVN.tlt'), []],
      ['Position_1', null, [join(aretomo, 'Position_1.aln')]],
    ]);
  });

  it("takes etomo's tilt.com with an .ali only; tilta.com / tiltb.com with a dual-axis STEMa.ali / STEMb.ali", async () => {
    const etomo = join(dir, 'etomo');
    mkdirSync(etomo);
    for (const name of ['cella.ali', 'cellb.ali', 'cella.tlt', 'cellb.tlt', 'tilta.com', 'tilt.com', 'raw.st', 'raw.tlt', 'newst.com']) writeFileSync(join(etomo, name), '');
    const byName = Object.fromEntries((await listSeries(etomo)).map((e) => [e.name, e.sideFiles]));
    expect(byName).toEqual({ cella: [join(etomo, 'tilta.com')], cellb: [join(etomo, 'tilt.com')], raw: [] });
  });

  it('takes a stack that holds its angles in its extended header without an angle file, in a folder and in a list (\'-\')', async () => {
    const own = join(dir, 'own');
    mkdirSync(own);
    const stack = writeMrc({ nx: 4, ny: 3, nz: 3, pixelSize: 1, data: new Float32Array(36) }, { stack: true });
    writeFileSync(join(own, 'serialem.st'), withSerialEmTiltAngles(stack, [-30, 0, 30]));
    writeFileSync(join(own, 'plain.mrc'), stack); // no angles anywhere: left out, with a warning
    writeFileSync(join(own, 'serialem.mdoc'), '');
    const found = await listSeries(own);
    expect(found).toEqual([{ name: 'serialem', stack: join(own, 'serialem.st'), angles: join(own, 'serialem.mdoc'), sideFiles: [], excludeTilts: [] }]);
    rmSync(join(own, 'serialem.mdoc'));
    expect(await listSeries(own)).toEqual([{ name: 'serialem', stack: join(own, 'serialem.st'), angles: null, sideFiles: [], excludeTilts: [] }]);
    writeFileSync(join(own, 'list.tsv'), 'mine\tserialem.st\t-\n');
    expect(await listSeries(join(own, 'list.tsv'))).toEqual([{ name: 'mine', stack: join(own, 'serialem.st'), angles: null, sideFiles: [], excludeTilts: [] }]);
    // A fourth column: the tilts to leave out, as --exclude-tilts takes them.
    writeFileSync(join(own, 'list.tsv'), 'mine\tserialem.st\t-\t3, 1\n');
    expect((await listSeries(join(own, 'list.tsv')))[0].excludeTilts).toEqual([1, 3]);
    writeFileSync(join(own, 'list.tsv'), 'mine\tserialem.st\t-\tfirst\n');
    await expect(listSeries(join(own, 'list.tsv'))).rejects.toThrow('list.tsv line 1, tilts to leave out "first": give tilt numbers from 1, as 1-3,41');
    writeFileSync(join(own, 'bad.tsv'), 'mine\tserialem.st\tserialem.txt\n');
    await expect(listSeries(join(own, 'bad.tsv'))).rejects.toThrow("bad.tsv line 1: serialem.txt is not an angle file (.tlt, .rawtlt, .mdoc), nor '-' for the stack's own");
  });
});

