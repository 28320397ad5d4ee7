/**
 * The odd/even FSC's core (docs/conventions.md#odd-even-fsc): the FSC of two tomograms of the same specimen with
 * independent noise. The halves are a series' even- and odd-indexed tilts, or (frame halves) the same tilts summed
 * from only the even and only the odd movie frames. Whoever calls it says how a half is reconstructed: ./oddEven.ts
 * with any reconstruction method, the local network's FSC-weighted hand-over with a plain cosine FBP.
 */
import type { FrameHalf } from '../../io/relionStar.ts';
import { MIN_TILTS } from '../../io/tiltSeriesChecks.ts';
import type { Tomogram } from '../../io/piecedVolume.ts';
import type { CpuPool } from '../cpu/pool.ts';
import { fscOfTomograms } from '../cpu/spectrumPasses.ts';
import { oddEvenSplit } from '../metrics/crossValidation.ts';
import type { FscCurves } from '../metrics/fsc.ts';
import type { TiltSeries } from '../types.ts';
import { subsetTilts } from './tiltSubsets.ts';

/** The even or the odd half, by tilt or by movie frame. */
export type Half = FrameHalf;

/** One half's tilt series, made or read when its turn comes (so that only one is held at a time). */
export type HalfSeries = (which: Half) => Promise<TiltSeries>;

/** Each half is reconstructed on its own, so it needs MIN_TILTS tilts: the refusal naming `purpose`, or null. */
export function tooFewForHalves(nTilts: number, purpose: string): string | null {
  return nTilts < 2 * MIN_TILTS ? `${purpose} needs at least ${2 * MIN_TILTS} tilts (this series has ${nTilts})` : null;
}

/** The halves of `ts` by tilt: its even- and its odd-indexed tilts (refused with too few tilts for two halves). */
function tiltHalves(ts: TiltSeries, purpose: string): HalfSeries {
  const tooFew = tooFewForHalves(ts.nTilts, purpose);
  if (tooFew) throw new Error(tooFew);
  const split = oddEvenSplit(ts.tiltAngles);
  return async (which) => subsetTilts(ts, split[which]);
}

/**
 * The FSC of the halves' tomograms (of `halves`' even- and odd-indexed tilts when it is a tilt series), either held
 * in pieces: over their half spectra on `pool` (../cpu/spectrumPasses.ts).
 */
export async function halvesFsc(
  halves: TiltSeries | HalfSeries,
  reconstructHalf: (half: TiltSeries, which: Half) => Promise<Tomogram>,
  pool: CpuPool,
  purpose = 'odd/even FSC',
): Promise<FscCurves> {
  const halfSeries = typeof halves === 'function' ? halves : tiltHalves(halves, purpose);
  const a = await reconstructHalf(await halfSeries('even'), 'even');
  const b = await reconstructHalf(await halfSeries('odd'), 'odd');
  return fscOfTomograms(a, b, undefined, pool);
}
