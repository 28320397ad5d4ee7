/**
 * What a loaded tilt series' summary says of it, read once when it is loaded (the page's data sets,
 * workers/engine.worker.ts addDataset): why dose weighting (and, for a series with a defocus, the phase flip)
 * cannot apply, a stack offset that FBP and SIRT would turn into a bowl, which way its contrast runs, and tilts
 * that look dark. Three passes over the data (the contrast's
 * box filters the longest); `npm run bench -- --only load` times them beside the load.
 */
import { darkTiltsInData, type DarkTiltHint } from './darkTilts.ts';
import { doseWeightingUnavailable } from './doseWeighting.ts';
import { offsetWarning } from './methods/preprocess.ts';
import type { Microscope } from './ctf.ts';
import { microscopeOf, phaseFlipUnavailable } from './phaseFlip.ts';
import { stackPolarity, type Polarity } from './polarity.ts';
import type { TiltSeries } from './types.ts';

export interface SeriesChecks {
  doseWeightingUnavailable: string | null;
  offset: string | null;
  contrast: { polarity: Polarity; skewness: number };
  darkTilts: DarkTiltHint[];
  /** For a series with a defocus only: why it cannot be phase flipped, or null when it can. */
  phaseFlipUnavailable?: string | null;
  /** For a series with a defocus only: the microscope its flip uses unless told otherwise (microscopeOf). */
  phaseFlipMicroscope?: Microscope;
}

export function seriesChecks(ts: TiltSeries): SeriesChecks {
  return {
    doseWeightingUnavailable: doseWeightingUnavailable(ts),
    offset: offsetWarning(ts, { subtractMean: false }) ?? null,
    contrast: stackPolarity(ts),
    darkTilts: darkTiltsInData(ts),
    ...(ts.defocus && phaseFlipChecks(ts)),
  };
}

/** The phase flip's fields of SeriesChecks, for a series with a defocus. */
function phaseFlipChecks(ts: TiltSeries): Pick<SeriesChecks, 'phaseFlipUnavailable' | 'phaseFlipMicroscope'> {
  return { phaseFlipUnavailable: phaseFlipUnavailable(ts), phaseFlipMicroscope: microscopeOf(ts) };
}
