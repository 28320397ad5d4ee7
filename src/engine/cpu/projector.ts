/**
 * The projector pair on the CPU, row by row along the tilt axis (docs/conventions.md#projector-pair): the same
 * discretisation as the WGSL kernels and reference/projector.ts. Back-projection samples each tilt row at
 * u = x·cos θ + z·sin θ by linear interpolation; forward projection is its exact transpose, each voxel spread
 * over the two detector pixels around u with the hat weights. Each thread owns whole rows y, so the
 * scatter of the forward projection needs no atomics.
 *
 * Layouts: tilts [tilt][y][x] with `tiltRows` rows per tilt; volume [z][y][x] with `volumeRows` rows per
 * section. A slab's own buffers use ny rows; whole arrays use the full ny.
 */

export interface RowGeometry {
  nx: number;
  nz: number;
  nTilts: number;
  /** [cos0, sin0, cos1, sin1, …] (geometry.ts tiltTrig). */
  trig: Float32Array;
  /**
   * Voxels the volume's middle section lies above the tomogram's (+z as the tomogram's): 0 (absent) for a whole
   * tomogram, a depth slab's height for a slab of sections reconstructed on its own (methods/fbp/ctfByDepth.ts).
   */
  zCentre?: number;
}

/** The centred height of section 0 of `g`'s volume is −halfZ: (nz − 1)/2 less its zCentre. */
function sectionHalf(g: Pick<RowGeometry, 'nz' | 'zCentre'>): number {
  return (g.nz - 1) / 2 - (g.zCentre ?? 0);
}

/**
 * The voxels x ∈ [lo, hi) of a line t(x) = t0 + x·c (c > 0) whose two samples ⌊t⌋ and ⌊t⌋ + 1 both lie in a row
 * of n pixels: there the loops need no bounds checks. Computed in closed form, then nudged so that rounding
 * agrees with the loop's own t.
 */
function interiorRange(t0: number, c: number, n: number): [number, number] {
  let lo = Math.max(0, Math.ceil(-t0 / c));
  while (lo > 0 && t0 + (lo - 1) * c >= 0) lo--;
  while (lo < n && t0 + lo * c < 0) lo++;
  let hi = Math.min(n, Math.max(lo, Math.ceil((n - 1 - t0) / c)));
  while (hi > lo && t0 + (hi - 1) * c >= n - 1) hi--;
  while (hi < n && t0 + hi * c < n - 1) hi++;
  return [lo, hi];
}

/** Σ over tilts of the row samples at each voxel x of one section z, added into acc (nx). */
function sampleTilts(g: RowGeometry, tilts: Float32Array, tiltRows: number, yTilt: number, cz: number, acc: Float64Array): void {
  const { nx, nTilts, trig } = g;
  const half = (nx - 1) / 2;
  for (let k = 0; k < nTilts; k++) {
    const c = trig[2 * k];
    const row = (k * tiltRows + yTilt) * nx;
    // t(x) = (x − half)·c + cz·s + half, the fractional detector index of voxel x.
    const t0 = half - half * c + cz * trig[2 * k + 1];
    const [lo, hi] = c > 1e-6 ? interiorRange(t0, c, nx) : [0, 0];
    for (let x = lo; x < hi; x++) {
      const t = t0 + x * c;
      const i0 = t | 0;
      const a = tilts[row + i0];
      acc[x] += a + (t - i0) * (tilts[row + i0 + 1] - a);
    }
    // The voxels whose samples reach past the row's ends (or every voxel, for a tilt of ±90°).
    for (let x = 0; x < nx; x++) {
      if (x === lo) x = Math.max(hi, lo + 1) - 1;
      if (x >= lo && x < hi) continue;
      const t = t0 + x * c;
      const i0 = Math.floor(t);
      const w1 = t - i0;
      if (i0 >= 0 && i0 < nx) acc[x] += (1 - w1) * tilts[row + i0];
      if (i0 + 1 >= 0 && i0 + 1 < nx) acc[x] += w1 * tilts[row + i0 + 1];
    }
  }
}

/** Add weight·Aᵀ(tilts) of row `yTilt` of the tilts into row `yVolume` of the volume. */
export function backProjectRow(g: RowGeometry, tilts: Float32Array, tiltRows: number, yTilt: number, volume: Float32Array, volumeRows: number, yVolume: number, weight: number): void {
  const { nx, nz } = g;
  const halfZ = sectionHalf(g);
  const acc = new Float64Array(nx);
  for (let z = 0; z < nz; z++) {
    acc.fill(0);
    sampleTilts(g, tilts, tiltRows, yTilt, z - halfZ, acc);
    const out = nx * (yVolume + volumeRows * z);
    for (let x = 0; x < nx; x++) volume[out + x] += weight * acc[x];
  }
}

/** Add A(volume) of row `yVolume` of the volume into row `yTilt` of the tilts (the transpose of backProjectRow). */
export function forwardProjectRow(g: RowGeometry, volume: Float32Array, volumeRows: number, yVolume: number, tilts: Float32Array, tiltRows: number, yTilt: number): void {
  const { nx, nz, nTilts, trig } = g;
  const half = (nx - 1) / 2;
  const halfZ = sectionHalf(g);
  const acc = new Float64Array(nx);
  for (let k = 0; k < nTilts; k++) {
    const c = trig[2 * k];
    const s = trig[2 * k + 1];
    acc.fill(0);
    for (let z = 0; z < nz; z++) {
      const from = nx * (yVolume + volumeRows * z);
      const t0 = half - half * c + (z - halfZ) * s;
      const [lo, hi] = c > 1e-6 ? interiorRange(t0, c, nx) : [0, 0];
      for (let x = lo; x < hi; x++) {
        const value = volume[from + x];
        const t = t0 + x * c;
        const i0 = t | 0;
        const w1 = (t - i0) * value;
        acc[i0] += value - w1;
        acc[i0 + 1] += w1;
      }
      for (let x = 0; x < nx; x++) {
        if (x === lo) x = Math.max(hi, lo + 1) - 1;
        if (x >= lo && x < hi) continue;
        const value = volume[from + x];
        const t = t0 + x * c;
        const i0 = Math.floor(t);
        const w1 = t - i0;
        if (i0 >= 0 && i0 < nx) acc[i0] += (1 - w1) * value;
        if (i0 + 1 >= 0 && i0 + 1 < nx) acc[i0 + 1] += w1 * value;
      }
    }
    const row = (k * tiltRows + yTilt) * nx;
    for (let i = 0; i < nx; i++) tilts[row + i] += acc[i];
  }
}
