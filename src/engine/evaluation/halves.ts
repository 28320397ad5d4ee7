/**
 * The odd/even FSC's core (docs/conventions.md#odd-even-fsc): the FSC of two tomograms, one reconstructed from
 * the even-indexed tilts, one from the odd-indexed. Whoever calls it says how a half is reconstructed: ./oddEven.ts
 * with any reconstruction method, the local network's FSC-weighted hand-over with a plain cosine FBP.
 */
import { MIN_TILTS } from '../../io/tiltSeriesChecks.ts';
import { wholeVolume, type Tomogram } from '../../io/piecedVolume.ts';
import { oddEvenSplit } from '../metrics/crossValidation.ts';
import { fsc, type FscCurves } from '../metrics/fsc.ts';
import type { TiltSeries } from '../types.ts';
import { subsetTilts } from './tiltSubsets.ts';

export type Half = 'even' | 'odd';

/** Each half is reconstructed on its own, so it needs MIN_TILTS tilts: the refusal naming `purpose`, or null. */
export function tooFewForHalves(nTilts: number, purpose: string): string | null {
  return nTilts < 2 * MIN_TILTS ? `${purpose} needs at least ${2 * MIN_TILTS} tilts (this series has ${nTilts})` : null;
}

export async function halvesFsc(ts: TiltSeries, reconstructHalf: (half: TiltSeries, which: Half) => Promise<Tomogram>, purpose = 'odd/even FSC'): Promise<FscCurves> {
  const tooFew = tooFewForHalves(ts.nTilts, purpose);
  if (tooFew) throw new Error(tooFew);
  const { even, odd } = oddEvenSplit(ts.tiltAngles);
  const a = wholeVolume(await reconstructHalf(subsetTilts(ts, even), 'even'), `The ${purpose}`);
  const b = wholeVolume(await reconstructHalf(subsetTilts(ts, odd), 'odd'), `The ${purpose}`);
  return fsc(a, b);
}
