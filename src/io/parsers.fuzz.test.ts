// Property-based fuzzing of the readers that take bytes from users: random and mutated inputs must end in the
// reader's own error (one clear message), never another exception, and never allocate more than the file implies.
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AngleFileError, parseAreTomoTiltFile, readAngleFile } from './angles.ts';
import { MrcError, readMrc, readMrcHeader, writeMrc } from './mrc.ts';
import { parseTiltCom, TiltComError } from './tiltCom.ts';
import { readRelionTiltSeries } from './relionStar.ts';
import { DefocusFileError, readDefocusFile } from './defocusFiles.ts';
import { readAreTomoSession } from './areTomoSession.ts';
import { StarFileError } from './star.ts';

/** Run `read`; any exception but `expected`'s is a failure of the property. */
function onlyItsOwnError<T>(read: () => T, expected: new (...args: never[]) => Error): T | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof expected) return null;
    throw error;
  }
}

const valid = writeMrc({ nx: 6, ny: 5, nz: 4, pixelSize: 2, data: Float32Array.from({ length: 120 }, (_, i) => Math.cos(i)) }, { labels: ['fuzz'], stack: true });

/** A valid file with some bytes changed: most land in the header, where the parsing is. */
const mutated = (base: Uint8Array) =>
  fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 12 }).map((edits) => {
    const bytes = base.slice();
    for (const [at, value, inHeader] of edits) bytes[inHeader ? at % 1024 : at] = value;
    return bytes;
  });

/** Floats a successful read may hold: 4-bit data gives 2 values a byte, nothing gives more. */
const withinFile = (values: number, bytes: number) => values <= 2 * bytes;

describe('MRC reader under fuzzing', () => {
  it('random bytes: an MrcError or a file, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        for (const permissive of [false, true]) {
          const file = onlyItsOwnError(() => readMrc(bytes, { permissive }), MrcError);
          if (file) expect(withinFile(file.data.length, bytes.length)).toBe(true);
        }
        onlyItsOwnError(() => readMrcHeader(bytes), MrcError);
      }),
      { numRuns: 500 },
    );
  });

  it('a valid file with bytes changed: an MrcError or a file whose size matches its header', () => {
    fc.assert(
      fc.property(mutated(valid), fc.boolean(), (bytes, permissive) => {
        const file = onlyItsOwnError(() => readMrc(bytes, { permissive }), MrcError);
        if (file) {
          expect(file.data.length).toBe(file.header.nx * file.header.ny * file.header.nz);
          expect(withinFile(file.data.length, bytes.length)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gzipped, with bytes of the compressed stream changed: an MrcError or the exact file', () => {
    const gz = gzipSync(valid);
    fc.assert(
      fc.property(mutated(gz), (bytes) => {
        const file = onlyItsOwnError(() => readMrc(bytes), MrcError);
        // Whatever inflates must pass the CRC: a file read from damaged gzip is the original, or nothing.
        if (file) expect(file.data).toEqual(readMrc(valid).data);
      }),
      { numRuns: 500 },
    );
  });
});

describe('angle file readers under fuzzing', () => {
  const text = fc.string({ unit: fc.oneof(fc.constantFrom('0', '1', '-', '.', 'e', '\n', ' ', '=', '[', ']', 'Z', 'TiltAngle', 'ZValue', 'PixelSpacing'), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 400 });

  it('random text as .tlt or .mdoc: an AngleFileError or finite angles, never another exception', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('a.tlt', 'a.rawtlt', 'a.mdoc'), (content, name) => {
        const read = onlyItsOwnError(() => readAngleFile(name, content), AngleFileError);
        if (read) expect(read.tiltAngles.every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("random rows of AreTomo3's STEM_TLT.txt: an AngleFileError or finite angles, an acquisition order of every row and finite doses ≥ 0", () => {
    const word = fc.oneof(text, fc.double().map(String), fc.integer({ min: -3, max: 12 }).map(String), fc.constantFrom('0', '3.00', '1e400', '-60.00'));
    const line = fc.array(word, { minLength: 0, maxLength: 4 }).map((w) => w.join('  '));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const meta = onlyItsOwnError(() => parseAreTomoTiltFile(lines.join('\n'), 'TS_TLT.txt'), AngleFileError);
        if (!meta) return;
        expect(meta.tiltAngles.value.every(Number.isFinite)).toBe(true);
        expect([...meta.acquisitionOrder.value].sort((a, b) => a - b)).toEqual(meta.tiltAngles.value.map((_, k) => k));
        expect((meta.accumulatedDose?.value ?? []).every((d) => d >= 0 && Number.isFinite(d))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("random entries after $tilt: a TiltComError or views from 1 and finite values, never another exception", () => {
    const entry = fc.tuple(fc.constantFrom('EXCLUDELIST2', 'EXCLUDE', 'INCLUDE', 'OFFSET', 'THICKNESS', 'IMAGEBINNED', 'RADIAL', 'XAXISTILT', 'SHIFT', 'DONE', '#'), text).map(([key, value]) => `${key} ${value}`);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.boolean(), (entries, standardInput) => {
        const com = onlyItsOwnError(() => parseTiltCom([standardInput ? '$tilt -StandardInput' : '$tilt', ...entries].join('\n'), 'tilt.com'), TiltComError);
        if (!com) return;
        for (const list of [com.excluded, com.included]) expect(list?.value.every((v) => Number.isInteger(v) && v >= 1) ?? true).toBe(true);
        expect([com.angleOffset?.value ?? 0, com.thickness?.value ?? 1, com.imageBinned, ...(com.radial?.value ?? [])].every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('random lines of a CTF estimate (IMOD .defocus, CTFFIND text): a DefocusFileError or a finite underfocus for every section', () => {
    const word = fc.oneof(text, fc.double().map(String), fc.integer({ min: -3, max: 12 }).map(String), fc.constantFrom('3', '0', '1e400', '3000.5', '#'));
    // CTFFIND's header line, whose values are the microscope's when they are numbers in range.
    const header = fc.tuple(fc.oneof(word, fc.constant('300.0')), fc.oneof(word, fc.constant('2.70')), fc.oneof(word, fc.constant('0.07'))).map(([kv, cs, q]) => `# Pixel size: 1.0 Angstroms ; acceleration voltage: ${kv} keV ; spherical aberration: ${cs} mm ; amplitude contrast: ${q}`);
    const line = fc.oneof(fc.array(word, { minLength: 0, maxLength: 9 }).map((w) => w.join(' ')), header);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.constantFrom('TS.defocus', 'TS_CTF.txt'), fc.integer({ min: 1, max: 9 }), (lines, name, nSections) => {
        const estimate = onlyItsOwnError(() => readDefocusFile({ name, text: lines.join('\n') }, nSections), DefocusFileError);
        if (!estimate) return;
        expect(estimate.defocus).toHaveLength(nSections);
        expect(estimate.defocus.every((d) => d > 0 && Number.isFinite(d))).toBe(true);
        expect(estimate.phaseShift?.every(Number.isFinite) ?? true).toBe(true);
        const m = estimate.microscope;
        if (m) expect([m.voltage ?? 1, m.cs ?? 0, m.amplitudeContrast ?? 0].every(Number.isFinite) && (m.voltage ?? 1) > 0 && (m.cs ?? 0) >= 0 && (m.amplitudeContrast ?? 0) < 1).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('random lines of a STAR file: a StarFileError or a tilt series with finite angles and sections from 0, never another exception', () => {
    const label = fc.constantFrom('_rlnMicrographName', '_rlnTomoYTilt', '_rlnTomoNominalStageTiltAngle', '_rlnTomoZRot', '_rlnTomoXShiftAngst', '_rlnTomoYShiftAngst', '_rlnMicrographPreExposure', '_rlnTomoXTilt', '_rlnTomoName', '_rlnTomoTiltSeriesName', '_rlnTomoProjX', '_rlnTomoProjY', '_rlnTomoProjZ', '_rlnTomoProjW', '_rlnTomoSizeX');
    const word = fc.oneof(text, fc.double().map(String), fc.nat().map((n) => `${n}@ts.mrcs`), fc.constant("'a b'"), fc.constantFrom('[1,0,0,3]', '[0,1,0,-2]', '[0,0,1,0]', '[0,0,0,1]', '[1,2]'));
    const line = fc.oneof(fc.constantFrom('data_TS_01', 'data_global', 'loop_', '', '# c'), label.map((l) => `${l} #1`), fc.tuple(label, word).map(([l, w]) => `${l} ${w}`), fc.array(word, { maxLength: 4 }).map((w) => w.join(' ')));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 14 }), (lines) => {
        const series = onlyItsOwnError(() => readRelionTiltSeries([{ name: 'TS_01.star', text: lines.join('\n') }]), StarFileError);
        if (!series) return;
        expect(series.tiltAngles.every(Number.isFinite)).toBe(true);
        expect(series.images.every((image) => Number.isInteger(image.section) && image.section >= 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("AreTomo3's session record under fuzzing", () => {
  it('random JSON or text: an error naming the file, or a microscope whose values are in range', () => {
    const value = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null), fc.array(fc.double(), { maxLength: 2 }));
    const json = fc.record({ parameters: fc.oneof(fc.record({ kV: value, Cs: value, AmpContrast: value }, { requiredKeys: [] }), value) }, { requiredKeys: [] }).map((o) => JSON.stringify(o));
    fc.assert(
      fc.property(fc.oneof(json, fc.string(), fc.constant('null'), fc.constant('[1]')), (text) => {
        let m: ReturnType<typeof readAreTomoSession>;
        try {
          m = readAreTomoSession({ name: 'AreTomo3_Session.json', text });
        } catch (error) {
          expect((error as Error).message).toMatch(/^AreTomo3_Session\.json: not JSON/);
          return;
        }
        expect((m.voltage ?? 1) > 0 && (m.cs ?? 0) >= 0 && (m.amplitudeContrast ?? 0) >= 0 && (m.amplitudeContrast ?? 0) < 1).toBe(true);
        expect([m.voltage ?? 1, m.cs ?? 0, m.amplitudeContrast ?? 0].every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
