/**
 * Bookkeeping that keeps phantom objects apart: every placed object is a capsule (a segment
 * a→b swept by radius r; a sphere has a = b). A uniform grid of 16-voxel cells makes the
 * overlap test independent of how many objects were already placed, so large volumes stay fast.
 */
import type { Vec3 } from './raster.ts';

interface Capsule {
  a: Vec3;
  b: Vec3;
  r: number;
  visit: number;
}

const CELL = 16;

function clampedT(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Squared distance between segments p1q1 and p2q2 (Ericson, Real-Time Collision Detection §5.1.9). */
export function segmentDistance2(p1: Vec3, q1: Vec3, p2: Vec3, q2: Vec3): number {
  const d1 = [q1[0] - p1[0], q1[1] - p1[1], q1[2] - p1[2]];
  const d2 = [q2[0] - p2[0], q2[1] - p2[1], q2[2] - p2[2]];
  const r = [p1[0] - p2[0], p1[1] - p2[1], p1[2] - p2[2]];
  const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  const a = dot(d1, d1);
  const e = dot(d2, d2);
  const f = dot(d2, r);
  const EPS = 1e-12;
  let s: number;
  let t: number;
  if (a <= EPS && e <= EPS) {
    s = 0;
    t = 0;
  } else if (a <= EPS) {
    s = 0;
    t = clampedT(f / e);
  } else {
    const c = dot(d1, r);
    if (e <= EPS) {
      t = 0;
      s = clampedT(-c / a);
    } else {
      const b = dot(d1, d2);
      const denom = a * e - b * b;
      s = denom > EPS ? clampedT((b * f - c * e) / denom) : 0;
      t = (b * s + f) / e;
      if (t < 0) {
        t = 0;
        s = clampedT(-c / a);
      } else if (t > 1) {
        t = 1;
        s = clampedT((b - c) / a);
      }
    }
  }
  const dx = p1[0] + d1[0] * s - (p2[0] + d2[0] * t);
  const dy = p1[1] + d1[1] * s - (p2[1] + d2[1] * t);
  const dz = p1[2] + d1[2] * s - (p2[2] + d2[2] * t);
  return dx * dx + dy * dy + dz * dz;
}

export class Occupancy {
  private readonly cells: Capsule[][];
  private readonly gx: number;
  private readonly gy: number;
  private readonly gz: number;
  private visit = 0;

  /** gap: the minimum clearance (voxels) kept between any two objects. */
  constructor(nx: number, ny: number, nz: number, private readonly gap = 1) {
    this.gx = Math.ceil(nx / CELL);
    this.gy = Math.ceil(ny / CELL);
    this.gz = Math.ceil(nz / CELL);
    this.cells = Array.from({ length: this.gx * this.gy * this.gz }, () => []);
  }

  /** Call fn for every grid cell overlapped by the capsule grown by pad. */
  private forCells(a: Vec3, b: Vec3, pad: number, fn: (cell: Capsule[]) => boolean | void): boolean {
    const lo = (i: number) => Math.max(0, Math.floor((Math.min(a[i], b[i]) - pad) / CELL));
    const hi = (i: number, g: number) => Math.min(g - 1, Math.floor((Math.max(a[i], b[i]) + pad) / CELL));
    for (let z = lo(2); z <= hi(2, this.gz); z++)
      for (let y = lo(1); y <= hi(1, this.gy); y++)
        for (let x = lo(0); x <= hi(0, this.gx); x++)
          if (fn(this.cells[x + this.gx * (y + this.gy * z)])) return true;
    return false;
  }

  /** True when capsule (a, b, r) comes closer than `gap` to any occupied capsule. */
  collides(a: Vec3, b: Vec3, r: number): boolean {
    const stamp = ++this.visit;
    return this.forCells(a, b, r + this.gap / 2, (cell) => {
      for (const c of cell) {
        if (c.visit === stamp) continue;
        c.visit = stamp;
        const reach = r + c.r + this.gap;
        if (segmentDistance2(a, b, c.a, c.b) < reach * reach) return true;
      }
      return false;
    });
  }

  add(a: Vec3, b: Vec3, r: number): void {
    const capsule: Capsule = { a, b, r, visit: 0 };
    this.forCells(a, b, r + this.gap / 2, (cell) => {
      cell.push(capsule);
    });
  }
}
