/**
 * Test data: a stack as SerialEM (or AreTomo) writes it, with its tilt angles in the extended header
 * (io/extendedHeader.ts), made from one of writeMrc's little-endian files. Used by the unit tests and the
 * end-to-end tests.
 */

/**
 * `mrc` (a writeMrc file, no extended header) with `extended` after its header, nsymbt set to its length and the
 * header's nint and nreal (16-bit words 128 and 130) and exttyp (4 characters at 104, blank when empty) as given.
 */
function withExtendedHeader(mrc: Uint8Array, extended: DataView, { nint, nreal, exttyp }: { nint: number; nreal: number; exttyp: string }): Uint8Array {
  const out = new Uint8Array(mrc.length + extended.byteLength);
  out.set(mrc.subarray(0, 1024));
  out.set(new Uint8Array(extended.buffer), 1024);
  out.set(mrc.subarray(1024), 1024 + extended.byteLength);
  const header = new DataView(out.buffer);
  header.setInt32(92, extended.byteLength, true); // nsymbt
  out.set(Array.from(exttyp, (c) => c.charCodeAt(0)), 104);
  header.setInt16(128, nint, true);
  header.setInt16(130, nreal, true);
  return out;
}

/**
 * `mrc` with a SerialEM extended header: per section the tilt angle × 100 (flag 1) and a stage position (flag 4,
 * left 0), 6 bytes each, as exttyp 'SERI' (nint: bytes per section; nreal: the flags).
 */
export function withSerialEmTiltAngles(mrc: Uint8Array, tiltAngles: readonly number[]): Uint8Array {
  const sectionBytes = 6;
  const extended = new DataView(new ArrayBuffer(sectionBytes * tiltAngles.length));
  tiltAngles.forEach((angle, k) => extended.setInt16(k * sectionBytes, Math.round(angle * 100), true));
  return withExtendedHeader(mrc, extended, { nint: sectionBytes, nreal: 1 | 4, exttyp: 'SERI' });
}

/** `mrc` with AreTomo's extended header: per section 32 floats (no integers), the first the tilt angle, blank exttyp. */
export function withAreTomoTiltAngles(mrc: Uint8Array, tiltAngles: readonly number[]): Uint8Array {
  const floats = 32;
  const extended = new DataView(new ArrayBuffer(4 * floats * tiltAngles.length));
  tiltAngles.forEach((angle, k) => extended.setFloat32(4 * floats * k, angle, true));
  return withExtendedHeader(mrc, extended, { nint: 0, nreal: floats, exttyp: '' });
}
