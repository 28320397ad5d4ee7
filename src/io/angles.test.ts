import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { AngleFileError, checkAngleCount, formatTlt, isAreTomoTiltFile, parseAreTomoTiltFile, parseMdoc, parseMdocMetadata, parseTlt, readAngleFile } from './angles.ts';

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

// A dose-symmetric series, stack sorted by angle (as newstack leaves it): ZValue order is not acquisition order.
// Acquired 0°, +30°, −30°, +60°, −60° (DateTime, across midnight); the 60° tilts are dimmer by the longer
// path, and −60° is dark (a grid bar).
const DOSE_MDOC = `PixelSpacing = 2.7
Voltage = 300
ImageFile = TS_07.mrc

[T = SerialEM: Acquired on Krios G4                   12-Mar-21  23:58:10    ]

[T =     Tilt axis angle = -86.7, binning = 1  spot = 7  camera = 1]

[ZValue = 0]
TiltAngle = -60.0
MinMaxMean = 1 80 9
ExposureDose = 3.1
DateTime = 13-Mar-21  00:01:05

[ZValue = 1]
TiltAngle = -30.0
MinMaxMean = 10 160 86
ExposureDose = 2.9
DateTime = 12-Mar-21  23:59:40

[ZValue = 2]
TiltAngle = 0.0
MinMaxMean = 20 200 100
ExposureDose = 3
RotationAngle = 3.3
DateTime = 12-Mar-21  23:58:30

[ZValue = 3]
TiltAngle = 30.0
MinMaxMean = 10 160 87
ExposureDose = 3
DateTime = 12-Mar-21  23:59:05

[ZValue = 4]
TiltAngle = 60.0
MinMaxMean = 5 120 52
ExposureDose = 3.2
DateTime = 13-Mar-21  00:00:20
`;

describe('parseMdocMetadata', () => {
  it('reads pixel size, voltage, tilt axis and doses, each with its source, in acquisition order from DateTime', () => {
    const meta = parseMdocMetadata(DOSE_MDOC, 'TS_07.mrc.mdoc');
    expect(meta.tiltAngles).toEqual({ value: [-60, -30, 0, 30, 60], source: 'TS_07.mrc.mdoc: TiltAngle of [ZValue = 0] to [ZValue = 4]' });
    expect(meta.pixelSize).toEqual({ value: 2.7, source: 'TS_07.mrc.mdoc line 1' });
    expect(meta.voltage).toEqual({ value: 300, source: 'TS_07.mrc.mdoc line 2' });
    // The title wins over RotationAngle (which would give 3.3 − 90 = −86.7 here too).
    expect(meta.tiltAxisAngle).toEqual({ value: -86.7, source: 'TS_07.mrc.mdoc line 7' });
    expect(meta.exposureDose?.map((d) => d.value)).toEqual([3.1, 2.9, 3, 3, 3.2]);
    expect(meta.exposureDose?.[0].source).toBe('TS_07.mrc.mdoc line 12 (ExposureDose)');
    // Acquired as ZValue 2, 3, 1, 4, 0 (the last two after midnight).
    expect(meta.acquisitionOrder).toMatchObject({ value: [2, 3, 1, 4, 0], from: 'DateTime' });
    // Before ZValue 2: nothing; 3: 3; 1: 3 + 3; 4: 6 + 2.9; 0: 8.9 + 3.2.
    const accumulated = meta.accumulatedDose?.value ?? [];
    [12.1, 6, 0, 3, 8.9].forEach((dose, k) => expect(accumulated[k]).toBeCloseTo(dose, 10));
    expect(meta.accumulatedDose?.source).toMatch(/in DateTime order/);
    expect(meta.notes).toEqual([]);
  });

  it('reports dark tilts with the rule and the line, after allowing for 1/cos θ, and drops nothing', () => {
    const meta = parseMdocMetadata(DOSE_MDOC, 'TS_07.mrc.mdoc');
    // mean / cos θ: 18, 99.3, 100, 100.5, 104; median 100. Only −60° (18 % < 25 %) is dark; +60° (52 → 104) is not.
    expect(meta.darkTilts).toEqual([
      {
        section: 0,
        tiltAngle: -60,
        reason: 'mean 9 is 18% of the median after allowing for the 1/cos θ path (below 25%): a dark tilt',
        source: 'TS_07.mrc.mdoc line 11 (MinMaxMean)',
      },
    ]);
    expect(meta.tiltAngles.value).toHaveLength(5);
  });

  it('falls back to ZValue order, to DoseRate × ExposureTime and to RotationAngle − 90°, and says so', () => {
    const text = `PixelSpacing = 0.675
[ZValue = 0]
TiltAngle = 0
ExposureDose = 0
DoseRate = 7.5
ExposureTime = 0.8
Binning = 0.5
RotationAngle = 175.3
[ZValue = 1]
TiltAngle = 3
ExposureDose = 3
`;
    const meta = parseMdocMetadata(text, 'b.mdoc');
    // 7.5 e/pixel/s × 0.8 s on unbinned pixels of 0.675 / 0.5 = 1.35 Å: 6 / 1.8225 = 3.29218 e/Å².
    expect(meta.exposureDose?.[0].value).toBeCloseTo(3.29218, 4);
    expect(meta.exposureDose?.[0].source).toBe('b.mdoc lines 5, 6, 1, 7 (DoseRate × ExposureTime ÷ (PixelSpacing/Binning)²)');
    expect(meta.accumulatedDose?.value[1]).toBeCloseTo(3.29218, 4);
    expect(meta.acquisitionOrder).toEqual({ value: [0, 1], from: 'ZValue', source: 'b.mdoc: ZValue order' });
    expect(meta.tiltAxisAngle?.value).toBeCloseTo(85.3, 10);
    expect(meta.tiltAxisAngle?.source).toBe('b.mdoc line 8 (RotationAngle − 90°)');
    expect(meta.voltage).toBeNull();
    expect(meta.notes).toEqual([
      'b.mdoc: the dose of section 0 is DoseRate × ExposureTime ÷ (PixelSpacing/Binning)², since ExposureDose is missing or 0 there',
      'b.mdoc: no section has a DateTime, so the tilts are taken as acquired in ZValue order',
      'b.mdoc: not every section has MinMaxMean, so dark tilts were not looked for',
    ]);
  });

  it('leaves unknown doses null, not zero', () => {
    const meta = parseMdocMetadata('[ZValue = 0]\nTiltAngle = 0\nExposureDose = 2\n[ZValue = 1]\nTiltAngle = 3\nExposureDose = 0\n', 'c.mdoc');
    expect(meta.exposureDose).toBeNull();
    expect(meta.accumulatedDose).toBeNull();
    expect(meta.notes[0]).toBe('c.mdoc: [ZValue = 1] (line 4) has no ExposureDose above 0, nor DoseRate, ExposureTime, PixelSpacing, Binning to compute it from the dose rate, so the doses are unknown');
    // As in a real SerialEM file with an uncalibrated dose: ExposureDose 0 and no DoseRate.
    const uncalibrated = parseMdocMetadata('PixelSpacing = 5.4\n[ZValue = 0]\nTiltAngle = 0\nExposureDose = 0\nExposureTime = 0.8\nBinning = 4\n', 'u.mdoc');
    expect(uncalibrated.notes[0]).toBe('u.mdoc: [ZValue = 0] (line 2) has no ExposureDose above 0, nor DoseRate to compute it from the dose rate, so the doses are unknown');
    expect(meta.tiltAxisAngle).toBeNull();
    expect(meta.pixelSize).toBeNull();
  });

  it('takes ZValue order when some sections lack a DateTime', () => {
    const text = '[ZValue = 0]\nTiltAngle = 0\nDateTime = 12-Mar-21  14:02:33\n[ZValue = 1]\nTiltAngle = 3\n';
    expect(parseMdocMetadata(text, 'p.mdoc').notes).toContain('p.mdoc: section 1 lacks a DateTime, so the tilts are taken as acquired in ZValue order');
  });

  it('gives an AngleFileError or metadata on random text, never another exception', () => {
    const words = fc.constantFrom('\n', ' ', '=', '[ZValue = 0]', '[ZValue = 1]', 'TiltAngle', 'ExposureDose', 'DoseRate', 'ExposureTime', 'Binning', 'PixelSpacing', 'DateTime', '12-Mar-21 14:02:33', 'MinMaxMean', '[T = Tilt axis angle', 'RotationAngle', 'Voltage', '0', '3', '-1', '.5', 'x');
    fc.assert(
      fc.property(fc.array(words, { maxLength: 60 }), (parts) => {
        try {
          const meta = parseMdocMetadata(parts.join(''), 'z.mdoc');
          expect(meta.tiltAngles.value.every(Number.isFinite)).toBe(true);
          expect(meta.accumulatedDose === null || meta.accumulatedDose.value.every((d) => d >= 0)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(AngleFileError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('names the file and line of a bad value', () => {
    const section = (extra: string) => `[ZValue = 0]\nTiltAngle = 0\n${extra}\n`;
    expectAngleError(() => parseMdocMetadata(section('DateTime = yesterday'), 'd.mdoc'), 'd.mdoc line 3: DateTime should read like 12-Mar-21  14:02:33, found "yesterday"');
    expectAngleError(() => parseMdocMetadata(section('DateTime = 12-Mxr-21  14:02:33'), 'd.mdoc'), /d\.mdoc line 3: DateTime should read like/);
    expectAngleError(() => parseMdocMetadata(section('ExposureDose = -1'), 'e.mdoc'), 'e.mdoc line 3: ExposureDose should be ≥ 0, found -1');
    expectAngleError(() => parseMdocMetadata(section('MinMaxMean = 1 2'), 'f.mdoc'), 'f.mdoc line 3: MinMaxMean should be 3 numbers, found "1 2"');
    expectAngleError(() => parseMdocMetadata(`Voltage = 0\n${section('')}`, 'g.mdoc'), 'g.mdoc line 1: Voltage should be positive, found 0');
    expectAngleError(() => parseMdocMetadata(`[T = Tilt axis angle = n/a, binning = 1]\n${section('')}`, 'h.mdoc'), 'h.mdoc line 1: Tilt axis angle should be a number, found "n/a"');
    // The structural checks are parseMdoc's, with its messages.
    expectAngleError(() => parseMdocMetadata('PixelSpacing = 1\n', 'a.mdoc'), 'a.mdoc has no [ZValue = k] sections, so no tilt angles');
  });
});

describe("AreTomo3's STEM_TLT.txt", () => {
  it('reads angles in stack order and doses accumulated in acquisition order (indices from 1 or 0)', () => {
    // As AreTomo3 writes it ("%8.2f  %4d  %8.2f"): a dose-symmetric series sorted by angle, 3 e/Å² a tilt.
    const text = ['  -30.00     5      3.00', '  -15.00     3      3.00', '    0.00     1      3.00', '   15.00     2      3.00', '   30.00     4      3.00', ''].join('\n');
    for (const shift of [0, -1]) {
      const meta = parseAreTomoTiltFile(text.replace(/ {5}(\d) {6}/g, (_, k: string) => `     ${Number(k) + shift}      `), 'TS_01_TLT.txt');
      expect(meta.tiltAngles.value).toEqual([-30, -15, 0, 15, 30]);
      expect(meta.acquisitionOrder).toMatchObject({ value: [2, 3, 1, 4, 0], from: 'acquisition index' });
      expect(meta.exposureDose?.map((d) => d.value)).toEqual([3, 3, 3, 3, 3]);
      expect(meta.accumulatedDose?.value).toEqual([12, 6, 0, 3, 9]);
      expect([meta.pixelSize, meta.voltage, meta.tiltAxisAngle, meta.notes]).toEqual([null, null, null, []]);
    }
    expect(isAreTomoTiltFile('TS_01_TLT.txt')).toBe(true);
  });

  it('leaves doses unknown when AreTomo3 wrote 0, takes stack order without indices, and names a bad line', () => {
    const zero = parseAreTomoTiltFile('-3 1 0\n0 2 0\n3 3 0\n', 'z_TLT.txt');
    expect([zero.exposureDose, zero.accumulatedDose]).toEqual([null, null]);
    expect(zero.notes).toEqual(['z_TLT.txt: no dose for every tilt (AreTomo3 writes 0 when it was given none), so the doses are unknown']);
    const plain = parseAreTomoTiltFile('-3\n0\n3\n', 'p_TLT.txt');
    expect(plain.acquisitionOrder).toMatchObject({ value: [0, 1, 2], from: 'stack order' });
    expectAngleError(() => parseAreTomoTiltFile('-3 1 2\n0 x 2\n', 'b_TLT.txt'), 'b_TLT.txt line 2: expected a tilt angle, an acquisition index and a dose, found "0 x 2"');
    expectAngleError(() => parseAreTomoTiltFile('-3 1 -2\n', 'n_TLT.txt'), 'n_TLT.txt line 1: a dose should be ≥ 0 e/Å², found -2');
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
