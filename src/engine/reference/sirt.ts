/**
 * CPU reference of SIRT, x ← x + λ·C·Aᵀ·R·(b − A·x) from x = 0, for tests of the GPU method (methods/sirt/weights.ts
 * says why rays are weighted so): R = |cos θ|/nz, or textbook R = 1/(A·1), for every ray that meets the volume, R = 0
 * for the others; C = 1/(Aᵀ·1); the residual is over the rays that meet the volume.
 */
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
  textbookWeights = false,
): { volume: Volume; residuals: number[] } {
  const { nx, ny } = ts;
  const ones: Volume = { nx, ny, nz, pixelSize: ts.pixelSize, data: new Float32Array(nx * ny * nz).fill(1) };
  const lengths = forwardProjectCpu(ones, ts.tiltAngles).data;
  const rowWeights = lengths.map((length, i) => {
    const full = nz / Math.abs(Math.cos((ts.tiltAngles[Math.floor(i / (nx * ny))] * Math.PI) / 180));
    return length > 1e-6 ? 1 / (textbookWeights ? length : full) : 0;
  });
  const kept = rowWeights.map((w) => (w > 0 ? 1 : 0));
  const columnWeights = reciprocal(backProjectCpu({ ...ts, data: kept }, nz).data);
  const x: Volume = { ...ones, data: new Float32Array(nx * ny * nz) };
  let norm2 = 0;
  ts.data.forEach((v, i) => (norm2 += kept[i] * v * v));
  const residuals: number[] = [];
  for (let it = 0; it <= iterations; it++) {
    const ax = forwardProjectCpu(x, ts.tiltAngles).data;
    let r2 = 0;
    const weighted = new Float32Array(ax.length);
    for (let i = 0; i < ax.length; i++) {
      const r = kept[i] * (ts.data[i] - ax[i]);
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
