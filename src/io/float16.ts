/**
 * IEEE 754 binary16 ("half float", MRC mode 12) decoding.
 *
 * Node 20 and most browsers have no Float16Array yet, so we decode by hand. A 16-bit
 * pattern has only 65 536 values, so the fast path is a lookup table (256 KiB, built on
 * first use): converting a 1 GB mode-12 stack is then one table read per voxel.
 */

/** Value of one half-float bit pattern (0..0xffff), exact in double and in float32. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals: 0.f × 2^-14
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

let table: Float32Array | null = null;

/** Lookup table: halfTable()[bits] is the float32 value of that half-float pattern. */
export function halfTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = halfToFloat(bits);
  }
  return table;
}
