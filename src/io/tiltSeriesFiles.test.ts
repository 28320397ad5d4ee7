import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { binTiltSeries } from '../engine/methods/preprocess.ts';
import { formatTlt } from './angles.ts';
import { writeMrc } from './mrc.ts';
import { readTiltSeriesFiles } from './tiltSeriesFiles.ts';
import type { NamedBlob } from './types.ts';

const [nx, ny, nz] = [37, 30, 7];
const tiltAngles = [-60, -40, -20, 0, 20, 40, 60];
const values = Float32Array.from({ length: nx * ny * nz }, (_, i) => Math.sin(i * 0.3) * 100 + (i % 11));
const stackBytes = writeMrc({ nx, ny, nz, data: values, pixelSize: 2.2 }, { stack: true });

const file = (name: string, content: Uint8Array | string): NamedBlob => ({ name, blob: new Blob([typeof content === 'string' ? content : new Uint8Array(content)]) });
const stack = file('tilt.st', stackBytes);
const angles = file('tilt.tlt', formatTlt(tiltAngles));

/** The blob, noting the end of every byte range read from it in `ends`. */
function watchReads(blob: Blob, ends: number[]): Blob {
  const slice = blob.slice.bind(blob);
  return Object.assign(blob, {
    slice(start?: number, end?: number) {
      ends.push(end ?? blob.size);
      return slice(start, end);
    },
  });
}

async function failure(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('readTiltSeriesFiles', () => {
  it('reads a stack and its angles as stored: values, size, pixel size, statistics', async () => {
    const loaded = await readTiltSeriesFiles([angles, stack]);
    expect(loaded.tiltSeries.data).toEqual(values);
    expect([loaded.tiltSeries.nx, loaded.tiltSeries.ny, loaded.tiltSeries.nTilts]).toEqual([nx, ny, nz]);
    expect(loaded.tiltSeries.pixelSize).toBeCloseTo(2.2, 5);
    expect(loaded.tiltSeries.tiltAngles).toEqual(tiltAngles);
    expect([loaded.bin, loaded.original]).toEqual([1, { nx, ny }]);
    expect(loaded.stats.min).toBe(Math.min(...values));
    expect(loaded.warnings).toEqual([]);
  });

  it.each([2, 4, 8])('bin %i at load is, value for value, the methods’ binning of the stack loaded as stored', async (bin) => {
    const full = (await readTiltSeriesFiles([stack, angles])).tiltSeries;
    for (const dropped of [stack, file('tilt.mrc.gz', gzipSync(stackBytes))]) {
      const loaded = await readTiltSeriesFiles([dropped, angles], { bin });
      const binned = binTiltSeries(full, bin);
      expect(loaded.tiltSeries.data).toEqual(binned.data);
      expect([loaded.tiltSeries.nx, loaded.tiltSeries.ny]).toEqual([Math.floor(nx / bin), Math.floor(ny / bin)]);
      expect(loaded.tiltSeries.pixelSize).toBe(binned.pixelSize);
      expect([loaded.bin, loaded.original]).toEqual([bin, { nx, ny }]);
    }
  });

  it('takes the angle file’s pixel size (of the stack as stored) when the header has none, binned with the stack', async () => {
    const noPixel = file('np.mrc', writeMrc({ nx, ny, nz, data: values, pixelSize: 0 }, { stack: true }));
    const mdoc = file('np.mdoc', ['PixelSpacing = 3.5', ...tiltAngles.map((a, k) => `[ZValue = ${k}]\nTiltAngle = ${a}\n`)].join('\n'));
    const loaded = await readTiltSeriesFiles([noPixel, mdoc], { bin: 2 });
    expect(loaded.tiltSeries.pixelSize).toBe(7);
    expect(loaded.warnings).toContain('pixel size 3.5 Å taken from np.mdoc line 1; the MRC header says nothing');
  });

  it('keeps other files of the drop aside with a warning, refuses a second stack when neither or both have their angles beside them', async () => {
    const loaded = await readTiltSeriesFiles([stack, angles, file('notes.txt', 'hello')]);
    expect(loaded.warnings).toEqual(['ignored notes.txt: not an MRC stack or a file that goes with one']);
    const other = file('other.mrc', stackBytes);
    expect(await failure(readTiltSeriesFiles([stack, other, file('angles.tlt', formatTlt(tiltAngles))]))).toBe('several MRC stacks (tilt.st, other.mrc): load one tilt series at a time');
    expect(await failure(readTiltSeriesFiles([stack, other, angles, file('other.tlt', formatTlt(tiltAngles))]))).toBe(
      'several MRC stacks (tilt.st, other.mrc), 2 of them with their angles beside them: load one tilt series at a time',
    );
    expect(await failure(readTiltSeriesFiles([stack, other, angles], { stack: 'none.mrc' }))).toBe('none.mrc is not among the dropped stacks (tilt.st, other.mrc)');
    expect(await failure(readTiltSeriesFiles([stack]))).toBe("no tilt-angle file (.tlt, .rawtlt, .mdoc or AreTomo .aln) among tilt.st, and none in the stack's extended header");
    expect(await failure(readTiltSeriesFiles([angles, file('notes.txt', 'hello')]))).toBe('no MRC stack (.mrc, .st, .ali, .mrcs, optionally .gz) among tilt.tlt, notes.txt');
    // A tomogram's OME-Zarr folder dropped where a series is expected: said, not listed file by file.
    expect(await failure(readTiltSeriesFiles([file('.zgroup', '{}'), file('.zattrs', '{}'), file('.zarray', '{}'), file('0', '')]))).toBe(
      'an OME-Zarr folder holds a tomogram, not a tilt series: load the series first, then add it with "OME-Zarr…" under the results',
    );
  });

  it("of a pipeline's output folder, loads the stack whose angles come with it by name, or the one asked for, with its own side files", async () => {
    // As AreTomo3 leaves a series: the tilt series with its halves, .aln and CTF estimate, beside its tomograms and CTF spectra.
    const aln = (name: string) => file(name, ['# AreTomo Alignment / Priims bprmMn', '# RawSize = 37 30 7', '# NumPatches = 0', '# SEC     ROT         GMAG       TX          TY      SMEAN     SFIT    SCALE     BASE     TILT', ...tiltAngles.map((a, k) => `${k} 0.0 1.0 0.0 0.0 1.0 1.0 1.0 0.0 ${a}`)].join('\n'));
    const ctf = (name: string) => file(name, tiltAngles.map((_, k) => `${k + 1} 30000 30000 0 0 0.1 8 1`).join('\n'));
    // Its tilt table: angle, acquisition index (dose-symmetric from 0°), dose of each tilt.
    const order = [7, 5, 3, 1, 2, 4, 6];
    const table = (name: string) => file(name, tiltAngles.map((a, k) => `${a.toFixed(2)}  ${order[k]}  2.50`).join('\n'));
    const series = (stem: string) => [file(`${stem}.mrc`, stackBytes), file(`${stem}_EVN.mrc`, stackBytes), file(`${stem}_ODD.mrc`, stackBytes), aln(`${stem}.aln`), ctf(`${stem}_CTF.txt`), table(`${stem}_TLT.txt`), file(`${stem}_Vol.mrc`, stackBytes), file(`${stem}_CTF.mrc`, stackBytes)];
    const one = await readTiltSeriesFiles(series('TS_01'));
    expect([one.stackName, one.sideNames, one.frameHalves]).toEqual(['TS_01.mrc', ['TS_01.aln', 'TS_01_CTF.txt', 'TS_01_TLT.txt'], 'TS_01_EVN.mrc, TS_01_ODD.mrc']);
    expect(one.tiltSeries.defocus).toEqual(tiltAngles.map(() => 3));
    // The tilt table's doses, accumulated in acquisition order: what dose weighting needs.
    expect(one.tiltSeries.accumulatedDose).toEqual(order.map((n) => 2.5 * (n - 1)));
    expect(one.metadata).toContainEqual({ label: 'Acquisition order', value: 'by acquisition index', source: 'TS_01_TLT.txt: the acquisition index of every row' });
    // Its tomogram is offered by name (the page's Add), not set aside; the CTF spectra are.
    expect([one.tomograms, one.warnings]).toEqual([['TS_01_Vol.mrc'], ['set aside TS_01_CTF.mrc: other stacks of the drop (one tilt series at a time)']]);
    // Two series: refused without a choice; the one asked for, with its own files only.
    const both = [...series('TS_01'), ...series('TS_02')];
    expect(await failure(readTiltSeriesFiles(both))).toMatch(/^several MRC stacks \(TS_01\.mrc, TS_01_Vol\.mrc, .*\), 2 of them with their angles beside them/);
    const second = await readTiltSeriesFiles(both, { stack: 'TS_02.mrc' });
    expect([second.stackName, second.sideNames, second.frameHalves]).toEqual(['TS_02.mrc', ['TS_02.aln', 'TS_02_CTF.txt', 'TS_02_TLT.txt'], 'TS_02_EVN.mrc, TS_02_ODD.mrc']);
    expect(second.tomograms).toEqual(['TS_02_Vol.mrc']);
    expect(second.warnings).toEqual([
      'set aside TS_01.mrc, TS_01_EVN.mrc, TS_01_ODD.mrc, TS_01_Vol.mrc, TS_01_CTF.mrc, TS_02_CTF.mrc: other stacks of the drop (one tilt series at a time)',
      'set aside TS_01.aln, TS_01_CTF.txt, TS_01_TLT.txt: not named after TS_02.mrc',
    ]);
  });

  it("of a simulation's folder, loads the tilt series and hands its ground truth over unread, not as a stack set aside", async () => {
    const loaded = await readTiltSeriesFiles([file('ground_truth.mrc', stackBytes), stack, angles]);
    expect([loaded.stackName, loaded.groundTruth?.name, loaded.warnings]).toEqual(['tilt.st', 'ground_truth.mrc', []]);
    // Two stacks named as one: neither is taken, both are set aside.
    const two = await readTiltSeriesFiles([file('gt.mrc', stackBytes), file('phantom.mrc', stackBytes), stack, angles]);
    expect([two.groundTruth, two.warnings]).toEqual([undefined, ['set aside gt.mrc, phantom.mrc: other stacks of the drop (one tilt series at a time)']]);
  });

  it("takes a stack's even- and odd-frame stacks beside it (STEM_EVN, STEM_ODD) as its frame halves, read in its place when asked", async () => {
    const scaled = (name: string, scale: number) => file(name, writeMrc({ nx, ny, nz, data: values.map((v) => scale * v), pixelSize: 2.2 }, { stack: true }));
    const [even, odd] = [scaled('tilt_EVN.st', 0.25), scaled('tilt_ODD.st', 0.75)];
    const whole = await readTiltSeriesFiles([even, stack, odd, angles]);
    expect([whole.stackName, whole.frameHalves, whole.warnings]).toEqual(['tilt.st', 'tilt_EVN.st, tilt_ODD.st', []]);
    expect(whole.metadata).toContainEqual({ label: 'Frame halves', value: 'the sums of the even and of the odd frames of every tilt: a frame-half FSC can use them', source: 'tilt_EVN.st, tilt_ODD.st' });
    expect(whole.tiltSeries.data).toEqual(values);
    for (const [half, scale] of [['even', 0.25], ['odd', 0.75]] as const) {
      const loaded = await readTiltSeriesFiles([even, stack, odd, angles], { frames: half });
      expect([loaded.stackName, loaded.tiltSeries.tiltAngles]).toEqual([`tilt_${half === 'even' ? 'EVN' : 'ODD'}.st`, tiltAngles]);
      expect(loaded.tiltSeries.data).toEqual(values.map((v) => Math.fround(scale * v)));
    }
    // One half alone is said as such; a half of another size, or a half asked of a stack without them, is refused.
    expect((await readTiltSeriesFiles([stack, even, angles])).warnings).toEqual(['tilt_EVN.st: the other frame half of tilt.st was not given with it (tilt_EVN.st and tilt_ODD.st): no frame halves']);
    const small = file('tilt_ODD.st', writeMrc({ nx, ny, nz: nz - 1, data: values.slice(0, nx * ny * (nz - 1)), pixelSize: 2.2 }, { stack: true }));
    expect(await failure(readTiltSeriesFiles([stack, even, small, angles], { frames: 'odd' }))).toBe('tilt_ODD.st: 37 × 30 × 6, but tilt.st, whose odd frames it holds, is 37 × 30 × 7');
    expect(await failure(readTiltSeriesFiles([stack, angles], { frames: 'even' }))).toBe("tilt.st: no stacks of its even- and odd-frame sums came with it (tilt_EVN.st and tilt_ODD.st; or a RELION table's rlnMicrographNameEven/Odd)");
  });

  it('names the file in every refusal: a count mismatch, a truncated stack', async () => {
    expect(await failure(readTiltSeriesFiles([stack, file('short.tlt', formatTlt(tiltAngles.slice(1)))]))).toMatch(/short\.tlt.*6.*tilt\.st.*7|tilt\.st.*7.*short\.tlt.*6/);
    expect(await failure(readTiltSeriesFiles([file('cut.st', stackBytes.subarray(0, 3000)), angles]))).toMatch(/^cut\.st: truncated MRC data/);
  });

  it('refuses angles a run would refuse before reading any of the stack’s data', async () => {
    // The header is read (1024 bytes), nothing after it: a 4 GB stack is not read to learn that its .tlt is wrong.
    const read: number[] = [];
    const watched: NamedBlob = { name: 'tilt.st', blob: watchReads(new Blob([new Uint8Array(stackBytes)]), read) };
    const flat = file('flat.tlt', formatTlt(tiltAngles.map(() => 0)));
    expect(await failure(readTiltSeriesFiles([watched, flat]))).toBe('flat.tlt: all 7 tilts are at 0°: a tomogram needs tilts at different angles');
    expect(Math.max(...read)).toBeLessThanOrEqual(1024);
  });
});

/** A SerialEM .mdoc for the 7-section stack: 2 e/Å² per tilt, acquired in stack order, section 5 dark. */
function mdocText(): string {
  const sections = tiltAngles.map((a, k) => {
    const mean = k === 5 ? 2 : 1000 * Math.cos((a * Math.PI) / 180);
    return `[ZValue = ${k}]\nTiltAngle = ${a}\nExposureDose = 2\nMinMaxMean = 0 2000 ${mean}\nPixelSpacing = 2.2`;
  });
  return ['PixelSpacing = 2.2', 'Voltage = 300', '[T = SerialEM: Tilt axis angle = 85.3, binning = 1  spot = 8]', '', ...sections].join('\n');
}

describe('side files: alignment, .mdoc metadata', () => {
  it('an .mdoc excludes its dark tilt, gives doses in acquisition order and says where each value came from', async () => {
    const loaded = await readTiltSeriesFiles([file('tilt.ali', stackBytes), angles, file('tilt.mdoc', mdocText())]);
    const kept = [0, 1, 2, 3, 4, 6];
    expect(loaded.tiltSeries.nTilts).toBe(6);
    expect(loaded.tiltSeries.tiltAngles).toEqual(kept.map((k) => tiltAngles[k]));
    expect(loaded.tiltSeries.data).toEqual(Float32Array.from(kept.flatMap((k) => [...values.subarray(k * nx * ny, (k + 1) * nx * ny)])));
    expect(loaded.tiltSeries.accumulatedDose).toEqual(kept.map((k) => 2 * k));
    expect(loaded.tiltSeries.exposureDose).toEqual(kept.map(() => 2));
    expect(loaded.tiltSeries.voltage).toBe(300);
    expect(loaded.angleName).toBe('tilt.tlt');
    expect(loaded.alignment).toBeNull();
    expect(loaded.warnings.some((w) => /^tilt\.mdoc line \d+ \(MinMaxMean\): section 5 \(40°\) excluded/.test(w))).toBe(true);
    const row = (label: string) => loaded.metadata.find((r) => r.label === label);
    expect(row('Tilt axis')).toEqual({ label: 'Tilt axis', value: '85.3°', source: 'tilt.mdoc line 3' });
    expect(row('Dark tilt excluded')?.value).toBe('section 5 (40°)');
    expect(row('Dose')?.value).toBe('14.0 e/Å² in all, 2.00 per tilt on average');
    expect(row('Tilt angles')?.source).toBe('tilt.tlt');
  });

  it('an IMOD .xf comes back in binned pixels, with its .tlt angles; a raw stack with an .mdoc axis and no alignment is warned about', async () => {
    const xf = tiltAngles.map((_, k) => `1 0 0 1 ${2 * k} ${-k}`).join('\n');
    const loaded = await readTiltSeriesFiles([stack, angles, file('tilt.xf', xf)], { bin: 2 });
    expect(loaded.alignment?.source).toBe('tilt.xf');
    // raw = aligned − D in raw pixels; binned by 2, 37 → 18 columns (the last dropped): x0′ = (−2k − ½ + ½)/2, y0′ = k/2.
    const t = loaded.alignment!.transforms[3];
    expect([t.xx, t.xy, t.yx, t.yy].map((v) => v + 0)).toEqual([1, 0, 0, 1]);
    expect(t.x0).toBeCloseTo(-3, 12);
    expect(t.y0).toBeCloseTo(1.5, 12);
    expect(loaded.metadata.find((r) => r.label === 'Alignment applied')?.source).toBe('tilt.xf');
    const raw = await readTiltSeriesFiles([stack, angles, file('tilt.mdoc', mdocText())]);
    expect(raw.warnings).toContain("tilt.mdoc: the raw stack's tilt axis is at 85.3°; if this stack is not aligned yet (axis along Y), drop its .xf or .aln with it, or give that tilt-axis angle at load to rotate it");
  });

  it('an AreTomo .aln gives the kept sections and their angles', async () => {
    const rows = [0, 1, 2, 3, 4, 6].map((k) => `${k}  0.0  1.0  ${k}.5  0.0  1 1 1 0 ${tiltAngles[k]}`);
    const aln = [`# RawSize = ${nx} ${ny} ${nz}`, '# DarkFrame = 0 5 40.00', '# SEC ROT GMAG TX TY SMEAN SFIT SCALE BASE TILT', ...rows].join('\n');
    const loaded = await readTiltSeriesFiles([stack, file('tilt.aln', aln)]);
    expect(loaded.tiltSeries.nTilts).toBe(6);
    expect(loaded.tiltSeries.tiltAngles).toEqual([-60, -40, -20, 0, 20, 60]);
    expect(loaded.angleName).toBe('tilt.aln (TILT column)');
    expect(loaded.alignment?.keptSections).toEqual([0, 1, 2, 3, 4, 6]);
    expect(loaded.alignment?.transforms[5].x0).toBe(6.5);
    expect(loaded.metadata.find((r) => r.label === 'Sections excluded')).toEqual({ label: 'Sections excluded', value: '5', source: 'tilt.aln (dark frames)' });
  });

  it('a tilt axis given at load: a rotation of every section, in binned pixels, width and height swapped nearer X; refused beside an .xf', async () => {
    const loaded = await readTiltSeriesFiles([stack, angles], { tiltAxis: 85, bin: 2 });
    const t = loaded.alignment!.transforms[0];
    const radians = (85 * Math.PI) / 180;
    expect([t.xx, t.xy, t.yx, t.yy]).toEqual([Math.cos(radians), -Math.sin(radians), Math.sin(radians), Math.cos(radians)]);
    expect(loaded.alignment!.transforms).toHaveLength(nz);
    // 30 × 37 pixels binned by 2.
    expect(loaded.alignment!.outputSize).toEqual({ nx: 15, ny: 18 });
    expect(loaded.metadata.find((r) => r.label === 'Alignment applied')).toEqual({
      label: 'Alignment applied',
      value: '7 sections resampled (bilinear), width and height swapped to 30 × 37',
      source: 'tilt-axis angle given at load (85°)',
    });
    expect((await readTiltSeriesFiles([stack, angles], { tiltAxis: -20 })).alignment!.outputSize).toBeUndefined();
    expect((await readTiltSeriesFiles([stack, angles], { tiltAxis: 0 })).alignment).toBeNull();
    const xf = tiltAngles.map(() => '1 0 0 1 0 0').join('\n');
    expect(await failure(readTiltSeriesFiles([stack, angles, file('tilt.xf', xf)], { tiltAxis: 85 }))).toBe(
      'tilt.xf already aligns tilt.st (it puts the tilt axis along Y): leave the tilt-axis angle at 0',
    );
    expect(await failure(readTiltSeriesFiles([stack, angles], { tiltAxis: 270 }))).toBe(
      'tilt-axis angle given at load (270°): the tilt-axis angle must be a number of degrees between −180 and 180, got 270',
    );
  });

  it("IMOD's tilt.com leaves out its excluded views and adds its angle offset; other .com files are set aside", async () => {
    const com = (lines: string[]) => file('tilt.com', ['$tilt -StandardInput', 'InputProjections tilt.st', 'TILTFILE tilt.tlt', ...lines, 'DONE'].join('\n'));
    const tiltCom = com(['IMAGEBINNED 2', 'THICKNESS 300', 'OFFSET 0.5', 'EXCLUDELIST2 1,7', 'XAXISTILT 1.2']);
    const loaded = await readTiltSeriesFiles([stack, angles, tiltCom, file('newst.com', '$newstack -StandardInput\nInputFile tilt.st')]);
    // Views 1 and 7 are sections 0 and 6; every angle is offset by 0.5°, as tilt does.
    const kept = [1, 2, 3, 4, 5];
    expect(loaded.tiltSeries.tiltAngles).toEqual(kept.map((k) => tiltAngles[k] + 0.5));
    expect(loaded.tiltSeries.data).toEqual(values.slice(nx * ny, 6 * nx * ny));
    const row = (label: string) => loaded.metadata.find((r) => r.label === label);
    expect(row('Views left out (IMOD)')).toEqual({ label: 'Views left out (IMOD)', value: '1 (-60°), 7 (60°): sections 0, 6', source: 'tilt.com line 7 (EXCLUDELIST2)' });
    expect(row('Tilt angle offset')).toEqual({ label: 'Tilt angle offset', value: '+0.5° added to every angle', source: 'tilt.com line 6 (OFFSET)' });
    expect(row('Thickness (IMOD)')?.value).toBe('300 pixels; 150 in its stack binned 2');
    // Offered to the form in the loaded pixels: 150 in this stack, 75 when it is binned 2 at load.
    expect(loaded.imodThickness).toEqual({ value: 150, source: 'tilt.com line 5 (THICKNESS)' });
    expect((await readTiltSeriesFiles([stack, angles, tiltCom], { bin: 2 })).imodThickness?.value).toBe(75);
    // Its radial filter, with a true σ, is offered to FBP in cycles per loaded pixel: twice the values at bin 2.
    const filtered = com(['RADIAL 0.2 0.05', 'FalloffIsTrueSigma 1']);
    expect((await readTiltSeriesFiles([stack, angles, filtered])).imodRadial).toEqual({ cutoff: 0.2, falloff: 0.05, source: 'tilt.com line 4 (RADIAL)' });
    expect((await readTiltSeriesFiles([stack, angles, filtered], { bin: 2 })).imodRadial).toEqual({ cutoff: 0.4, falloff: 0.1, source: 'tilt.com line 4 (RADIAL)' });
    // Without FalloffIsTrueSigma 1 (IMOD's older fall-off) or in Fourier pixels, it is listed and not offered.
    for (const [lines, why] of [[['RADIAL 0.2 0.05'], "the fall-off in IMOD's older measure (no FalloffIsTrueSigma 1): not offered to FBP"], [['RADIAL 40 5', 'FalloffIsTrueSigma 1'], 'in Fourier pixels: not offered to FBP']] as const) {
      const listed = await readTiltSeriesFiles([stack, angles, com([...lines])]);
      expect(listed.imodRadial).toBeUndefined();
      expect(listed.metadata.find((r) => r.label === 'Radial filter (IMOD)')?.value).toMatch(new RegExp(`; ${why.replace(/[()]/g, '\\$&')}$`));
    }
    expect(loaded.warnings).toContain("newst.com does not run IMOD's tilt (no $tilt line): set aside");
    expect(loaded.warnings).toContain("tilt.com: not applied here: XAXISTILT 1.2 (an X-axis tilt, line 8); a tomogram made here can differ from IMOD's");
    // Its own names checked against the drop's: another stack's view numbers are taken as this one's, said so.
    const other = await readTiltSeriesFiles([file('other.st', stackBytes), angles, com(['EXCLUDELIST2 1'])]);
    expect(other.warnings).toContain("tilt.com line 2 (InputProjections): it reconstructs tilt.st, not other.st; its view numbers are taken as this stack's sections");
    expect(await failure(readTiltSeriesFiles([stack, angles, com(['EXCLUDELIST2 8'])]))).toBe("tilt.com line 4 (EXCLUDELIST2): view 8 is past tilt.st's 7 sections");
  });

  it('bad or mismatched side files: one message naming the file (and the line)', async () => {
    const xf = tiltAngles.map(() => '1 0 0 1 0 0').join('\n');
    expect(await failure(readTiltSeriesFiles([stack, angles, file('bad.xf', xf.replace(/0 0$/, '0'))]))).toBe(
      'bad.xf line 7: expected 6 numbers (A11 A12 A21 A22 DX DY), found 5',
    );
    const short = [file('short.xf', xf.split('\n').slice(1).join('\n')), file('short.tlt', formatTlt(tiltAngles.slice(1)))];
    expect(await failure(readTiltSeriesFiles([stack, ...short]))).toBe(
      'short.xf is for 6 sections but tilt.st has 7 sections',
    );
    expect(await failure(readTiltSeriesFiles([stack, angles, file('a.xf', xf), file('a.aln', '# RawSize = 1 1 1')]))).toBe(
      'both an IMOD alignment (a.xf) and an AreTomo one (a.aln): drop one',
    );
    expect(await failure(readTiltSeriesFiles([stack, angles, file('tilt.mdoc', mdocText().replace('ExposureDose = 2', 'ExposureDose = x'))]))).toMatch(/^tilt\.mdoc line \d+: /);
  });
});
