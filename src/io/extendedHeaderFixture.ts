/**
 * Test data: a stack as SerialEM (or AreTomo) writes it, with its tilt angles in the extended header
 * (io/extendedHeader.ts), made from one of writeMrc's little-endian files. Used by the unit tests and the
 * end-to-end tests.
 */

/**
 * `mrc` (a writeMrc file, no extended header) with a SerialEM extended header after its header: per section the
 * tilt angle × 100 (flag 1) and a stage position (flag 4, left 0), 6 bytes each, as exttyp 'SERI'.
 */
export function withSerialEmTiltAngles(mrc: Uint8Array, tiltAngles: readonly number[]): Uint8Array {
  const sectionBytes = 6;
  const extended = new DataView(new ArrayBuffer(sectionBytes * tiltAngles.length));
  tiltAngles.forEach((angle, k) => extended.setInt16(k * sectionBytes, Math.round(angle * 100), true));
  const out = new Uint8Array(mrc.length + extended.byteLength);
  out.set(mrc.subarray(0, 1024));
  out.set(new Uint8Array(extended.buffer), 1024);
  out.set(mrc.subarray(1024), 1024 + extended.byteLength);
  const header = new DataView(out.buffer);
  header.setInt32(92, extended.byteLength, true); // nsymbt
  out.set([0x53, 0x45, 0x52, 0x49], 104); // exttyp 'SERI'
  header.setInt16(128, sectionBytes, true); // nint: bytes per section
  header.setInt16(130, 1 | 4, true); // nreal: tilt angle, stage position
  return out;
}

/** `mrc` (a writeMrc file, no extended header) with AreTomo's extended header: per section 32 floats, the first the tilt angle, blank exttyp. */
export function withAreTomoTiltAngles(mrc: Uint8Array, tiltAngles: readonly number[]): Uint8Array {
  const floats = 32;
  const extended = new DataView(new ArrayBuffer(4 * floats * tiltAngles.length));
  tiltAngles.forEach((angle, k) => extended.setFloat32(4 * floats * k, angle, true));
  const out = new Uint8Array(mrc.length + extended.byteLength);
  out.set(mrc.subarray(0, 1024));
  out.set(new Uint8Array(extended.buffer), 1024);
  out.set(mrc.subarray(1024), 1024 + extended.byteLength);
  const header = new DataView(out.buffer);
  header.setInt32(92, extended.byteLength, true); // nsymbt
  header.setInt16(128, 0, true); // nint: no integers
  header.setInt16(130, floats, true); // nreal: 32 floats a section
  return out;
}
