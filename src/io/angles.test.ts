import { describe, it, expect } from 'vitest';
import { AngleFileError, checkAngleCount, formatTlt, parseMdoc, parseTlt, readAngleFile } from './angles.ts';

function expectAngleError(fn: () => unknown, pattern: RegExp | string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AngleFileError);
  if (typeof pattern === 'string') expect((caught as Error).message).toBe(pattern);
  else expect((caught as Error).message).toMatch(pattern);
}

describe('parseTlt', () => {
  it('reads one angle per line, ignoring blank lines, surrounding whitespace, CRLF and a BOM', () => {
    const text = '\uFEFF  -60.27\r\n\r\n\t-58.0  \r\n  \n+3e0\n0\n.5\n59.59\n\n';
    expect(parseTlt(text, 'a.tlt')).toEqual([-60.27, -58, 3, 0, 0.5, 59.59]);
  });

  it('keeps stack order, unsorted (dose-symmetric)', () => {
    expect(parseTlt('0\n3\n-3\n6\n-6\n')).toEqual([0, 3, -3, 6, -6]);
  });

  it('names the file and line of a non-numeric line', () => {
    expectAngleError(() => parseTlt('1.0\n\n2.0 degrees\n', 'jason64.tlt'), 'jason64.tlt line 3: expected one tilt angle in degrees, found "2.0 degrees"');
    expectAngleError(() => parseTlt('0x10\n', 'hex.tlt'), /hex\.tlt line 1/);
    expectAngleError(() => parseTlt('1 2\n', 'two.tlt'), /two\.tlt line 1/);
  });

  it('refuses a file without angles', () => {
    expectAngleError(() => parseTlt(' \n\n', 'empty.tlt'), 'empty.tlt contains no tilt angles');
  });
});

const MDOC = `PixelSpacing = 2.17
Voltage = 300
ImageFile = TS_01.mrc
ImageSize = 5760 4092
DataMode = 1

[T = SerialEM: Digitized on EMBL Krios                      10-Dec-20  12:39:51    ]

[T =     Tilt axis angle = 85.3, binning = 1  spot = 8  camera = 0]

[ZValue = 2]
TiltAngle = -3.00222
StagePosition = 64.7 -133.43
PixelSpacing = 2.17
SubFramePath = X:\\frames\\TS_01_003_-3.0.tif

[ZValue = 0]
TiltAngle = 0.00144
PixelSpacing = 2.17

[FrameSet = 0]
TiltAngle = 99

[ZValue = 1]
TiltAngle = 2.99807
PixelSpacing = 2.17
`;

describe('parseMdoc', () => {
  it('orders angles by ZValue and reads the global PixelSpacing', () => {
    expect(parseMdoc(MDOC, 'TS_01.mrc.mdoc')).toEqual({ tiltAngles: [0.00144, 2.99807, -3.00222], pixelSize: 2.17 });
  });

  it('falls back to the sections for PixelSpacing, and to null without one', () => {
    const sectionsOnly = '[ZValue = 1]\nTiltAngle = 3\nPixelSpacing = 5.4\n[ZValue = 0]\nTiltAngle = -3\nPixelSpacing = 5.4\n';
    expect(parseMdoc(sectionsOnly)).toEqual({ tiltAngles: [-3, 3], pixelSize: 5.4 });
    expect(parseMdoc('[ZValue = 0]\nTiltAngle = 1\n').pixelSize).toBeNull();
  });

  it('names the problem: no sections, missing angle, duplicates, gaps, bad numbers', () => {
    expectAngleError(() => parseMdoc('PixelSpacing = 1\n', 'a.mdoc'), 'a.mdoc has no [ZValue = k] sections, so no tilt angles');
    expectAngleError(() => parseMdoc('[ZValue = 0]\nTiltAngle = 1\n\n[ZValue = 1]\nExposureTime = 1\n', 'b.mdoc'), 'b.mdoc line 4: [ZValue = 1] has no TiltAngle');
    expectAngleError(() => parseMdoc('[ZValue = 0]\nTiltAngle = 1\n[ZValue = 0]\nTiltAngle = 2\n', 'c.mdoc'), 'c.mdoc line 3: [ZValue = 0] appears twice (first at line 1)');
    expectAngleError(() => parseMdoc('[ZValue = 0]\nTiltAngle = 1\n[ZValue = 2]\nTiltAngle = 2\n', 'd.mdoc'), /d\.mdoc: ZValues should run 0, 1, 2, … without gaps, but section 1 is missing/);
    expectAngleError(() => parseMdoc('[ZValue = 0]\nTiltAngle = abc\n', 'e.mdoc'), 'e.mdoc line 2: TiltAngle should be a number, found "abc"');
  });
});

describe('readAngleFile', () => {
  it('dispatches on the extension, case-insensitively', () => {
    expect(readAngleFile('stack.TLT', '1\n2\n')).toEqual({ tiltAngles: [1, 2], pixelSize: null });
    expect(readAngleFile('stack.rawtlt', '-1\n')).toEqual({ tiltAngles: [-1], pixelSize: null });
    expect(readAngleFile('TS_01.mrc.MDOC', MDOC).tiltAngles).toHaveLength(3);
  });

  it('refuses unknown extensions', () => {
    expectAngleError(() => readAngleFile('angles.txt', '1\n'), 'angles.txt: unknown tilt-angle file type; expected .tlt, .rawtlt or .mdoc');
  });
});

describe('checkAngleCount', () => {
  it('passes matching counts and names both counts otherwise', () => {
    expect(() => checkAngleCount([1, 2, 3], 3, 'a.tlt', 'a.st')).not.toThrow();
    expectAngleError(
      () => checkAngleCount(new Array(89).fill(0), 90, 'jason64.tlt', 'jason64.ali'),
      'jason64.tlt has 89 angles but jason64.ali has 90 sections',
    );
    expectAngleError(() => checkAngleCount([0], 2, 'one.tlt', 'two.st'), 'one.tlt has 1 angle but two.st has 2 sections');
  });
});

describe('formatTlt', () => {
  it('writes at least two decimals, one angle per line, and round-trips', () => {
    const angles = [-60.27, 0, 59.5912, 3, -0.000001, 1.5];
    const text = formatTlt(angles);
    expect(text).toBe('-60.27\n0.00\n59.5912\n3.00\n-0.000001\n1.50\n');
    expect(parseTlt(text)).toEqual(angles);
    expect(formatTlt([-0])).toBe('0.00\n');
  });

  it('refuses non-finite angles', () => {
    expectAngleError(() => formatTlt([NaN]), /cannot write tilt angle NaN/);
  });
});

describe('angle file errors echo file text safely', () => {
  it('shows control characters (a terminal escape) as ?', () => {
    expect(() => parseTlt('10\n\u001b[31mred\u0007\n', 'a.tlt')).toThrow('a.tlt line 2: expected one tilt angle in degrees, found "?[31mred?"');
  });
});
