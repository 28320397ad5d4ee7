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
}

/**
 * Add weight·Aᵀ(tilts) of row `yTilt` of the tilts into row `yVolume` of the volume.
 * The interpolation stays inside the row: x where both samples are in it runs without checks.
 */
export function backProjectRow(g: RowGeometry, tilts: Float32Array, tiltRows: number, yTilt: number, volume: Float32Array, volumeRows: number, yVolume: number, weight: number): void {
  const { nx, nz, nTilts, trig } = g;
  const half = (nx - 1) / 2;
  const halfZ = (nz - 1) / 2;
  for (let z = 0; z < nz; z++) {
    const out = nx * (yVolume + volumeRows * z);
    const cz = z - halfZ;
    for (let k = 0; k < nTilts; k++) {
      const c = trig[2 * k];
      const s = trig[2 * k + 1];
      const row = (k * tiltRows + yTilt) * nx;
      // t(x) = (x − half)·c + cz·s + half, the fractional detector index of voxel x.
      const t0 = half - half * c + cz * s;
      for (let x = 0; x < nx; x++) {
        const t = t0 + x * c;
        const i0 = Math.floor(t);
        const w1 = t - i0;
        if (i0 >= 0 && i0 < nx - 1) {
          volume[out + x] += weight * (tilts[row + i0] + w1 * (tilts[row + i0 + 1] - tilts[row + i0]));
        } else if (i0 === nx - 1) {
          volume[out + x] += weight * (1 - w1) * tilts[row + i0];
        } else if (i0 === -1) {
          volume[out + x] += weight * w1 * tilts[row];
        }
      }
    }
  }
}

/** Add A(volume) of row `yVolume` of the volume into row `yTilt` of the tilts (the transpose of backProjectRow). */
export function forwardProjectRow(g: RowGeometry, volume: Float32Array, volumeRows: number, yVolume: number, tilts: Float32Array, tiltRows: number, yTilt: number): void {
  const { nx, nz, nTilts, trig } = g;
  const half = (nx - 1) / 2;
  const halfZ = (nz - 1) / 2;
  for (let k = 0; k < nTilts; k++) {
    const c = trig[2 * k];
    const s = trig[2 * k + 1];
    const row = (k * tiltRows + yTilt) * nx;
    for (let z = 0; z < nz; z++) {
      const from = nx * (yVolume + volumeRows * z);
      const t0 = half - half * c + (z - halfZ) * s;
      for (let x = 0; x < nx; x++) {
        const value = volume[from + x];
        const t = t0 + x * c;
        const i0 = Math.floor(t);
        const w1 = t - i0;
        if (i0 >= 0 && i0 < nx - 1) {
          tilts[row + i0] += value - w1 * value;
          tilts[row + i0 + 1] += w1 * value;
        } else if (i0 === nx - 1) {
          tilts[row + i0] += (1 - w1) * value;
        } else if (i0 === -1) {
          tilts[row] += w1 * value;
        }
      }
    }
  }
}
