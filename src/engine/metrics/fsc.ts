/**
 * Fourier shell correlation, whole and directional (docs/conventions.md#fsc).
 *
 * Grid: k ∈ [−0.5, 0.5) cycles/voxel per axis (fourier.ts); shell index round(|k|·n_max) with
 * n_max the largest dimension, so shells are 1/n_max wide and run 0 … floor(n_max/2) (Nyquist).
 * Frequencies beyond Nyquist (the corners of the cube) belong to no shell. Exact half-integer
 * ties (possible only for non-cubic volumes, e.g. |k|·n_max = 2.5) round half to even, like
 * Python's round() and numpy.round (see roundHalfEven).
 *
 * FSC[r] = Re Σ F_a·conj(F_b) / sqrt(Σ|F_a|² · Σ|F_b|²) over the voxels of shell r (the whole
 * DFT grid, both halves), 0 where a denominator is 0.
 *
 * Regions, for tilt angles θ_k in degrees (both depend on kx and kz only):
 *  - measured: |k·n_k|·n_max ≤ 0.5 for some k, n_k = (−sin θ_k, 0, cos θ_k) in (kx, ky, kz). The
 *    projection at θ (u = x·cos θ + z·sin θ) integrates along (−sin θ, 0, cos θ), so by the
 *    Fourier slice theorem it samples the central plane perpendicular to that direction;
 *    missing = not measured.
 *  - wedge cone: φ = atan2(kz, kx) folded into (−90°, 90°]; missing when φ ∉ [θ_min, θ_max];
 *    the ky axis (kx = kz = 0) counts as measured.
 */
import type { Volume } from '../types.ts';
import { frequency, mirrorIndex, packedPairDft } from './fourier.ts';

export interface FscCurves {
  /** Shell frequency in cycles/voxel: r / n_max, r = 0 … floor(n_max/2). */
  shells: number[];
  fsc: number[];
  /** FSC over the measured voxels of each shell (tilt angles given). */
  fscMeasured?: number[];
  /** FSC over the missing voxels of each shell (tilt angles given). */
  fscMissing?: number[];
  /** FSC restricted to the wedge-cone "measured" side. */
  fscWedge?: number[];
  /** FSC restricted to the wedge-cone missing side. */
  fscWedgeMissing?: number[];
  /** Voxels per shell. */
  counts: number[];
  countsMeasured?: number[];
  countsMissing?: number[];
  countsWedge?: number[];
  countsWedgeMissing?: number[];
}

type Dims = Pick<Volume, 'nx' | 'ny' | 'nz'>;

/** How close to m + 0.5 a shell radius must be to count as an exact tie (rounding noise of |k|·n_max). */
const TIE_EPS = 1e-9;

/**
 * Round half to even (Python's round, numpy.round) for x ≥ 0, where values within 1e-9 of
 * m + 0.5 count as exact ties: |k|·n_max computed in floating point can land an ulp either side
 * of a true half-integer (e.g. (1/12)·30), and the tie should not depend on that.
 */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f - 0.5;
  if (Math.abs(d) < TIE_EPS) return f % 2 === 0 ? f : f + 1;
  return d < 0 ? f : f + 1;
}

/** Shell index of the frequency (kx, ky, kz) in cycles/voxel: round(|k|·n_max). */
export function shellIndex(kx: number, ky: number, kz: number, nMax: number): number {
  return roundHalfEven(Math.sqrt(kx * kx + ky * ky + kz * kz) * nMax);
}

/** Largest dimension, the n_max of the shell index. */
export function largestDimension(dims: Dims): number {
  return Math.max(dims.nx, dims.ny, dims.nz);
}

function tiltTrigDeg(tiltAngles: readonly number[]): { sin: Float64Array; cos: Float64Array } {
  const sin = new Float64Array(tiltAngles.length);
  const cos = new Float64Array(tiltAngles.length);
  tiltAngles.forEach((deg, k) => {
    const rad = (deg * Math.PI) / 180;
    sin[k] = Math.sin(rad);
    cos[k] = Math.cos(rad);
  });
  return { sin, cos };
}

/**
 * True when (kx, kz) in cycles/voxel lies within half a voxel (in units of 1/n_max) of the
 * central plane of some tilt: |−kx·sin θ + kz·cos θ|·n_max ≤ 0.5. Angles in degrees.
 */
export function isMeasured(kx: number, kz: number, tiltAngles: readonly number[], nMax: number): boolean {
  const { sin, cos } = tiltTrigDeg(tiltAngles);
  return measuredTest(kx, kz, sin, cos, nMax);
}

/**
 * Slack on the half-voxel distance: exact ties occur (θ = ±60°, kx = 0, |kz|·n_max = 1 gives
 * |kz·cos θ|·n_max = 0.5 exactly, but cos 60° is 0.5000000000000001 in floating point) and are
 * measured, as the ≤ in the definition says.
 */
const PLANE_EPS = 1e-9;

function measuredTest(kx: number, kz: number, sin: Float64Array, cos: Float64Array, nMax: number): boolean {
  for (let t = 0; t < sin.length; t++) {
    if (Math.abs(-kx * sin[t] + kz * cos[t]) * nMax <= 0.5 + PLANE_EPS) return true;
  }
  return false;
}

/** Direction angle φ = atan2(kz, kx) in degrees, folded into (−90°, 90°]. */
export function wedgeAngle(kx: number, kz: number): number {
  let phi = (Math.atan2(kz, kx) * 180) / Math.PI;
  if (phi > 90) phi -= 180;
  else if (phi <= -90) phi += 180;
  return phi;
}

/** Tolerance in degrees at the edges of the cone, so that φ = θ_max computed as 45.000…01 still counts. */
const CONE_EPS_DEG = 1e-9;

/** True when (kx, kz) is on the measured side of the wedge cone [θmin, θmax] (degrees). */
export function inWedgeCone(kx: number, kz: number, thetaMin: number, thetaMax: number): boolean {
  if (kx === 0 && kz === 0) return true;
  const phi = wedgeAngle(kx, kz);
  return phi >= thetaMin - CONE_EPS_DEG && phi <= thetaMax + CONE_EPS_DEG;
}

/** 1 where measured, per (jx, jz) of the DFT grid (independent of ky): nx × nz, x fastest. */
export function measuredMaskXZ(dims: Dims, tiltAngles: readonly number[]): Uint8Array {
  const { nx, nz } = dims;
  const nMax = largestDimension(dims);
  const { sin, cos } = tiltTrigDeg(tiltAngles);
  const mask = new Uint8Array(nx * nz);
  for (let jz = 0; jz < nz; jz++) {
    const kz = frequency(jz, nz);
    for (let jx = 0; jx < nx; jx++) mask[jx + nx * jz] = measuredTest(frequency(jx, nx), kz, sin, cos, nMax) ? 1 : 0;
  }
  return mask;
}

/** 1 on the measured side of the wedge cone, per (jx, jz) of the DFT grid: nx × nz, x fastest. */
export function wedgeMaskXZ(dims: Dims, tiltAngles: readonly number[]): Uint8Array {
  const { nx, nz } = dims;
  const thetaMin = Math.min(...tiltAngles);
  const thetaMax = Math.max(...tiltAngles);
  const mask = new Uint8Array(nx * nz);
  for (let jz = 0; jz < nz; jz++) {
    const kz = frequency(jz, nz);
    for (let jx = 0; jx < nx; jx++) mask[jx + nx * jz] = inWedgeCone(frequency(jx, nx), kz, thetaMin, thetaMax) ? 1 : 0;
  }
  return mask;
}

function expand(dims: Dims, maskXZ: Uint8Array): Uint8Array {
  const { nx, ny, nz } = dims;
  const mask = new Uint8Array(nx * ny * nz);
  for (let jz = 0; jz < nz; jz++) {
    const line = maskXZ.subarray(nx * jz, nx * (jz + 1));
    for (let jy = 0; jy < ny; jy++) mask.set(line, nx * (jy + ny * jz));
  }
  return mask;
}

/** The measured region as a 3-D mask (1 = measured) in DFT index order, x fastest, unshifted. */
export function measuredMask(dims: Dims, tiltAngles: readonly number[]): Uint8Array {
  return expand(dims, measuredMaskXZ(dims, tiltAngles));
}

/** The wedge cone's measured side as a 3-D mask (1 = measured) in DFT index order, unshifted. */
export function wedgeMask(dims: Dims, tiltAngles: readonly number[]): Uint8Array {
  return expand(dims, wedgeMaskXZ(dims, tiltAngles));
}

function rms(data: Float32Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] * data[i];
  return Math.sqrt(s / Math.max(1, data.length));
}

function ratio(sums: Float64Array, set: number, nShells: number): number[] {
  const at = (sum: number) => sums.subarray((SUMS * set + sum) * nShells, (SUMS * set + sum + 1) * nShells);
  const [num, da, db] = [at(0), at(1), at(2)];
  return Array.from(num, (v, r) => {
    const d = Math.sqrt(da[r] * db[r]);
    return d > 0 ? v / d : 0;
  });
}

/** The FSC's regions per (jx, jz) of the DFT grid and its shells: what every shell sum needs besides the spectra. */
export interface FscShells {
  nx: number;
  nz: number;
  nMax: number;
  nShells: number;
  /** measuredMaskXZ and wedgeMaskXZ when tilt angles were given (the directional curves), else null. */
  measured: Uint8Array | null;
  wedge: Uint8Array | null;
}

export function fscShells(dims: Dims, tiltAngles?: readonly number[]): FscShells {
  const nMax = largestDimension(dims);
  const directional = tiltAngles !== undefined && tiltAngles.length > 0;
  return {
    nx: dims.nx,
    nz: dims.nz,
    nMax,
    nShells: Math.floor(nMax / 2) + 1,
    measured: directional ? measuredMaskXZ(dims, tiltAngles) : null,
    wedge: directional ? wedgeMaskXZ(dims, tiltAngles) : null,
  };
}

/** The sums per set (all, measured, missing, wedge, wedge-missing): Re F_a·conj F_b, |F_a|², |F_b|², voxels. */
const SETS = 5;
const SUMS = 4;

/** Zeroed shell sums, flat ([set][sum][shell]) so that parts summed apart (pool threads) add up elementwise. */
export function fscSums(shells: FscShells): Float64Array {
  return new Float64Array(SETS * SUMS * shells.nShells);
}

/** Add one DFT index's terms to shell r, in every set its (jx, jz) belongs to; `weight` counts it that many times. */
export function addToShell(sums: Float64Array, shells: FscShells, r: number, jx: number, jz: number, num: number, pa: number, pb: number, weight = 1): void {
  const { nShells, measured, wedge } = shells;
  addToSet(sums, nShells, 0, r, num, pa, pb, weight);
  if (!measured || !wedge) return;
  const xz = jx + shells.nx * jz;
  addToSet(sums, nShells, measured[xz] ? 1 : 2, r, num, pa, pb, weight);
  addToSet(sums, nShells, wedge[xz] ? 3 : 4, r, num, pa, pb, weight);
}

function addToSet(sums: Float64Array, nShells: number, set: number, r: number, num: number, pa: number, pb: number, weight: number): void {
  const at = SUMS * set * nShells + r;
  sums[at] += weight * num;
  sums[at + nShells] += weight * pa;
  sums[at + 2 * nShells] += weight * pb;
  sums[at + 3 * nShells] += weight;
}

/** The curves from the shell sums (the directional ones when the shells have regions). */
export function fscCurves(sums: Float64Array, shells: FscShells): FscCurves {
  const { nShells, nMax } = shells;
  const counts = (set: number) => Array.from(sums.subarray((SUMS * set + 3) * nShells, (SUMS * set + 4) * nShells));
  const curves: FscCurves = {
    shells: Array.from({ length: nShells }, (_, r) => r / nMax),
    fsc: ratio(sums, 0, nShells),
    counts: counts(0),
  };
  if (shells.measured) {
    curves.fscMeasured = ratio(sums, 1, nShells);
    curves.fscMissing = ratio(sums, 2, nShells);
    curves.fscWedge = ratio(sums, 3, nShells);
    curves.fscWedgeMissing = ratio(sums, 4, nShells);
    curves.countsMeasured = counts(1);
    curves.countsMissing = counts(2);
    curves.countsWedge = counts(3);
    curves.countsWedgeMissing = counts(4);
  }
  return curves;
}

/**
 * FSC between two volumes of one size; with tilt angles (degrees), also the directional
 * curves over the measured/missing region and the wedge cone's two sides.
 */
export function fsc(a: Volume, b: Volume, tiltAngles?: readonly number[]): FscCurves {
  const { nx, ny, nz } = a;
  if (b.nx !== nx || b.ny !== ny || b.nz !== nz) {
    throw new RangeError(`FSC needs volumes of one size, got ${nx}×${ny}×${nz} and ${b.nx}×${b.ny}×${b.nz}`);
  }
  const shells = fscShells(a, tiltAngles);
  const { nMax, nShells } = shells;

  // FSC is scale-invariant; balancing the RMS keeps both halves of the packed transform accurate.
  const ra = rms(a.data);
  const rb = rms(b.data);
  // An all-zero volume has an exactly zero spectrum, not the packing's rounding noise.
  const keepA = ra > 0 ? 1 : 0;
  const keepB = rb > 0 ? 1 : 0;
  const sa = ra > 0 ? 1 / ra : 1;
  const sb = rb > 0 ? 1 / rb : 1;
  const { re, im } = packedPairDft(a, b, sa, sb);

  const kx2 = Float64Array.from({ length: nx }, (_, j) => frequency(j, nx) ** 2);
  const ky2 = Float64Array.from({ length: ny }, (_, j) => frequency(j, ny) ** 2);
  const kz2 = Float64Array.from({ length: nz }, (_, j) => frequency(j, nz) ** 2);
  const sums = fscSums(shells);
  for (let jz = 0; jz < nz; jz++) {
    const mz = mirrorIndex(jz, nz);
    for (let jy = 0; jy < ny; jy++) {
      const my = mirrorIndex(jy, ny);
      const kyz = ky2[jy] + kz2[jz];
      const row = nx * (jy + ny * jz);
      const mrow = nx * (my + ny * mz);
      for (let jx = 0; jx < nx; jx++) {
        const r = roundHalfEven(Math.sqrt(kx2[jx] + kyz) * nMax);
        if (r >= nShells) continue;
        const i = row + jx;
        const m = mrow + mirrorIndex(jx, nx);
        const zr = re[i];
        const zi = im[i];
        const wr = re[m];
        const wi = im[m];
        // F_a = (Z(k) + conj Z(−k))/2, F_b = (Z(k) − conj Z(−k))/2i, each still times its scale.
        const ar = 0.5 * keepA * (zr + wr);
        const ai = 0.5 * keepA * (zi - wi);
        const br = 0.5 * keepB * (zi + wi);
        const bi = 0.5 * keepB * (wr - zr);
        addToShell(sums, shells, r, jx, jz, ar * br + ai * bi, ar * ar + ai * ai, br * br + bi * bi);
      }
    }
  }
  return fscCurves(sums, shells);
}

/** Resolution (a length) of a frequency in cycles/voxel: Å when the pixel size is known, else voxels. Null/0 → null. */
export function resolutionLength(frequency: number | null, pixelSize: number): number | null {
  if (frequency === null || !(frequency > 0) || !Number.isFinite(frequency)) return null;
  return (pixelSize > 0 ? pixelSize : 1) / frequency;
}

/** The unit resolutionLength gives its lengths in. */
export function resolutionUnit(pixelSize: number): 'Å' | 'voxel' {
  return pixelSize > 0 ? 'Å' : 'voxel';
}

/**
 * Frequency (cycles/voxel) where the curve first drops below `threshold`, linearly interpolated
 * between the last shell at or above it and the first shell below it; null when it never drops
 * below (NaN never counts as below).
 *
 * Shell 0 is the single DC voxel: its "correlation" is only the sign of the product of the two
 * means (±1, and tomograms have means near 0 of either sign), so it is never a crossing and is
 * taken as 1 when interpolating towards shell 1.
 */
export function resolutionAt(curves: { shells: number[]; fsc: number[] }, threshold: number): number | null {
  const { shells, fsc: values } = curves;
  for (let i = 1; i < values.length; i++) {
    if (!(values[i] < threshold)) continue;
    const f0 = i === 1 ? 1 : values[i - 1];
    const f1 = values[i];
    if (!Number.isFinite(f0) || !(f0 >= threshold)) return shells[i];
    const t = (f0 - threshold) / (f0 - f1);
    return shells[i - 1] + t * (shells[i] - shells[i - 1]);
  }
  return null;
}
