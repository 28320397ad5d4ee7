/**
 * Dose weighting (docs/metadata.md#dose-weighting): the exposure filter of Grant & Grigorieff (2015),
 * "Measuring the optimal exposure for single particle cryo-EM using a 2.6 Å reconstruction of rotavirus
 * VP6", eLife 4:e06980. Radiation damage fades the signal at spatial frequency k as exp(−N / (2·Ne(k)))
 * after an exposure of N e/Å², with the critical exposure Ne(k) = a·k^b + c (k in 1/Å) that the paper fits
 * at 300 kV. Each tilt's 2-D Fourier transform is multiplied by that filter for the exposure the tilt was
 * recorded at, so tilts taken late in the series count less at high frequency, where they hold only noise.
 *
 * Runs on the CPU, through tiltFourierFilter.ts (cpu/doseWeighting.ts splits the tilts over the CPU path's pool);
 * doseWeightingGpu.ts is the same filter on the GPU.
 */
import { filterTiltRange, radialFrequencyMap } from './tiltFourierFilter.ts';
import { throwIfAborted, type TiltSeries } from './types.ts';

/** Ne(k) = a·k^b + c in e/Å², k in 1/Å, at 300 kV (Grant & Grigorieff 2015, fit to their Figure 2). */
export const CRITICAL_EXPOSURE = { a: 0.245, b: -1.665, c: 2.81 } as const;

/**
 * Critical exposures at another voltage are those at 300 kV times this factor. The paper gives 0.8 for
 * 200 kV (damage per electron rises at lower voltage); no other voltage is published, so others are refused.
 * Without a voltage, 300 kV is assumed (the paper's, and the usual one for tomography).
 */
export function voltageScale(voltage: number | undefined): number {
  if (voltage === undefined || Math.abs(voltage - 300) < 1) return 1;
  if (Math.abs(voltage - 200) < 1) return 0.8;
  throw new Error(`dose weighting: critical exposures are published for 300 and 200 kV only, not for ${voltage} kV`);
}

/** Ne(k) in e/Å² at spatial frequency k in 1/Å; infinite at k = 0 (the mean is never damped). */
export function criticalExposure(k: number, voltage?: number): number {
  if (k === 0) return Infinity;
  const { a, b, c } = CRITICAL_EXPOSURE;
  return (a * Math.pow(k, b) + c) * voltageScale(voltage);
}

/**
 * The exposure each tilt is weighted for, in e/Å², stack order: the accumulated dose at the middle of its own
 * exposure (accumulated before it plus half its own), the average damage over the frames it sums; the
 * accumulated dose before it alone when its own exposure is unknown. Null without accumulated doses.
 */
export function tiltExposures(ts: Pick<TiltSeries, 'accumulatedDose' | 'exposureDose'>): number[] | null {
  const { accumulatedDose, exposureDose } = ts;
  if (!accumulatedDose) return null;
  return accumulatedDose.map((before, k) => before + (exposureDose ? exposureDose[k] / 2 : 0));
}

/** Why a tilt series cannot be dose weighted, or null when it can. */
export function doseWeightingUnavailable(ts: Partial<Pick<TiltSeries, 'nTilts' | 'accumulatedDose' | 'exposureDose' | 'pixelSize' | 'voltage'>>): string | null {
  if (!ts.accumulatedDose) return 'the tilt series has no doses';
  const wrongLength = [ts.accumulatedDose.length, ts.exposureDose?.length ?? ts.nTilts].find((n) => n !== ts.nTilts);
  if (wrongLength !== undefined) return `the tilt series has ${ts.nTilts} tilts but doses for ${wrongLength}`;
  if (!(ts.pixelSize && ts.pixelSize > 0)) return 'the pixel size is unknown';
  try {
    voltageScale(ts.voltage);
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}

/**
 * What weighting `ts` takes, for the CPU here and the GPU (doseWeightingGpu.ts) alike: the filter of tilt t at DFT
 * index i is exp(−exposures[t] · inverseCritical[i]), with inverseCritical = 1 / (2·Ne(|k|)) (0 at the zero
 * frequency, where Ne is infinite). Throws naming what is missing when the series cannot be weighted.
 */
export function doseFilter(ts: TiltSeries): { exposures: number[]; inverseCritical: Float64Array } {
  const unavailable = doseWeightingUnavailable(ts);
  if (unavailable) throw new Error(`dose weighting: ${unavailable}`);
  const inverseCritical = radialFrequencyMap(ts.nx, ts.ny, ts.pixelSize).map((k) => 1 / (2 * criticalExposure(k, ts.voltage)));
  return { exposures: tiltExposures(ts) as number[], inverseCritical };
}

/**
 * A copy of the tilt series with every tilt multiplied, in Fourier space, by exp(−N_k / (2·Ne(k))) for its
 * exposure N_k (tiltExposures). Throws naming what is missing when the series cannot be weighted.
 */
export function doseWeightTiltSeries(ts: TiltSeries): TiltSeries {
  const { exposures, inverseCritical } = doseFilter(ts);
  const data = new Float32Array(ts.data.length);
  doseWeightTilts(ts.data, data, ts.nx, ts.ny, 0, ts.nTilts, exposures, inverseCritical);
  return { ...ts, data };
}

/**
 * doseWeightTiltSeries two tilts at a time (one complex FFT, as filterTiltRange pairs them), letting the event loop
 * run between pairs so that a cancel sent to the worker lands and is seen (`signal`): a 4096² stack of 41 tilts
 * takes over a minute on one thread.
 */
export async function doseWeightTiltSeriesInSteps(ts: TiltSeries, signal?: AbortSignal): Promise<TiltSeries> {
  const { exposures, inverseCritical } = doseFilter(ts);
  const data = new Float32Array(ts.data.length);
  for (let t = 0; t < ts.nTilts; t += 2) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    throwIfAborted(signal);
    doseWeightTilts(ts.data, data, ts.nx, ts.ny, t, Math.min(t + 2, ts.nTilts), exposures, inverseCritical);
  }
  return { ...ts, data };
}

/** Tilts [from, to) of `data` weighted by doseFilter's filter into `out` (which may be `data`; filterTiltRange). */
export function doseWeightTilts(
  data: Float32Array,
  out: Float32Array,
  nx: number,
  ny: number,
  from: number,
  to: number,
  exposures: ArrayLike<number>,
  inverseCritical: Float64Array,
): void {
  filterTiltRange(data, out, nx, ny, from, to, (t, gain) => {
    for (let i = 0; i < gain.length; i++) gain[i] = Math.exp(-exposures[t] * inverseCritical[i]);
  });
}
