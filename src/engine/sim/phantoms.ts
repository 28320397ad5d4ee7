/**
 * Ground-truth phantoms for the simulator: the volume is the specimen slab (nz = thickness).
 *
 * All sizes are in voxels (the pixels of the tilt series), chosen to look plausible at
 * ~8 Å/voxel and clamped so every object fits: each object keeps ≥ MARGIN (2) voxels of
 * exact zeros to the border. Background 0, edges anti-aliased (see raster.ts). Density ≥ 0 in every
 * family but 'varied', whose objects may be less dense than their surroundings (holes, light compartments).
 * Object counts follow a fill fraction of the volume, so they scale with its size and small
 * test volumes still contain objects. Deterministic for a seed.
 */
import type { Volume } from '../types.ts';
import { Occupancy, segmentDistance2 } from './occupancy.ts';
import { deriveSeed, Rng } from './random.ts';
import {
  boxSdf,
  coverage,
  cylinderSdf,
  ellipsoidSdf,
  MARGIN,
  randomRotation,
  shellSdf,
  sphereSdf,
  stampGaussian,
  stampSdf,
  stampTube,
  type Vec3,
} from './raster.ts';

export const PHANTOM_NAMES = ['spheres', 'mixed', 'filaments', 'blobs', 'cell', 'lamella', 'varied'] as const;
export type PhantomName = (typeof PHANTOM_NAMES)[number];

/** Stream of the phantom's random numbers (the noise uses another one, see simulate.ts). */
export const PHANTOM_STREAM = 1;

/** Smallest accepted size per axis: 2·MARGIN border plus room for a ~2-voxel object. */
export const MIN_PHANTOM_SIZE = 8;

/** Placement gives up after this many consecutive failures (the volume is full enough). */
const MAX_FAILURES = 30;
const CENTRE_TRIES = 12;

/** Shared state while one phantom is built. Coordinates are voxel indices. */
class Scene {
  readonly rng: Rng;
  readonly occupancy: Occupancy;
  /** Largest bounding radius that fits at the centre with the margin. */
  readonly fit: number;
  readonly voxels: number;

  constructor(readonly vol: Volume, seed: number) {
    this.rng = new Rng(seed);
    this.occupancy = new Occupancy(vol.nx, vol.ny, vol.nz);
    this.fit = Math.min(vol.nx, vol.ny, vol.nz) / 2 - 0.5 - MARGIN;
    this.voxels = vol.nx * vol.ny * vol.nz;
  }

  /** A size in [lo, hi] (skewed to small), clamped so it fits the volume. */
  radius(lo: number, hi: number): number {
    const h = Math.min(hi, this.fit);
    return this.rng.skewedLow(Math.min(lo, h), h);
  }

  /** Per-axis [lo, hi] where a point may lie so that a ball of radius rb around it keeps the margin. */
  bounds(axis: number, rb: number): [number, number] {
    const n = axis === 0 ? this.vol.nx : axis === 1 ? this.vol.ny : this.vol.nz;
    return [MARGIN + rb, n - 1 - MARGIN - rb];
  }

  /** A random free centre for an object of bounding radius rb, or null. */
  findCentre(rb: number, tries = CENTRE_TRIES): Vec3 | null {
    for (let k = 0; k < tries; k++) {
      const c = [0, 1, 2].map((axis) => this.rng.uniform(...this.bounds(axis, rb))) as Vec3;
      if (!this.occupancy.collides(c, c, rb)) return c;
    }
    return null;
  }

  /** Call make() until the placed nominal volume reaches fraction·V or placement keeps failing. */
  fill(fraction: number, make: () => number): number {
    const target = fraction * this.voxels;
    let placed = 0;
    let failures = 0;
    let count = 0;
    while (placed < target && failures < MAX_FAILURES) {
      const v = make();
      if (v > 0) {
        placed += v;
        count++;
        failures = 0;
      } else failures++;
    }
    return count;
  }

  /** Solid or hollow ball object registered in the occupancy; returns its nominal volume. */
  place(rb: number, stamp: (c: Vec3) => void, tries?: number): number {
    const c = this.findCentre(rb, tries);
    if (!c) return 0;
    stamp(c);
    this.occupancy.add(c, c, rb);
    return (4 / 3) * Math.PI * rb ** 3;
  }
}

const ballVolume = (r: number) => (4 / 3) * Math.PI * r ** 3;

/** Vesicle: a hollow sphere with a 2–3.5 voxel membrane. */
function vesicle(s: Scene, rLo: number, rHi: number, density: number): number {
  const outer = s.radius(rLo, rHi);
  const wall = Math.min(s.rng.uniform(2, 3.5), outer);
  return s.place(outer, (c) => stampSdf(s.vol, c, outer, density, shellSdf(outer - wall / 2, wall / 2)));
}

/**
 * Vesicle with a lipid-bilayer profile: two dense leaflets (each ~1.2 voxels thick) 2.8 voxels
 * apart around a fainter hydrophobic core, about 4 nm across at 8–9 Å/voxel.
 */
function bilayerVesicle(s: Scene, rLo: number, rHi: number, density: number): number {
  const outer = s.radius(Math.max(rLo, 5), rHi);
  const mid = outer - 2.2;
  return s.place(outer, (c) => {
    for (const r of [mid - 1.4, mid + 1.4]) stampSdf(s.vol, c, outer, density, shellSdf(r, 0.6));
    stampSdf(s.vol, c, outer, 0.35 * density, shellSdf(mid, 0.8));
  });
}

/**
 * Vitreous ice filling the slab between two surfaces whose gap (the local ice thickness) varies
 * smoothly across x and y, from `thinnest` to `thinnest` + 25 % of the available depth (lamella:
 * 70 % to 95 %), along a random direction plus a broad bump. Objects displace the ice: where the
 * specimen already has density ρ > 0, ice adds density·(1 − min(1, ρ)); a less dense object (ρ < 0)
 * keeps the ice around it, so it stays ρ below the ice. Zero within the border margin like every phantom.
 */
function iceSlab(s: Scene, density: number, thinnest = 0.7): void {
  const { vol, rng } = s;
  const { nx, ny, nz, data } = vol;
  const depth = nz - 1 - 2 * MARGIN;
  const angle = rng.uniform(0, 2 * Math.PI);
  const [gx, gy] = [Math.cos(angle), Math.sin(angle)];
  const [bx, by, bw] = [rng.uniform(0, nx), rng.uniform(0, ny), rng.uniform(0.3, 0.6) * Math.max(nx, ny)];
  const centre = (nz - 1) / 2 + rng.uniform(-0.05, 0.05) * depth;
  for (let y = MARGIN; y < ny - MARGIN; y++) {
    for (let x = MARGIN; x < nx - MARGIN; x++) {
      const ramp = ((x / nx - 0.5) * gx + (y / ny - 0.5) * gy) * 0.5 + 0.5; // 0 … 1 across the field
      const bump = Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * bw * bw));
      const half = (depth / 2) * (thinnest + 0.2 * ramp + 0.05 * bump);
      const lo = Math.max(MARGIN, centre - half);
      const hi = Math.min(nz - 1 - MARGIN, centre + half);
      for (let z = MARGIN; z < nz - MARGIN; z++) {
        const cov = Math.min(coverage(lo - z), coverage(z - hi));
        const i = x + nx * (y + ny * z);
        if (cov > 0) data[i] += density * cov * (1 - Math.min(1, Math.max(0, data[i])));
      }
    }
  }
}

/** Colloidal gold bead: a small, very dense solid sphere. */
function goldBead(s: Scene): number {
  const r = s.radius(2.5, 4);
  return s.place(r, (c) => stampSdf(s.vol, c, r, 6, sphereSdf(r)), 200);
}

/**
 * One of: solid sphere, hollow sphere, ellipsoid, box/cube, solid or hollow cylinder; random pose and
 * density, of the given sign (−1: less dense than what surrounds it).
 */
function mixedShape(s: Scene, sign = 1, rHi = 14): number {
  const { rng } = s;
  const rb = s.radius(3, rHi); // bounding-sphere radius
  const density = sign * rng.uniform(0.3, 1.5);
  const R = randomRotation(rng);
  const kind = rng.int(0, 4);
  let sdf: (x: number, y: number, z: number) => number;
  if (kind === 0) sdf = sphereSdf(rb);
  else if (kind === 1) {
    const wall = Math.min(rng.uniform(1.5, 3), rb);
    sdf = shellSdf(rb - wall / 2, wall / 2);
  } else if (kind === 2) {
    sdf = ellipsoidSdf(R, [rb, rb * rng.uniform(0.35, 1), rb * rng.uniform(0.35, 1)]);
  } else if (kind === 3) {
    const e: Vec3 = rng.uniform() < 0.3 ? [1, 1, 1] : [1, rng.uniform(0.3, 1), rng.uniform(0.3, 1)];
    const k = rb / Math.hypot(...e);
    sdf = boxSdf(R, [e[0] * k, e[1] * k, e[2] * k]);
  } else {
    const outer = rb * rng.uniform(0.3, 0.8);
    const half = Math.sqrt(rb * rb - outer * outer);
    const wall = Math.min(rng.uniform(1.5, 3), outer);
    sdf = rng.uniform() < 0.4 ? cylinderSdf(R, outer - wall / 2, half, wall / 2) : cylinderSdf(R, outer, half);
  }
  return s.place(rb, (c) => stampSdf(s.vol, c, rb, density, sdf));
}

const normalise = (v: Vec3): Vec3 => {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
};

/**
 * A filament: hollow tube (microtubule-like, outer radius 5–11, wall 2–3) or solid thin filament
 * (radius 1–2.5, actin-like). Grown from a random start in segments; half are straight, half bend
 * ≤ 14° per joint in a slowly drifting plane (gentle arcs). Growth stops at the margin, on
 * collision, or at the target length. Directions are isotropic with z squashed ×0.5 (the slab is thin).
 */
function filament(s: Scene, hollow: boolean, density: number): number {
  const { rng, vol } = s;
  const outer = hollow ? s.radius(5, 11) : s.radius(1, 2.5);
  const wall = Math.min(rng.uniform(2, 3), outer);
  const radial = hollow ? (rho: number) => Math.abs(rho - (outer - wall / 2)) - wall / 2 : (rho: number) => rho - outer;
  const rb = outer * 1.05; // room for mitre corners
  const start = s.findCentre(rb);
  if (!start) return 0;
  const u = rng.unitVector();
  let dir = normalise([u[0], u[1], 0.5 * u[2]]);
  const bend = rng.uniform() < 0.5 ? 0 : rng.uniform(0.05, 0.25); // tan of the bend per joint
  let side = normalise(rng.unitVector());
  const segLen = Math.min(20, Math.max(6, 3 * outer));
  const targetLen = rng.uniform(0.3, 1) * 0.6 * Math.hypot(vol.nx, vol.ny, vol.nz);
  const pts: Vec3[] = [start];
  let length = 0;
  while (length < targetLen) {
    const p = pts[pts.length - 1];
    // Longest step that keeps the axis inside the allowed box.
    let tMax = Infinity;
    for (let a = 0; a < 3; a++) {
      const [lo, hi] = s.bounds(a, rb);
      if (dir[a] > 1e-9) tMax = Math.min(tMax, (hi - p[a]) / dir[a]);
      else if (dir[a] < -1e-9) tMax = Math.min(tMax, (lo - p[a]) / dir[a]);
    }
    const step = Math.min(segLen, targetLen - length, tMax);
    if (step < 1) break;
    const q: Vec3 = [p[0] + dir[0] * step, p[1] + dir[1] * step, p[2] + dir[2] * step];
    if (s.occupancy.collides(p, q, outer)) break;
    // A long arc could curl back onto itself: keep clear of its own non-adjacent segments.
    const reach = 2 * rb + 1;
    let selfHit = false;
    for (let i = 0; i + 2 < pts.length && !selfHit; i++) selfHit = segmentDistance2(pts[i], pts[i + 1], p, q) < reach * reach;
    if (selfHit) break;
    pts.push(q);
    length += step;
    if (bend > 0) {
      // Keep `side` ⟂ dir with a little drift, then turn dir towards it by atan(bend).
      const drift = rng.unitVector();
      const sv: Vec3 = [side[0] + 0.3 * drift[0], side[1] + 0.3 * drift[1], side[2] + 0.3 * drift[2]];
      const along = sv[0] * dir[0] + sv[1] * dir[1] + sv[2] * dir[2];
      side = normalise([sv[0] - along * dir[0], sv[1] - along * dir[1], sv[2] - along * dir[2]]);
      dir = normalise([dir[0] + bend * side[0], dir[1] + bend * side[1], dir[2] + bend * side[2]]);
    }
  }
  if (length < Math.max(6, 2 * outer)) return 0;
  stampTube(vol, pts, outer, radial, density);
  for (let i = 1; i < pts.length; i++) s.occupancy.add(pts[i - 1], pts[i], rb);
  return Math.PI * rb * rb * length;
}

/** Fallback for volumes too small for a random filament: a thin straight rod along x through the centre. */
function centralRod(s: Scene): void {
  const r = Math.min(1, s.fit);
  const [y, z] = [(s.vol.ny - 1) / 2, (s.vol.nz - 1) / 2];
  const [x0, x1] = s.bounds(0, r);
  stampTube(s.vol, [[x0, y, z], [Math.max(x1, x0 + 0.5), y, z]], r, (rho) => rho - r, 1);
}

/**
 * Protein-like cluster of 5–40 Gaussian pseudo-atoms (σ 0.7–2): each new atom attaches to a random
 * earlier one ~1.5σ away, avoiding closer contacts, which gives compact globules. Atoms that do
 * not fit a small volume are dropped (and σ shrinks there, so a tiny volume still gets an atom).
 */
function blobCluster(s: Scene, ampScale = 1): number {
  const { rng } = s;
  const sMin = Math.min(0.7, s.fit / 3);
  const s0 = rng.uniform(sMin, Math.max(sMin, Math.min(2, s.fit / 4)));
  const n = rng.int(5, 40);
  const atoms: { p: Vec3; sigma: number; amp: number }[] = [];
  for (let i = 0; i < n; i++) {
    const sigma = Math.min(2, Math.max(sMin, s0 * rng.uniform(0.85, 1.15)));
    const amp = ampScale * rng.uniform(0.5, 1);
    let p: Vec3 = [0, 0, 0];
    for (let tries = 0; i > 0 && tries < 8; tries++) {
      const base = atoms[rng.int(0, atoms.length - 1)].p;
      const d = rng.unitVector();
      const r = 1.5 * s0 * rng.uniform(0.9, 1.2);
      p = [base[0] + d[0] * r, base[1] + d[1] * r, base[2] + d[2] * r];
      if (atoms.every((a) => Math.hypot(a.p[0] - p[0], a.p[1] - p[1], a.p[2] - p[2]) >= 1.2 * s0)) break;
    }
    atoms.push({ p, sigma, amp });
  }
  const mean = [0, 1, 2].map((k) => atoms.reduce((acc, a) => acc + a.p[k], 0) / atoms.length);
  for (const a of atoms) a.p = [a.p[0] - mean[0], a.p[1] - mean[1], a.p[2] - mean[2]];
  const extent = (a: (typeof atoms)[number]) => Math.hypot(...a.p) + 3 * a.sigma;
  let kept = atoms.filter((a) => extent(a) <= s.fit);
  if (kept.length === 0) kept = [{ p: [0, 0, 0], sigma: Math.min(atoms[0].sigma, s.fit / 3), amp: atoms[0].amp }];
  const rb = Math.max(...kept.map(extent));
  const c = s.findCentre(rb);
  if (!c) return 0;
  for (const a of kept) stampGaussian(s.vol, [c[0] + a.p[0], c[1] + a.p[1], c[2] + a.p[2]], a.sigma, a.amp);
  s.occupancy.add(c, c, rb);
  return ballVolume(rb);
}

/**
 * The learned methods' second training family (issue #15): what a researcher may feed in beyond
 * lamellae. Per volume it draws how crowded the scene is (2–25 % of the volume, so from isolated
 * particles to dense crowding), which share of the objects is less dense than its surroundings
 * (0–50 %: holes, light compartments), up to three empty regions kept free of objects, and an ice
 * slab (60 % of volumes) from 5 % of the depth to all of it; objects are shapes of every
 * kind (ellipsoids, shells, boxes, cylinders), membranes, filaments and protein clusters.
 * Inverted contrast as a whole is left to training, which flips the sign of whole examples.
 */
function variedScene(s: Scene): void {
  const { rng } = s;
  const crowding = rng.uniform(0.02, 0.25);
  const lighter = rng.uniform(0, 0.5);
  const sign = () => (rng.uniform() < lighter ? -1 : 1);
  const empty = rng.int(0, 3);
  for (let i = 0; i < empty; i++) {
    // Reserved in the occupancy only: nothing is placed there, as in the empty stretches of real tomograms.
    const rb = s.fit * rng.uniform(0.3, 0.7);
    const c = s.findCentre(rb);
    if (c) s.occupancy.add(c, c, rb);
  }
  s.fill(crowding, () => {
    const kind = rng.int(0, 5);
    if (kind <= 1) return mixedShape(s, sign(), kind === 0 ? 14 : 24);
    if (kind === 2) return bilayerVesicle(s, 6, 30, sign());
    if (kind === 3) return filament(s, rng.uniform() < 0.4, sign() * rng.uniform(0.6, 1));
    return blobCluster(s, sign() * rng.uniform(0.4, 1.2));
  });
  if (rng.uniform() < 0.3) goldBead(s);
  if (rng.uniform() < 0.6) iceSlab(s, rng.uniform(0.1, 0.3), rng.uniform(0.05, 0.75));
}

/**
 * Build phantom `name` of nx × ny × nz voxels (x fastest). pixelSize (Å/voxel, 0 = unknown) is
 * only recorded: sizes are in voxels.
 */
export function makePhantom(name: PhantomName, nx: number, ny: number, nz: number, seed: number, pixelSize = 0): Volume {
  for (const [axis, n] of [['nx', nx], ['ny', ny], ['nz', nz]] as const) {
    if (!Number.isInteger(n) || n < MIN_PHANTOM_SIZE) {
      throw new Error(`Phantom ${axis} must be an integer ≥ ${MIN_PHANTOM_SIZE}, got ${n}`);
    }
  }
  const vol: Volume = { nx, ny, nz, data: new Float32Array(nx * ny * nz), pixelSize };
  const s = new Scene(vol, deriveSeed(seed, PHANTOM_STREAM));
  switch (name) {
    case 'spheres':
      s.fill(0.2, () => vesicle(s, 3, 24, 1));
      break;
    case 'mixed':
      s.fill(0.15, () => mixedShape(s));
      break;
    case 'filaments':
      if (s.fill(0.08, () => filament(s, s.rng.uniform() < 0.4, s.rng.uniform(0.7, 1.1))) === 0) centralRod(s);
      break;
    case 'blobs':
      s.fill(0.12, () => blobCluster(s));
      break;
    case 'cell': {
      s.fill(0.07, () => vesicle(s, 8, 28, 1));
      const beads = s.rng.int(2, 3);
      for (let i = 0; i < beads; i++) goldBead(s);
      s.fill(0.03, () => filament(s, s.rng.uniform() < 0.4, 0.8));
      s.fill(0.04, () => blobCluster(s, 0.8));
      break;
    }
    case 'lamella': {
      // The training family of the learned methods: membranes, filaments, protein clusters of
      // several sizes and densities, a few gold beads, all in ice of varying thickness.
      s.fill(0.06, () => bilayerVesicle(s, 6, 30, 1));
      s.fill(0.03, () => filament(s, s.rng.uniform() < 0.4, s.rng.uniform(0.6, 1)));
      s.fill(0.06, () => blobCluster(s, s.rng.uniform(0.4, 1.2)));
      const beads = s.rng.int(0, 3);
      for (let i = 0; i < beads; i++) goldBead(s);
      iceSlab(s, s.rng.uniform(0.1, 0.3));
      break;
    }
    case 'varied':
      variedScene(s);
      break;
    default:
      throw new Error(`Unknown phantom "${String(name)}"; expected one of ${PHANTOM_NAMES.join(', ')}`);
  }
  return vol;
}
