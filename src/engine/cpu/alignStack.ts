/**
 * A stack alignment applied on the CPU pool (the CPU path's resampler; the GPU path's is align/resample.ts, both
 * tested against reference/alignment.ts): a section a thread per round, the round's raw and aligned sections
 * staged in shared memory, so that only a few sections are ever held twice; a cancel is seen between rounds.
 */
import type { StackAlignment } from '../../io/alignmentFiles.ts';
import type { SectionStack } from '../align/geometry.ts';
import { throwIfAborted } from '../types.ts';
import { sharedFloats, type CpuPool } from './pool.ts';

export async function alignStackOnPool(
  raw: SectionStack,
  alignment: Pick<StackAlignment, 'transforms' | 'keptSections'>,
  pool: CpuPool,
  options: { outputSize?: { nx: number; ny: number }; signal?: AbortSignal } = {},
): Promise<SectionStack> {
  const { nx, ny } = options.outputSize ?? raw;
  const [rawPlane, plane] = [raw.nx * raw.ny, nx * ny];
  const sections = alignment.keptSections.length;
  const data = new Float32Array(plane * sections);
  const perRound = pool.threads;
  const staged = { raw: sharedFloats(perRound * rawPlane), out: sharedFloats(perRound * plane) };
  for (let k0 = 0; k0 < sections; k0 += perRound) {
    // A turn of the event loop first, so that a cancel sent meanwhile is seen.
    await new Promise((resolve) => setTimeout(resolve, 0));
    throwIfAborted(options.signal);
    const rows = Math.min(perRound, sections - k0);
    const transforms = new Float64Array(6 * rows);
    for (let j = 0; j < rows; j++) {
      const section = alignment.keptSections[k0 + j];
      staged.raw.set(raw.data.subarray(section * rawPlane, (section + 1) * rawPlane), j * rawPlane);
      const { xx, xy, yx, yy, x0, y0 } = alignment.transforms[k0 + j];
      transforms.set([xx, xy, yx, yy, x0, y0], 6 * j);
    }
    await pool.run({ kernel: 'alignSections', y0: 0, rows, raw: staged.raw, rawNx: raw.nx, rawNy: raw.ny, out: staged.out, nx, ny, transforms });
    data.set(staged.out.subarray(0, rows * plane), k0 * plane);
  }
  return { nx, ny, nSections: sections, data };
}
