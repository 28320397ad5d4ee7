/**
 * The broken-input corpus: malformed and edge-case tilt series, each generated here from a small valid one (no
 * binary file is committed), with the outcome it must have: the exact one-line refusal, or the warnings of a
 * load that succeeds. One table for both places a user drops files: src/cli/brokenInputs.test.ts runs every case
 * through `wedgelab recon`, e2e/brokenInputs.spec.ts the cases marked `page` through the workbench. The messages
 * are the readers' own (mrc.ts, angles.ts, tiltSeriesChecks.ts), each naming its file, the same in both places.
 */
import { gzipSync } from 'fflate';
import { withSerialEmTiltAngles } from './extendedHeaderFixture.ts';
import { writeMrc } from './mrc.ts';

export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export interface BrokenInput {
  /** What is wrong, or unusual, with the input. */
  title: string;
  /** The stack first, then its angle file (when the case has one). */
  files: InputFile[];
  /** The refusal, exactly (after "wedgelab recon: " on the command line); absent when the series loads. */
  error?: string;
  /**
   * Where the command line refuses earlier, as a usage error (exit 2, its usage after this line): its line. The
   * page, which has no options to name, gives `error`.
   */
  cliUsage?: string;
  /** Warnings of a series that loads, exactly, in order. */
  warnings?: string[];
  /** Also dropped on the page (a representative subset: the browser test is slower). */
  page?: boolean;
}

const [NX, NY] = [8, 6];
const ANGLES = [-60, -30, 0, 30, 60];
/** Header byte offsets (MRC2014) that the cases damage. */
const AT = { nx: 0, ny: 4, nz: 8, mode: 12, mapc: 64, mapr: 68, dmin: 76, dmax: 80, dmean: 84, nsymbt: 92, map: 208, stamp: 212 } as const;

/** A smooth, finite stack: value 10 + x + 2y + 3k at pixel (x, y) of section k. */
function values(nz: number, nx = NX, ny = NY): Float32Array {
  return Float32Array.from({ length: nx * ny * nz }, (_, i) => 10 + (i % nx) + 2 * (Math.floor(i / nx) % ny) + 3 * Math.floor(i / (nx * ny)));
}

function stackBytes(nz = ANGLES.length, nx = NX, ny = NY): Uint8Array {
  return writeMrc({ nx, ny, nz, pixelSize: 2, data: values(nz, nx, ny) }, { stack: true });
}

/** The valid stack with header words changed (int32 unless float), or any other edit of its bytes. */
function edited(edit: (view: DataView, bytes: Uint8Array) => void, bytes = stackBytes()): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), copy);
  return copy;
}

function withInts(fields: Partial<Record<keyof typeof AT, number>>): Uint8Array {
  return edited((view) => Object.entries(fields).forEach(([key, value]) => view.setInt32(AT[key as keyof typeof AT], value, true)));
}

/** One pixel of section k at (x, y) set to `value` (float32 data after the 1024-byte header). */
function withPixel(value: number, k = 3, x = 5, y = 2): Uint8Array {
  return edited((view) => view.setFloat32(1024 + 4 * ((k * NY + y) * NX + x), value, true));
}

/** The stack's header with its data replaced by `payload` in another mode. */
function inMode(mode: number, payload: Uint8Array, nx = NX): Uint8Array {
  const header = edited((view) => {
    view.setInt32(AT.nx, nx, true);
    view.setInt32(28, nx, true); // mx
    view.setInt32(AT.mode, mode, true);
  }, stackBytes(ANGLES.length, nx)).subarray(0, 1024);
  return concat(header, payload);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);
const tlt = (angles: readonly (number | string)[]) => text(`${angles.join('\n')}\n`);
/** A seeded byte sequence (LCG): the same "random" file every run. */
function noise(length: number, seed: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
}

/** A gzipped stack with its trailer (CRC-32, then the length, little-endian) or its deflate stream damaged. */
function gzipped(edit?: (gz: Uint8Array) => void, bytes = stackBytes()): Uint8Array {
  const gz = gzipSync(bytes);
  edit?.(gz);
  return gz;
}

/** A series of a stack named `name` and, unless `angles` is null, its .tlt. */
function series(stem: string, stack: Uint8Array, angles: Uint8Array | null = tlt(ANGLES), ext = '.mrc'): InputFile[] {
  return [{ name: `${stem}${ext}`, bytes: stack }, ...(angles ? [{ name: `${stem}.tlt`, bytes: angles }] : [])];
}

export const BROKEN_INPUTS: readonly BrokenInput[] = [
  // The stack's bytes: too few, too many, a header that describes other data.
  { title: 'empty stack file', files: series('empty', new Uint8Array(0)), error: 'empty.mrc: file is 0 bytes, shorter than the 1024-byte MRC header: not an MRC file, or cut short', page: true },
  { title: 'ten bytes', files: series('tiny', text('not an MRC')), error: 'tiny.mrc: file is 10 bytes, shorter than the 1024-byte MRC header: not an MRC file, or cut short' },
  { title: 'one byte short of a header', files: series('short', stackBytes().subarray(0, 1023)), error: 'short.mrc: file is 1023 bytes, shorter than the 1024-byte MRC header: not an MRC file, or cut short' },
  { title: 'header only', files: series('headonly', stackBytes().subarray(0, 1024)), error: 'headonly.mrc: truncated MRC data: header says 8 \u00d7 6 \u00d7 5 of float32 = 960 bytes after the 1024-byte header, but only 0 follow' },
  { title: 'data one byte short', files: series('cut', stackBytes().subarray(0, stackBytes().length - 1)), error: 'cut.mrc: truncated MRC data: header says 8 \u00d7 6 \u00d7 5 of float32 = 960 bytes after the 1024-byte header, but only 959 follow', page: true },
  { title: 'extra bytes after the data', files: series('extra', concat(stackBytes(), new Uint8Array(7))), error: 'extra.mrc: data size mismatch: header says 8 \u00d7 6 \u00d7 5 of float32 = 960 bytes after the 1024-byte header, but 967 follow (7 extra bytes ignored) (reading permissively would accept this)' },
  { title: 'nx = 0', files: series('nx0', withInts({ nx: 0 })), error: 'nx0.mrc: header gives non-positive size nx \u00d7 ny \u00d7 nz = 0 \u00d7 6 \u00d7 5' },
  { title: 'negative ny', files: series('nyneg', withInts({ ny: -6 })), error: 'nyneg.mrc: header gives non-positive size nx \u00d7 ny \u00d7 nz = 8 \u00d7 -6 \u00d7 5' },
  { title: 'nz = 0', files: series('nz0', withInts({ nz: 0 })), error: 'nz0.mrc: header gives non-positive size nx \u00d7 ny \u00d7 nz = 8 \u00d7 6 \u00d7 0' },
  { title: 'a header of 2^20 cubed voxels over a small file', files: series('huge', withInts({ nx: 1 << 20, ny: 1 << 20, nz: 1 << 20 })), error: 'huge.mrc: truncated MRC data: header says 1048576 \u00d7 1048576 \u00d7 1048576 of float32 = 4611686018427388000 bytes after the 1024-byte header, but only 960 follow', page: true },
  { title: 'complex mode 3', files: series('mode3', withInts({ mode: 3 })), error: 'mode3.mrc: MRC mode 3 (complex int16, Fourier-space data) is not supported: WedgeLab reads real images, modes 0, 1, 2, 6, 12 and 101' },
  { title: 'complex mode 4', files: series('mode4', withInts({ mode: 4 })), error: 'mode4.mrc: MRC mode 4 (complex float32, Fourier-space data) is not supported: WedgeLab reads real images, modes 0, 1, 2, 6, 12 and 101' },
  { title: 'undefined mode 7', files: series('mode7', withInts({ mode: 7 })), error: 'mode7.mrc: unknown MRC mode 7: expected 0 (int8/uint8), 1 (int16), 2 (float32), 6 (uint16), 12 (float16) or 101 (4-bit)', page: true },
  { title: 'negative mode', files: series('modeneg', withInts({ mode: -1 })), error: 'modeneg.mrc: unknown MRC mode -1: expected 0 (int8/uint8), 1 (int16), 2 (float32), 6 (uint16), 12 (float16) or 101 (4-bit)' },
  { title: 'negative extended header size', files: series('extneg', withInts({ nsymbt: -4 })), error: 'extneg.mrc: extended header size nsymbt = -4 is negative' },
  { title: 'extended header larger than the file', files: series('extbig', withInts({ nsymbt: 1 << 20 })), error: 'extbig.mrc: truncated MRC file: header says the extended header is 1048576 bytes, but only 960 bytes follow the 1024-byte header' },
  { title: 'map ID not "MAP "', files: series('mapid', edited((_, b) => b.set(text('XXXX'), AT.map))), error: 'mapid.mrc: map ID at bytes 208\u2013211 is "XXXX", expected "MAP " (reading permissively would accept this)' },
  { title: 'a text file named .mrc', files: series('prose', text('Tilt series of grid 3, square 12.\n'.repeat(60))), error: 'prose.mrc: map ID at bytes 208\u2013211 is " ser", expected "MAP " (reading permissively would accept this)', page: true },
  { title: 'random bytes', files: series('random', noise(3000, 7)), error: 'random.mrc: map ID at bytes 208\u2013211 is "\\xbf{\\xf8c", expected "MAP " (reading permissively would accept this)' },
  { title: 'a PNG named .st', files: series('image', concat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise(2000, 3)), tlt(ANGLES), '.st'), error: 'image.st: map ID at bytes 208\u2013211 is "e\\xe3\\x8a\\xa8", expected "MAP " (reading permissively would accept this)' },
  { title: 'byte-swapped sizes under a little-endian stamp', files: series('swapped', edited((view) => view.setInt32(AT.nx, NX, false))), error: 'swapped.mrc: truncated MRC data: header says 134217728 \u00d7 6 \u00d7 5 of float32 = 16106127360 bytes after the 1024-byte header, but only 960 follow' },
  // Unusual but readable: loads, with the reader's remark.
  { title: 'header minimum rounded (dmin 10.0625 over data whose minimum is 10)', files: series('rounded', edited((view) => view.setFloat32(AT.dmin, 10.0625, true))), warnings: [], page: true },
  { title: 'machine stamp zero (byte order inferred)', files: series('nostamp', edited((_, b) => b.fill(0, AT.stamp, AT.stamp + 4))), warnings: ['machine stamp 00 00 00 00 is zero; inferred little-endian from the mode and sizes'] },
  { title: 'axis order 2,1,3', files: series('axes', withInts({ mapc: 2, mapr: 1 })), warnings: ['axis order mapc/mapr/maps = 2,1,3, not 1,2,3: data is kept in file order (columns, rows, sections), not permuted to x, y, z'] },
  { title: 'header statistics of other data', files: series('stats', edited((view) => [AT.dmin, AT.dmax, AT.dmean].forEach((at, i) => view.setFloat32(at, 1000 + i, true)))), warnings: ['header statistics do not match the data (dmin 1000 but data min 10; dmax 1001 but data max 39; dmean 1002 but data mean 24.5); statistics are taken from the data'] },
  { title: 'IMOD unsigned bytes (mode 0)', files: series('bytes', inMode(0, Uint8Array.from({ length: NX * NY * 5 }, (_, i) => 200 + (i % 50)))), warnings: ['header statistics do not match the data (dmin 10 but data min -56; dmax 39 but data max -7; dmean 24.5 but data mean -32.3333; rms 5.90903 but data std 14.1146); statistics are taken from the data'] },
  { title: 'int16 (mode 1)', files: series('int16', inMode(1, new Uint8Array(Int16Array.from({ length: NX * NY * 5 }, (_, i) => i - 100).buffer))), warnings: ['header statistics do not match the data (dmin 10 but data min -100; dmax 39 but data max 139; dmean 24.5 but data mean 19.5; rms 5.90903 but data std 69.2814); statistics are taken from the data'] },
  { title: 'uint16 (mode 6)', files: series('uint16', inMode(6, new Uint8Array(Uint16Array.from({ length: NX * NY * 5 }, (_, i) => 60000 + i).buffer))), warnings: ['header statistics do not match the data (dmin 10 but data min 60000; dmax 39 but data max 60239; dmean 24.5 but data mean 60119.5; rms 5.90903 but data std 69.2814); statistics are taken from the data'] },
  { title: '4-bit (mode 101), odd nx', files: series('nibbles', inMode(101, noise(4 * NY * 5, 5), 7)), warnings: ['header statistics do not match the data (dmin 10 but data min 0; dmax 38 but data max 15; dmean 24 but data mean 8.17143; rms 5.8023 but data std 4.73982); statistics are taken from the data'] },
  { title: 'float16 (mode 12) holding a NaN', files: series('half', inMode(12, new Uint8Array(Uint16Array.from({ length: NX * NY * 5 }, (_, i) => (i === 77 ? 0x7e00 : 0x3c00)).buffer))), error: 'half.mrc: the tilt series holds a non-finite value (NaN) in projection 2 at x 5, y 3' },
  // Values the methods cannot use.
  { title: 'a NaN pixel', files: series('nan', withPixel(NaN)), error: 'nan.mrc: the tilt series holds a non-finite value (NaN) in projection 4 at x 5, y 2', page: true },
  { title: 'a +Inf pixel', files: series('posinf', withPixel(Infinity)), error: 'posinf.mrc: the tilt series holds a non-finite value (Infinity) in projection 4 at x 5, y 2' },
  { title: 'a −Inf pixel', files: series('neginf', withPixel(-Infinity, 0, 0, 0)), error: 'neginf.mrc: the tilt series holds a non-finite value (-Infinity) in projection 1 at x 0, y 0' },
  { title: 'a finite value that overflows (−3e38)', files: series('overflow', withPixel(-3e38, 4, 7, 5)), error: 'overflow.mrc: the tilt series holds -3.00e+38 in projection 5 at x 7, y 5: values beyond \u00b11e+30 overflow the reconstruction\'s float32 sums; rescale the stack', page: true },
  { title: 'a stack one pixel wide', files: series('narrow', stackBytes(5, 1, 6)), error: 'the tilts are 1 pixel wide: a tomogram needs tilts at least 2 pixels wide (across the tilt axis)' },
  // Gzip: damaged members are refused, never read as values.
  { title: 'gzip with a wrong CRC-32', files: series('crc', gzipped((gz) => (gz[gz.length - 8] ^= 0xff)), tlt(ANGLES), '.mrc.gz'), error: 'crc.mrc.gz: gzip data fail their CRC-32 check: the file is damaged', page: true },
  { title: 'gzip with a wrong length', files: series('length', gzipped((gz) => (gz[gz.length - 4] ^= 0x01)), tlt(ANGLES), '.mrc.gz'), error: 'length.mrc.gz: gzip data end after 1984 bytes, but the gzip trailer says 1985: the file is cut short or damaged' },
  { title: 'gzip cut short', files: series('gzcut', gzipped().subarray(0, 200), tlt(ANGLES), '.mrc.gz'), error: 'gzcut.mrc.gz: gzip data end after 1759 bytes, but the gzip trailer says 476958592: the file is cut short or damaged' },
  { title: 'gzip with a corrupt deflate stream', files: series('deflate', gzipped((gz) => gz.fill(0xff, 20, 40)), tlt(ANGLES), '.mrc.gz'), error: 'deflate.mrc.gz: gzip data are corrupt or cut short (invalid distance): the file is damaged' },
  { title: 'gzip header only', files: series('gzhead', gzipped().subarray(0, 10), tlt(ANGLES), '.mrc.gz'), error: 'gzhead.mrc.gz: file is 0 bytes, shorter than the 1024-byte MRC header: not an MRC file, or cut short' },
  { title: 'gzip bomb: inflates far beyond its header', files: series('bomb', gzipped(undefined, concat(stackBytes(), new Uint8Array(8 << 20))), tlt(ANGLES), '.mrc.gz'), error: 'bomb.mrc.gz: gzip data inflate to more than the 1984 bytes its MRC header implies: refused (a damaged or hostile file)', page: true },
  { title: 'a valid gzipped stack', files: series('good', gzipped(), tlt(ANGLES), '.mrc.gz'), warnings: [] },
  // Angle files.
  { title: 'empty angle file', files: series('noangles', stackBytes(), text('')), error: 'noangles.tlt contains no tilt angles' },
  { title: 'fewer angles than sections', files: series('fewer', stackBytes(), tlt(ANGLES.slice(0, 4))), error: 'fewer.tlt has 4 angles but fewer.mrc has 5 sections', page: true },
  { title: 'more angles than sections', files: series('more', stackBytes(), tlt([...ANGLES, 70])), error: 'more.tlt has 6 angles but more.mrc has 5 sections' },
  { title: 'a word for an angle', files: series('word', stackBytes(), tlt([-60, -30, 'zero', 30, 60])), error: 'word.tlt line 3: expected one tilt angle in degrees, found "zero"' },
  { title: 'two numbers on one line', files: series('pair', stackBytes(), tlt([-60, -30, '0 1', 30, 60])), error: 'pair.tlt line 3: expected one tilt angle in degrees, found "0 1"' },
  { title: 'a decimal comma', files: series('comma', stackBytes(), tlt([-60, '-30,5', 0, 30, 60])), error: 'comma.tlt line 2: expected one tilt angle in degrees, found "-30,5"' },
  { title: 'an angle of 90°', files: series('ninety', stackBytes(), tlt([-60, -30, 0, 30, 90])), error: 'ninety.tlt: tilt angle 5 is 90\u00b0: angles must be finite and strictly between \u221290\u00b0 and 90\u00b0' },
  { title: 'an angle of −120°', files: series('steep', stackBytes(), tlt([-120, -30, 0, 30, 60])), error: 'steep.tlt: tilt angle 1 is -120\u00b0: angles must be finite and strictly between \u221290\u00b0 and 90\u00b0', page: true },
  { title: 'NaN as an angle', files: series('nanangle', stackBytes(), tlt([-60, 'NaN', 0, 30, 60])), error: 'nanangle.tlt line 2: expected one tilt angle in degrees, found "NaN"' },
  { title: 'Infinity as an angle', files: series('infangle', stackBytes(), tlt([-60, -30, 0, 'Infinity', 60])), error: 'infangle.tlt line 4: expected one tilt angle in degrees, found "Infinity"' },
  { title: 'a terminal escape in an angle file', files: series('escape', stackBytes(), tlt([-60, '\u001b[2J\u001b[31mboom', 0, 30, 60])), error: 'escape.tlt line 2: expected one tilt angle in degrees, found "?[2J?[31mboom"', page: true },
  { title: 'a 10 000-character line', files: series('longline', stackBytes(), tlt([-60, -30, '7'.repeat(10000), 30, 60])), error: 'longline.tlt: tilt angle 3 is Infinity\u00b0: angles must be finite and strictly between \u221290\u00b0 and 90\u00b0' },
  { title: 'binary bytes as an angle file', files: series('binangles', stackBytes(), noise(200, 11)), error: 'binangles.tlt line 1: expected one tilt angle in degrees, found "\ufffd0$?4\ufffd\ufffd:Y\u0551\u041f2?\ufffd\ufffd?\ufffd\ufffd\ufffd9\ufffd]\ufffd?1\ufffd\ufffd\ufffd\ufffd\ufffd?H\ufffd5 \ufffd\ufffd!\ufffd#\u2026"' },
  { title: 'every tilt at one angle', files: series('same', stackBytes(), tlt([5, 5, 5, 5, 5])), error: 'same.tlt: all 5 tilts are at 5\u00b0: a tomogram needs tilts at different angles', page: true },
  { title: 'two tilts', files: series('two', stackBytes(2), tlt([-30, 30])), error: 'two.tlt: the tilt series has 2 tilts: a tomogram needs at least 3' },
  { title: 'one tilt', files: series('one', stackBytes(1), tlt([0])), error: 'one.tlt: the tilt series has 1 tilt: a tomogram needs at least 3' },
  { title: 'a repeated angle', files: series('repeat', stackBytes(), tlt([-60, -30, 0, 0, 60])), warnings: ['repeat.tlt: tilts 3 and 4 are both at 0\u00b0: repeated angles weigh that direction twice'] },
  { title: 'angles that look like radians', files: series('radians', stackBytes(), tlt([-1.05, -0.52, 0, 0.52, 1.05])), warnings: ['radians.tlt: the tilt angles span only \u00b11.050\u00b0: if they are radians, convert them to degrees (WedgeLab reads degrees)'], page: true },
  { title: 'CRLF line ends, a blank line and spaces', files: series('crlf', stackBytes(), text(' -60\r\n-30 \r\n\r\n0\r\n30\r\n60\r\n')), warnings: [] },
  { title: 'a byte-order mark', files: series('bom', stackBytes(), text('\ufeff-60\n-30\n0\n30\n60\n')), warnings: [] },
  // Angles in the stack's extended header (SerialEM), with no angle file beside it.
  { title: 'angles in a SerialEM extended header', files: series('serialem', withSerialEmTiltAngles(stackBytes(), ANGLES), null), warnings: [] },
  { title: 'a SerialEM extended header with every angle 0', files: series('flatheader', withSerialEmTiltAngles(stackBytes(), [0, 0, 0, 0, 0]), null), error: 'flatheader.mrc (SerialEM extended header): all 5 tilts are at 0\u00b0: a tomogram needs tilts at different angles', page: true },
  { title: 'no angle file', files: series('alone', stackBytes(), null), error: "no tilt-angle file (.tlt, .rawtlt, .mdoc or AreTomo .aln) among alone.mrc, and none in the stack's extended header", cliUsage: "--angles FILE.tlt is required (or --mdoc F.mdoc or --aln F.aln, which carry the angles) when the stack's extended header has none" },
];
