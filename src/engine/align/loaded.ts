/**
 * A loaded raw stack made into the tilt series the methods reconstruct: its kept sections resampled through
 * the alignment that came with it (io/sideFiles.ts), on the GPU. One step for the page's worker and the CLI.
 */
import type { LoadedTiltSeries } from '../../io/tiltSeriesFiles.ts';
import { requireGpu, type EngineContext } from '../context.ts';
import type { TiltSeries } from '../types.ts';
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
  const aligned = await alignStackGpu(requireGpu(engine, 'Resampling a stack through its alignment'), { nx: ts.nx, ny: ts.ny, nSections: ts.nTilts, data: ts.data }, sections, { signal });
  return { ...ts, nx: aligned.nx, ny: aligned.ny, data: aligned.data };
}
