/**
 * Box means of an image (each pixel's mean over a (2r + 1)-long box along rows, then along columns): the local mean
 * a high pass subtracts (engine/polarity.ts's skewness, engine/tomogramPosition.ts's matching). Two rules at the
 * edges: 'clip' averages the samples inside the image (a shorter box there), 'repeat' repeats the edge sample (a
 * full box). Sums run in float64.
 */
export type BoxEdge = 'clip' | 'repeat';

/** Running mean of `n` samples `stride` apart from `start`, over a window of ±r, into `dst` at the same places. */
export function boxMeanLine(src: Float32Array, dst: Float32Array, start: number, n: number, stride: number, r: number, edge: BoxEdge): void {
  if (edge === 'repeat') {
    const at = (i: number) => src[start + Math.min(n - 1, Math.max(0, i)) * stride];
    let sum = 0;
    for (let i = -r; i <= r; i++) sum += at(i);
    for (let i = 0; i < n; i++) {
      dst[start + i * stride] = sum / (2 * r + 1);
      sum += at(i + r + 1) - at(i - r);
    }
    return;
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < Math.min(r, n); i++, count++) sum += src[start + i * stride];
  for (let i = 0; i < n; i++) {
    if (i + r < n) {
      sum += src[start + (i + r) * stride];
      count++;
    }
    if (i - r - 1 >= 0) {
      sum -= src[start + (i - r - 1) * stride];
      count--;
    }
    dst[start + i * stride] = sum / count;
  }
}

/**
 * boxMeanLine down every column of an nx × ny image at once, row by row: each column's running sum (in `sums`, nx
 * long) takes the same additions in the same order, so the same values, while the image is read along its rows
 * rather than nx floats apart (a column at a time missed the cache on every sample: 3 × slower at 1024²).
 */
export function boxMeanColumns(src: Float32Array, dst: Float32Array, nx: number, ny: number, r: number, sums: Float64Array, edge: BoxEdge): void {
  sums.fill(0);
  const add = (row: number, sign: number) => {
    for (let x = 0, o = row * nx; x < nx; x++) sums[x] += sign * src[o + x];
  };
  if (edge === 'repeat') {
    const row = (i: number) => Math.min(ny - 1, Math.max(0, i)) * nx;
    for (let i = -r; i <= r; i++) add(Math.min(ny - 1, Math.max(0, i)), 1);
    for (let i = 0; i < ny; i++) {
      const [o, plus, minus] = [i * nx, row(i + r + 1), row(i - r)];
      for (let x = 0; x < nx; x++) {
        dst[o + x] = sums[x] / (2 * r + 1);
        sums[x] += src[plus + x] - src[minus + x];
      }
    }
    return;
  }
  let count = 0;
  for (let i = 0; i < Math.min(r, ny); i++, count++) add(i, 1);
  for (let i = 0; i < ny; i++) {
    if (i + r < ny) {
      add(i + r, 1);
      count++;
    }
    if (i - r - 1 >= 0) {
      add(i - r - 1, -1);
      count--;
    }
    for (let x = 0, o = i * nx; x < nx; x++) dst[o + x] = sums[x] / count;
  }
}

/** The box means of an nx × ny image, along its rows and then its columns, in a new array. */
export function boxMeans(src: Float32Array, nx: number, ny: number, r: number, edge: BoxEdge): Float32Array {
  const rows = new Float32Array(src.length);
  for (let y = 0; y < ny; y++) boxMeanLine(src, rows, y * nx, nx, 1, r, edge);
  const out = new Float32Array(src.length);
  boxMeanColumns(rows, out, nx, ny, r, new Float64Array(nx), edge);
  return out;
}
