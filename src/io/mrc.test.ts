import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { MrcError, mrcInfo, readMrc, readMrcHeader, writeMrc, type MrcFile } from './mrc.ts';
import { halfTable, halfToFloat } from './float16.ts';

// ------------------------------------------------------------------------------------------
// In-memory MRC builder: every test file is made here, byte by byte, from the MRC2014 layout.
// ------------------------------------------------------------------------------------------

interface Build {
  nx: number;
  ny: number;
  nz: number;
  mode: number;
  /** Raw data block (already encoded). */
  payload: Uint8Array;
  littleEndian?: boolean;
  /** Bytes 212..215; default 44 44 00 00 or 11 11 00 00 from littleEndian. */
  stamp?: number[];
  ext?: Uint8Array;
  exttyp?: string;
  m?: [number, number, number];
  cella?: [number, number, number];
  axes?: [number, number, number];
  stats?: { dmin: number; dmax: number; dmean: number; rms: number };
  /** IMOD stamp at 152 with these flags at 156. */
  imodFlags?: number;
  mapId?: string;
  labels?: string[];
  ispg?: number;
}

function buildMrc(b: Build): Uint8Array {
  const le = b.littleEndian ?? true;
  const ext = b.ext ?? new Uint8Array(0);
  const out = new Uint8Array(1024 + ext.length + b.payload.length);
  const v = new DataView(out.buffer);
  const i32 = (o: number, x: number) => v.setInt32(o, x, le);
  const f32 = (o: number, x: number) => v.setFloat32(o, x, le);
  const m = b.m ?? [b.nx, b.ny, b.nz];
  const cella = b.cella ?? [b.nx * 2, b.ny * 2, b.nz * 2];
  const axes = b.axes ?? [1, 2, 3];
  const stats = b.stats ?? { dmin: 0, dmax: -1, dmean: -2, rms: -1 }; // "not set" per MRC2014
  [b.nx, b.ny, b.nz, b.mode, 0, 0, 0, ...m].forEach((x, i) => i32(4 * i, x));
  cella.forEach((x, i) => f32(40 + 4 * i, x));
  [90, 90, 90].forEach((x, i) => f32(52 + 4 * i, x));
  axes.forEach((x, i) => i32(64 + 4 * i, x));
  f32(76, stats.dmin);
  f32(80, stats.dmax);
  f32(84, stats.dmean);
  i32(88, b.ispg ?? 0);
  i32(92, ext.length);
  for (let i = 0; i < 4; i++) out[104 + i] = (b.exttyp ?? '\0\0\0\0').charCodeAt(i) || 0;
  i32(108, 20141);
  if (b.imodFlags !== undefined) {
    i32(152, 1146047817);
    i32(156, b.imodFlags);
  }
  for (let i = 0; i < 4; i++) out[208 + i] = (b.mapId ?? 'MAP ').charCodeAt(i) || 0;
  out.set(b.stamp ?? (le ? [0x44, 0x44, 0, 0] : [0x11, 0x11, 0, 0]), 212);
  f32(216, stats.rms);
  const labels = b.labels ?? [];
  i32(220, labels.length);
  labels.forEach((text, i) => {
    out.fill(0x20, 224 + 80 * i, 304 + 80 * i);
    for (let c = 0; c < text.length; c++) out[224 + 80 * i + c] = text.charCodeAt(c);
  });
  out.set(ext, 1024);
  out.set(b.payload, 1024 + ext.length);
  return out;
}

/** Encode values for a mode in a byte order (mode 12 takes raw half-float bit patterns). */
function encode(mode: number, values: number[], le = true): Uint8Array {
  const size = { 0: 1, 1: 2, 2: 4, 6: 2, 12: 2 }[mode as 0 | 1 | 2 | 6 | 12];
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    if (mode === 0) v.setUint8(i, x & 0xff);
    else if (mode === 1) v.setInt16(2 * i, x, le);
    else if (mode === 2) v.setFloat32(4 * i, x, le);
    else v.setUint16(2 * i, x, le);
  });
  return out;
}

const volumeOf = (nx: number, ny: number, nz: number, f: (i: number) => number) =>
  Float32Array.from({ length: nx * ny * nz }, (_, i) => f(i));

function expectMrcError(fn: () => unknown, pattern: RegExp | string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MrcError);
  if (typeof pattern === 'string') expect((caught as Error).message).toBe(pattern);
  else expect((caught as Error).message).toMatch(pattern);
}

const endiannesses = [
  ['little', true],
  ['big', false],
] as const;

// ------------------------------------------------------------------------------------------

describe('readMrc: modes', () => {
  it('mode 0 without the IMOD stamp is signed int8', () => {
    const f = readMrc(buildMrc({ nx: 5, ny: 1, nz: 1, mode: 0, payload: encode(0, [-128, -1, 0, 1, 127]) }));
    expect(f.dtype).toBe('int8');
    expect([...f.data]).toEqual([-128, -1, 0, 1, 127]);
  });

  it('mode 0 with the IMOD stamp and flag bit 0 clear is unsigned uint8', () => {
    const f = readMrc(buildMrc({ nx: 4, ny: 1, nz: 1, mode: 0, imodFlags: 0, payload: new Uint8Array([0, 1, 128, 255]) }));
    expect(f.dtype).toBe('uint8');
    expect([...f.data]).toEqual([0, 1, 128, 255]);
    expect(f.header.imodStamp).toBe(1146047817);
  });

  it('mode 0 with the IMOD stamp and flag bit 0 set is signed', () => {
    const f = readMrc(buildMrc({ nx: 2, ny: 1, nz: 1, mode: 0, imodFlags: 1, payload: new Uint8Array([0xff, 0x80]) }));
    expect(f.dtype).toBe('int8');
    expect([...f.data]).toEqual([-1, -128]);
  });

  it.each(endiannesses)('mode 1 int16, %s-endian', (_, le) => {
    const values = [-32768, -1, 0, 1, 300, 32767];
    const f = readMrc(buildMrc({ nx: 3, ny: 2, nz: 1, mode: 1, littleEndian: le, payload: encode(1, values, le) }));
    expect(f.dtype).toBe('int16');
    expect(f.header.littleEndian).toBe(le);
    expect([...f.data]).toEqual(values);
  });

  it.each(endiannesses)('mode 2 float32, %s-endian', (_, le) => {
    const values = [-1.5, 0, 3.25, 1e-30, -7e20, 0.1];
    const f = readMrc(buildMrc({ nx: 2, ny: 3, nz: 1, mode: 2, littleEndian: le, payload: encode(2, values, le) }));
    expect(f.dtype).toBe('float32');
    expect([...f.data]).toEqual(values.map(Math.fround));
  });

  it.each(endiannesses)('mode 6 uint16, %s-endian', (_, le) => {
    const values = [0, 1, 255, 256, 40000, 65535];
    const f = readMrc(buildMrc({ nx: 6, ny: 1, nz: 1, mode: 6, littleEndian: le, payload: encode(6, values, le) }));
    expect(f.dtype).toBe('uint16');
    expect([...f.data]).toEqual(values);
  });

  it.each(endiannesses)('mode 12 float16 with subnormals, infinities and NaN, %s-endian', (_, le) => {
    const bits = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xc000, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x3555];
    const f = readMrc(buildMrc({ nx: 4, ny: 3, nz: 1, mode: 12, littleEndian: le, payload: encode(12, bits, le) }));
    expect(f.dtype).toBe('float16');
    const expected = [0, -0, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 1, -2, 65504, Infinity, -Infinity, NaN, 0.333251953125];
    expected.forEach((x, i) => expect(Object.is(f.data[i], x)).toBe(true));
  });

  it('mode 101: two 4-bit values per byte, first pixel in the low nibble, rows padded to whole bytes', () => {
    // nx = 3 is odd: each row takes 2 bytes, the high nibble of the second byte is padding (set to 0xF to prove it is skipped).
    const payload = new Uint8Array([0x21, 0xf3, 0x54, 0xf6, 0x87, 0xf9, 0xba, 0xfc]);
    const f = readMrc(buildMrc({ nx: 3, ny: 2, nz: 2, mode: 101, payload }));
    expect(f.dtype).toBe('uint4');
    expect([...f.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('mode 101 with even nx has no padding', () => {
    const f = readMrc(buildMrc({ nx: 4, ny: 1, nz: 1, mode: 101, payload: new Uint8Array([0x0f, 0xa5]) }));
    expect([...f.data]).toEqual([15, 0, 5, 10]);
  });

  it.each([
    [3, /MRC mode 3 \(complex int16.*not supported/],
    [4, /MRC mode 4 \(complex float32.*not supported/],
    [7, /unknown MRC mode 7: expected 0 \(int8\/uint8\), 1 \(int16\), 2 \(float32\), 6 \(uint16\), 12 \(float16\) or 101 \(4-bit\)/],
    [16, /unknown MRC mode 16/],
  ])('mode %i is refused with a clear message, strict or permissive', (mode, pattern) => {
    const file = buildMrc({ nx: 2, ny: 2, nz: 1, mode, payload: new Uint8Array(64) });
    expectMrcError(() => readMrc(file), pattern);
    expectMrcError(() => readMrc(file, { permissive: true }), pattern);
  });
});

describe('readMrc: byte order', () => {
  it('accepts the 44 41 little-endian stamp', () => {
    const f = readMrc(buildMrc({ nx: 2, ny: 1, nz: 1, mode: 1, stamp: [0x44, 0x41, 0, 0], payload: encode(1, [7, -7]) }));
    expect(f.header.littleEndian).toBe(true);
    expect(f.header.machineStampValid).toBe(true);
    expect(f.warnings).toEqual([]);
  });

  it.each(endiannesses)('infers %s-endian from a zero stamp via the mode', (name, le) => {
    const values = [1.5, -2.5, 1000];
    const f = readMrc(buildMrc({ nx: 3, ny: 1, nz: 1, mode: 2, littleEndian: le, stamp: [0, 0, 0, 0], payload: encode(2, values, le) }));
    expect(f.header.littleEndian).toBe(le);
    expect(f.header.machineStampValid).toBe(false);
    expect([...f.data]).toEqual(values);
    expect(f.warnings).toContain(`machine stamp 00 00 00 00 is zero; inferred ${name}-endian from the mode and sizes`);
  });

  it.each(endiannesses)('infers %s-endian from a zero stamp via the sizes when the mode reads the same both ways (mode 0)', (_, le) => {
    // nx = 256 byte-swaps to a sane 65536, so only the file size can decide.
    const payload = new Uint8Array(256 * 3 * 2).map((_, i) => i % 251);
    const f = readMrc(buildMrc({ nx: 256, ny: 3, nz: 2, mode: 0, littleEndian: le, stamp: [0, 0, 0, 0], imodFlags: 0, payload }));
    expect(f.header.littleEndian).toBe(le);
    expect([f.header.nx, f.header.ny, f.header.nz]).toEqual([256, 3, 2]);
    expect(f.dtype).toBe('uint8');
    expect([...f.data]).toEqual([...payload]);
  });

  it('treats an unknown stamp like a zero one', () => {
    const f = readMrc(buildMrc({ nx: 2, ny: 1, nz: 1, mode: 1, littleEndian: false, stamp: [0x20, 0x20, 0, 0], payload: encode(1, [5, -5], false) }));
    expect(f.header.littleEndian).toBe(false);
    expect(f.warnings[0]).toMatch(/machine stamp 20 20 00 00 is not a known stamp; inferred big-endian/);
  });

  it('a stamp contradicted by the mode is an error when strict, a warning when permissive', () => {
    // Big-endian content carrying a little-endian stamp.
    const file = buildMrc({ nx: 2, ny: 1, nz: 1, mode: 2, littleEndian: false, stamp: [0x44, 0x44, 0, 0], payload: encode(2, [1, 2], false) });
    expectMrcError(() => readMrc(file), /machine stamp 44 44 00 00 says little-endian, but the mode then reads as 33554432; big-endian gives mode 2/);
    const f = readMrc(file, { permissive: true });
    expect(f.header.littleEndian).toBe(false);
    expect([...f.data]).toEqual([1, 2]);
    expect(f.warnings.join('\n')).toMatch(/so the stamp is ignored/);
  });
});

describe('readMrc: extended header, alignment, gzip', () => {
  it.each([
    [1, [-3, 4, 1000, -32768]],
    [2, [0.5, -1e6, 3.75, 42]],
    [6, [1, 2, 65535, 0]],
    [12, [0x3c00, 0xc400, 0x0001, 0x7c00]],
  ])('keeps an odd-sized extended header byte for byte and decodes unaligned mode %i data', (mode, values) => {
    for (const le of [true, false]) {
      const ext = new Uint8Array([0xde, 0xad, 0xbe]); // 3 bytes: data starts at 1027, not 2- or 4-aligned
      const f = readMrc(buildMrc({ nx: 2, ny: 2, nz: 1, mode, littleEndian: le, ext, exttyp: 'SERI', payload: encode(mode, values, le) }));
      expect([...f.extendedHeader]).toEqual([0xde, 0xad, 0xbe]);
      expect(f.header.nsymbt).toBe(3);
      expect(f.header.exttyp).toBe('SERI');
      const expected = mode === 12 ? values.map(halfToFloat) : values.map(Math.fround);
      expect([...f.data]).toEqual(expected);
    }
  });

  it('decodes data that sits unaligned inside a larger buffer', () => {
    const file = buildMrc({ nx: 3, ny: 1, nz: 1, mode: 1, payload: encode(1, [1, -2, 3]) });
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect([...readMrc(shifted.subarray(1)).data]).toEqual([1, -2, 3]);
  });

  it('keeps a 160-byte CCP4 symmetry extended header', () => {
    const ext = new Uint8Array(160).map((_, i) => (i * 7) & 0xff);
    const f = readMrc(buildMrc({ nx: 2, ny: 2, nz: 2, mode: 2, ext, exttyp: 'CCP4', payload: encode(2, [1, 2, 3, 4, 5, 6, 7, 8]) }));
    expect([...f.extendedHeader]).toEqual([...ext]);
    expect(mrcInfo(f).extendedHeaderBytes).toBe(160);
  });

  it('inflates gzip transparently, in readMrc and readMrcHeader', () => {
    const plain = buildMrc({ nx: 4, ny: 4, nz: 3, mode: 2, labels: ['gz test'], payload: encode(2, Array.from({ length: 48 }, (_, i) => i - 10)) });
    const gz = gzipSync(plain);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const f = readMrc(gz);
    expect([...f.data]).toEqual([...readMrc(plain).data]);
    expect(f.header.labels).toEqual(['gz test']);
    const h = readMrcHeader(gz);
    expect([h.nx, h.ny, h.nz, h.mode]).toEqual([4, 4, 3, 2]);
  });

  it('refuses damaged gzip data instead of reading them as values: CRC, length, a corrupt stream, too short', () => {
    const plain = buildMrc({ nx: 16, ny: 16, nz: 4, mode: 2, payload: encode(2, Array.from({ length: 1024 }, (_, i) => Math.sin(i))) });
    const gz = gzipSync(plain);
    const badCrc = gz.slice();
    badCrc[gz.length - 8] ^= 0xff;
    expectMrcError(() => readMrc(badCrc, { name: 'a.mrc.gz' }), 'a.mrc.gz: gzip data fail their CRC-32 check: the file is damaged');
    const badLength = gz.slice();
    badLength[gz.length - 4] ^= 0x01;
    expectMrcError(() => readMrc(badLength), /gzip data end after 5120 bytes, but the gzip trailer says 5121: the file is cut short or damaged/);
    const corrupt = gz.slice();
    for (let i = 200; i < 260; i++) corrupt[i] ^= 0x5a;
    expectMrcError(() => readMrc(corrupt), /gzip data (are corrupt|fail their CRC-32 check|end after)/);
    expectMrcError(() => readMrc(gz.subarray(0, gz.length - 30)), /gzip data (are corrupt or cut short|end after)/);
    expectMrcError(() => readMrc(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3])), /gzip data are 7 bytes, shorter than a gzip header and trailer/);
  });

  it('never inflates gzip beyond the size the MRC header implies (a small file cannot exhaust memory)', () => {
    // The header says 8 × 8 × 1 float32 (1280 bytes in all); the stream holds 64 MiB of zeros after it.
    const header = buildMrc({ nx: 8, ny: 8, nz: 1, mode: 2, payload: new Uint8Array(256) }).subarray(0, 1024);
    const bomb = gzipSync(Uint8Array.from({ length: 1024 + (64 << 20) }, (_, i) => (i < 1024 ? header[i] : 0)), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    expectMrcError(() => readMrc(bomb), /gzip data inflate to more than the 1280 bytes its MRC header implies: refused/);
  });
});

describe('readMrc: errors and warnings', () => {
  it('names the expected and found sizes for truncated data, even when permissive', () => {
    const file = buildMrc({ nx: 128, ny: 128, nz: 51, mode: 0, imodFlags: 0, payload: new Uint8Array(400000) });
    expectMrcError(
      () => readMrc(file),
      'truncated MRC data: header says 128 × 128 × 51 of uint8 = 835584 bytes after the 1024-byte header, but only 400000 follow',
    );
    expectMrcError(() => readMrc(file, { permissive: true, name: 'tilt.st' }), /^tilt\.st: truncated MRC data: .* but only 400000 follow$/);
  });

  it('mentions the extended header in the truncation message', () => {
    const file = buildMrc({ nx: 10, ny: 10, nz: 1, mode: 1, ext: new Uint8Array(8), payload: new Uint8Array(150) });
    expectMrcError(
      () => readMrc(file),
      'truncated MRC data: header says 10 × 10 × 1 of int16 = 200 bytes after the 1024-byte header and 8-byte extended header, but only 150 follow',
    );
  });

  it('refuses an extended header longer than the file', () => {
    const file = buildMrc({ nx: 1, ny: 1, nz: 1, mode: 0, payload: new Uint8Array(1) });
    new DataView(file.buffer).setInt32(92, 5000, true);
    expectMrcError(() => readMrc(file, { permissive: true }), /header says the extended header is 5000 bytes, but only 1 bytes follow/);
  });

  it('refuses a file shorter than the header', () => {
    expectMrcError(() => readMrc(new Uint8Array(100)), /file is 100 bytes, shorter than the 1024-byte MRC header/);
    expectMrcError(() => readMrcHeader(new Uint8Array(0)), /file is 0 bytes/);
  });

  it('refuses non-positive sizes', () => {
    const file = buildMrc({ nx: 0, ny: 4, nz: 1, mode: 2, payload: new Uint8Array(0) });
    expectMrcError(() => readMrc(file, { permissive: true }), /non-positive size nx × ny × nz = 0 × 4 × 1/);
  });

  it('a bad map ID is an error when strict and a warning when permissive', () => {
    const file = buildMrc({ nx: 1, ny: 1, nz: 1, mode: 2, mapId: 'XYZ\0', payload: encode(2, [1]) });
    expectMrcError(() => readMrc(file, { name: 'x.mrc' }), /^x\.mrc: map ID at bytes 208–211 is "XYZ\\x00", expected "MAP "/);
    const f = readMrc(file, { permissive: true });
    expect(f.warnings[0]).toMatch(/map ID at bytes 208–211 is "XYZ\\x00"/);
    expect([...f.data]).toEqual([1]);
    // 'MAP' with a NUL fourth byte is accepted, as mrcfile does.
    expect(readMrc(buildMrc({ nx: 1, ny: 1, nz: 1, mode: 2, mapId: 'MAP\0', payload: encode(2, [1]) })).warnings).toEqual([]);
  });

  it('extra bytes after the data are a size mismatch: error when strict, warning when permissive', () => {
    const file = buildMrc({ nx: 2, ny: 1, nz: 1, mode: 1, payload: new Uint8Array([1, 0, 2, 0, 9, 9, 9]) });
    expectMrcError(() => readMrc(file), /data size mismatch: header says 2 × 1 × 1 of int16 = 4 bytes .* but 7 follow \(3 extra bytes ignored\)/);
    const f = readMrc(file, { permissive: true });
    expect([...f.data]).toEqual([1, 2]);
    expect(f.warnings[0]).toMatch(/data size mismatch/);
  });

  it('wrong header statistics are a warning in both modes, never an error', () => {
    const file = buildMrc({
      nx: 2, ny: 2, nz: 1, mode: 2,
      stats: { dmin: -6, dmax: 20, dmean: 0.5, rms: 1 },
      payload: encode(2, [-1, 0, 1, 2]),
    });
    for (const permissive of [false, true]) {
      const f = readMrc(file, { permissive });
      expect(f.warnings).toHaveLength(1);
      expect(f.warnings[0]).toMatch(/^header statistics do not match the data \(dmin -6 but data min -1; dmax 20 but data max 2; rms 1 /);
      expect(f.warnings[0]).not.toMatch(/dmean/);
      expect(f.warnings[0]).toMatch(/rms 1 but data std 1.11803/);
    }
  });

  it('extremes within 1 % of the range are rounding, not a mismatch', () => {
    const payload = encode(1, [16, 100, 200, 416]);
    const rounded = buildMrc({ nx: 4, ny: 1, nz: 1, mode: 1, stats: { dmin: 16.0625, dmax: 415.5, dmean: 183, rms: 0 }, payload });
    expect(readMrc(rounded).warnings).toEqual([]);
    const other = buildMrc({ nx: 4, ny: 1, nz: 1, mode: 1, stats: { dmin: 21, dmax: 416, dmean: 183, rms: 0 }, payload });
    expect(readMrc(other).warnings[0]).toMatch(/dmin 21 but data min 16/);
  });

  it('correct or unset header statistics give no warning', () => {
    const payload = encode(2, [-1, 0, 1, 2]);
    const good = buildMrc({ nx: 4, ny: 1, nz: 1, mode: 2, stats: { dmin: -1, dmax: 2, dmean: 0.5, rms: Math.sqrt(1.25) }, payload });
    expect(readMrc(good).warnings).toEqual([]);
    const unset = buildMrc({ nx: 4, ny: 1, nz: 1, mode: 2, stats: { dmin: 0, dmax: 0, dmean: 0, rms: 0 }, payload });
    expect(readMrc(unset).warnings).toEqual([]);
  });

  it('warns that an axis order other than 1,2,3 is not applied', () => {
    const f = readMrc(buildMrc({ nx: 2, ny: 1, nz: 1, mode: 2, axes: [3, 1, 2], payload: encode(2, [1, 2]) }));
    expect(f.header.mapc).toBe(3);
    expect(f.warnings).toEqual([
      'axis order mapc/mapr/maps = 3,1,2, not 1,2,3: data is kept in file order (columns, rows, sections), not permuted to x, y, z',
    ]);
    expect([...f.data]).toEqual([1, 2]);
  });
});

describe('readMrc: header fields', () => {
  it('pixel size is cella / mx (not cella / nx), and 0 where mx or cella is 0', () => {
    // EMD-3001 style: 73 × 43 × 25 voxels of a 40 × 12 × 72 grid over a 17.93 × 4.71 × 33.03 Å cell.
    const f = readMrc(buildMrc({ nx: 2, ny: 1, nz: 1, mode: 2, m: [40, 12, 72], cella: [17.93, 4.71, 33.03], payload: encode(2, [0, 0]) }));
    expect(f.pixelSize[0]).toBeCloseTo(17.93 / 40, 12);
    expect(f.pixelSize[1]).toBeCloseTo(4.71 / 12, 12);
    expect(f.pixelSize[2]).toBeCloseTo(33.03 / 72, 12);
    expect(f.header.cella).toEqual([17.93, 4.71, 33.03]); // float32 shown as its shortest decimal
    const zero = readMrc(buildMrc({ nx: 2, ny: 2, nz: 1, mode: 2, m: [2, 0, 1], cella: [8, 8, 0], payload: encode(2, [0, 0, 0, 0]) }));
    expect(zero.pixelSize).toEqual([4, 0, 0]);
  });

  it('reads the remaining header fields and nlabl trimmed labels', () => {
    const file = buildMrc({
      nx: 2, ny: 1, nz: 1, mode: 1, ispg: 1,
      labels: ['Fei Company (C) Copyright 2003', '  NEWSTACK: Images copied   ', 'ignored'],
      payload: encode(1, [1, 2]),
    });
    new DataView(file.buffer).setInt32(220, 2, true); // nlabl = 2: the third label is not counted
    new DataView(file.buffer).setInt32(16, -2, true); // nxstart
    new DataView(file.buffer).setFloat32(196, 12.5, true); // origin x
    const h = readMrc(file).header;
    expect(h.labels).toEqual(['Fei Company (C) Copyright 2003', 'NEWSTACK: Images copied']);
    expect(h.nxstart).toBe(-2);
    expect(h.origin).toEqual([12.5, 0, 0]);
    expect(h.ispg).toBe(1);
    expect(h.nversion).toBe(20141);
    expect(h.mapId).toBe('MAP ');
    expect(h.cellb).toEqual([90, 90, 90]);
    expect(readMrcHeader(file)).toEqual(h);
  });

  it('readMrcHeader does not refuse an unsupported mode', () => {
    const h = readMrcHeader(buildMrc({ nx: 2, ny: 2, nz: 1, mode: 4, payload: new Uint8Array(32) }));
    expect(h.mode).toBe(4);
  });
});

describe('mrcInfo', () => {
  it('takes min/max/mean from the data, not the header, with the IMOD unsigned-byte rule', () => {
    const f = readMrc(
      buildMrc({ nx: 4, ny: 1, nz: 1, mode: 0, imodFlags: 0, stats: { dmin: 1, dmax: 2, dmean: 1.5, rms: 0 }, payload: new Uint8Array([16, 200, 225, 255]) }),
    );
    const info = mrcInfo(f);
    expect(info).toEqual({
      nx: 4, ny: 1, nz: 1, mode: 0, dtype: 'uint8', endianness: 'little',
      pixelSize: [2, 2, 2], extendedHeaderBytes: 0, min: 16, max: 255, mean: (16 + 200 + 225 + 255) / 4, std: info.std,
      nonFinite: 0, nan: 0, posInf: 0, negInf: 0, sectionMeans: [(16 + 200 + 225 + 255) / 4], warnings: f.warnings,
    });
  });

  it('reports big-endian files', () => {
    const f = readMrc(buildMrc({ nx: 2, ny: 1, nz: 1, mode: 1, littleEndian: false, payload: encode(1, [-5, 5], false) }));
    expect(mrcInfo(f)).toMatchObject({ endianness: 'big', min: -5, max: 5, mean: 0 });
  });
});

describe('writeMrc', () => {
  const vol = { nx: 5, ny: 4, nz: 3, pixelSize: 2.5, data: volumeOf(5, 4, 3, (i) => Math.sin(i) * 10 + 1) };

  it('round-trips through readMrc without warnings', () => {
    const f = readMrc(writeMrc(vol, { labels: ['FBP ramp filter, 61 tilts'] }));
    expect(f.warnings).toEqual([]);
    expect(f.dtype).toBe('float32');
    expect([...f.data]).toEqual([...vol.data]);
    expect(f.pixelSize).toEqual([2.5, 2.5, 2.5]);
  });

  it('spells symbols in ASCII and continues long labels on the next ones', () => {
    const long = `Coordinate network (SIREN 256×4, ω0 30, lr 1e-3→1e-4, ${'x'.repeat(30)} ${'word '.repeat(20)}end)`;
    const labels = readMrc(writeMrc(vol, { labels: [long] })).header.labels;
    expect(labels[0]).toBe('WedgeLab');
    expect(labels.slice(1).every((l) => l.length <= 80)).toBe(true);
    expect(labels.slice(1).join(' ')).toBe(long.replace('×', 'x').replace('ω', 'w').replace('→', '->'));
  });

  it('writes a complete MRC2014 header', () => {
    const bytes = writeMrc(vol, { labels: ['SIRT 20 iterations'] });
    expect(bytes.length).toBe(1024 + 4 * 60);
    expect(String.fromCharCode(...bytes.subarray(208, 212))).toBe('MAP ');
    expect([...bytes.subarray(212, 216)]).toEqual([0x44, 0x44, 0, 0]);
    const h: MrcFile['header'] = readMrc(bytes).header;
    expect(h).toMatchObject({
      nx: 5, ny: 4, nz: 3, mode: 2, mx: 5, my: 4, mz: 3,
      cella: [12.5, 10, 7.5], cellb: [90, 90, 90],
      mapc: 1, mapr: 2, maps: 3,
      ispg: 1, nsymbt: 0, exttyp: '', nversion: 20141,
      nxstart: 0, nystart: 0, nzstart: 0, origin: [0, 0, 0],
      littleEndian: true, machineStampValid: true,
      labels: ['WedgeLab', 'SIRT 20 iterations'],
    });
    let min = Infinity, max = -Infinity, sum = 0;
    for (const v of vol.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    const mean = sum / vol.data.length;
    const std = Math.sqrt(vol.data.reduce((s, v) => s + (v - mean) ** 2, 0) / vol.data.length);
    expect(Math.fround(h.dmin)).toBe(min);
    expect(Math.fround(h.dmax)).toBe(max);
    expect(h.dmean).toBeCloseTo(mean, 5);
    expect(h.rms).toBeCloseTo(std, 5);
  });

  it('uses ispg 0 for an image stack', () => {
    expect(readMrc(writeMrc(vol, { stack: true })).header.ispg).toBe(0);
  });

  it('labels: WedgeLab first (not doubled), printable ASCII, 80 characters (longer ones continued), at most 10', () => {
    const h = readMrc(writeMrc(vol, { labels: ['x'.repeat(100), '', 'é∞ ok', ...Array.from({ length: 12 }, (_, i) => `l${i}`)] })).header;
    expect(h.labels).toHaveLength(10);
    expect(h.labels[0]).toBe('WedgeLab');
    expect(h.labels[1]).toBe('x'.repeat(80));
    expect(h.labels[2]).toBe('x'.repeat(20));
    expect(h.labels[3]).toBe('?? ok');
    expect(readMrc(writeMrc(vol, { labels: ['WedgeLab 0.1 WBP'] })).header.labels).toEqual(['WedgeLab 0.1 WBP']);
    expect(readMrc(writeMrc(vol)).header.labels).toEqual(['WedgeLab']);
  });

  it('refuses inconsistent input', () => {
    expectMrcError(() => writeMrc({ ...vol, nz: 4 }), 'writeMrc: data has 60 values, but 5 × 4 × 4 = 80');
    expectMrcError(() => writeMrc({ ...vol, nx: 0 }), /nx must be a positive integer/);
    expectMrcError(() => writeMrc({ ...vol, pixelSize: NaN }), /pixel size/);
  });
});

describe('float16', () => {
  it('decodes special values exactly', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(halfToFloat(0x03ff)).toBe(1023 / 1024 * 2 ** -14); // largest subnormal
    expect(halfToFloat(0x0400)).toBe(2 ** -14); // smallest normal
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7c01)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });

  it('the lookup table agrees with the scalar decoder and is monotonic over positive finite values', () => {
    const table = halfTable();
    let bad = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = halfToFloat(bits);
      if (!Object.is(table[bits], v) && !(Number.isNaN(v) && Number.isNaN(table[bits]))) bad++;
      if (bits > 0 && bits < 0x7c00 && !(table[bits] > table[bits - 1])) bad++;
    }
    expect(bad).toBe(0);
  });
});

// ------------------------------------------------------------------------------------------
// Cross-check with python mrcfile, the reference implementation (when this machine has it).
// ------------------------------------------------------------------------------------------

const PYTHON = '/usr/bin/python3';
const mrcfileAvailable = spawnSync(PYTHON, ['-c', 'import mrcfile, numpy'], { encoding: 'utf8' }).status === 0;

function python(script: string, ...args: string[]): string {
  const result = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return result.stdout.trim();
}

const crossCheckTitle = mrcfileAvailable
  ? 'python mrcfile agrees'
  : 'python mrcfile agrees (SKIPPED: /usr/bin/python3 cannot import mrcfile and numpy; apt install python3-mrcfile)';
describe.skipIf(!mrcfileAvailable)(crossCheckTitle, () => {
  it('mrcfile.validate accepts written volumes and stacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedgelab-mrc-'));
    try {
      const volumePath = join(dir, 'volume.mrc');
      const stackPath = join(dir, 'stack.mrc');
      const flatPath = join(dir, 'flat.mrc');
      writeFileSync(volumePath, writeMrc({ nx: 7, ny: 6, nz: 5, pixelSize: 3.1, data: volumeOf(7, 6, 5, (i) => Math.cos(i / 3) - 0.2) }, { labels: ['WBP, ramp filter'] }));
      writeFileSync(stackPath, writeMrc({ nx: 8, ny: 8, nz: 4, pixelSize: 4, data: volumeOf(8, 8, 4, (i) => (i % 17) - 8) }, { stack: true }));
      writeFileSync(flatPath, writeMrc({ nx: 3, ny: 3, nz: 1, pixelSize: 1, data: new Float32Array(9).fill(2) }));
      const out = python(
        'import sys, io, contextlib, mrcfile\n' +
          'for p in sys.argv[1:]:\n' +
          '    buf = io.StringIO()\n' +
          '    with contextlib.redirect_stdout(buf): ok = mrcfile.validate(p)\n' +
          '    print(ok, repr(buf.getvalue()))\n',
        volumePath,
        stackPath,
        flatPath,
      );
      expect(out.split('\n').map((line) => line.split(' ')[0])).toEqual(['True', 'True', 'True']);
      const voxel = python('import sys, mrcfile\nwith mrcfile.open(sys.argv[1]) as m: print(m.voxel_size.x, m.data.shape, m.header.ispg)', volumePath);
      const [size, ...rest] = voxel.split(' ');
      expect(Number(size)).toBeCloseTo(3.1, 6); // mrcfile divides in float32
      expect(rest.join(' ')).toBe('(5, 6, 7) 1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mrcfile reads the same values from every mode this suite builds, in both byte orders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedgelab-mrc-'));
    try {
      const cases: { path: string; file: Uint8Array }[] = [];
      const values: Record<number, number[]> = {
        0: [-128, -5, 0, 7, 127, 1],
        1: [-32768, -2, 0, 3, 32767, 12],
        2: [-1.25, 0, 3.5, 1e-20, 7e10, -0.1],
        6: [0, 1, 255, 256, 65535, 9],
        12: [0x0001, 0x3c00, 0xc000, 0x7bff, 0x03ff, 0x3555],
      };
      for (const mode of [0, 1, 2, 6, 12]) {
        for (const le of [true, false]) {
          const path = join(dir, `m${mode}${le ? 'le' : 'be'}.mrc`);
          const file = buildMrc({ nx: 3, ny: 2, nz: 1, mode, littleEndian: le, ext: new Uint8Array(5), exttyp: 'SERI', payload: encode(mode, values[mode], le) });
          writeFileSync(path, file);
          cases.push({ path, file });
        }
      }
      const out = python(
        'import sys, json, warnings, numpy as np, mrcfile\n' +
          'warnings.simplefilter("ignore")\n' +
          'res = []\n' +
          'for p in sys.argv[1:]:\n' +
          '    with mrcfile.open(p, permissive=True) as m: res.append([float(x) for x in m.data.astype(np.float64).ravel()])\n' +
          'print(json.dumps(res))\n',
        ...cases.map((c) => c.path),
      );
      const reference = JSON.parse(out) as number[][];
      cases.forEach((c, i) => expect([...readMrc(c.file).data]).toEqual(reference[i]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the float16 table matches numpy for all 65 536 bit patterns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedgelab-f16-'));
    try {
      const path = join(dir, 'table.f32');
      python('import sys, numpy as np\nnp.arange(65536, dtype="<u2").view("<f2").astype("<f4").tofile(sys.argv[1])', path);
      const bytes = readFileSync(path);
      const reference = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const table = halfTable();
      let mismatches = 0;
      for (let i = 0; i < 65536; i++) if (!Object.is(table[i], reference[i]) && !(Number.isNaN(table[i]) && Number.isNaN(reference[i]))) mismatches++;
      expect(mismatches).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
