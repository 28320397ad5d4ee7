/**
 * The import bench (`wedgelab bench --only import`): lining a tomogram made elsewhere up with its tilt series
 * (engine/importedTomogram.ts), as the page does for "Add a tomogram" and batch for a ground truth. A random
 * tomogram in IMOD's XZY layout with z reversed, at 256 × 256 × 64, 512 × 512 × 128 and 1024 × 1024 × 256 (--quick:
 * the first), its own projections at −60°, 0° and 60° as the tilts: the turned copy, the orientation told from
 * coarse projections (the plain projector), its position told (engine/tomogramPosition.ts) and its content moved in
 * place by 5 voxels along z, against the reference timed in the same run: numpy's contiguous copy of the same turn
 * (bench/reorient_reference.py, best of three).
 */
import { detectOrientation, orientTomogram, tomogramFits } from '../engine/importedTomogram.ts';
import { plainProjector } from '../engine/projectionMatch.ts';
import { findPosition, moveContent } from '../engine/tomogramPosition.ts';
import type { BenchContext } from '../engine/methods/benchKit.ts';
import { wholeVolume } from '../io/piecedVolume.ts';
import { Rng } from '../engine/sim/random.ts';

export interface ImportBenchRow {
  /** WedgeLab's size of the tomogram, nx × ny × nz. */
  size: string;
  /** Telling its orientation from the tilts (coarse copies, 8 flips). */
  detectSeconds: number;
  /** The turned copy into WedgeLab's layout. */
  copySeconds: number;
  /** Telling where its content sits against the tilts (coarse, then a band of rows at up to 512 across). */
  positionSeconds: number;
  /** Moving its content back in place (here 5 voxels along z). */
  moveSeconds: number;
  referenceSeconds: number | null;
  /** Reference time over our copy's: above 1, ours is faster. */
  speedup: number | null;
}

/** The tilts compared with: the nearest 0° and the extremes are all the lining up uses of a series. */
const ANGLES = [-60, 0, 60];

export async function benchImport(context: Pick<BenchContext, 'quick' | 'log' | 'python'>): Promise<ImportBenchRow[]> {
  const rows: ImportBenchRow[] = [];
  for (const [nx, ny, nz] of context.quick ? [[256, 256, 64]] : [[256, 256, 64], [512, 512, 128], [1024, 1024, 256]]) {
    // As IMOD's tilt writes it: nx × nz × ny in the file.
    const rng = new Rng(3);
    const file = { nx, ny: nz, nz: ny, data: new Float32Array(nx * ny * nz).map(() => rng.uniform(0, 1)), pixelSize: 1 };
    const fits = tomogramFits(file, { nx, ny });
    let started = performance.now();
    const turned = orientTomogram(file, { ...fits[0], flips: { x: false, y: false, z: true } }, Infinity);
    const copySeconds = (performance.now() - started) / 1000;
    // Its own projections as the tilts (not timed), so that every step runs as on a real pair: the orientation is
    // told, the position trusted, the bands for a tilt about x looked at.
    const tilts = await plainProjector(wholeVolume(turned, 'The import bench'), ANGLES);
    started = performance.now();
    await detectOrientation(file, fits, tilts, plainProjector);
    const detectSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await findPosition(turned, tilts, 1, 1, plainProjector);
    const positionSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    moveContent(turned, { x: 0, y: 0, z: 5 });
    const moveSeconds = (performance.now() - started) / 1000;
    const reference = context.python('reorient_reference.py', [nx, ny, nz]) as { seconds: number } | null;
    const referenceSeconds = reference?.seconds ?? null;
    const size = `${nx}×${ny}×${nz}`;
    context.log(
      `import ${size}: orientation ${detectSeconds.toFixed(2)} s, turned copy ${copySeconds.toFixed(2)} s, position ${positionSeconds.toFixed(2)} s, moved ${moveSeconds.toFixed(2)} s; numpy copy ${referenceSeconds?.toFixed(2) ?? 'n/a'} s`,
    );
    rows.push({ size, detectSeconds, copySeconds, positionSeconds, moveSeconds, referenceSeconds, speedup: referenceSeconds === null ? null : referenceSeconds / copySeconds });
  }
  return rows;
}

export function importTable(rows: ImportBenchRow[]): string {
  const fmt = (v: number | null, d: number) => (v === null ? 'n/a' : v.toFixed(d));
  return [
    '| tomogram (WedgeLab nx×ny×nz) | orientation from the tilts (s) | turned copy (s) | position from the tilts (s) | moved in place (s) | numpy copy reference (s) | speed-up of the copy |\n|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.size} | ${r.detectSeconds.toFixed(3)} | ${r.copySeconds.toFixed(3)} | ${r.positionSeconds.toFixed(3)} | ${r.moveSeconds.toFixed(3)} | ${fmt(r.referenceSeconds, 3)} | ${fmt(r.speedup, 2)}× |`,
    ),
  ].join('\n');
}
