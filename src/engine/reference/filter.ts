/** CPU reference of row filtering and FBP: zero-pad to the response length, FFT, multiply, inverse FFT, crop. */
import { fft, ifft } from '../fft/cpuFft.ts';
import { fbpWeight } from '../geometry.ts';
import { filterResponse, paddedLength, type FilterSpec } from '../filters.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { backProjectCpu } from './projector.ts';

/** Filter nRows contiguous rows of width nx with a real response of length L ≥ nx. */
export function filterRowsCpu(rows: Float32Array, nRows: number, nx: number, response: Float32Array): Float32Array {
  const L = response.length;
  const out = new Float32Array(nRows * nx);
  const re = new Float64Array(L);
  const im = new Float64Array(L);
  for (let r = 0; r < nRows; r++) {
    re.fill(0);
    im.fill(0);
    for (let j = 0; j < nx; j++) re[j] = rows[r * nx + j];
    fft(re, im);
    for (let j = 0; j < L; j++) {
      re[j] *= response[j];
      im[j] *= response[j];
    }
    ifft(re, im);
    for (let j = 0; j < nx; j++) out[r * nx + j] = re[j];
  }
  return out;
}

/** FBP on the CPU: filter every row, back-project, weight by π/N. */
export function fbpCpu(ts: TiltSeries, filter: FilterSpec, nz: number, invertAngles = false): Volume {
  const response = filterResponse(filter, paddedLength(ts.nx));
  const filtered = filterRowsCpu(ts.data, ts.nTilts * ts.ny, ts.nx, response);
  const volume = backProjectCpu({ ...ts, data: filtered }, nz, invertAngles);
  const w = fbpWeight(ts.nTilts);
  for (let i = 0; i < volume.data.length; i++) volume.data[i] *= w;
  return volume;
}
