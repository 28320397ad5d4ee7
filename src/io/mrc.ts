/**
 * The MRC2014 codec: the one place WedgeLab reads and writes .mrc/.st/.ali/.rec/.map files
 * (docs/conventions.md#mrc-files). The reference reader is python `mrcfile`; we follow its strict and
 * permissive behaviour, plus two things real tomography data needs that mrcfile lacks:
 * IMOD's unsigned-byte rule for mode 0, and byte-order inference when the machine stamp is
 * missing.
 *
 * Layout: a 1024-byte header, then an extended header of `nsymbt` bytes (kept verbatim, never
 * interpreted), then the data, x fastest, then y, then section. Every voxel is converted to
 * float32 in file order; axis order (mapc/mapr/maps) is reported, not applied.
 *
 * Units: cell dimensions (cella) and origins are in Å; the pixel size along an axis is
 * cella / m (grid sampling mx, my, mz), NOT cella / n: the two differ for maps that cover only
 * part of their unit cell (EMD-3001).
 *
 * Files can be 1 GB, so conversion works on typed-array views of the input and DataView loops,
 * with no per-voxel allocation. The data offset 1024 + nsymbt need not be a multiple of the
 * element size, and typed-array views require aligned offsets, so unaligned data goes
 * through DataView instead.
 */
import { Gunzip } from 'fflate';
import { halfTable } from './float16.ts';
import { fileOrderRuns, volumePieces, type PiecedVolume } from './piecedVolume.ts';

export type MrcDtype = 'int8' | 'uint8' | 'int16' | 'float32' | 'uint16' | 'float16' | 'uint4';

export interface MrcHeader {
  nx: number;
  ny: number;
  nz: number;
  mode: number;
  nxstart: number;
  nystart: number;
  nzstart: number;
  mx: number;
  my: number;
  mz: number;
  /** Cell dimensions, Å. */
  cella: [number, number, number];
  /** Cell angles, degrees. */
  cellb: [number, number, number];
  mapc: number;
  mapr: number;
  maps: number;
  dmin: number;
  dmax: number;
  dmean: number;
  rms: number;
  ispg: number;
  nsymbt: number;
  exttyp: string;
  nversion: number;
  /** Bytes per section of a SerialEM extended header (int16 at 128; FEI/Agard: integers per section). */
  nint: number;
  /** Which items a SerialEM extended header holds, as bit flags (int16 at 130; FEI/Agard: reals per section). */
  nreal: number;
  /** Å. */
  origin: [number, number, number];
  /** Bytes 208..211, normally 'MAP ' (NUL bytes dropped). */
  mapId: string;
  littleEndian: boolean;
  /** True when bytes 212–213 hold a recognised stamp (44 44, 44 41 or 11 11). */
  machineStampValid: boolean;
  imodStamp: number;
  imodFlags: number;
  /** The first nlabl labels, trimmed. */
  labels: string[];
}

export interface MrcFile {
  header: MrcHeader;
  /** nsymbt bytes, kept byte for byte. */
  extendedHeader: Uint8Array;
  dtype: MrcDtype;
  /** Converted values, file order: x fastest, then y, then section. */
  data: Float32Array;
  /** cella / (mx, my, mz), Å; 0 where m or cella is 0. */
  pixelSize: [number, number, number];
  /** Permissive-mode remarks and harmless oddities (header statistics, axis order, inferred byte order). */
  warnings: string[];
}

export class MrcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MrcError';
  }
}

/** Statistics (MrcStats) are of the data, never the header's. */
export interface MrcInfo extends MrcStats {
  nx: number;
  ny: number;
  nz: number;
  mode: number;
  dtype: MrcDtype;
  endianness: 'little' | 'big';
  pixelSize: [number, number, number];
  extendedHeaderBytes: number;
  /** The mean of each section's finite values, NaN where it has none (io/mrcStream.ts MrcStack.sectionMeans). */
  sectionMeans: number[];
  /** What the reader remarked on: byte order inferred, header statistics wrong, extra bytes, … */
  warnings: string[];
}

const HEADER_BYTES = 1024;
/** 'IMOD' read as a 32-bit integer in the file's byte order; IMOD writes it at byte 152. */
const IMOD_STAMP = 1146047817;
/** Bit 0 of the IMOD flags (byte 156): mode-0 bytes are signed. Clear ⇒ unsigned. */
const IMOD_FLAG_SIGNED_BYTES = 1;
/** Modes the MRC2014 spec defines (3 and 4 are valid but complex, so we refuse them later). */
const KNOWN_MODES = new Set([0, 1, 2, 3, 4, 6, 12, 101]);
/** Largest dimension we accept as "sane" when guessing the byte order (byte-swapped small ints exceed it). */
const MAX_SANE_DIMENSION = 1 << 24;
const NATIVE_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Header byte offsets (MRC2014, CCP-EM). Each field is 4 bytes.
const OFF = {
  nx: 0, ny: 4, nz: 8, mode: 12,
  nxstart: 16, nystart: 20, nzstart: 24,
  mx: 28, my: 32, mz: 36,
  cella: 40, cellb: 52,
  mapc: 64, mapr: 68, maps: 72,
  dmin: 76, dmax: 80, dmean: 84,
  ispg: 88, nsymbt: 92,
  exttyp: 104, nversion: 108, nint: 128, nreal: 130,
  imodStamp: 152, imodFlags: 156,
  origin: 196, map: 208, machst: 212, rms: 216, nlabl: 220, labels: 224,
} as const;
const LABEL_BYTES = 80;
const MAX_LABELS = 10;

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export interface MrcReadOptions {
  /** Accept what mrcfile's permissive mode accepts (with a warning) instead of refusing it. */
  permissive?: boolean;
  /** The file's name, put in front of every error. */
  name?: string;
}

/** What a checked header says about the data block: enough to decode it all at once or section by section. */
export interface MrcLayout {
  header: MrcHeader;
  dtype: MrcDtype;
  /** 1024 + nsymbt: where the data start. */
  dataOffset: number;
  /** Bytes of one section (nx × ny values; 4-bit rows padded to whole bytes). */
  sectionBytes: number;
  /** cella / (mx, my, mz), Å; 0 where m or cella is 0. */
  pixelSize: [number, number, number];
  /** Byte-order inference and permissive-mode remarks so far; the data remarks (mrcDataRemarks) come later. */
  warnings: string[];
}

/** The one way a read fails or remarks: strict mode refuses what permissive mode only remarks on. */
function reporter(options: MrcReadOptions, warnings: string[]) {
  const prefix = options.name ? `${options.name}: ` : '';
  const fail = (message: string): never => {
    throw new MrcError(prefix + message);
  };
  const problem = (message: string): void => {
    if (options.permissive) warnings.push(message);
    else fail(`${message} (reading permissively would accept this)`);
  };
  return { prefix, fail, problem };
}

/**
 * Check a header (`head`: at least its first 1024 bytes, as stored or inflated) and, when `totalLength` (the
 * whole file's length, inflated) is known, the data length it implies (mrcDataLengthCheck). Every refusal
 * and remark of readMrc that needs no data is made here, so the whole-file and the streamed readers agree.
 */
export function mrcLayout(head: Uint8Array, totalLength: number | null, options: MrcReadOptions = {}): MrcLayout {
  const warnings: string[] = [];
  const { fail, problem } = reporter(options, warnings);
  if (head.length < HEADER_BYTES) {
    const length = totalLength ?? head.length;
    fail(`file is ${length} bytes, shorter than the ${HEADER_BYTES}-byte MRC header: not an MRC file, or cut short`);
  }
  const order = decideByteOrder(head, totalLength, options.permissive ?? false, warnings, fail);
  const header = parseHeader(head, order.littleEndian, order.stampValid);
  const { nx, ny, nz, nsymbt } = header;
  if (!header.mapId.startsWith('MAP')) {
    // mrcfile checks only the first three bytes: the MRC2014 paper writes 'MAP' and some writers leave byte 211 NUL.
    problem(`map ID at bytes 208–211 is ${printable(head.subarray(OFF.map, OFF.map + 4))}, expected "MAP "`);
  }
  if (!(nx > 0 && ny > 0 && nz > 0)) {
    fail(`header gives non-positive size nx × ny × nz = ${nx} × ${ny} × ${nz}`);
  }
  const dtype = dtypeOf(header, fail);
  if (nsymbt < 0) fail(`extended header size nsymbt = ${nsymbt} is negative`);
  const rowBytes = dtype === 'uint4' ? Math.ceil(nx / 2) : nx * BYTES_PER_VALUE[dtype];
  const layout = { header, dtype, dataOffset: HEADER_BYTES + nsymbt, sectionBytes: rowBytes * ny, pixelSize: pixelSizeOf(header), warnings };
  if (totalLength !== null) mrcDataLengthCheck(layout, totalLength, options);
  return layout;
}

/**
 * The file's length (inflated) against the header's: too short is an error even when reading permissively (no data
 * to invent); extra bytes are a problem (refused strictly, a warning permissively, added to layout.warnings).
 */
export function mrcDataLengthCheck(layout: MrcLayout, totalLength: number, options: MrcReadOptions = {}): void {
  const { fail, problem } = reporter(options, layout.warnings);
  const { header, dtype, dataOffset, sectionBytes } = layout;
  const { nx, ny, nz, nsymbt } = header;
  const afterHeader = totalLength - HEADER_BYTES;
  if (nsymbt > afterHeader) {
    fail(`truncated MRC file: header says the extended header is ${nsymbt} bytes, but only ${afterHeader} bytes follow the ${HEADER_BYTES}-byte header`);
  }
  const needed = sectionBytes * nz;
  const available = totalLength - dataOffset;
  const what = `header says ${nx} × ${ny} × ${nz} of ${dtype} = ${needed} bytes after the ${HEADER_BYTES}-byte header${nsymbt ? ` and ${nsymbt}-byte extended header` : ''}`;
  if (available < needed) fail(`truncated MRC data: ${what}, but only ${available} follow`);
  if (available > needed) problem(`data size mismatch: ${what}, but ${available} follow (${available - needed} extra bytes ignored)`);
}

/** Remarks on the data once read, the same in both modes (the data itself is fine): header statistics, axis order. */
export function mrcDataRemarks(header: MrcHeader, stats: MrcStats): string[] {
  const remarks: string[] = [];
  const statsRemark = headerStatsRemark(header, stats);
  if (statsRemark) remarks.push(statsRemark);
  if (header.mapc !== 1 || header.mapr !== 2 || header.maps !== 3) {
    remarks.push(
      `axis order mapc/mapr/maps = ${header.mapc},${header.mapr},${header.maps}, not 1,2,3: ` +
        'data is kept in file order (columns, rows, sections), not permuted to x, y, z',
    );
  }
  return remarks;
}

/** The whole file in memory (a browser File's bytes, fs.readFile): every voxel as float32. Large stacks: readMrcStack (mrcStream.ts). */
export function readMrc(bytes: Uint8Array, options: MrcReadOptions = {}): MrcFile {
  bytes = inflateIfGzip(bytes, reporter(options, []).prefix);
  const layout = mrcLayout(bytes, bytes.length, options);
  const { header, dtype, dataOffset, warnings } = layout;
  const { nx, ny, nz } = header;
  let data: Float32Array;
  try {
    data = new Float32Array(nx * ny * nz);
  } catch {
    return reporter(options, warnings).fail(`${nx} × ${ny} × ${nz} voxels is too large to hold in memory as float32`);
  }
  decodeMrcData(bytes.subarray(dataOffset, dataOffset + layout.sectionBytes * nz), header, dtype, data);
  warnings.push(...mrcDataRemarks(header, dataStats(data)));
  return {
    header,
    extendedHeader: bytes.slice(HEADER_BYTES, dataOffset),
    dtype,
    data,
    pixelSize: layout.pixelSize,
    warnings,
  };
}

/**
 * Header only (the first 1024 bytes; gzip is inflated just far enough). Nothing is validated
 * beyond the length, so a file with an unsupported mode can still be inspected. Byte order
 * follows the same inference as readMrc.
 */
export function readMrcHeader(bytes: Uint8Array): MrcHeader {
  let totalLength: number | null = bytes.length;
  if (isGzip(bytes)) {
    bytes = gunzipHead(bytes, HEADER_BYTES);
    totalLength = null; // unknown without inflating everything
  }
  if (bytes.length < HEADER_BYTES) {
    throw new MrcError(`file is ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte MRC header: not an MRC file, or cut short`);
  }
  const order = decideByteOrder(bytes, totalLength, true, [], (m) => {
    throw new MrcError(m);
  });
  return parseHeader(bytes, order.littleEndian, order.stampValid);
}

/** Summary for display: statistics come from the data, never from the header. */
export function mrcInfo(file: MrcFile): MrcInfo {
  const { nx, ny, nz } = file.header;
  const sectionMeans = Array.from({ length: nz }, (_, z) => dataStats(file.data.subarray(z * nx * ny, (z + 1) * nx * ny)).mean);
  return mrcSummary(file.header, file.dtype, file.pixelSize, file.extendedHeader.length, dataStats(file.data), sectionMeans, file.warnings);
}

/** The summary of a file read whole (mrcInfo) or streamed (mrcStream.ts readMrcInfo): one shape for both. */
export function mrcSummary(
  header: MrcHeader,
  dtype: MrcDtype,
  pixelSize: readonly number[],
  extendedHeaderBytes: number,
  stats: MrcStats,
  sectionMeans: readonly number[],
  warnings: readonly string[],
): MrcInfo {
  return {
    nx: header.nx,
    ny: header.ny,
    nz: header.nz,
    mode: header.mode,
    dtype,
    endianness: header.littleEndian ? 'little' : 'big',
    pixelSize: [pixelSize[0], pixelSize[1], pixelSize[2]],
    extendedHeaderBytes,
    ...stats,
    sectionMeans: [...sectionMeans],
    warnings: [...warnings],
  };
}

const BYTES_PER_VALUE: Record<Exclude<MrcDtype, 'uint4'>, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  float32: 4,
};

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** CRC-32 (IEEE 802.3, as gzip uses). */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 register after `bytes`, from `crc` (start with 0xffffffff; the checksum is the register ^ 0xffffffff). */
function crc32Update(crc: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return crc;
}

/** Bytes a gzipped MRC may inflate to beyond its header's size (trailing bytes some writers leave). */
const GZIP_SLACK_BYTES = 1 << 20;
/** A gzip member's header and trailer take at least this many bytes. */
const GZIP_MIN_BYTES = 18;

/**
 * A gzipped MRC inflated piece by piece, verified: never beyond the size its header implies (plus a little slack,
 * from limitTo), so a small hostile file cannot exhaust memory; the trailer's CRC-32 and length must match what
 * came out (finish), so a damaged member is refused, not read as data. One gzip member (what gzip and IMOD write).
 * Used whole (readMrc) and streamed (readMrcStack), so both refuse the same files with the same messages.
 */
export class MrcGunzip {
  private readonly stream: Gunzip;
  private total = 0;
  private crc = 0xffffffff;
  private limit = Infinity;
  /** An error of `onData` (or the limit's), passed on as it is rather than taken for corrupt data. */
  private ownError: unknown = null;

  constructor(
    private readonly fail: (message: string) => never,
    onData: (chunk: Uint8Array) => void,
  ) {
    this.stream = new Gunzip((chunk) => {
      try {
        this.total += chunk.length;
        if (this.total > this.limit) {
          fail(`gzip data inflate to more than the ${this.limit - GZIP_SLACK_BYTES} bytes its MRC header implies: refused (a damaged or hostile file)`);
        }
        this.crc = crc32Update(this.crc, chunk);
        onData(chunk);
      } catch (error) {
        this.ownError = error;
        throw error;
      }
    });
  }

  /** Refuse to inflate beyond the file this header describes. */
  limitTo(header: MrcHeader): void {
    this.limit = impliedFileBytes(header.mode, header.nx, header.ny, header.nz, Math.max(0, header.nsymbt)) + GZIP_SLACK_BYTES;
  }

  /** Compressed bytes in; inflated ones go to onData. `final` on the last piece (it may be empty). */
  push(chunk: Uint8Array, final: boolean): void {
    try {
      this.stream.push(chunk, final);
    } catch (error) {
      if (error === this.ownError) throw error;
      this.fail(`gzip data are corrupt or cut short (${(error as Error).message}): the file is damaged`);
    }
  }

  get inflatedBytes(): number {
    return this.total;
  }

  /** After the final push: the inflated length and CRC-32 against the trailer (the member's last 8 bytes). */
  finish(trailer: Uint8Array): void {
    const view = new DataView(trailer.buffer, trailer.byteOffset, 8);
    const [crc, size] = [view.getUint32(0, true), view.getUint32(4, true)];
    if (this.total % 2 ** 32 !== size) this.fail(`gzip data end after ${this.total} bytes, but the gzip trailer says ${size}: the file is cut short or damaged`);
    if (((this.crc ^ 0xffffffff) >>> 0) !== crc) this.fail('gzip data fail their CRC-32 check: the file is damaged');
  }
}

/** A gzip file's length must at least hold a member's header and trailer. */
export function checkGzipLength(length: number, fail: (message: string) => never): void {
  if (length < GZIP_MIN_BYTES) fail(`gzip data are ${length} bytes, shorter than a gzip header and trailer: cut short`);
}

/** Inflate a gzipped MRC whole (see MrcGunzip), or return it as it is. */
function inflateIfGzip(bytes: Uint8Array, prefix: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const fail = (message: string): never => {
    throw new MrcError(`${prefix}${message}`);
  };
  checkGzipLength(bytes.length, fail);
  let head: MrcHeader;
  try {
    head = readMrcHeader(bytes);
  } catch (err) {
    return fail((err as Error).message);
  }
  const chunks: Uint8Array[] = [];
  const inflater = new MrcGunzip(fail, (chunk) => chunks.push(chunk));
  inflater.limitTo(head);
  const step = 1 << 20;
  for (let i = 0; i < bytes.length; i += step) inflater.push(bytes.subarray(i, i + step), i + step >= bytes.length);
  const out = new Uint8Array(inflater.inflatedBytes);
  chunks.reduce((at, chunk) => (out.set(chunk, at), at + chunk.length), 0);
  inflater.finish(bytes.subarray(bytes.length - 8));
  return out;
}

/** Inflate only until `want` bytes are out, feeding 64 KiB of compressed input at a time. */
function gunzipHead(bytes: Uint8Array, want: number): Uint8Array {
  const head = new Uint8Array(want);
  let got = 0;
  const stream = new Gunzip((chunk) => {
    const take = Math.min(chunk.length, want - got);
    head.set(chunk.subarray(0, take), got);
    got += take;
  });
  try {
    const step = 1 << 16;
    for (let i = 0; i < bytes.length && got < want; i += step) {
      stream.push(bytes.subarray(i, i + step), i + step >= bytes.length);
    }
  } catch (err) {
    throw new MrcError(`gzip data are corrupt or cut short (${(err as Error).message})`);
  }
  return head.subarray(0, got);
}

/**
 * Byte order from the machine stamp (bytes 212–213): 44 44 or 44 41 little-endian, 11 11
 * big-endian. A zero or unknown stamp (common in older IMOD and FEI files) is replaced by
 * whichever order gives a known mode and sane sizes; a stamp contradicted by the mode
 * (seen in the wild, mrcfile notes) is overridden only when reading permissively.
 */
function decideByteOrder(
  bytes: Uint8Array,
  totalLength: number | null,
  permissive: boolean,
  warnings: string[],
  fail: (message: string) => never,
): { littleEndian: boolean; stampValid: boolean } {
  const s0 = bytes[OFF.machst];
  const s1 = bytes[OFF.machst + 1];
  const stamped = s0 === 0x44 && (s1 === 0x44 || s1 === 0x41) ? true : s0 === 0x11 && s1 === 0x11 ? false : null;
  const stampText = printHex(bytes.subarray(OFF.machst, OFF.machst + 4));

  if (stamped === null) {
    const little = plausibility(bytes, true, totalLength);
    const big = plausibility(bytes, false, totalLength);
    const littleEndian = little >= big; // little-endian is by far the commoner, so it wins ties
    const zero = s0 === 0 && s1 === 0;
    warnings.push(
      `machine stamp ${stampText} is ${zero ? 'zero' : 'not a known stamp'}; ` +
        `inferred ${littleEndian ? 'little' : 'big'}-endian from the mode and sizes`,
    );
    return { littleEndian, stampValid: false };
  }

  const modeAs = (le: boolean) => new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES).getInt32(OFF.mode, le);
  const mode = modeAs(stamped);
  const otherMode = modeAs(!stamped);
  if (!KNOWN_MODES.has(mode) && KNOWN_MODES.has(otherMode)) {
    const message =
      `machine stamp ${stampText} says ${stamped ? 'little' : 'big'}-endian, but the mode then reads as ${mode}; ` +
      `${stamped ? 'big' : 'little'}-endian gives mode ${otherMode}`;
    if (!permissive) fail(`${message} (reading permissively would use ${stamped ? 'big' : 'little'}-endian)`);
    warnings.push(`${message}, so the stamp is ignored`);
    return { littleEndian: !stamped, stampValid: true };
  }
  return { littleEndian: stamped, stampValid: true };
}

/** How believable the header is in one byte order: 0 impossible, higher is better. */
function plausibility(bytes: Uint8Array, littleEndian: boolean, totalLength: number | null): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const int = (offset: number) => view.getInt32(offset, littleEndian);
  const mode = int(OFF.mode);
  const dims = [int(OFF.nx), int(OFF.ny), int(OFF.nz)];
  const nsymbt = int(OFF.nsymbt);
  if (!KNOWN_MODES.has(mode)) return 0;
  if (!dims.every((n) => n > 0 && n < MAX_SANE_DIMENSION)) return 0;
  if (nsymbt < 0 || nsymbt >= MAX_SANE_DIMENSION * 16) return 0;
  if (totalLength === null) return 1;
  const expected = impliedFileBytes(mode, dims[0], dims[1], dims[2], nsymbt);
  return expected === totalLength ? 3 : expected < totalLength ? 2 : 1;
}

/** The bytes a file of this header holds: header, extended header, and rows of nx values (4-bit rows padded to bytes). */
function impliedFileBytes(mode: number, nx: number, ny: number, nz: number, nsymbt: number): number {
  const bits = mode === 101 ? 4 : mode === 0 ? 8 : mode === 4 ? 64 : mode === 2 || mode === 3 ? 32 : 16;
  return HEADER_BYTES + nsymbt + Math.ceil((nx * bits) / 8) * ny * nz;
}

function parseHeader(bytes: Uint8Array, littleEndian: boolean, machineStampValid: boolean): MrcHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const int = (offset: number) => view.getInt32(offset, littleEndian);
  const float = (offset: number) => tidyFloat32(view.getFloat32(offset, littleEndian));
  const triple = (offset: number): [number, number, number] => [float(offset), float(offset + 4), float(offset + 8)];

  const nlabl = Math.max(0, Math.min(MAX_LABELS, int(OFF.nlabl)));
  const labels: string[] = [];
  for (let i = 0; i < nlabl; i++) {
    const start = OFF.labels + i * LABEL_BYTES;
    labels.push(latin1(bytes.subarray(start, start + LABEL_BYTES)).trim());
  }
  return {
    nx: int(OFF.nx),
    ny: int(OFF.ny),
    nz: int(OFF.nz),
    mode: int(OFF.mode),
    nxstart: int(OFF.nxstart),
    nystart: int(OFF.nystart),
    nzstart: int(OFF.nzstart),
    mx: int(OFF.mx),
    my: int(OFF.my),
    mz: int(OFF.mz),
    cella: triple(OFF.cella),
    cellb: triple(OFF.cellb),
    mapc: int(OFF.mapc),
    mapr: int(OFF.mapr),
    maps: int(OFF.maps),
    dmin: float(OFF.dmin),
    dmax: float(OFF.dmax),
    dmean: float(OFF.dmean),
    rms: float(OFF.rms),
    ispg: int(OFF.ispg),
    nsymbt: int(OFF.nsymbt),
    exttyp: latin1(bytes.subarray(OFF.exttyp, OFF.exttyp + 4)).trim(),
    nversion: int(OFF.nversion),
    nint: view.getInt16(OFF.nint, littleEndian),
    nreal: view.getInt16(OFF.nreal, littleEndian),
    origin: triple(OFF.origin),
    mapId: latin1(bytes.subarray(OFF.map, OFF.map + 4)),
    littleEndian,
    machineStampValid,
    imodStamp: int(OFF.imodStamp),
    imodFlags: int(OFF.imodFlags),
    labels,
  };
}

function dtypeOf(header: MrcHeader, fail: (message: string) => never): MrcDtype {
  switch (header.mode) {
    case 0: {
      // IMOD writes unsigned bytes in mode 0 and says so with its stamp and a clear bit 0 of
      // its flags; real tilt series depend on this (read as signed, the image wraps around).
      const imodUnsigned = header.imodStamp === IMOD_STAMP && (header.imodFlags & IMOD_FLAG_SIGNED_BYTES) === 0;
      return imodUnsigned ? 'uint8' : 'int8';
    }
    case 1:
      return 'int16';
    case 2:
      return 'float32';
    case 6:
      return 'uint16';
    case 12:
      return 'float16';
    case 101:
      return 'uint4';
    case 3:
    case 4:
      return fail(
        `MRC mode ${header.mode} (complex ${header.mode === 3 ? 'int16' : 'float32'}, Fourier-space data) is not supported: ` +
          'WedgeLab reads real images, modes 0, 1, 2, 6, 12 and 101',
      );
    default:
      return fail(
        `unknown MRC mode ${header.mode}: expected 0 (int8/uint8), 1 (int16), 2 (float32), 6 (uint16), 12 (float16) or 101 (4-bit)`,
      );
  }
}

/**
 * Convert `src` (whole rows of the data block: all of it, or some sections) into `out` (as many values), honouring
 * byte order and alignment.
 */
export function decodeMrcData(src: Uint8Array, header: MrcHeader, dtype: MrcDtype, out: Float32Array): void {
  const n = out.length;
  const le = header.littleEndian;
  const native = le === NATIVE_LITTLE_ENDIAN;
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const aligned = (width: number) => native && src.byteOffset % width === 0;

  // Plain loops, not out.set(typedArray): V8's converting set() is several times slower.
  switch (dtype) {
    case 'int8': {
      const bytes = new Int8Array(src.buffer, src.byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = bytes[i];
      return;
    }
    case 'uint8':
      for (let i = 0; i < n; i++) out[i] = src[i];
      return;
    case 'int16':
      if (aligned(2)) {
        const shorts = new Int16Array(src.buffer, src.byteOffset, n);
        for (let i = 0; i < n; i++) out[i] = shorts[i];
      } else {
        for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, le);
      }
      return;
    case 'uint16':
      if (aligned(2)) {
        const shorts = new Uint16Array(src.buffer, src.byteOffset, n);
        for (let i = 0; i < n; i++) out[i] = shorts[i];
      } else {
        for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, le);
      }
      return;
    case 'float16': {
      const table = halfTable();
      if (aligned(2)) {
        const halves = new Uint16Array(src.buffer, src.byteOffset, n);
        for (let i = 0; i < n; i++) out[i] = table[halves[i]];
      } else {
        for (let i = 0; i < n; i++) out[i] = table[view.getUint16(2 * i, le)];
      }
      return;
    }
    case 'float32':
      // Copying bytes into the output's own (aligned) buffer sidesteps the alignment problem.
      if (native) new Uint8Array(out.buffer, out.byteOffset, 4 * n).set(src);
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, le);
      return;
    case 'uint4': {
      // Two unsigned 4-bit values per byte, the first (left) pixel in the low nibble; each row
      // starts on a byte boundary, so an odd nx leaves the last high nibble of a row unused
      // (IMOD/SerialEM packing for K2/K3 counting data).
      const { nx } = header;
      const rows = n / nx;
      const rowBytes = Math.ceil(nx / 2);
      let k = 0;
      for (let r = 0; r < rows; r++) {
        const base = r * rowBytes;
        for (let x = 0; x < nx; x++) {
          const byte = src[base + (x >> 1)];
          out[k++] = x & 1 ? byte >> 4 : byte & 0x0f;
        }
      }
      return;
    }
  }
}

/** Statistics of the finite values; `nonFinite` counts the NaN and ±Inf ones left out, and nan, posInf, negInf each kind. */
export interface MrcStats {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation (what the header's rms field holds). */
  std: number;
  nonFinite: number;
  nan: number;
  posInf: number;
  negInf: number;
}

/** Two passes (mean, then spread), float64 accumulators. NaNs are skipped so one bad voxel does not hide the rest. */
export function dataStats(data: Float32Array): MrcStats {
  return runStats(() => [data]);
}

/**
 * dataStats of the values `runs()` gives in order (a pieced tomogram's, io/piecedVolume.ts): the same sums in the
 * same order, so the same figures to the bit. `runs` is called once per pass.
 */
export function runStats(runs: () => Iterable<Float32Array>): MrcStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  let nan = 0;
  let posInf = 0;
  let n = 0;
  for (const data of runs()) {
    n += data.length;
    // \`v - v === 0\` is the finiteness test (NaN and ±Inf give NaN): several times faster than Number.isFinite here.
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v - v !== 0) {
        if (v !== v) nan++;
        else if (v > 0) posInf++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      count++;
    }
  }
  const counts = { nonFinite: n - count, nan, posInf, negInf: n - count - nan - posInf };
  if (count === 0) return { min: NaN, max: NaN, mean: NaN, std: NaN, ...counts };
  const mean = sum / count;
  let squares = 0;
  for (const data of runs()) {
    for (let i = 0; i < data.length; i++) {
      const d = data[i] - mean;
      if (d - d === 0) squares += d * d;
    }
  }
  return { min, max, mean, std: Math.sqrt(squares / count), ...counts };
}

/**
 * The statistics of two blocks of values together, from each block's own (Chan, Golub & LeVeque's pairwise update
 * of the mean and the sum of squared deviations), so a stack read section by section gets what dataStats gives
 * for all of it, to rounding.
 */
export function mergeStats(a: MrcStats, b: MrcStats, countA: number, countB: number): MrcStats {
  const [na, nb] = [countA - a.nonFinite, countB - b.nonFinite];
  const counts = { nonFinite: a.nonFinite + b.nonFinite, nan: a.nan + b.nan, posInf: a.posInf + b.posInf, negInf: a.negInf + b.negInf };
  if (nb === 0) return { ...a, ...counts };
  if (na === 0) return { ...b, ...counts };
  const n = na + nb;
  const delta = b.mean - a.mean;
  const squares = a.std * a.std * na + b.std * b.std * nb + (delta * delta * na * nb) / n;
  return {
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    mean: a.mean + (delta * nb) / n,
    std: Math.sqrt(squares / n),
    ...counts,
  };
}

/**
 * Compare header dmin/dmax/dmean/rms with the data, following the MRC2014 "not set"
 * conventions (dmax < dmin, dmean < min(dmin, dmax), rms < 0; we also treat rms = 0 as unset,
 * since IMOD and FEI write 0). Returns a warning text or null.
 */
function headerStatsRemark(header: MrcHeader, stats: MrcStats): string | null {
  const range = stats.max - stats.min;
  const off = (headerValue: number, real: number, relative: number) =>
    Math.abs(headerValue - real) > relative * Math.abs(real) + 1e-5 * Math.max(range, Math.abs(real));
  // Extremes within 1 % of the range are rounding (a tool's dmin of 16.0625 for integer data whose min is 16),
  // not a header that describes other data.
  const offExtreme = (headerValue: number, real: number) => Math.abs(headerValue - real) > 0.01 * range + 1e-5 * Math.abs(real);
  const wrong: string[] = [];
  if (header.dmin < header.dmax) {
    if (offExtreme(header.dmin, stats.min)) wrong.push(`dmin ${short(header.dmin)} but data min ${short(stats.min)}`);
    if (offExtreme(header.dmax, stats.max)) wrong.push(`dmax ${short(header.dmax)} but data max ${short(stats.max)}`);
  }
  if (header.dmean > Math.min(header.dmin, header.dmax) && off(header.dmean, stats.mean, 0.01)) {
    wrong.push(`dmean ${short(header.dmean)} but data mean ${short(stats.mean)}`);
  }
  if (header.rms > 0 && off(header.rms, stats.std, 0.01)) {
    wrong.push(`rms ${short(header.rms)} but data std ${short(stats.std)}`);
  }
  if (wrong.length === 0) return null;
  return `header statistics do not match the data (${wrong.join('; ')}); statistics are taken from the data`;
}

function pixelSizeOf(header: MrcHeader): [number, number, number] {
  const per = (cell: number, m: number) => (m > 0 && cell > 0 ? cell / m : 0);
  return [per(header.cella[0], header.mx), per(header.cella[1], header.my), per(header.cella[2], header.mz)];
}

/**
 * The shortest decimal that rounds to the same float32: header fields are float32, and
 * 17.93 reads better than 17.930000305175781. Writing it back as float32 gives the same bits.
 */
function tidyFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function short(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) text += String.fromCharCode(bytes[i]);
  return text;
}

function printable(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return `"${text}"`;
}

function printHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** What writeMrc and mrcPieces write: a float32 volume (or stack) and its pixel size in Å (0 = unknown). */
export interface MrcVolume {
  nx: number;
  ny: number;
  nz: number;
  data: Float32Array;
  pixelSize: number;
}

export interface MrcWriteOptions {
  labels?: string[];
  stack?: boolean;
}

/**
 * Mode 2 (float32), little-endian, with a complete MRC2014 header that passes
 * `mrcfile.validate`: 'MAP ', stamp 44 44 00 00, nversion 20141, mx/my/mz = nx/ny/nz,
 * cella = n × pixelSize (Å), cellb 90°, axis order 1,2,3, statistics from the data, and
 * labels (the first names WedgeLab; the caller adds the method and its parameters).
 *
 * ispg is 1 (a single volume, e.g. a tomogram) unless `stack` is set, in which case it is 0
 * (an image stack, e.g. a tilt series), as MRC2014 and mrcfile distinguish them. One byte array of the whole
 * file: mrcPieces writes the same bytes without it.
 */
export function writeMrc(volume: MrcVolume | PiecedVolume, options: MrcWriteOptions = {}): Uint8Array {
  // mrcPieces checks the volume and makes the header at once, before the file's array is allocated.
  const pieces = mrcPieces(volume, options);
  const out = new Uint8Array(HEADER_BYTES + 4 * volume.nx * volume.ny * volume.nz);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** Voxels per data piece of mrcPieces: 1 Mi float32 values, 4 MiB. */
const MRC_PIECE_VALUES = 1 << 20;

/**
 * The bytes of writeMrc(volume, options) in order, as the 1024-byte header and then pieces of at most 4 MiB of
 * data, so a file can be written to a stream without a second copy of the volume in memory. Concatenated, the
 * pieces are byte for byte what writeMrc returns. The header is checked (and its statistics computed) before
 * the first piece is handed out. A tomogram held in pieces (io/piecedVolume.ts) is written from its pieces, in the
 * same bytes as the one array would be.
 */
export function mrcPieces(volume: MrcVolume | PiecedVolume, options: MrcWriteOptions = {}): Iterable<Uint8Array> {
  const header = mrcHeader(volume, options);
  return (function* () {
    yield header;
    for (const data of fileOrderRuns(volume)) {
      for (let start = 0; start < data.length; start += MRC_PIECE_VALUES) {
        yield float32Bytes(data, start, Math.min(data.length, start + MRC_PIECE_VALUES));
      }
    }
  })();
}

/** The 1024-byte MRC2014 header writeMrc writes for `volume` (see writeMrc); the data follow it, float32 little-endian. */
export function mrcHeader(volume: MrcVolume | PiecedVolume, options: MrcWriteOptions = {}): Uint8Array {
  const { nx, ny, nz, pixelSize } = volume;
  for (const [name, n] of [['nx', nx], ['ny', ny], ['nz', nz]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new MrcError(`writeMrc: ${name} must be a positive integer, got ${n}`);
  }
  const count = nx * ny * nz;
  const values = volumePieces(volume).reduce((sum, piece) => sum + piece.volume.data.length, 0);
  if (values !== count) {
    throw new MrcError(`writeMrc: data has ${values} values, but ${nx} × ${ny} × ${nz} = ${count}`);
  }
  if (!Number.isFinite(pixelSize) || pixelSize < 0) {
    throw new MrcError(`writeMrc: pixel size must be a finite number of Å ≥ 0, got ${pixelSize}`);
  }

  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  const setInt = (offset: number, v: number) => view.setInt32(offset, v, true);
  const setFloat = (offset: number, v: number) => view.setFloat32(offset, v, true);

  setInt(OFF.nx, nx);
  setInt(OFF.ny, ny);
  setInt(OFF.nz, nz);
  setInt(OFF.mode, 2);
  // nxstart/nystart/nzstart stay 0.
  setInt(OFF.mx, nx);
  setInt(OFF.my, ny);
  setInt(OFF.mz, nz);
  [nx, ny, nz].forEach((n, i) => setFloat(OFF.cella + 4 * i, n * pixelSize));
  [90, 90, 90].forEach((angle, i) => setFloat(OFF.cellb + 4 * i, angle));
  setInt(OFF.mapc, 1);
  setInt(OFF.mapr, 2);
  setInt(OFF.maps, 3);
  const stats = runStats(() => fileOrderRuns(volume));
  setFloat(OFF.dmin, stats.min);
  setFloat(OFF.dmax, stats.max);
  setFloat(OFF.dmean, stats.mean);
  setFloat(OFF.rms, stats.std);
  setInt(OFF.ispg, options.stack ? 0 : 1);
  // nsymbt 0, exttyp blank (zeros), origin 0.
  setInt(OFF.nversion, 20141);
  out.set([0x4d, 0x41, 0x50, 0x20], OFF.map); // 'MAP '
  out.set([0x44, 0x44, 0x00, 0x00], OFF.machst); // little-endian

  const labels = headerLabels(options.labels ?? []);
  setInt(OFF.nlabl, labels.length);
  labels.forEach((label, i) => {
    const start = OFF.labels + i * LABEL_BYTES;
    out.fill(0x20, start, start + LABEL_BYTES);
    for (let c = 0; c < label.length; c++) out[start + c] = label.charCodeAt(c);
  });
  return out;
}

/**
 * data[start, end) as float32 little-endian bytes: a view on the array itself on little-endian machines (every
 * machine WedgeLab runs on), a swapped copy elsewhere.
 */
function float32Bytes(data: Float32Array, start: number, end: number): Uint8Array {
  if (NATIVE_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset + 4 * start, 4 * (end - start));
  const out = new Uint8Array(4 * (end - start));
  const view = new DataView(out.buffer);
  for (let i = start; i < end; i++) view.setFloat32(4 * (i - start), data[i], true);
  return out;
}

/** ASCII spellings of the symbols our labels use; anything else non-ASCII becomes '?'. */
const LABEL_ASCII: Record<string, string> = { '×': 'x', '→': '->', '←': '<-', 'ω': 'w', 'λ': 'lambda', 'σ': 'sigma', '±': '+/-', 'Å': 'A', '°': ' deg', '–': '-', '—': '-' };

/** A label cut at spaces into pieces of at most 80 characters (a long word is cut where it must). */
function wrapLabel(label: string): string[] {
  const pieces: string[] = [];
  let rest = label;
  while (rest.length > LABEL_BYTES) {
    const space = rest.lastIndexOf(' ', LABEL_BYTES);
    const cut = space > 0 ? space : LABEL_BYTES;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  return [...pieces, rest];
}

/**
 * The label a WedgeLab file was written with (writeMrc's `labels[0]`, the method and its parameters), read back
 * from its header: after the 'WedgeLab' stamp, the pieces it was wrapped into, up to "from …". Empty for files
 * from other tools.
 */
export function writtenLabel(labels: readonly string[]): string {
  if (!labels[0]?.startsWith('WedgeLab')) return '';
  const end = labels.findIndex((label) => label.startsWith('from '));
  return labels.slice(1, end < 0 ? undefined : end).join(' ');
}

/** Printable ASCII, ≤ 80 chars each (longer ones continue on the next label), no blanks, ≤ 10 in all, the first naming WedgeLab. */
function headerLabels(callerLabels: string[]): string[] {
  const clean = callerLabels
    .map((label) => label.replace(/[^\x20-\x7e]/g, (c) => LABEL_ASCII[c] ?? '?').trim())
    .flatMap(wrapLabel)
    .filter((label) => label.length > 0);
  if (!(clean[0] ?? '').startsWith('WedgeLab')) clean.unshift('WedgeLab');
  return clean.slice(0, MAX_LABELS);
}
