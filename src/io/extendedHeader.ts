/**
 * Tilt angles that a stack carries in its MRC extended header (the `nsymbt` bytes after the 1024-byte header),
 * for a stack dropped without an angle file:
 *
 *  - SerialEM (exttyp 'SERI', or IMOD's older files with a blank type): `nint` bytes per section, holding the items
 *    that `nreal`'s bit flags name, in flag order. Flag 1, the first item, is the tilt angle in degrees × 100 as a
 *    16-bit integer (0.01° steps). The flags must account for exactly `nint` bytes; otherwise the header is of
 *    another kind (IMOD's rule).
 *  - Thermo Fisher (exttyp 'FEI1', 'FEI2'): one metadata block per section, its size the block's first 32-bit
 *    integer (768 and 888 bytes), with the stage's alpha tilt in degrees as a 64-bit float at byte 100.
 *  - Agard's (Priism's; exttyp 'AGAR' or blank, when the SerialEM rule does not hold): per section `nint` 32-bit
 *    integers then `nreal` 32-bit floats, the first float the tilt angle in degrees. AreTomo writes its tilt
 *    series so (nint 0, nreal 32). Taken only when every angle is finite, within ±90° and not all are 0.
 *
 * Values are in the file's byte order. Whether the angles make a tilt series is checked as any angle file's are.
 */
import type { MrcHeader } from './mrc.ts';

export interface HeaderAngles {
  /** Degrees, one per section. */
  tiltAngles: number[];
  /** Whose layout: 'SerialEM', 'FEI1', 'FEI2' or 'Agard'. */
  kind: string;
  /** e.g. "tilt.st (SerialEM extended header)". */
  source: string;
}

/** Bytes of each SerialEM item, by its flag's bit (1, 2, 4, … 1024); the bits above are not defined. */
const SERIALEM_ITEM_BYTES = [2, 6, 4, 2, 2, 4, 2, 4, 2, 4, 2];
const SERIALEM_TILT_FLAG = 1;
const FEI_ALPHA_TILT = 100;

/** The bytes a SerialEM header with these flags holds per section; NaN for flags no SerialEM header sets. */
function serialEmSectionBytes(flags: number): number {
  if (flags < 0 || flags >= 1 << SERIALEM_ITEM_BYTES.length) return NaN;
  return SERIALEM_ITEM_BYTES.reduce((sum, bytes, bit) => sum + (flags & (1 << bit) ? bytes : 0), 0);
}

/** The tilt angles in `extended` (the header's nsymbt bytes), or null when it holds none that this reads. */
export function extendedHeaderAngles(header: Pick<MrcHeader, 'nz' | 'exttyp' | 'nint' | 'nreal' | 'littleEndian'>, extended: Uint8Array, name: string): HeaderAngles | null {
  const view = new DataView(extended.buffer, extended.byteOffset, extended.byteLength);
  const { nz, exttyp, nint, nreal, littleEndian } = header;
  if (nz < 1) return null;
  if (exttyp === 'FEI1' || exttyp === 'FEI2') {
    if (extended.byteLength < 4) return null;
    const block = view.getInt32(0, littleEndian);
    if (block < FEI_ALPHA_TILT + 8 || block * nz > extended.byteLength) return null;
    const tiltAngles = Array.from({ length: nz }, (_, k) => view.getFloat64(k * block + FEI_ALPHA_TILT, littleEndian));
    return { tiltAngles, kind: exttyp, source: `${name} (${exttyp} extended header)` };
  }
  if ((exttyp === 'SERI' || exttyp === '') && nreal & SERIALEM_TILT_FLAG && nint >= 2 && serialEmSectionBytes(nreal) === nint && nint * nz <= extended.byteLength) {
    const tiltAngles = Array.from({ length: nz }, (_, k) => view.getInt16(k * nint, littleEndian) / 100);
    return { tiltAngles, kind: 'SerialEM', source: `${name} (SerialEM extended header)` };
  }
  return (exttyp === 'AGAR' || exttyp === '') && nint >= 0 && nreal >= 1 ? agardAngles(view, nz, nint, nreal, littleEndian, name) : null;
}

/** The first float of each section's block of an Agard extended header, when they are plausible tilt angles. */
function agardAngles(view: DataView, nz: number, nint: number, nreal: number, littleEndian: boolean, name: string): HeaderAngles | null {
  const block = 4 * (nint + nreal);
  if (block * nz > view.byteLength) return null;
  const tiltAngles = Array.from({ length: nz }, (_, k) => view.getFloat32(k * block + 4 * nint, littleEndian));
  if (!tiltAngles.every((a) => Number.isFinite(a) && Math.abs(a) <= 90) || tiltAngles.every((a) => a === 0)) return null;
  return { tiltAngles: tiltAngles.map((a) => Number(a.toPrecision(6))), kind: 'Agard', source: `${name} (Agard extended header)` };
}
