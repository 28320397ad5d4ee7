/**
 * SIRT on the CPU pool (docs/cpu.md): the iteration of run.ts, x ← x + λ·C·Aᵀ·R·(b − A·x) from x = 0 with
 * the same weights (./weights.ts), done
 * iteration by iteration over every row (each row on its own, as the GPU's slabs), so the residual curve is the
 * whole tomogram's from the first iteration on.
 */
import { poolSlabs, rowGeometry } from '../../cpu/projection.ts';
import { sharedCopy, sharedDoubles, sharedFloats, type CpuPool } from '../../cpu/pool.ts';
import { sirtColumnWeights } from '../../cpu/sirt.ts';
import { doseWeightOnPool } from '../../cpu/doseWeighting.ts';
import { throwIfAborted, type TiltSeries } from '../../types.ts';
import { planPieces, tomogramOf, type Tomogram } from '../../../io/piecedVolume.ts';
import { slabTilts, type RunOptions } from '../slabs.ts';
import type { SirtParams } from './base.ts';
import { sirtRowWeights } from './weights.ts';

/** The tomogram in pieces of at most options.pieceBytes (io/piecedVolume.ts): each piece iterates on its own rows of the tilts. */
export async function reconstructSirtCpu(pool: CpuPool, tiltSeries: TiltSeries, params: SirtParams, options: RunOptions = {}): Promise<{ volume: Tomogram; residuals: number[] }> {
  if (params.doseWeighting) options.onProgress?.({ fraction: 0, message: 'SIRT: dose weighting the tilts' });
  const ts = params.doseWeighting ? await doseWeightOnPool(pool, tiltSeries, options.signal) : tiltSeries;
  const { nx, ny } = ts;
  const nz = params.thickness;
  const K = params.iterations;
  const g = rowGeometry(nx, nz, ts.tiltAngles, params.invertAngles);
  const rowWeights = sirtRowWeights(ts.tiltAngles, nx, 1, nz, params.textbookWeights);
  const sharedRowWeights = sharedCopy(rowWeights);
  const columnWeights = sharedCopy(sirtColumnWeights(g, rowWeights));
  // ‖b‖ over the rays kept: rowWeights has one detector row per tilt, the same for every row y.
  let norm = 0;
  ts.data.forEach((v, i) => (norm += rowWeights[Math.floor(i / (nx * ny)) * nx + (i % nx)] > 0 ? v * v : 0));
  // Each piece's measured rows b, its tomogram x and its rows' residuals; one piece holds every row (the usual case).
  const pieces = planPieces(nx, ny, nz, options.pieceBytes).map((rows) => ({
    b: sharedCopy(rows.ny === ny ? ts.data : slabTilts(ts, rows)),
    x: sharedFloats(nx * rows.ny * nz),
    ny: rows.ny,
    residuals: sharedDoubles(rows.ny),
    slabs: poolSlabs(pool, rows.ny),
  }));
  const residuals: number[] = [];
  // Iteration 0 updates x from 0 (its residual is ‖b‖, known); iteration it then measures the residual after `it` updates.
  for (let it = 0; it <= K; it++) {
    for (const { b, x, ny: rows, residuals: rowResiduals, slabs } of pieces) {
      for (const slab of slabs) {
        throwIfAborted(options.signal);
        const { relaxation, positivity } = params;
        await pool.run({ kernel: 'sirtIteration', y0: slab.y0, rows: slab.ny, g, b, x, ny: rows, rowWeights: sharedRowWeights, columnWeights, relaxation, positivity, step: it < K, residuals: rowResiduals });
      }
    }
    const squared = pieces.reduce((sum, piece) => piece.residuals.reduce((s, r) => s + r, sum), 0);
    if (it > 0) residuals.push(Math.sqrt(squared / (norm || 1)));
    options.onProgress?.({ fraction: it / K, message: `SIRT: iteration ${it}/${K}`, residuals: [...residuals] });
  }
  return { volume: tomogramOf(pieces.map(({ x, ny: rows }) => ({ nx, ny: rows, nz, data: x.slice(), pixelSize: ts.pixelSize }))), residuals };
}
