/**
 * The import bench (`wedgelab bench --only import`): lining a tomogram made elsewhere up with its tilt series
 * (engine/importedTomogram.ts), as the page does for "Add a tomogram" and batch for a ground truth. A random
 * tomogram in IMOD's XZY layout with z reversed, at 256 × 256 × 64, 512 × 512 × 128 and 1024 × 1024 × 256 (--quick:
 * the first), its own projections at −60°, 0° and 60° as the tilts: the turned copy, the orientation told from
 * coarse projections (the plain projector), its position told (engine/tomogramPosition.ts), its content moved in
 * place by 5 voxels along z and then by 0.3 of a voxel along each axis (engine/resample.ts moveByFraction), and the
 * tomogram resampled onto a grid 1.3 times coarser (a file made at a pixel size no whole binning of the tilts
 * gives), against the references timed in the same run: numpy's contiguous copy of the same turn
 * (bench/reorient_reference.py) and scipy's cubic-spline zoom by the same factor (bench/resample_reference.py),
 * each the best of three.
 */
import { detectOrientation, orientTomogram, tomogramFits } from '../engine/importedTomogram.ts';
import { plainProjector } from '../engine/projectionMatch.ts';
import { findPosition, moveContent } from '../engine/tomogramPosition.ts';
import { moveByFraction, resampleTomogram } from '../engine/resample.ts';
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
  /** Then by a fraction of a voxel along each axis (Lanczos interpolation). */
  fractionSeconds: number;
  /** Resampled onto a grid 1.3 times coarser. */
  resampleSeconds: number;
  referenceSeconds: number | null;
  /** Reference time over our copy's: above 1, ours is faster. */
  speedup: number | null;
  /** scipy's cubic-spline zoom by the same factor. */
  resampleReferenceSeconds: number | null;
}

/** The resampling timed: a grid this much coarser, as a 13 Å tomogram of 10 Å tilts. */
const STEP = 1.3;

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
    started = performance.now();
    moveByFraction(turned, { x: 0.3, y: 0.3, z: 0.3 });
    const fractionSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const coarser = (n: number) => ({ length: Math.round(n / STEP), step: STEP });
    resampleTomogram(turned, [coarser(nx), coarser(ny), coarser(nz)], Infinity);
    const resampleSeconds = (performance.now() - started) / 1000;
    const seconds = (script: string) => (context.python(script, [nx, ny, nz]) as { seconds: number } | null)?.seconds ?? null;
    const [referenceSeconds, resampleReferenceSeconds] = [seconds('reorient_reference.py'), seconds('resample_reference.py')];
    const size = `${nx}×${ny}×${nz}`;
    context.log(
      `import ${size}: orientation ${detectSeconds.toFixed(2)} s, turned copy ${copySeconds.toFixed(2)} s, position ${positionSeconds.toFixed(2)} s, moved ${moveSeconds.toFixed(2)} s, ` +
        `by a fraction ${fractionSeconds.toFixed(2)} s, resampled ${resampleSeconds.toFixed(2)} s; numpy copy ${referenceSeconds?.toFixed(2) ?? 'n/a'} s, scipy zoom ${resampleReferenceSeconds?.toFixed(2) ?? 'n/a'} s`,
    );
    rows.push({
      size,
      detectSeconds,
      copySeconds,
      positionSeconds,
      moveSeconds,
      fractionSeconds,
      resampleSeconds,
      referenceSeconds,
      speedup: referenceSeconds === null ? null : referenceSeconds / copySeconds,
      resampleReferenceSeconds,
    });
  }
  return rows;
}

export function importTable(rows: ImportBenchRow[]): string {
  const fmt = (v: number | null, d: number) => (v === null ? 'n/a' : v.toFixed(d));
  return [
    '| tomogram (WedgeLab nx×ny×nz) | orientation from the tilts (s) | turned copy (s) | position from the tilts (s) | moved in place (s) | moved by a fraction (s) | resampled ×1.3 (s) | numpy copy reference (s) | speed-up of the copy | scipy zoom reference (s) | speed-up of the resampling |\n|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.detectSeconds.toFixed(3)} | ${r.copySeconds.toFixed(3)} | ${r.positionSeconds.toFixed(3)} | ${r.moveSeconds.toFixed(3)} | ${r.fractionSeconds.toFixed(3)} | ${r.resampleSeconds.toFixed(3)} | ` +
        `${fmt(r.referenceSeconds, 3)} | ${fmt(r.speedup, 2)}× | ${fmt(r.resampleReferenceSeconds, 3)} | ${r.resampleReferenceSeconds === null ? 'n/a' : (r.resampleReferenceSeconds / r.resampleSeconds).toFixed(2)}× |`,
    ),
  ].join('\n');
}
