/**
 * Geometry and sign convention of the projector the simulator uses (docs/conventions.md#projection-and-sign):
 * a voxel at centred (x, y, z) lands at u = x·cosθ + z·sinθ, v = y, and each projection is the
 * line integral (in voxels). A solid sphere of radius R centred at (cx, cy, cz) projects to the
 * chord length 2·sqrt(R² − (u − uc)² − (y − cy)²) around uc = cx·cosθ + cz·sinθ.
 */
import { describe, expect, it } from 'vitest';
import { centred } from '../geometry.ts';
import { forwardProjectCpu } from '../reference/projector.ts';
import type { Volume } from '../types.ts';

const [NX, NY, NZ] = [48, 24, 40];
const R = 10;
const [CX, CY, CZ] = [8, 1, 6]; // off-centre in +x and +z: the sign test
const SUB = 6; // supersampling per axis: voxel value = fraction of its volume inside the sphere

function voxelisedSphere(): Volume {
  const data = new Float32Array(NX * NY * NZ);
  for (let z = 0; z < NZ; z++)
    for (let y = 0; y < NY; y++)
      for (let x = 0; x < NX; x++) {
        const [px, py, pz] = [centred(x, NX) - CX, centred(y, NY) - CY, centred(z, NZ) - CZ];
        if (Math.hypot(px, py, pz) > R + 1) continue;
        let inside = 0;
        for (let a = 0; a < SUB; a++)
          for (let b = 0; b < SUB; b++)
            for (let c = 0; c < SUB; c++) {
              const o = (k: number) => (k + 0.5) / SUB - 0.5;
              if ((px + o(a)) ** 2 + (py + o(b)) ** 2 + (pz + o(c)) ** 2 <= R * R) inside++;
            }
        data[x + NX * (y + NY * z)] = inside / SUB ** 3;
      }
  return { nx: NX, ny: NY, nz: NZ, data, pixelSize: 0 };
}

/** Sphere projection at detector coordinate u, averaged over the voxel's y extent (row y). */
function chord(u: number, y: number, uc: number): number {
  let sum = 0;
  const n = 16;
  for (let k = 0; k < n; k++) {
    const yy = centred(y, NY) + (k + 0.5) / n - 0.5 - CY;
    sum += 2 * Math.sqrt(Math.max(0, R * R - yy * yy - (u - uc) ** 2));
  }
  return sum / n;
}

/**
 * The analytic projection seen through the projector's pixel response: the voxel's footprint
 * (boxes of width |cosθ| and |sinθ| in u) convolved with the hat of linear interpolation. At
 * θ = 0 every voxel centre lands exactly on a pixel, so there is no hat, only the voxel's box.
 */
function expectedPixel(i: number, y: number, uc: number, theta: number): number {
  const ui = centred(i, NX);
  const [c, s] = [Math.cos(theta), Math.sin(theta)];
  const m = 6;
  const h = Math.abs(s) < 1e-9 ? 1 : 24;
  let sum = 0;
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++)
      for (let k = 0; k < h; k++) {
        const t = h === 1 ? 0 : -1 + (2 * (k + 0.5)) / h; // hat variable in [−1, 1]
        const shift = ((a + 0.5) / m - 0.5) * c + ((b + 0.5) / m - 0.5) * s;
        sum += (h === 1 ? 1 : (2 / h) * (1 - Math.abs(t))) * chord(ui + t + shift, y, uc);
      }
  return sum / (m * m);
}

describe('projection geometry (sphere vs analytic chord length)', () => {
  const vol = voxelisedSphere();
  const angles = [0, 30, -55];
  const tilts = forwardProjectCpu(vol, angles);

  it('the voxelised sphere has the analytic mass', () => {
    const mass = vol.data.reduce((a, b) => a + b, 0);
    expect(mass / ((4 / 3) * Math.PI * R ** 3)).toBeCloseTo(1, 2);
  });

  angles.forEach((deg, k) => {
    it(`θ = ${deg}°: centre at u = cx·cosθ + cz·sinθ, row mass and profile match`, () => {
      const theta = (deg * Math.PI) / 180;
      const uc = CX * Math.cos(theta) + CZ * Math.sin(theta);
      const yc = Math.round(CY + (NY - 1) / 2); // the detector row through the centre
      let maxErr = 0;
      let peak = 0;
      for (let y = 0; y < NY; y++) {
        const dy = Math.abs(centred(y, NY) - CY);
        if (dy > R - 2) continue; // polar caps: only a few voxels, relative errors are meaningless
        const row = tilts.data.subarray((k * NY + y) * NX, (k * NY + y + 1) * NX);
        // Row mass: ∫ π(R² − y'²) dy' over the row's extent.
        let analytic = 0;
        for (let j = 0; j < 200; j++) {
          const yy = centred(y, NY) + (j + 0.5) / 200 - 0.5 - CY;
          analytic += (Math.PI * Math.max(0, R * R - yy * yy)) / 200;
        }
        const mass = row.reduce((a, b) => a + b, 0);
        expect(Math.abs(mass / analytic - 1)).toBeLessThan(0.01);
        // Centroid: the sign convention (a wrong sign would put it near −cx·cosθ … or cz·(−sinθ)).
        const centroid = row.reduce((acc, v, i) => acc + v * centred(i, NX), 0) / mass;
        expect(Math.abs(centroid - uc)).toBeLessThan(0.05);
        if (y !== yc) continue;
        for (let i = 0; i < NX; i++) {
          const e = expectedPixel(i, y, uc, theta);
          peak = Math.max(peak, e);
          maxErr = Math.max(maxErr, Math.abs(row[i] - e));
        }
      }
      expect(peak).toBeGreaterThan(19);
      expect(maxErr / peak).toBeLessThan(0.02);
    });
  });

  it('the raw chord at pixel centres agrees away from the sphere edge', () => {
    // Sanity of the analytic model itself, without the pixel response, at θ = 30°.
    const theta = Math.PI / 6;
    const uc = CX * Math.cos(theta) + CZ * Math.sin(theta);
    const y = Math.round(CY + (NY - 1) / 2);
    const row = tilts.data.subarray((1 * NY + y) * NX, (2 * NY + y) * NX);
    for (let i = 0; i < NX; i++) {
      const u = centred(i, NX);
      if (Math.abs(u - uc) > R - 3) continue;
      expect(Math.abs(row[i] - chord(u, y, uc)) / (2 * R)).toBeLessThan(0.03);
    }
  });
});
