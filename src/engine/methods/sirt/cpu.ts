/**
 * SIRT on the CPU pool (docs/cpu.md): the iteration of run.ts, x ← x + λ·C·Aᵀ·R·(b − A·x) from x = 0 with
 * the same weights (./weights.ts), done
 * iteration by iteration over every row (each row on its own, as the GPU's slabs), so the residual curve is the
 * whole tomogram's from the first iteration on.
 */
import { poolSlabs, rowGeometry } from '../../cpu/projection.ts';
import { sharedCopy, sharedDoubles, sharedFloats, type CpuPool } from '../../cpu/pool.ts';
import { sirtColumnWeights } from '../../cpu/sirt.ts';
import { doseWeightTiltSeries } from '../../doseWeighting.ts';
import { throwIfAborted, type TiltSeries, type Volume } from '../../types.ts';
import type { RunOptions } from '../slabs.ts';
import type { SirtParams } from './base.ts';
import { sirtRowWeights } from './weights.ts';

export async function reconstructSirtCpu(pool: CpuPool, tiltSeries: TiltSeries, params: SirtParams, options: RunOptions = {}): Promise<{ volume: Volume; residuals: number[] }> {
  if (params.doseWeighting) options.onProgress?.({ fraction: 0, message: 'SIRT: dose weighting the tilts' });
  const ts = params.doseWeighting ? doseWeightTiltSeries(tiltSeries) : tiltSeries;
  const { nx, ny } = ts;
  const nz = params.thickness;
  const K = params.iterations;
  const g = rowGeometry(nx, nz, ts.tiltAngles, params.invertAngles);
  const rowWeights = sirtRowWeights(ts.tiltAngles, nx, 1, nz, params.textbookWeights);
  const sharedRowWeights = sharedCopy(rowWeights);
  const columnWeights = sharedCopy(sirtColumnWeights(g, rowWeights));
  const b = sharedCopy(ts.data);
  const x = sharedFloats(nx * ny * nz);
  const rowResiduals = sharedDoubles(ny);
  // ‖b‖ over the rays kept: rowWeights has one detector row per tilt, the same for every row y.
  let norm = 0;
  b.forEach((v, i) => (norm += rowWeights[Math.floor(i / (nx * ny)) * nx + (i % nx)] > 0 ? v * v : 0));
  const residuals: number[] = [];
  const slabs = poolSlabs(pool, ny);
  // Iteration 0 updates x from 0 (its residual is ‖b‖, known); iteration it then measures the residual after `it` updates.
  for (let it = 0; it <= K; it++) {
    for (const slab of slabs) {
      throwIfAborted(options.signal);
      const { relaxation, positivity } = params;
      await pool.run({ kernel: 'sirtIteration', y0: slab.y0, rows: slab.ny, g, b, x, ny, rowWeights: sharedRowWeights, columnWeights, relaxation, positivity, step: it < K, residuals: rowResiduals });
    }
    if (it > 0) residuals.push(Math.sqrt(rowResiduals.reduce((sum, r) => sum + r, 0) / (norm || 1)));
    options.onProgress?.({ fraction: it / K, message: `SIRT: iteration ${it}/${K}`, residuals: [...residuals] });
  }
  return { volume: { nx, ny, nz, data: x.slice(), pixelSize: ts.pixelSize }, residuals };
}
