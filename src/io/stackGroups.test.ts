import { describe, expect, it } from 'vitest';
import { companionsOf, droppedSeriesStack, frameHalfStackNames, groundTruthInFolder, seriesStacks, tomogramHalvesBeside, tomogramsBeside } from './stackGroups.ts';

describe("a stack's files by name", () => {
  it("takes an etomo folder's raw stack with its alignment, and an .ali with its tilt.com but not the .xf that made it", () => {
    const folder = ['cell.st', 'cell.ali', 'cell.tlt', 'cell.rawtlt', 'cell.xf', 'cell.xtilt', 'cell.st.mdoc', 'cell.defocus', 'tilt.com', 'newst.com', 'cell_full_rec.mrc'];
    expect(seriesStacks(folder)).toEqual(['cell.st', 'cell.ali', 'cell_full_rec.mrc']);
    expect(companionsOf('cell.st', folder)).toEqual(['cell.tlt', 'cell.st.mdoc', 'cell.xf', 'cell.xtilt', 'cell.defocus']);
    expect(companionsOf('cell.ali', folder)).toEqual(['cell.tlt', 'tilt.com', 'cell.defocus']);
    // Both have their angles beside them: a drop of the folder asks.
    expect(droppedSeriesStack(folder)).toBeUndefined();
    expect(droppedSeriesStack(folder, 'cell.ali')).toBe('cell.ali');
    expect(droppedSeriesStack(folder, 'cell.preali')).toBeUndefined();
  });

  it("takes AreTomo's series with its halves, .aln and CTF estimate in either case, not its tomograms or spectra", () => {
    const folder = ['TS_1.mrc', 'TS_1_EVN.mrc', 'TS_1_ODD.mrc', 'TS_1.aln', 'TS_1_ctf.txt', 'TS_1_Vol.mrc', 'TS_1_CTF.mrc', 'TS_10.mrc', 'TS_10.aln', 'TS_10_CTF.txt', 'TS_10_TLT.txt'];
    expect(seriesStacks(folder)).toEqual(['TS_1.mrc', 'TS_1_Vol.mrc', 'TS_1_CTF.mrc', 'TS_10.mrc']);
    expect(frameHalfStackNames('TS_1.mrc')).toEqual({ even: 'TS_1_EVN.mrc', odd: 'TS_1_ODD.mrc' });
    expect(companionsOf('TS_1.mrc', folder)).toEqual(['TS_1.aln', 'TS_1_ctf.txt']);
    expect(companionsOf('TS_10.mrc', folder)).toEqual(['TS_10.aln', 'TS_10_CTF.txt', 'TS_10_TLT.txt']);
    // Its tilt table alone gives a stack its angles.
    expect(droppedSeriesStack(['TS_10.mrc', 'TS_10_TLT.txt', 'TS_10_Vol.mrc'])).toBe('TS_10.mrc');
    expect(droppedSeriesStack(folder.slice(0, 7))).toBe('TS_1.mrc');
    expect(droppedSeriesStack(folder)).toBeUndefined();
  });

  it("finds a simulation's ground truth beside its series by name, only when there is one, and only in a folder of one series", () => {
    const folder = ['tilt_series.mrc', 'tilt_series.tlt', 'ground_truth.mrc'];
    expect(droppedSeriesStack(folder)).toBe('tilt_series.mrc');
    expect(groundTruthInFolder('tilt_series.mrc', folder)).toBe('ground_truth.mrc');
    for (const name of ['GroundTruth.mrc', 'ground-truth_bin2.mrc', 'gt.mrc', 'phantom.map.gz']) expect(groundTruthInFolder('ts.st', ['ts.st', name])).toBe(name);
    for (const name of ['ts_Vol.mrc', 'gtx.mrc', 'my_phantom.mrc', 'ground_truth.tlt']) expect(groundTruthInFolder('ts.st', ['ts.st', name])).toBeUndefined();
    expect(groundTruthInFolder('ts.st', ['ts.st', 'gt.mrc', 'phantom.mrc'])).toBeUndefined();
    // The series itself is never its own ground truth.
    expect(groundTruthInFolder('phantom.mrc', ['phantom.mrc', 'phantom.tlt'])).toBeUndefined();
    // Beside two series, it could be either's.
    expect(groundTruthInFolder('a.mrc', ['a.mrc', 'a.tlt', 'b.mrc', 'b.tlt', 'ground_truth.mrc'])).toBeUndefined();
  });
});

describe('tomogramHalvesBeside', () => {
  it("names a pipeline's two half tomograms of the series, both or none: AreTomo3's _EVN_Vol and _ODD_Vol, RELION's rec_NAME_half1 and _half2", () => {
    const aretomo = ['TS_1.mrc', 'TS_1_EVN.mrc', 'TS_1_ODD.mrc', 'TS_1_Vol.mrc', 'TS_1_ODD_Vol.mrc', 'TS_1_EVN_Vol.mrc', 'TS_10_EVN_Vol.mrc', 'TS_10_ODD_Vol.mrc'];
    expect(tomogramHalvesBeside('TS_1.mrc', aretomo)).toEqual(['TS_1_EVN_Vol.mrc', 'TS_1_ODD_Vol.mrc']);
    expect(tomogramHalvesBeside('TS_10.mrc', aretomo)).toEqual(['TS_10_EVN_Vol.mrc', 'TS_10_ODD_Vol.mrc']);
    expect(tomogramHalvesBeside('TS_1.mrc', ['TS_1.mrc', 'TS_1_EVN_Vol.mrc', 'TS_1_Vol.mrc'])).toBeNull();
    expect(tomogramHalvesBeside('TS_01', ['rec_TS_01.mrc', 'rec_TS_01_half2.mrc.gz', 'rec_TS_01_half1.mrc', 'rec_TS_010_half1.mrc'])).toEqual(['rec_TS_01_half1.mrc', 'rec_TS_01_half2.mrc.gz']);
    expect(tomogramHalvesBeside('cell.ali', ['cell.ali', 'cell_rec.mrc'])).toBeNull();
  });
});

describe('tomogramsBeside', () => {
  it("names a pipeline's tomograms of the series: AreTomo's _Vol, etomo's _rec and _full_rec, IMOD's .rec, RELION's rec_NAME", () => {
    const aretomo = ['TS_1.mrc', 'TS_1_EVN.mrc', 'TS_1_ODD.mrc', 'TS_1.aln', 'TS_1_Vol.mrc', 'TS_1_EVN_Vol.mrc', 'TS_1_ODD_Vol.mrc', 'TS_1_CTF.mrc', 'TS_10.mrc', 'TS_10_Vol.mrc'];
    expect(tomogramsBeside('TS_1.mrc', aretomo)).toEqual(['TS_1_Vol.mrc']);
    expect(tomogramsBeside('TS_10.mrc', aretomo)).toEqual(['TS_10_Vol.mrc']);
    const etomo = ['cell.st', 'cell.ali', 'cell.tlt', 'cell_full_rec.mrc', 'cell_rec.mrc', 'cell.rec', 'cell_rec.mrc.gz', 'cella.rec', 'other_rec.mrc'];
    expect(tomogramsBeside('cell.ali', etomo)).toEqual(['cell_full_rec.mrc', 'cell_rec.mrc', 'cell.rec', 'cell_rec.mrc.gz']);
    expect(tomogramsBeside('TS_1.mrc', ['TS_1.mrc', 'TS_1.tlt', 'ground_truth.mrc'])).toEqual([]);
    // RELION 5's, named after the tilt series (not its halves, nor another series'):
    expect(tomogramsBeside('TS_01', ['rec_TS_01.mrc', 'rec_TS_01_half1.mrc', 'rec_TS_01_half2.mrc', 'rec_TS_010.mrc', 'TS_01.star'])).toEqual(['rec_TS_01.mrc']);
  });
});
