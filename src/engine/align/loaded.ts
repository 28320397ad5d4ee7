/**
 * A loaded raw stack made into the tilt series the methods reconstruct: its kept sections resampled through
 * the alignment that came with it (io/sideFiles.ts), or rotated by the tilt-axis angle given at load. One step
 * for the page's worker and the CLI: on the GPU path the WGSL resampler, on the CPU path the plain TypeScript
 * one it is tested against (a bilinear sample per pixel: seconds for a binned stack, small beside a
 * reconstruction).
 */
import type { LoadedTiltSeries } from '../../io/tiltSeriesFiles.ts';
import type { EngineContext } from '../context.ts';
import { alignStackCpu } from '../reference/alignment.ts';
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
  const aligned = engine.path === 'gpu' ? await alignStackGpu(engine.gpu, raw, sections, { signal, outputSize }) : alignStackCpu(raw, sections, 1, outputSize);
  return { ...ts, nx: aligned.nx, ny: aligned.ny, data: aligned.data };
}
