/**
 * PSNR and SSIM against a ground truth (docs/conventions.md#psnr-and-ssim).
 *
 * Affine fit first: the result x is replaced by x' = αx + β, the least-squares fit to the
 * truth g, so a method's arbitrary scale and offset do not count. Then, with L = max(g) − min(g):
 *  - PSNR = 10·log10(L² / mean((x' − g)²)). A perfect fit (mean squared error 0) gives
 *    +Infinity, which is what we return; JSON writers should show it as such.
 *  - SSIM = scikit-image's structural_similarity(g, x', gaussian_weights=True, sigma=1.5,
 *    use_sample_covariance=False, data_range=L) in 3-D: separable Gaussian σ = 1.5 truncated
 *    at 3.5σ (radius int(3.5·1.5 + 0.5) = 5, 11 taps, normalised), scipy.ndimage 'reflect'
 *    borders (half-sample symmetric: d c b a | a b c d | d c b a), K1 = 0.01, K2 = 0.03,
 *    population covariances, and the SSIM map averaged after cropping 5 voxels at every
 *    border. Every dimension must be at least 11, as in scikit-image.
 *
 * Everything is computed in float64. SSIM works in slabs along z (each slab with 5 reflected
 * or neighbouring slices either side), so its memory stays near 40 B × nx × ny × (slab + 10).
 */
import type { Volume } from '../types.ts';
import { allocateLike, forEachRow, rowReader, type Tomogram } from '../../io/piecedVolume.ts';

export interface AffineFit {
  alpha: number;
  beta: number;
}

type Values = ArrayLike<number>;

function valuesOf(v: Volume | Values): Values {
  return 'data' in v && 'nx' in v ? v.data : (v as Values);
}

/**
 * Least-squares α, β minimising Σ(α·x + β − g)². When x is constant, α = 0 and β = mean(g).
 */
export function affineFit(x: Values, g: Values): AffineFit {
  if (g.length !== x.length) throw new RangeError(`affineFit: ${x.length} values against ${g.length}`);
  return affineFitOfRuns(() => [[x, g]]);
}

/** affineFit of the runs' concatenations: `runs()` gives the same pairs (x, g) of equal lengths, in order, on each of its two passes. */
function affineFitOfRuns(runs: () => Iterable<[Values, Values]>): AffineFit {
  let n = 0;
  let mx = 0;
  let mg = 0;
  for (const [x, g] of runs()) {
    n += x.length;
    for (let i = 0; i < x.length; i++) {
      mx += x[i];
      mg += g[i];
    }
  }
  if (n === 0) return { alpha: 0, beta: 0 };
  mx /= n;
  mg /= n;
  let sxx = 0;
  let sxg = 0;
  for (const [x, g] of runs()) {
    for (let i = 0; i < x.length; i++) {
      const dx = x[i] - mx;
      sxx += dx * dx;
      sxg += dx * (g[i] - mg);
    }
  }
  const alpha = sxx > 0 ? sxg / sxx : 0;
  return { alpha, beta: mg - alpha * mx };
}

/** Every row (nx voxels) of two tomograms of one size, side by side, either held in pieces. */
function* rowPairs(a: Tomogram, b: Tomogram): Generator<[Float32Array, Float32Array]> {
  const [rowA, rowB] = [rowReader(a), rowReader(b)];
  for (let z = 0; z < a.nz; z++) for (let y = 0; y < a.ny; y++) yield [rowA(y, z), rowB(y, z)];
}

/**
 * A − B voxel by voxel; with `fit`, A − (α·B + β) for the α, β that bring B closest to A (affineFit): results of
 * different methods or programs differ in scale and offset, which a plain difference shows everywhere and hides
 * what differs in structure. Either may be held in pieces; the difference is held in A's.
 */
export function differenceOf(a: Tomogram, b: Tomogram, fit: boolean): { volume: Tomogram; fit: AffineFit | null } {
  const bToA = fit ? affineFitOfRuns(() => rowPairs(b, a)) : null;
  const [alpha, beta] = bToA ? [bToA.alpha, bToA.beta] : [1, 0];
  const volume = allocateLike(a);
  const [rowA, rowB, rowOut] = [rowReader(a), rowReader(b), rowReader(volume)];
  forEachRow(a, (y, z) => {
    const [va, vb, out] = [rowA(y, z), rowB(y, z), rowOut(y, z)];
    for (let x = 0; x < out.length; x++) out[x] = va[x] - (alpha * vb[x] + beta);
  });
  return { volume, fit: bToA };
}

/** x' = α·x + β, in float64. */
export function applyAffine(x: Values, fit: AffineFit): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fit.alpha * x[i] + fit.beta;
  return out;
}

function range(g: Values): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < g.length; i++) {
    if (g[i] < min) min = g[i];
    if (g[i] > max) max = g[i];
  }
  return g.length > 0 ? max - min : 0;
}

/** The residual x' − g of `result` after its affine fit to `truth`, in float64. */
export function residualAfterFit(result: Volume | Values, truth: Volume | Values): Float64Array {
  const x = valuesOf(result);
  const g = valuesOf(truth);
  const fit = affineFit(x, g);
  const out = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) out[i] = fit.alpha * x[i] + fit.beta - g[i];
  return out;
}

/** 10·log10(L² / mse), L = max(truth) − min(truth); +Infinity for mse 0. */
export function psnrOfMse(mse: number, truth: Volume | Values): number {
  if (mse === 0) return Infinity;
  const L = range(valuesOf(truth));
  return 10 * Math.log10((L * L) / mse);
}

/**
 * PSNR in dB of `result` against `truth` after the affine fit, L = max(truth) − min(truth).
 * Returns +Infinity for a perfect fit (including a constant truth, which any result fits).
 */
export function psnr(result: Volume | Values, truth: Volume | Values): number {
  const x = valuesOf(result);
  const g = valuesOf(truth);
  const fit = affineFit(x, g);
  // Summed in place rather than from residualAfterFit: no second copy of a large volume.
  let se = 0;
  for (let i = 0; i < g.length; i++) {
    const d = fit.alpha * x[i] + fit.beta - g[i];
    se += d * d;
  }
  return psnrOfMse(se / Math.max(1, g.length), truth);
}

/** SSIM window parameters (scikit-image with gaussian_weights=True). */
export const SSIM_SIGMA = 1.5;
export const SSIM_TRUNCATE = 3.5;
export const SSIM_RADIUS = Math.trunc(SSIM_TRUNCATE * SSIM_SIGMA + 0.5); // 5
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

/** scipy.ndimage's normalised Gaussian kernel: exp(−x²/2σ²) for x = −r … r, divided by its sum. */
export function gaussianKernel(sigma: number, radius: number): Float64Array {
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    w[i + radius] = Math.exp((-0.5 / (sigma * sigma)) * i * i);
    sum += w[i + radius];
  }
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

/** scipy.ndimage 'reflect' (half-sample symmetric) index of i into an axis of length n. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

/** Filter each row of nRows × n values (contiguous) in place along its length, reflect borders. */
function filterRows(data: Float64Array, n: number, nRows: number, w: Float64Array, pad: Float64Array): void {
  const r = (w.length - 1) / 2;
  for (let row = 0; row < nRows; row++) {
    const o = row * n;
    for (let i = -r; i < n + r; i++) pad[i + r] = data[o + reflectIndex(i, n)];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < w.length; t++) s += w[t] * pad[i + t];
      data[o + i] = s;
    }
  }
}

/** Filter an ny × nx slice (x fastest) in place along y, reflect borders. */
function filterColumns(slice: Float64Array, nx: number, ny: number, w: Float64Array, tmp: Float64Array): void {
  const r = (w.length - 1) / 2;
  tmp.fill(0);
  for (let y = 0; y < ny; y++) {
    const out = y * nx;
    for (let t = 0; t < w.length; t++) {
      const src = reflectIndex(y - r + t, ny) * nx;
      const wt = w[t];
      for (let x = 0; x < nx; x++) tmp[out + x] += wt * slice[src + x];
    }
  }
  slice.set(tmp);
}

/**
 * Mean SSIM of two volumes of one size exactly as scikit-image's
 * structural_similarity(im1, im2, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=dataRange), with no affine fit. `slabDepth` (output
 * slices per slab) only trades memory for time; the default keeps the slab near 80 MB.
 */
export function structuralSimilarity3d(
  im1: Values,
  im2: Values,
  dims: Pick<Volume, 'nx' | 'ny' | 'nz'>,
  dataRange: number,
  options: { slabDepth?: number } = {},
): number {
  const { nx, ny, nz } = dims;
  const r = SSIM_RADIUS;
  const win = 2 * r + 1;
  if (im1.length !== nx * ny * nz || im2.length !== nx * ny * nz) {
    throw new RangeError(`SSIM: expected ${nx} × ${ny} × ${nz} values, got ${im1.length} and ${im2.length}`);
  }
  if (nx < win || ny < win || nz < win) {
    throw new RangeError(`SSIM needs every dimension ≥ ${win} (the Gaussian window), got ${nx} × ${ny} × ${nz}`);
  }
  const w = gaussianKernel(SSIM_SIGMA, r);
  const C1 = (SSIM_K1 * dataRange) ** 2;
  const C2 = (SSIM_K2 * dataRange) ** 2;
  const plane = nx * ny;
  // About 80 MB of slab fields (5 × 8 B per voxel) whatever the slice size.
  const slabDepth = options.slabDepth ?? Math.max(4, Math.min(64, Math.floor(2e6 / plane) - 2 * r));
  const pad = new Float64Array(Math.max(nx, ny) + 2 * r);
  const tmp = new Float64Array(plane);
  const out = Array.from({ length: 5 }, () => new Float64Array(plane));
  let sum = 0;
  let count = 0;

  for (let z0 = 0; z0 < nz; z0 += slabDepth) {
    const z1 = Math.min(nz, z0 + slabDepth);
    const depth = z1 - z0 + 2 * r;
    // The five products for input slices z0 − r … z1 + r − 1 (reflected), filtered in x and y.
    const fields = Array.from({ length: 5 }, () => new Float64Array(depth * plane));
    const [f1, f2, f11, f22, f12] = fields;
    for (let d = 0; d < depth; d++) {
      const src = reflectIndex(z0 - r + d, nz) * plane;
      const dst = d * plane;
      for (let i = 0; i < plane; i++) {
        const a = im1[src + i];
        const b = im2[src + i];
        f1[dst + i] = a;
        f2[dst + i] = b;
        f11[dst + i] = a * a;
        f22[dst + i] = b * b;
        f12[dst + i] = a * b;
      }
    }
    for (const f of fields) {
      filterRows(f, nx, depth * ny, w, pad);
      for (let d = 0; d < depth; d++) filterColumns(f.subarray(d * plane, (d + 1) * plane), nx, ny, w, tmp);
    }
    for (let z = z0; z < z1; z++) {
      // Filter along z into `out`: output slice z uses slab slices (z − z0) … (z − z0 + 2r).
      for (let k = 0; k < 5; k++) {
        const o = out[k];
        const f = fields[k];
        o.fill(0);
        for (let t = 0; t < win; t++) {
          const base = (z - z0 + t) * plane;
          const wt = w[t];
          for (let i = 0; i < plane; i++) o[i] += wt * f[base + i];
        }
      }
      if (z < r || z >= nz - r) continue;
      const [ux, uy, uxx, uyy, uxy] = out;
      for (let y = r; y < ny - r; y++) {
        for (let x = r; x < nx - r; x++) {
          const i = x + nx * y;
          const vx = uxx[i] - ux[i] * ux[i];
          const vy = uyy[i] - uy[i] * uy[i];
          const vxy = uxy[i] - ux[i] * uy[i];
          const a1 = 2 * ux[i] * uy[i] + C1;
          const a2 = 2 * vxy + C2;
          const b1 = ux[i] * ux[i] + uy[i] * uy[i] + C1;
          const b2 = vx + vy + C2;
          sum += (a1 * a2) / (b1 * b2);
          count++;
        }
      }
    }
  }
  return sum / count;
}

/**
 * 3-D SSIM of `result` against `truth` (docs/conventions.md#psnr-and-ssim): affine-fit result → x', then
 * structural_similarity(truth, x', data_range = max(truth) − min(truth)). Identical volumes
 * give 1; a constant truth (L = 0) gives NaN, as scikit-image does.
 */
export function ssim3d(result: Volume, truth: Volume): number {
  const { nx, ny, nz } = truth;
  if (result.nx !== nx || result.ny !== ny || result.nz !== nz) {
    throw new RangeError(`SSIM needs volumes of one size, got ${result.nx}×${result.ny}×${result.nz} and ${nx}×${ny}×${nz}`);
  }
  const fitted = applyAffine(result.data, affineFit(result.data, truth.data));
  return structuralSimilarity3d(truth.data, fitted, truth, range(truth.data));
}
