/**
 * A tomogram resampled onto another grid: other voxel sizes (a tomogram made at a pixel size that is no whole
 * binning of the tilts', as Warp, RELION 5 and AreTomo's fractional AtBin make them) and a shift, axis by axis.
 *
 * Lanczos interpolation (a = 3): a windowed sinc, so detail up to the coarser grid's Nyquist is kept nearly whole,
 * where linear interpolation would damp it (a quarter of the amplitude lost at half Nyquist). Made coarser, the
 * kernel is widened by the step, which low-passes to the new Nyquist first (no aliasing). Separable: one pass along
 * x on every row, then y, then z, each into a new tomogram (in pieces as results are).
 */
import { allocateTomogram, rowReader, type Tomogram } from '../io/piecedVolume.ts';

/**
 * One axis of a resampling: `length` output samples, output i taken at input position
 * (i − ⌊length / 2⌋) · step + ⌊n / 2⌋ + shift (input voxels; n the input's length). The centres ⌊n / 2⌋ line up, as
 * MRC volumes are centred; with step 1 and a whole shift the output is the input moved, value for value.
 */
export interface AxisMap {
  length: number;
  /** Output voxel in input voxels: > 1 makes the grid coarser. */
  step: number;
  shift?: number;
}

/** Lanczos' lobes either side: 3, the usual balance of sharpness and ringing. */
const LOBES = 3;

function lanczos(t: number): number {
  // Exactly 0 at the other whole positions (sin(πk) in floating point is not), so that a whole shift copies.
  if (Number.isInteger(t)) return t === 0 ? 1 : 0;
  if (Math.abs(t) >= LOBES) return 0;
  const pt = Math.PI * t;
  return (LOBES * Math.sin(pt) * Math.sin(pt / LOBES)) / (pt * pt);
}

/**
 * Each output sample's input indices and weights along one axis of n inputs, `taps` per sample (indices clamped to
 * the input: the edge voxel repeated), weights summing to 1 so that a constant stays constant.
 */
function axisWeights(n: number, { length, step, shift = 0 }: AxisMap): { taps: number; index: Int32Array; weight: Float32Array } {
  const widen = Math.max(1, step);
  const reach = LOBES * widen;
  const taps = 2 * Math.ceil(reach) + 1;
  const index = new Int32Array(length * taps);
  const weight = new Float32Array(length * taps);
  for (let i = 0; i < length; i++) {
    const at = (i - Math.floor(length / 2)) * step + Math.floor(n / 2) + shift;
    const start = Math.floor(at) - Math.ceil(reach) + 1;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const w = lanczos((start + k - at) / widen);
      index[i * taps + k] = Math.min(n - 1, Math.max(0, start + k));
      weight[i * taps + k] = w;
      sum += w;
    }
    for (let k = 0; k < taps; k++) weight[i * taps + k] /= sum;
  }
  return { taps, index, weight };
}

/**
 * `volume` resampled onto the grid `maps` give (x, y, z; AxisMap), its pixel size scaled by the x step. Each pass
 * makes a new tomogram from the one before, which is then let go: at most two are held beside the input.
 */
export function resampleTomogram(volume: Tomogram, maps: readonly [AxisMap, AxisMap, AxisMap], pieceBytes?: number): Tomogram {
  const [mx, my, mz] = maps;
  const pixelSize = volume.pixelSize * mx.step;
  // Along x: every input row to its new length.
  const alongX = (input: Tomogram) => {
    const out = allocateTomogram(mx.length, input.ny, input.nz, pixelSize, pieceBytes);
    const [read, write, weights] = [rowReader(input), rowReader(out), axisWeights(input.nx, mx)];
    for (let z = 0; z < input.nz; z++) for (let y = 0; y < input.ny; y++) weighRow(read(y, z), write(y, z), weights);
    return out;
  };
  // Along y, then z: each output row a weighted sum of whole rows.
  const alongY = (input: Tomogram) => {
    const out = allocateTomogram(input.nx, my.length, input.nz, pixelSize, pieceBytes);
    addRows(rowReader(input), rowReader(out), axisWeights(input.ny, my), my.length, input.nz, (i, z) => [i, z]);
    return out;
  };
  const alongZ = (input: Tomogram) => {
    const out = allocateTomogram(input.nx, input.ny, mz.length, pixelSize, pieceBytes);
    addRows(rowReader(input), rowReader(out), axisWeights(input.nz, mz), mz.length, input.ny, (i, y) => [y, i]);
    return out;
  };
  return alongZ(alongY(alongX(volume)));
}

/**
 * Moves the content of `volume` in place by `by` voxels along each axis (positive: towards higher indices), each
 * under one voxel: what the whole-voxel move (tomogramPosition's moveContent) leaves; along z by `zOfRow(y)` for
 * row y where given (a tilt about x: tomogramPosition's zFractionOfRow). Lanczos interpolation along each axis that
 * moves, the edge voxel repeated where content moves in; a row or section at a time is copied aside.
 */
export function moveByFraction(volume: Tomogram, by: { x: number; y: number; z: number }, zOfRow: (row: number) => number = () => by.z): void {
  const { nx, ny, nz } = volume;
  const read = rowReader(volume);
  // Content moved by s: output i is the input at i − s.
  const weights = (n: number, s: number) => axisWeights(n, { length: n, step: 1, shift: -s });
  if (by.x !== 0) {
    const wx = weights(nx, by.x);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) {
        const row = read(y, z);
        weighRow(row.slice(), row, wx);
      }
  }
  if (by.y !== 0) {
    const wy = weights(ny, by.y);
    for (let z = 0; z < nz; z++) {
      const section = aside(ny, (y) => read(y, z), nx);
      addRows(section, (y) => read(y, z), wy, ny, 1, (i) => [i, 0]);
    }
  }
  // Rows moving alike share their weights.
  const zWeights = new Map<number, ReturnType<typeof axisWeights>>();
  for (let y = 0; y < ny; y++) {
    const s = zOfRow(y);
    if (s === 0) continue;
    if (!zWeights.has(s)) zWeights.set(s, weights(nz, s));
    const column = aside(nz, (z) => read(y, z), nx);
    addRows(column, (z) => read(y, z), zWeights.get(s) as ReturnType<typeof axisWeights>, nz, 1, (i) => [i, 0]);
  }
}

/** A copy of `count` rows of `nx` (row(k)), read back by k: what an in-place pass reads while it writes. */
function aside(count: number, row: (k: number) => Float32Array, nx: number): (k: number) => Float32Array {
  const copy = new Float32Array(count * nx);
  for (let k = 0; k < count; k++) copy.set(row(k), k * nx);
  return (k) => copy.subarray(k * nx, (k + 1) * nx);
}

/** One row resampled along itself: out[i] the weighted sum of `row` at the weights' indices. */
function weighRow(row: Float32Array, out: Float32Array, { taps, index, weight }: ReturnType<typeof axisWeights>): void {
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = i * taps; k < (i + 1) * taps; k++) sum += weight[k] * row[index[k]];
    out[i] = sum;
  }
}

/**
 * Output rows as weighted sums of input rows along one axis (y or z): for each of `others` rows across and each
 * output sample i, `at(i, other)` names the output row (y, z), and the input rows are the same with i replaced by
 * the weights' indices.
 */
function addRows(
  read: (y: number, z: number) => Float32Array,
  write: (y: number, z: number) => Float32Array,
  { taps, index, weight }: ReturnType<typeof axisWeights>,
  length: number,
  others: number,
  at: (i: number, other: number) => [number, number],
): void {
  for (let other = 0; other < others; other++)
    for (let i = 0; i < length; i++) {
      const out = write(...at(i, other)).fill(0);
      for (let k = i * taps; k < (i + 1) * taps; k++) {
        const w = weight[k];
        if (w === 0) continue;
        const row = read(...at(index[k], other));
        for (let x = 0; x < out.length; x++) out[x] += w * row[x];
      }
    }
}
