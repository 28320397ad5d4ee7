/**
 * A loaded raw stack made into the tilt series the methods reconstruct: its kept sections resampled through
 * the alignment that came with it (io/sideFiles.ts), or rotated by the tilt-axis angle given at load; a CTF
 * estimate's astigmatism turned with them, and the column where its defocus holds moved with them. One step
 * for the page's worker and the CLI: on the GPU path the WGSL resampler, on the CPU path the pool's (a section a
 * thread; both tested against the plain TypeScript reference, reference/alignment.ts).
 */
import type { Affine2D } from '../../io/alignmentFiles.ts';
import type { LoadedTiltSeries } from '../../io/tiltSeriesFiles.ts';
import type { Astigmatism } from '../../io/types.ts';
import type { EngineContext } from '../context.ts';
import { alignStackOnPool } from '../cpu/alignStack.ts';
import { throwIfAborted, type TiltSeries } from '../types.ts';
import { alignStackGpu } from './resample.ts';

export async function alignLoadedTiltSeries(
  engine: EngineContext,
  loaded: Pick<LoadedTiltSeries, 'tiltSeries' | 'alignment'>,
  signal?: AbortSignal,
): Promise<TiltSeries> {
  const { tiltSeries: ts, alignment } = loaded;
  if (!alignment) return ts;
  // The loader keeps only the kept sections, in order: section j of the stack goes with transforms[j].
  const sections = { ...alignment, keptSections: alignment.transforms.map((_, j) => j) };
  const raw = { nx: ts.nx, ny: ts.ny, nSections: ts.nTilts, data: ts.data };
  const outputSize = alignment.outputSize;
  throwIfAborted(signal);
  const aligned = engine.path === 'gpu' ? await alignStackGpu(engine.gpu, raw, sections, { signal, outputSize }) : await alignStackOnPool(raw, sections, engine.pool, { signal, outputSize });
  const astigmatism = ts.astigmatism && turnedAstigmatism(ts.astigmatism, alignment.transforms);
  const defocusColumn = ts.defocus && alignment.transforms.map(rawCentreColumn);
  return { ...ts, nx: aligned.nx, ny: aligned.ny, data: aligned.data, ...(astigmatism && { astigmatism }), ...(defocusColumn?.some((x) => x !== 0) && { defocusColumn }) };
}

/** The aligned column (centred pixels) where a section's sampling map puts the raw image's centre: x of the aligned point a with M·a + (x0, y0) = 0. */
export function rawCentreColumn({ xx, xy, yx, yy, x0, y0 }: Affine2D): number {
  return -(yy * x0 - xy * y0) / (xx * yy - xy * yx);
}

/**
 * A CTF estimate's astigmatism made on the raw sections, turned with each section's image into the aligned tilt:
 * its angle plus the alignment's rotation, as IMOD's ctfphaseflip turns it with the .xf it is given (the rotation of
 * the raw → aligned map, atan2(a21 − a12, a11 + a22), that of the inverse of the sampling map each section has).
 * The components turn by twice the angle.
 */
export function turnedAstigmatism(astigmatism: Astigmatism, transforms: readonly Affine2D[]): Astigmatism {
  const turn = transforms.map(({ xx, xy, yx, yy }) => -2 * Math.atan2(yx - xy, xx + yy));
  return {
    cos2: astigmatism.cos2.map((c, j) => c * Math.cos(turn[j]) - astigmatism.sin2[j] * Math.sin(turn[j])),
    sin2: astigmatism.sin2.map((s, j) => astigmatism.cos2[j] * Math.sin(turn[j]) + s * Math.cos(turn[j])),
  };
}
