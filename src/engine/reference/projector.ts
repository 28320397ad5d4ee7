/**
 * Plain TypeScript reference of the projector pair, filtering and SIRT. Slow and obvious on
 * purpose: the WGSL kernels are tested against these, and the simulator can use them in Node.
 * The discretisation is described in ../geometry.ts.
 */
import { centred, detectorIndex, sampleRow, tiltTrig } from '../geometry.ts';
import type { TiltSeries, Volume } from '../types.ts';

/**
 * Forward projection of `volume` at the given tilts; detector width = volume.nx. `zCentre`: voxels the volume's
 * middle section lies above the tomogram's (a depth slab's height; 0 for a whole tomogram).
 */
export function forwardProjectCpu(volume: Volume, tiltAngles: readonly number[], invertAngles = false, zCentre = 0): TiltSeries {
  const { nx, ny, nz } = volume;
  const trig = tiltTrig(tiltAngles, invertAngles);
  const nTilts = tiltAngles.length;
  const data = new Float32Array(nx * ny * nTilts);
  for (let k = 0; k < nTilts; k++) {
    const c = trig[2 * k];
    const s = trig[2 * k + 1];
    for (let y = 0; y < ny; y++) {
      const rowOffset = (k * ny + y) * nx;
      for (let z = 0; z < nz; z++) {
        const zs = Math.fround((centred(z, nz) + zCentre) * s);
        for (let x = 0; x < nx; x++) {
          const value = volume.data[x + nx * (y + ny * z)];
          if (value === 0) continue;
          const t = detectorIndex(Math.fround(centred(x, nx) * c) + zs, nx);
          const i0 = Math.floor(t);
          const w1 = t - i0;
          if (i0 >= 0 && i0 < nx) data[rowOffset + i0] += (1 - w1) * value;
          if (i0 + 1 >= 0 && i0 + 1 < nx) data[rowOffset + i0 + 1] += w1 * value;
        }
      }
    }
  }
  return { nx, ny, nTilts, data, tiltAngles: [...tiltAngles], pixelSize: volume.pixelSize };
}

/** Unweighted back-projection (the adjoint of forwardProjectCpu) into an nx × ny × nz volume, its middle `zCentre` voxels above the tomogram's. */
export function backProjectCpu(tilts: TiltSeries, nz: number, invertAngles = false, zCentre = 0): Volume {
  const { nx, ny, nTilts } = tilts;
  const trig = tiltTrig(tilts.tiltAngles, invertAngles);
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        let sum = 0;
        for (let k = 0; k < nTilts; k++) {
          const u = Math.fround(centred(x, nx) * trig[2 * k]) + Math.fround((centred(z, nz) + zCentre) * trig[2 * k + 1]);
          sum += sampleRow(tilts.data, (k * ny + y) * nx, nx, detectorIndex(u, nx));
        }
        data[x + nx * (y + ny * z)] = sum;
      }
    }
  }
  return { nx, ny, nz, data, pixelSize: tilts.pixelSize };
}
