/**
 * Anti-aliased rasterisation of phantom primitives into a Volume.
 *
 * Coordinates here are voxel indices (0 … n−1), lengths in voxels. A shape is a signed
 * distance d (negative inside, in voxels); a voxel receives density × coverage with the
 * 1-voxel linear ramp coverage = clamp(½ − d, 0, 1). For a locally flat surface this ramp
 * integrates to exactly the enclosed volume, so the phantom has the right mass and no
 * staircase edges (a fair, roughly band-limited ground truth).
 *
 * Only voxels in each object's bounding box are visited, and writes are clipped to the
 * box [MARGIN, n−1−MARGIN] so the border stays 0 even if a caller is careless. Objects
 * are combined additively (overlaps add density).
 */
import type { Volume } from '../types.ts';
import type { Rng } from './random.ts';

export type Vec3 = [number, number, number];
/** Row-major 3×3 rotation: local = R · (p − centre). */
export type Mat3 = number[];

/** Width of the border (voxels) that every phantom leaves at exactly 0. */
export const MARGIN = 2;

export function coverage(d: number): number {
  const c = 0.5 - d;
  return c <= 0 ? 0 : c >= 1 ? 1 : c;
}

/** Signed distance of the intersection of two slabs/fields (exact for cylinder-like shapes). */
function intersect2(a: number, b: number): number {
  const oa = a > 0 ? a : 0;
  const ob = b > 0 ? b : 0;
  return Math.sqrt(oa * oa + ob * ob) + Math.min(Math.max(a, b), 0);
}

/** Uniform random rotation from a normalised Gaussian quaternion (no trig, so it is deterministic). */
export function randomRotation(rng: Rng): Mat3 {
  let w: number, x: number, y: number, z: number, n: number;
  do {
    w = rng.normal();
    x = rng.normal();
    y = rng.normal();
    z = rng.normal();
    n = Math.sqrt(w * w + x * x + y * y + z * z);
  } while (n < 1e-6);
  w /= n;
  x /= n;
  y /= n;
  z /= n;
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

/** Visit [lo, hi] (float voxel bounds) clipped to the margin box; returns null when empty. */
function clipRange(lo: number, hi: number, n: number): [number, number] | null {
  const i0 = Math.max(MARGIN, Math.ceil(lo));
  const i1 = Math.min(n - 1 - MARGIN, Math.floor(hi));
  return i0 <= i1 ? [i0, i1] : null;
}

/**
 * Add density·coverage(sdf) for every voxel within `reach` of centre c, where reach is the
 * shape's bounding-sphere radius. sdf gets coordinates relative to c.
 */
export function stampSdf(
  vol: Volume,
  c: Vec3,
  reach: number,
  density: number,
  sdf: (x: number, y: number, z: number) => number,
): void {
  const r = reach + 0.5; // coverage vanishes half a voxel outside the surface
  const rx = clipRange(c[0] - r, c[0] + r, vol.nx);
  const ry = clipRange(c[1] - r, c[1] + r, vol.ny);
  const rz = clipRange(c[2] - r, c[2] + r, vol.nz);
  if (!rx || !ry || !rz) return;
  const { nx, ny, data } = vol;
  for (let z = rz[0]; z <= rz[1]; z++) {
    const dz = z - c[2];
    for (let y = ry[0]; y <= ry[1]; y++) {
      const dy = y - c[1];
      const row = nx * (y + ny * z);
      for (let x = rx[0]; x <= rx[1]; x++) {
        const cov = coverage(sdf(x - c[0], dy, dz));
        if (cov > 0) data[row + x] += density * cov;
      }
    }
  }
}

// ---- Shapes: each returns its sdf in coordinates relative to the centre. ----

export function sphereSdf(radius: number) {
  return (x: number, y: number, z: number) => Math.sqrt(x * x + y * y + z * z) - radius;
}

/** Spherical shell of mid radius rMid and wall thickness 2·halfWall. */
export function shellSdf(rMid: number, halfWall: number) {
  return (x: number, y: number, z: number) => Math.abs(Math.sqrt(x * x + y * y + z * z) - rMid) - halfWall;
}

/** Rotated ellipsoid with semi-axes a; Quilez's distance bound k0(k0−1)/k1, accurate near the surface. */
export function ellipsoidSdf(R: Mat3, a: Vec3) {
  return (x: number, y: number, z: number) => {
    const u = R[0] * x + R[1] * y + R[2] * z;
    const v = R[3] * x + R[4] * y + R[5] * z;
    const w = R[6] * x + R[7] * y + R[8] * z;
    const k0 = Math.sqrt((u / a[0]) ** 2 + (v / a[1]) ** 2 + (w / a[2]) ** 2);
    const k1 = Math.sqrt((u / (a[0] * a[0])) ** 2 + (v / (a[1] * a[1])) ** 2 + (w / (a[2] * a[2])) ** 2);
    return k1 === 0 ? -Math.min(a[0], a[1], a[2]) : (k0 * (k0 - 1)) / k1;
  };
}

/** Rotated box with half-extents h (exact distance). */
export function boxSdf(R: Mat3, h: Vec3) {
  return (x: number, y: number, z: number) => {
    const qu = Math.abs(R[0] * x + R[1] * y + R[2] * z) - h[0];
    const qv = Math.abs(R[3] * x + R[4] * y + R[5] * z) - h[1];
    const qw = Math.abs(R[6] * x + R[7] * y + R[8] * z) - h[2];
    const ou = Math.max(qu, 0);
    const ov = Math.max(qv, 0);
    const ow = Math.max(qw, 0);
    return Math.sqrt(ou * ou + ov * ov + ow * ow) + Math.min(Math.max(qu, qv, qw), 0);
  };
}

/** Rotated cylinder along local w, radius r, half-length h; hollow when halfWall is given (r = mid radius). */
export function cylinderSdf(R: Mat3, r: number, h: number, halfWall?: number) {
  return (x: number, y: number, z: number) => {
    const u = R[0] * x + R[1] * y + R[2] * z;
    const v = R[3] * x + R[4] * y + R[5] * z;
    const w = R[6] * x + R[7] * y + R[8] * z;
    const rho = Math.sqrt(u * u + v * v);
    const dr = halfWall === undefined ? rho - r : Math.abs(rho - r) - halfWall;
    return intersect2(dr, Math.abs(w) - h);
  };
}

/**
 * A tube along the polyline pts with flat end caps. radial(ρ) is the 2-D signed distance of the
 * cross-section at distance ρ from the axis (solid: ρ − r; hollow: |ρ − rMid| − halfWall);
 * outerRadius bounds where it can be < ½.
 *
 * Mitred joints: segment i owns the voxels between the bisector planes at its two joints. The
 * reflection in a bisector plane swaps the two neighbouring axis lines, so the distance to the axis
 * is continuous across the plane and the tube has no seam, gap or doubled density at its bends.
 */
export function stampTube(vol: Volume, pts: Vec3[], outerRadius: number, radial: (rho: number) => number, density: number): void {
  const nSeg = pts.length - 1;
  const dirs: Vec3[] = [];
  const lens: number[] = [];
  for (let i = 0; i < nSeg; i++) {
    const d: Vec3 = [pts[i + 1][0] - pts[i][0], pts[i + 1][1] - pts[i][1], pts[i + 1][2] - pts[i][2]];
    const len = Math.hypot(d[0], d[1], d[2]);
    dirs.push([d[0] / len, d[1] / len, d[2] / len]);
    lens.push(len);
  }
  // Bisector plane normals at the interior joints j = 1 … nSeg−1.
  const miter: Vec3[] = [];
  for (let j = 1; j < nSeg; j++) {
    const a = dirs[j - 1];
    const b = dirs[j];
    const n = Math.hypot(a[0] + b[0], a[1] + b[1], a[2] + b[2]);
    miter[j] = [(a[0] + b[0]) / n, (a[1] + b[1]) / n, (a[2] + b[2]) / n];
  }
  // Mitre corners stick out by r·tan(bend/2); the generator keeps bends ≤ 20°, so 1.2·r is ample.
  const pad = 1.2 * outerRadius + 1;
  const { nx, ny, data } = vol;
  for (let i = 0; i < nSeg; i++) {
    const p = pts[i];
    const q = pts[i + 1];
    const d = dirs[i];
    const rx = clipRange(Math.min(p[0], q[0]) - pad, Math.max(p[0], q[0]) + pad, nx);
    const ry = clipRange(Math.min(p[1], q[1]) - pad, Math.max(p[1], q[1]) + pad, ny);
    const rz = clipRange(Math.min(p[2], q[2]) - pad, Math.max(p[2], q[2]) + pad, vol.nz);
    if (!rx || !ry || !rz) continue;
    const mStart = i > 0 ? miter[i] : null;
    const mEnd = i < nSeg - 1 ? miter[i + 1] : null;
    for (let z = rz[0]; z <= rz[1]; z++) {
      for (let y = ry[0]; y <= ry[1]; y++) {
        const row = nx * (y + ny * z);
        for (let x = rx[0]; x <= rx[1]; x++) {
          const wx = x - p[0];
          const wy = y - p[1];
          const wz = z - p[2];
          // Ownership: on or after the start bisector, strictly before the end bisector.
          if (mStart && wx * mStart[0] + wy * mStart[1] + wz * mStart[2] < 0) continue;
          if (mEnd && (x - q[0]) * mEnd[0] + (y - q[1]) * mEnd[1] + (z - q[2]) * mEnd[2] >= 0) continue;
          const t = wx * d[0] + wy * d[1] + wz * d[2];
          const rho = Math.sqrt(Math.max(0, wx * wx + wy * wy + wz * wz - t * t));
          let dist = radial(rho);
          // Flat caps at the free ends only.
          if (i === 0 && i === nSeg - 1) dist = intersect2(dist, Math.max(-t, t - lens[i]));
          else if (i === 0) dist = intersect2(dist, -t);
          else if (i === nSeg - 1) dist = intersect2(dist, t - lens[i]);
          const cov = coverage(dist);
          if (cov > 0) data[row + x] += density * cov;
        }
      }
    }
  }
}

const TAIL = Math.exp(-4.5); // Gaussian value at 3σ

/**
 * Gaussian pseudo-atom of peak `amp`, truncated at 3σ with the tail value subtracted so it falls
 * continuously to 0. Evaluated as a product of 1-D tables (separable), so it is cheap.
 */
export function stampGaussian(vol: Volume, c: Vec3, sigma: number, amp: number): void {
  const reach = 3 * sigma;
  const rx = clipRange(c[0] - reach, c[0] + reach, vol.nx);
  const ry = clipRange(c[1] - reach, c[1] + reach, vol.ny);
  const rz = clipRange(c[2] - reach, c[2] + reach, vol.nz);
  if (!rx || !ry || !rz) return;
  const table = (r: [number, number], c0: number) => {
    const t = new Float64Array(r[1] - r[0] + 1);
    for (let i = r[0]; i <= r[1]; i++) t[i - r[0]] = Math.exp(-((i - c0) ** 2) / (2 * sigma * sigma));
    return t;
  };
  const gx = table(rx, c[0]);
  const gy = table(ry, c[1]);
  const gz = table(rz, c[2]);
  const scale = amp / (1 - TAIL);
  const { nx, ny, data } = vol;
  for (let z = rz[0]; z <= rz[1]; z++) {
    for (let y = ry[0]; y <= ry[1]; y++) {
      const gyz = gz[z - rz[0]] * gy[y - ry[0]];
      if (gyz <= TAIL) continue;
      const row = nx * (y + ny * z);
      for (let x = rx[0]; x <= rx[1]; x++) {
        const g = gyz * gx[x - rx[0]];
        if (g > TAIL) data[row + x] += scale * (g - TAIL);
      }
    }
  }
}
