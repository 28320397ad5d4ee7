/** The kernel of the SSIM pass (./ssimPass.ts): each of a round's bands of rows summed on a pool thread. */
import { ssimSums, type AffineFit } from '../metrics/quality.ts';

/** Bands [y0, y0 + rows) of a round: each band's rows summed into sums[2i] (the map) and sums[2i + 1] (voxels). */
export interface SsimBandsTask {
  kernel: 'ssimBands';
  y0: number;
  rows: number;
  nx: number;
  nz: number;
  /** Per band of the round, four numbers: its offset in `truth` and `result` (values), rows held, first row counted, end of the rows counted. */
  bands: Int32Array;
  truth: Float32Array;
  result: Float32Array;
  dataRange: number;
  fit: AffineFit;
  sums: Float64Array;
}

export function ssimBandRows(task: SsimBandsTask, from: number, to: number): void {
  const { nx, nz } = task;
  for (let k = from; k < to; k++) {
    const i = k - task.y0;
    const [offset, rows, first, end] = task.bands.subarray(4 * i, 4 * i + 4);
    const band = (data: Float32Array) => ({ nx, ny: rows, nz, pixelSize: 0, data: data.subarray(offset, offset + nx * rows * nz) });
    const { sum, count } = ssimSums(band(task.truth), band(task.result), task.dataRange, task.fit, [first, end]);
    [task.sums[2 * i], task.sums[2 * i + 1]] = [sum, count];
  }
}
