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
 * Everything is computed in float64. Either volume may be held in pieces (io/piecedVolume.ts): the fit and the PSNR
 * walk them row by row, and SSIM reads each XY section once, row by row, keeping 11 filtered sections (its memory
 * about 480 B × nx × ny), so nothing is copied whole; cpu/ssimPass.ts runs it in bands of rows on the CPU pool.
 */
import { allocateLike, forEachRow, isPieced, rowReader, volumePieces, type Tomogram } from '../../io/piecedVolume.ts';

export interface AffineFit {
  alpha: number;
  beta: number;
}

type Values = ArrayLike<number>;

function isTomogram(v: Tomogram | Values): v is Tomogram {
  return 'nx' in v;
}

/**
 * The pairs (x, g) of equal lengths that make up two volumes of one size (or two value arrays of one length), in
 * one order: the whole arrays when both are one array, else every row side by side.
 */
function pairRuns(x: Tomogram | Values, g: Tomogram | Values): () => Iterable<[Values, Values]> {
  if (!isTomogram(x) || !isTomogram(g)) {
    const [a, b] = [x, g].map((v) => (isTomogram(v) ? valuesOf(v) : v));
    if (a.length !== b.length) throw new RangeError(`affineFit: ${a.length} values against ${b.length}`);
    return () => [[a, b]];
  }
  if (x.nx !== g.nx || x.ny !== g.ny || x.nz !== g.nz) throw new RangeError(`affineFit: ${x.nx}×${x.ny}×${x.nz} against ${g.nx}×${g.ny}×${g.nz}`);
  return isPieced(x) || isPieced(g) ? () => rowPairs(x, g) : () => [[x.data, g.data]];
}

/** A one-array volume's values; a pieced one has none in one array (pairRuns walks its rows). */
function valuesOf(v: Tomogram): Values {
  if (isPieced(v)) throw new RangeError(`a ${v.nx}×${v.ny}×${v.nz} volume in ${v.pieces.length} pieces is not one array of values`);
  return v.data;
}

/**
 * Least-squares α, β minimising Σ(α·x + β − g)² over every voxel (either volume may be in pieces). When x is
 * constant, α = 0 and β = mean(g).
 */
export function affineFit(x: Tomogram | Values, g: Tomogram | Values): AffineFit {
  return affineFitOfRuns(pairRuns(x, g));
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
  const bToA = fit ? affineFit(b, a) : null;
  const [alpha, beta] = bToA ? [bToA.alpha, bToA.beta] : [1, 0];
  const volume = allocateLike(a);
  const [rowA, rowB, rowOut] = [rowReader(a), rowReader(b), rowReader(volume)];
  forEachRow(a, (y, z) => {
    const [va, vb, out] = [rowA(y, z), rowB(y, z), rowOut(y, z)];
    for (let x = 0; x < out.length; x++) out[x] = va[x] - (alpha * vb[x] + beta);
  });
  return { volume, fit: bToA };
}

/** max(truth) − min(truth), the PSNR's and SSIM's L (0 for no values). */
function rangeOf(truth: Tomogram | Values): number {
  let min = Infinity;
  let max = -Infinity;
  for (const g of isTomogram(truth) ? volumePieces(truth).map((p) => p.volume.data) : [truth]) {
    for (let i = 0; i < g.length; i++) {
      if (g[i] < min) min = g[i];
      if (g[i] > max) max = g[i];
    }
  }
  return max >= min ? max - min : 0;
}

/**
 * What every score of `result` against `truth` reads it with: the result's affine fit to the truth and the truth's
 * range L = max − min. Two passes over both volumes and one over the truth: made once for all the scores.
 */
export interface FitToTruth {
  fit: AffineFit;
  dataRange: number;
}

export function fitToTruth(result: Tomogram | Values, truth: Tomogram | Values): FitToTruth {
  return { fit: affineFit(result, truth), dataRange: rangeOf(truth) };
}

/** 10·log10(L² / mse), L = `dataRange` (max(truth) − min(truth)); +Infinity for mse 0. */
export function psnrOfMse(mse: number, dataRange: number): number {
  if (mse === 0) return Infinity;
  return 10 * Math.log10((dataRange * dataRange) / mse);
}

/**
 * PSNR in dB of `result` against `truth` after the affine fit, L = max(truth) − min(truth) (`fitted`: both, when
 * the caller has them). Returns +Infinity for a perfect fit (including a constant truth, which any result fits).
 */
export function psnr(result: Tomogram | Values, truth: Tomogram | Values, fitted = fitToTruth(result, truth)): number {
  const runs = pairRuns(result, truth);
  const { alpha, beta } = fitted.fit;
  // Summed in place, run by run: no copy of a large volume.
  let se = 0;
  let n = 0;
  for (const [x, g] of runs()) {
    for (let i = 0; i < g.length; i++) {
      const d = alpha * x[i] + beta - g[i];
      se += d * d;
    }
    n += g.length;
  }
  return psnrOfMse(se / Math.max(1, n), fitted.dataRange);
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

/** The SSIM map summed over some of a volume's voxels, and how many: parts summed apart (bands of rows) add up. */
export interface SsimSums {
  sum: number;
  count: number;
}

/**
 * Mean SSIM of two volumes of one size (either may be held in pieces) exactly as scikit-image's
 * structural_similarity(im1, im2, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=dataRange). `fit` reads im2 as α·im2 + β (ssim3d's affine fit, without a fitted copy of the volume).
 * One thread; cpu/ssimPass.ts splits the same sums over the CPU pool's threads.
 */
export function structuralSimilarity3d(im1: Tomogram, im2: Tomogram, dataRange: number, fit: AffineFit = { alpha: 1, beta: 0 }): number {
  checkSsimSizes(im1, im2);
  const { sum, count } = ssimSums(im1, im2, dataRange, fit, [SSIM_RADIUS, im1.ny - SSIM_RADIUS]);
  return sum / count;
}

/** Both volumes of one size, every dimension at least the Gaussian window (as scikit-image requires). */
export function checkSsimSizes(im1: Tomogram, im2: Tomogram): void {
  const { nx, ny, nz } = im1;
  const win = 2 * SSIM_RADIUS + 1;
  if (im2.nx !== nx || im2.ny !== ny || im2.nz !== nz) {
    throw new RangeError(`SSIM needs volumes of one size, got ${im2.nx}×${im2.ny}×${im2.nz} and ${nx}×${ny}×${nz}`);
  }
  if (nx < win || ny < win || nz < win) {
    throw new RangeError(`SSIM needs every dimension ≥ ${win} (the Gaussian window), got ${nx} × ${ny} × ${nz}`);
  }
}

/**
 * The SSIM map of im1 and im2 (one size: the whole volumes, or a band of their rows) summed over the rows
 * [counted[0], counted[1]) and the x and z at least SSIM_RADIUS from the borders.
 *
 * Only voxels whose window lies inside the volume count, so no border's reflection ever does, and a band of rows
 * with SSIM_RADIUS rows either side of the ones it counts (fewer at the volume's own borders) sums exactly what the
 * whole volume would over those rows. Each XY section is read once, its five products (x, y, x², y², xy) filtered
 * along x and y into a ring of the last 11 sections; each output section is the ring's weighted sum along z.
 * Memory: 5 × 12 float64 sections.
 */
export function ssimSums(im1: Tomogram, im2: Tomogram, dataRange: number, fit: AffineFit, counted: readonly [number, number]): SsimSums {
  const { nx, ny, nz } = im1;
  const r = SSIM_RADIUS;
  const win = 2 * r + 1;
  const { alpha, beta } = fit;
  const [rows1, rows2] = [rowReader(im1), rowReader(im2)];
  const w = gaussianKernel(SSIM_SIGMA, r);
  const C1 = (SSIM_K1 * dataRange) ** 2;
  const C2 = (SSIM_K2 * dataRange) ** 2;
  const plane = nx * ny;
  const pad = new Float64Array(Math.max(nx, ny) + 2 * r);
  const tmp = new Float64Array(plane);
  // ring[k][slot]: product k of section z, filtered along x and y, in slot z mod 11.
  const ring = Array.from({ length: 5 }, () => Array.from({ length: win }, () => new Float64Array(plane)));
  const out = Array.from({ length: 5 }, () => new Float64Array(plane));
  let sum = 0;
  let count = 0;

  for (let z = 0; z < nz; z++) {
    const [f1, f2, f11, f22, f12] = ring.map((fields) => fields[z % win]);
    for (let y = 0; y < ny; y++) {
      const [row1, row2] = [rows1(y, z), rows2(y, z)];
      const at = y * nx;
      for (let x = 0; x < nx; x++) {
        const a = row1[x];
        const b = alpha * row2[x] + beta;
        f1[at + x] = a;
        f2[at + x] = b;
        f11[at + x] = a * a;
        f22[at + x] = b * b;
        f12[at + x] = a * b;
      }
    }
    for (const f of [f1, f2, f11, f22, f12]) {
      filterRows(f, nx, ny, w, pad);
      filterColumns(f, nx, ny, w, tmp);
    }
    // Sections z − 2r … z are in the ring: output section z − r, filtered along z.
    if (z < 2 * r) continue;
    for (let k = 0; k < 5; k++) {
      const o = out[k];
      o.fill(0);
      for (let t = 0; t < win; t++) {
        const f = ring[k][(z - 2 * r + t) % win];
        const wt = w[t];
        for (let i = 0; i < plane; i++) o[i] += wt * f[i];
      }
    }
    const [ux, uy, uxx, uyy, uxy] = out;
    for (let y = counted[0]; y < counted[1]; y++) {
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
  return { sum, count };
}

/**
 * 3-D SSIM of `result` against `truth` (docs/conventions.md#psnr-and-ssim), either held in pieces: affine-fit
 * result → x', then structural_similarity(truth, x', data_range = max(truth) − min(truth)). Identical volumes
 * give 1; a constant truth (L = 0) gives NaN, as scikit-image does.
 */
export function ssim3d(result: Tomogram, truth: Tomogram): number {
  checkSsimSizes(truth, result);
  const { dataRange, fit } = fitToTruth(result, truth);
  return structuralSimilarity3d(truth, result, dataRange, fit);
}
