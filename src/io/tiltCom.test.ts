import { describe, expect, it } from 'vitest';
import { parseTiltCom } from './tiltCom.ts';

/** What etomo writes today: `$tilt -StandardInput`, one entry a line (written for this test from tilt's documentation). */
const standardInput = [
  '# Command file to run Tilt',
  '$tilt -StandardInput',
  'InputProjections cell/TS_07.ali',
  'OutputFile TS_07_full_rec.mrc',
  'IMAGEBINNED 4',
  'TILTFILE TS_07.tlt',
  'THICKNESS 1200',
  'RADIAL 0.35 0.035',
  'FalloffIsTrueSigma 1',
  'XAXISTILT 0.0',
  'SHIFT 0.0 0.0',
  'OFFSET -1.5',
  'LOCALFILE TS_07local.xf',
  'EXCLUDELIST2 1-2 41',
  'EXCLUDELIST 40',
  'EXCLUDELIST2 2,39',
  'DONE',
  'EXCLUDELIST2 5',
  '$if (-e ./savework) ./savework',
].join('\n');

describe('parseTiltCom', () => {
  it('reads the views left out, the angle offset, thickness and filter, and names what it does not apply', () => {
    const com = parseTiltCom(standardInput, 'tilt.com');
    expect(com.excluded).toEqual({ value: [1, 2, 39, 40, 41], source: 'tilt.com line 14 (EXCLUDELIST2), tilt.com line 15 (EXCLUDELIST), tilt.com line 16 (EXCLUDELIST2)' });
    expect(com.included).toBeNull();
    expect(com.angleOffset).toEqual({ value: -1.5, source: 'tilt.com line 12 (OFFSET)' });
    expect([com.thickness?.value, com.imageBinned]).toEqual([1200, 4]);
    expect([com.radial?.value, com.falloffIsTrueSigma]).toEqual([[0.35, 0.035], true]);
    expect(com.input).toEqual({ value: 'cell/TS_07.ali', source: 'tilt.com line 3 (InputProjections)' });
    expect(com.tiltFile?.value).toBe('TS_07.tlt');
    // XAXISTILT and SHIFT at 0 change nothing; the local alignments would.
    expect(com.notApplied).toEqual(['LOCALFILE (local alignments, line 13)']);
  });

  it('reads the older form: input and output files on the two lines after $tilt, an empty EXCLUDELIST', () => {
    const com = parseTiltCom(['$tilt', 'g5a.ali', 'g5a.rec', 'THICKNESS 100', 'XAXISTILT 2.5', 'EXCLUDELIST', 'INCLUDE 3-5', 'INCLUDE 7', 'DONE'].join('\n'), 'tilta.com');
    expect(com.input?.value).toBe('g5a.ali');
    expect(com.excluded).toBeNull();
    expect(com.included?.value).toEqual([3, 4, 5, 7]);
    expect(com.notApplied).toEqual(['XAXISTILT 2.5 (an X-axis tilt, line 5)']);
    expect(com.falloffIsTrueSigma).toBe(false);
  });

  it("names a filter other than the radial weighting as not applied, unless its value is 0 (off)", () => {
    const com = parseTiltCom(['$tilt -StandardInput', 'FakeSIRTiterations 20', 'FlatFilterFraction 0', 'HammingLikeFilter 0.3', 'FalloffIsTrueSigma 0'].join('\n'), 'tilt.com');
    expect(com.notApplied).toEqual([
      'FAKESIRTITERATIONS 20 (a SIRT-like filter in place of the radial weighting, line 2)',
      'HAMMINGLIKEFILTER 0.3 (a Hamming-like filter in place of the radial weighting, line 4)',
    ]);
    expect(com.falloffIsTrueSigma).toBe(false);
  });

  it('refuses what is not tilt’s input, naming the file and the line', () => {
    expect(() => parseTiltCom('$newstack -StandardInput\nInputFile a.st', 'newst.com')).toThrow("newst.com: no $tilt line: not a command file for IMOD's tilt");
    expect(() => parseTiltCom('$tilt -StandardInput\nEXCLUDELIST2 0-3', 'tilt.com')).toThrow('tilt.com line 2 (EXCLUDELIST2): "0-3" is not a list of view numbers from 1 (1-3,41)');
    expect(() => parseTiltCom('$tilt -StandardInput\nOFFSET x', 'tilt.com')).toThrow('tilt.com line 2 (OFFSET): "x" is not an angle offset in degrees');
    expect(() => parseTiltCom('$tilt -StandardInput\nINCLUDE 1-3\nEXCLUDELIST2 4', 'tilt.com')).toThrow(
      'tilt.com: both views to include and views to exclude (tilt.com line 2 (INCLUDE), tilt.com line 3 (EXCLUDELIST2)): tilt takes one or the other',
    );
  });
});
