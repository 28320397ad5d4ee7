/**
 * CPU references for local learned reconstruction (CryoLithe layout, docs/background.md#cryolithe):
 * - localnetCpu: the tiny test network of models/tiny (make_tiny.py, README.md there) in float64, from
 *   the weights card (.json) that make_tiny.py writes beside each .onnx with the same float32 values;
 * - oddLocalnetCpu: that network as the engine runs a model that is not odd itself, (f(x) − f(−x))/2
 *   (methods/localnet/model.ts: the polarity guard);
 * - reconstructLocalnetCpu: the whole pipeline with that network (normalise, filter, patches, network,
 *   inverse wavelet), the reference methods/localnet/run.ts is tested against on the GPU.
 */
import { filterResponse, paddedLength } from '../filters.ts';
import { tiltTrig } from '../geometry.ts';
import { stackMeanStd } from '../methods/preprocess.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { filterRowsCpu } from './filter.ts';
import { halfGridOrigin, halfLength, type PatchGrid } from '../methods/localnet/grid.ts';
import { extractPatchesCpu } from './patches.ts';
import { idwt3Cpu } from './wavelet3d.ts';

interface WeightArray {
  shape: number[];
  data: number[];
}

/** The weights card of a tiny model (models/tiny/tiny_*.json). Every weight is [in][out] (x @ W). */
export interface TinyLocalnetCard {
  patch: number;
  features: number;
  hidden: number;
  rowFeatures: number;
  combineHidden: number;
  outputs: number;
  weights: Record<'W1' | 'W2' | 'W3' | 'Wc1' | 'Wc2', WeightArray>;
}

const TWO_PI = Math.fround(2 * Math.PI);

/** ONNX Round: to the nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** x [n] @ W[offset …] ([n][m]) → [m], optionally through ReLU. */
function linear(x: ArrayLike<number>, w: number[], offset: number, n: number, m: number, relu: boolean): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) y[j] += x[i] * w[offset + i * m + j];
  if (relu) for (let j = 0; j < m; j++) y[j] = Math.max(0, y[j]);
  return y;
}

/**
 * The tiny network on `batch` points' patches ([point][tilt][row][col]) at `angles` (degrees):
 * per patch row s, h = (row · W1[s]) ⊙ pe(θ), relu(h · W2[s]), mean over tilts, relu(· W3[s]);
 * rows concatenated, relu(· Wc1) · Wc2. Returns [point][output].
 */
export function localnetCpu(card: TinyLocalnetCard, patches: Float32Array, batch: number, angles: readonly number[]): Float64Array {
  const { patch: P, features: F, hidden: H, rowFeatures: G, combineHidden: C, outputs, weights } = card;
  const T = angles.length;
  // pe[t][2i] = sin(θ / 1000^(2i/F)), pe[t][2i+1] = cos(same); θ as the float32 the model receives, the
  // argument reduced to [−π, π] in float32 as the graph does (make_tiny.py says why).
  const pe = angles.map((a) =>
    Array.from({ length: F }, (_, j) => {
      const arg = Math.fround(Math.fround(a) * Math.fround(1000 ** (-(2 * Math.floor(j / 2)) / F)));
      const r = Math.fround(arg - Math.fround(roundHalfEven(Math.fround(arg / TWO_PI)) * TWO_PI));
      return j % 2 === 0 ? Math.sin(r) : Math.cos(r);
    }),
  );
  const out = new Float64Array(batch * outputs);
  for (let b = 0; b < batch; b++) {
    const concat = new Float64Array(P * G);
    for (let s = 0; s < P; s++) {
      const mean = new Float64Array(H);
      for (let t = 0; t < T; t++) {
        const row = patches.subarray(((b * T + t) * P + s) * P, ((b * T + t) * P + s + 1) * P);
        const h = linear(row, weights.W1.data, s * P * F, P, F, false).map((v, j) => v * pe[t][j]);
        linear(h, weights.W2.data, s * F * H, F, H, true).forEach((v, j) => (mean[j] += v / T));
      }
      concat.set(linear(mean, weights.W3.data, s * H * G, H, G, true), s * G);
    }
    out.set(linear(linear(concat, weights.Wc1.data, 0, P * G, C, true), weights.Wc2.data, 0, C, outputs, false), b * outputs);
  }
  return out;
}

/** (f(x) − f(−x))/2 of the tiny network f: what the engine evaluates for a model that is not odd itself. */
export function oddLocalnetCpu(card: TinyLocalnetCard, patches: Float32Array, batch: number, angles: readonly number[]): Float64Array {
  const plus = localnetCpu(card, patches, batch, angles);
  const minus = localnetCpu(card, patches.map((v) => -v), batch, angles);
  return plus.map((v, i) => 0.5 * (v - minus[i]));
}

/**
 * The whole pipeline on the CPU: normalise the stack (one mean and std), filter every row (cosine-windowed
 * ramp, zero-padded), patches at every voxel (outputs 1) or bior3.1 half-grid point (outputs 8), the network
 * (its odd part, as the engine runs the tiny models, which are not odd; or, `oddPart` false, the network as it is;
 * outputs times the std: back to the stack's units), and for the wavelet variant the inverse transform.
 * The tomogram is nx × ny × nz; `invertAngles` negates the tilt angles (patch geometry and the model's input).
 */
export function reconstructLocalnetCpu(card: TinyLocalnetCard, ts: TiltSeries, nz: number, { invertAngles = false, oddPart = true } = {}): Volume {
  const { nx, ny, nTilts } = ts;
  const { mean, std } = stackMeanStd(ts);
  const normalised = ts.data.map((v) => (v - mean) / std);
  const filtered = filterRowsCpu(normalised, nTilts * ny, nx, filterResponse({ name: 'cosine' }, paddedLength(nx)));
  const source = { data: filtered, nTilts, nDet: nx, nRows: ny, rowOffset: 0, nyDet: ny };
  const angles = ts.tiltAngles.map((a) => (invertAngles ? -a : a));
  const wavelet = card.outputs === 8;
  const grid: PatchGrid = wavelet
    ? {
        gx: halfLength(nx),
        gy: halfLength(ny),
        gz: halfLength(nz),
        origin: [halfGridOrigin(nx), halfGridOrigin(ny), halfGridOrigin(nz)],
        step: [2, 2, 2],
      }
    : { gx: nx, gy: ny, gz: nz, origin: [-(nx - 1) / 2, -(ny - 1) / 2, -(nz - 1) / 2], step: [1, 1, 1] };
  const points = grid.gx * grid.gy * grid.gz;
  const patches = extractPatchesCpu(source, tiltTrig(ts.tiltAngles, invertAngles), grid, card.patch, 0, points);
  // Times the stack's std: the model maps normalised inputs to voxels in units of that std.
  const network = oddPart ? oddLocalnetCpu : localnetCpu;
  const values = Float32Array.from(network(card, patches, points, angles), (v) => v * std);
  if (!wavelet) return { nx, ny, nz, data: values, pixelSize: ts.pixelSize };
  return idwt3Cpu({ mx: grid.gx, my: grid.gy, mz: grid.gz, data: values }, nx, ny, nz, ts.pixelSize);
}
