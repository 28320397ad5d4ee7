/**
 * The one home of the tomography geometry (docs/conventions.md#geometry).
 *
 * Index i along an axis of length n sits at the centred coordinate c = i − (n − 1)/2.
 * A voxel at centred (x, y, z) lands in the projection at tilt θ at
 *   u = x·cos θ + z·sin θ,   v = y.
 * Because v = y exactly, every detector row y is an independent 2-D problem: this is
 * what lets us reconstruct in slabs along the tilt axis (Y).
 *
 * The discrete projector pair used everywhere (CPU reference and WGSL kernels):
 *  - back-projection samples each tilt row at u with linear interpolation, zero outside;
 *  - forward projection is its exact transpose: voxel (x, z) spreads into detector pixel i
 *    with the hat weight max(0, 1 − |u(x, z) − u_i|).
 * Each voxel deposits total weight 1 per tilt, so this is the line integral along
 * (−sin θ, 0, cos θ) with the step measured in voxels (at θ = 0 it is exactly Σ_z).
 */

export function centred(i: number, n: number): number {
  return i - (n - 1) / 2;
}

/** Detector coordinate (fractional index) of the centred detector coordinate u. */
export function detectorIndex(u: number, nDetector: number): number {
  return u + (nDetector - 1) / 2;
}

/** The tilt angles as a reconstruction uses them (degrees): negated when the run inverts the angle sign. */
export function effectiveAngles(tiltAnglesDeg: readonly number[], invertAngles: boolean): number[] {
  return tiltAnglesDeg.map((deg) => (invertAngles ? -deg : deg));
}

/** Per-tilt cos and sin, interleaved [cos0, sin0, cos1, sin1, …], in float32 as the GPU sees them. */
export function tiltTrig(tiltAnglesDeg: readonly number[], invertAngles = false): Float32Array {
  const trig = new Float32Array(tiltAnglesDeg.length * 2);
  effectiveAngles(tiltAnglesDeg, invertAngles).forEach((deg, k) => {
    const rad = (deg * Math.PI) / 180;
    trig[2 * k] = Math.cos(rad);
    trig[2 * k + 1] = Math.sin(rad);
  });
  return trig;
}

/** The hat weight that ties voxel and detector pixel; shared by both directions of the projector. */
export function hatWeight(distance: number): number {
  return Math.max(0, 1 - Math.abs(distance));
}

/** Linear interpolation of a detector row at fractional index t, zero outside the row. */
export function sampleRow(row: Float32Array, offset: number, n: number, t: number): number {
  const i0 = Math.floor(t);
  const w1 = t - i0;
  let value = 0;
  if (i0 >= 0 && i0 < n) value += (1 - w1) * row[offset + i0];
  if (i0 + 1 >= 0 && i0 + 1 < n) value += w1 * row[offset + i0 + 1];
  return value;
}

/** A range of tomogram rows along the tilt axis (Y): [y0, y0 + ny). */
export interface Slab {
  y0: number;
  ny: number;
}

/** Cut ny rows into slabs of at most rowsPerSlab rows. */
export function planSlabs(ny: number, rowsPerSlab: number): Slab[] {
  const rows = Math.max(1, Math.min(ny, Math.floor(rowsPerSlab)));
  const slabs: Slab[] = [];
  for (let y0 = 0; y0 < ny; y0 += rows) slabs.push({ y0, ny: Math.min(rows, ny - y0) });
  return slabs;
}

/**
 * FBP weight per back-projected filtered tilt, π/N: with the Ram-Lak filter and N tilts over 180° it
 * returns the true density (docs/conventions.md#fbp-scale).
 */
export function fbpWeight(nTilts: number): number {
  return Math.PI / nTilts;
}
