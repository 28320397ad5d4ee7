/** CPU reference of SIRT, x ← x + λ·C·Aᵀ·R·(b − A·x) from x = 0, for tests of the GPU method. */
import type { TiltSeries, Volume } from '../types.ts';
import { backProjectCpu, forwardProjectCpu } from './projector.ts';

function reciprocal(values: Float32Array): Float32Array {
  return values.map((v) => (v > 1e-6 ? 1 / v : 0));
}

export function sirtCpu(
  ts: TiltSeries,
  nz: number,
  iterations: number,
  relaxation: number,
  positivity: boolean,
): { volume: Volume; residuals: number[] } {
  const { nx, ny } = ts;
  const ones: Volume = { nx, ny, nz, pixelSize: ts.pixelSize, data: new Float32Array(nx * ny * nz).fill(1) };
  const rowWeights = reciprocal(forwardProjectCpu(ones, ts.tiltAngles).data);
  const columnWeights = reciprocal(backProjectCpu({ ...ts, data: new Float32Array(ts.data.length).fill(1) }, nz).data);
  const x: Volume = { ...ones, data: new Float32Array(nx * ny * nz) };
  let norm2 = 0;
  for (const v of ts.data) norm2 += v * v;
  const residuals: number[] = [];
  for (let it = 0; it <= iterations; it++) {
    const ax = forwardProjectCpu(x, ts.tiltAngles).data;
    let r2 = 0;
    const weighted = new Float32Array(ax.length);
    for (let i = 0; i < ax.length; i++) {
      const r = ts.data[i] - ax[i];
      r2 += r * r;
      weighted[i] = r * rowWeights[i];
    }
    if (it > 0) residuals.push(Math.sqrt(r2 / norm2));
    if (it === iterations) break;
    const g = backProjectCpu({ ...ts, data: weighted }, nz).data;
    for (let j = 0; j < x.data.length; j++) {
      const v = x.data[j] + relaxation * columnWeights[j] * g[j];
      x.data[j] = positivity ? Math.max(0, v) : v;
    }
  }
  return { volume: x, residuals };
}
