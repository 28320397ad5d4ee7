import { describe, expect, it } from 'vitest';
import {
  AlignmentFileError,
  aretomoAlignment,
  checkAlignment,
  imodAlignment,
  parseAln,
  parseXf,
  parseXtilt,
  xfToSampling,
} from './alignmentFiles.ts';

function expectAlignmentError(fn: () => unknown, pattern: RegExp | string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AlignmentFileError);
  if (typeof pattern === 'string') expect((caught as Error).message).toBe(pattern);
  else expect((caught as Error).message).toMatch(pattern);
}

// As IMOD writes them (%12.7f for the matrix, %12.3f for the shifts).
const XF = `   0.9986295  -0.0523360   0.0523360   0.9986295      12.500      -3.250
\r\n   1.0000000   0.0000000   0.0000000   1.0000000       0.000       0.000

  -0.0871557   0.9961947  -0.9961947  -0.0871557      -1.125       7.000
`;

describe('IMOD .xf', () => {
  it('reads six numbers per line, skipping blank lines', () => {
    const lines = parseXf(XF, 'series.xf');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ a11: 0.9986295, a12: -0.052336, a21: 0.052336, a22: 0.9986295, dx: 12.5, dy: -3.25 });
    expect(lines[2].dy).toBe(7);
  });

  it('samples the raw image at A⁻¹·(aligned − D): the map sends the transformed raw point back', () => {
    const xf = { a11: 1.1, a12: -0.3, a21: 0.2, a22: 0.9, dx: 4, dy: -2 };
    const t = xfToSampling(xf);
    const raw = [7.5, -3.25];
    const aligned = [xf.a11 * raw[0] + xf.a12 * raw[1] + xf.dx, xf.a21 * raw[0] + xf.a22 * raw[1] + xf.dy];
    expect(t.xx * aligned[0] + t.xy * aligned[1] + t.x0).toBeCloseTo(raw[0], 12);
    expect(t.yx * aligned[0] + t.yy * aligned[1] + t.y0).toBeCloseTo(raw[1], 12);
  });

  it('names the file and line of a short line, a non-number and a singular matrix', () => {
    expectAlignmentError(
      () => parseXf('1 0 0 1 0 0\n\n1 0 0 1 0\n', 'series.xf'),
      'series.xf line 3: expected 6 numbers (A11 A12 A21 A22 DX DY), found 5',
    );
    expectAlignmentError(() => parseXf('1 0 0 1 0 0\n1 0 0 one 0 0\n', 'series.xf'), /^series\.xf line 2: expected 6 numbers .*found "1 0 0 one 0 0"$/);
    expectAlignmentError(() => parseXf('1 2 2 4 0 0\n', 'series.xf'), 'series.xf line 1: the 2 × 2 matrix A11 A12 A21 A22 is singular');
    expectAlignmentError(() => parseXf('\n \n', 'empty.xf'), 'empty.xf contains no transforms');
  });

  it('pairs the .xf with the .tlt and warns (only) about non-zero x-axis tilts', () => {
    const alignment = imodAlignment({ name: 's.xf', text: XF }, { name: 's.tlt', text: '-3\n0\n3\n' }, { name: 's.xtilt', text: '0\n0\n0.5\n' });
    expect(alignment.keptSections).toEqual([0, 1, 2]);
    expect(alignment.tiltAngles).toEqual([-3, 0, 3]);
    expect(alignment.rawSections).toBe(3);
    expect(alignment.warnings).toEqual(["s.xtilt: x-axis tilts up to 0.5° are not applied, because WedgeLab's geometry tilts about the Y axis only."]);
    expect(parseXtilt('0\n0.00\n', 'z.xtilt').warning).toBeNull();
    expectAlignmentError(() => imodAlignment({ name: 's.xf', text: XF }, { name: 's.tlt', text: '-3\n0\n' }), 's.tlt has 2 angles but s.xf has 3 transforms');
  });

  it('checks the stack: both files and both counts named', () => {
    const alignment = imodAlignment({ name: 's.xf', text: XF });
    expect(() => checkAlignment(alignment, { name: 's.st', nx: 64, ny: 64, nSections: 3 })).not.toThrow();
    expectAlignmentError(() => checkAlignment(alignment, { name: 's.st', nx: 64, ny: 64, nSections: 41 }), 's.xf is for 3 sections but s.st has 41 sections');
  });
});

/** In AreTomo3's layout (CSaveAlignFile.cpp): rows sorted by tilt, a dark section, a local alignment block. */
const ALN = `# AreTomo Alignment / Priims bprmMn
# RawSize = 4096 4096 5
# NumPatches = 2
# DarkFrame =     0    4    60.00
# AlphaOffset =     0.00
# BetaOffset =     0.00
# Thickness = 1200
# SEC     ROT         GMAG       TX          TY      SMEAN     SFIT    SCALE     BASE     TILT
    3    85.2000    1.00000    -12.500      3.250     1.00     1.00     1.00     0.00    -30.00
    0    85.1000    1.00000      0.000      0.000     1.00     1.00     1.00     0.00      0.00
    2    85.3000    1.00000      4.125     -1.000     1.00     1.00     1.00     0.00     30.00
    1    85.4000    1.00000      7.000      2.000     1.00     1.00     1.00     0.00    -60.00
# Local Alignment
   0   0   -512.00   -512.00      1.25     -0.50   1.0
   0   1    512.00    512.00     -0.75      0.25   1.0
   1   0   -512.00   -512.00      0.00      0.00   0.0
`;

describe('AreTomo .aln', () => {
  it('reads the header, the dark sections and the rows, in raw stack order, and skips the local alignment', () => {
    const aln = parseAln(ALN, 'TS_01.aln');
    expect(aln.rawSize).toEqual({ nx: 4096, ny: 4096, nz: 5 });
    expect(aln.darkSections).toEqual([4]);
    expect(aln.numPatches).toBe(2);
    // The specimen's thickness AreTomo measured, in raw pixels; none when 0 (not measured) or missing.
    expect(aln.specimenThickness).toBe(1200);
    expect(parseAln(ALN.replace('Thickness = 1200', 'Thickness = 0'), 'TS_01.aln').specimenThickness).toBeUndefined();
    expect(() => parseAln(ALN.replace('Thickness = 1200', 'Thickness = thick'), 'TS_01.aln')).toThrow('TS_01.aln line 7: expected a whole number of pixels after "Thickness =", found "thick"');
    expect(aln.sections.map((s) => s.section)).toEqual([0, 1, 2, 3]);
    expect(aln.sections[3]).toEqual({ section: 3, rotation: 85.2, magnification: 1, shiftX: -12.5, shiftY: 3.25, tiltAngle: -30 });
  });

  it('samples the raw image at R(ROT)·p + (TX, TY), the inverse of the .xf AreTomo exports', () => {
    const alignment = aretomoAlignment({ name: 'TS_01.aln', text: ALN });
    expect(alignment.keptSections).toEqual([0, 1, 2, 3]);
    expect(alignment.tiltAngles).toEqual([0, -60, 30, -30]);
    expect(alignment.rawSections).toBe(5);
    expect(alignment.rawSize).toEqual({ nx: 4096, ny: 4096 });
    expect(alignment.specimenThickness).toBe(1200);
    expect(alignment.warnings).toEqual(['TS_01.aln: the local alignment (2 patches) is not applied, only the global one.']);
    // CSaveXF::mSaveForRelion: A = R(−ROT), D = A·(−TX, −TY); raw → aligned. Composed with ours, the identity.
    const t = alignment.transforms[3];
    const rot = (-85.2 * Math.PI) / 180;
    const a = [Math.cos(rot), -Math.sin(rot), Math.sin(rot), Math.cos(rot)];
    const d = [a[0] * 12.5 + a[1] * -3.25, a[2] * 12.5 + a[3] * -3.25];
    const p = [10, -20];
    const raw = [t.xx * p[0] + t.xy * p[1] + t.x0, t.yx * p[0] + t.yy * p[1] + t.y0];
    expect(a[0] * raw[0] + a[1] * raw[1] + d[0]).toBeCloseTo(p[0], 10);
    expect(a[2] * raw[0] + a[3] * raw[1] + d[1]).toBeCloseTo(p[1], 10);
  });

  it('swaps the aligned width and height of a non-square stack whose axis lies nearer X, as AreTomo sizes its aligned stack', () => {
    // The rows' ROT is about 85°: |sin| > 0.707 (AreTomo's CalcAlignedSize). A square stack keeps its size.
    expect(aretomoAlignment({ name: 'TS_01.aln', text: ALN }).outputSize).toBeUndefined();
    const k3 = aretomoAlignment({ name: 'K3.aln', text: ALN.replace('RawSize = 4096 4096 5', 'RawSize = 5760 4092 5') });
    expect(k3.outputSize).toEqual({ nx: 4092, ny: 5760 });
  });

  it('reads the older "# Dark frame =" header and warns about magnifications it does not apply', () => {
    const older = ALN.replace('# DarkFrame =', '# DarkFrames = 1\n# Dark frame =').replace('    1    85.4000    1.00000', '    1    85.4000    1.01000');
    const alignment = aretomoAlignment({ name: 'old.aln', text: older });
    expect(alignment.keptSections).toEqual([0, 1, 2, 3]);
    expect(alignment.warnings[1]).toBe('old.aln: magnifications (GMAG) other than 1 are not applied, as AreTomo itself does not apply them.');
  });

  it('names the file and line of an unknown column, a short row and a non-number', () => {
    expectAlignmentError(() => parseAln(ALN.replace('SFIT', 'SFITX'), 'a.aln'), /^a\.aln line 8: unknown column "SFITX"; expected SEC ROT GMAG/);
    expectAlignmentError(() => parseAln(ALN.replace(' TX ', ' '), 'a.aln'), /^a\.aln line 8: /);
    expectAlignmentError(() => parseAln(ALN.replace('     0.00    -30.00', ' -30.00'), 'a.aln'), 'a.aln line 9: expected 10 numbers (SEC ROT GMAG TX TY SMEAN SFIT SCALE BASE TILT), found 9');
    expectAlignmentError(() => parseAln(ALN.replace('4.125', '4.1x5'), 'a.aln'), 'a.aln line 11: TX should be a number, found "4.1x5"');
    expectAlignmentError(() => parseAln(ALN.replace('RawSize = 4096 4096 5', 'RawSize = 4096 4096'), 'a.aln'), /^a\.aln line 2: expected three whole numbers/);
  });

  it('refuses wrong counts, missing headers and sections outside the stack', () => {
    expectAlignmentError(() => parseAln(ALN.replace('RawSize = 4096 4096 5', 'RawSize = 4096 4096 6'), 'a.aln'), 'a.aln has 4 section rows but its RawSize of 6 sections less 1 dark ones leaves 5');
    expectAlignmentError(() => parseAln(ALN.replace('# RawSize = 4096 4096 5\n', ''), 'a.aln'), 'a.aln: no "# RawSize = nx ny nz" line; is this an AreTomo .aln file?');
    expectAlignmentError(() => parseAln(ALN.replace(/# SEC .*\n/, ''), 'a.aln'), /^a\.aln line 8: a data row before the column line/);
    expectAlignmentError(() => parseAln(ALN.replace('    2    85.3000', '    3    85.3000'), 'a.aln'), 'a.aln: section 3 appears twice (rows and dark frames count once each)');
  });

  it('checks the stack: sections and image size, both files named', () => {
    const alignment = aretomoAlignment({ name: 'TS_01.aln', text: ALN });
    expect(() => checkAlignment(alignment, { name: 'TS_01.mrc', nx: 4096, ny: 4096, nSections: 5 })).not.toThrow();
    expectAlignmentError(() => checkAlignment(alignment, { name: 'TS_01.mrc', nx: 4096, ny: 4096, nSections: 4 }), 'TS_01.aln is for 5 sections but TS_01.mrc has 4 sections');
    expectAlignmentError(() => checkAlignment(alignment, { name: 'TS_01.mrc', nx: 2048, ny: 2048, nSections: 5 }), 'TS_01.aln is for 4096 × 4096 images but TS_01.mrc has 2048 × 2048');
  });
});
