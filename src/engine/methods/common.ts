/** Parameters every reconstruction method shares, their defaults, checks, words and flags. Page-safe. */
import { doseWeightingUnavailable } from '../doseWeighting.ts';
import type { TiltSeries } from '../types.ts';
import { UsageError, type FlagSpec, type FlagValues } from './flags.ts';

export interface CommonParams {
  /** Tomogram thickness nz in (binned) pixels. */
  thickness: number;
  /** Integer binning of the tilts in x and y before reconstruction (1 = none). */
  binning: number;
  /** Negate every tilt angle (data from a tool with the opposite sign convention). */
  invertAngles: boolean;
  /**
   * Subtract each tilt's mean before reconstructing. Off by default (it changes the density scale of
   * simulated data); on for real stacks with a large constant offset (e.g. int16 near −32 700), whose
   * zero-padded edges otherwise swamp the tomogram with streaks: no volume in a finite slab can produce
   * a constant offset in every tilt, since ray lengths change with the angle.
   */
  subtractMean: boolean;
}

/** A thickness of a quarter of the width is a common starting point for a lamella or cell edge. */
export function defaultThickness(tiltSeries: Pick<TiltSeries, 'nx'>, binning = 1): number {
  return Math.max(1, Math.round(tiltSeries.nx / binning / 4));
}

export function commonDefaults(tiltSeries: Pick<TiltSeries, 'nx'>, partial: Partial<CommonParams>): CommonParams {
  const binning = partial.binning ?? 1;
  return {
    binning,
    thickness: partial.thickness ?? defaultThickness(tiltSeries, binning),
    invertAngles: partial.invertAngles ?? false,
    subtractMean: partial.subtractMean ?? false,
  };
}

/** Check parameter sanity before any GPU work; messages name the parameter and the bound. */
export function validateCommon(tiltSeries: Pick<TiltSeries, 'nx' | 'ny'>, p: CommonParams): void {
  if (!Number.isInteger(p.binning) || p.binning < 1) throw new Error(`binning must be a whole number ≥ 1 (got ${p.binning})`);
  if (tiltSeries.nx < 2) throw new Error(`the tilts are ${tiltSeries.nx} pixel wide: a tomogram needs tilts at least 2 pixels wide (across the tilt axis)`);
  if (Math.floor(tiltSeries.nx / p.binning) < 2 || Math.floor(tiltSeries.ny / p.binning) < 1) {
    throw new Error(`binning ${p.binning} leaves no image of a ${tiltSeries.nx} × ${tiltSeries.ny} tilt series`);
  }
  if (!Number.isInteger(p.thickness) || p.thickness < 1) throw new Error(`thickness must be a whole number ≥ 1 (got ${p.thickness})`);
}

export function describeCommon(p: CommonParams): string {
  return `thickness ${p.thickness}, bin ${p.binning}${p.invertAngles ? ', angles inverted' : ''}${p.subtractMean ? ', mean subtracted' : ''}`;
}

export const COMMON_FLAGS: readonly FlagSpec<CommonParams>[] = [
  { name: 'thickness', value: 'NZ', parse: 'int', param: 'thickness', help: 'tomogram thickness in binned pixels', defaultText: 'a quarter of the binned width' },
  { name: 'bin', value: 'B', parse: 'int', param: 'binning', help: 'average B × B pixels of every tilt first' },
  { name: 'invert-angles', parse: 'switch', param: 'invertAngles', help: 'negate every tilt angle (the other sign convention)' },
  { name: 'subtract-mean', parse: 'switch', param: 'subtractMean', help: "subtract each tilt's mean first (stacks with a large offset)" },
];

/** The dose weighting option of FBP and SIRT (docs/metadata.md#dose-weighting). */
export interface DoseWeightingParams {
  /**
   * Weight every tilt by the exposure filter for its dose before reconstructing. Resolved parameters hold
   * true or false when the tilt series can be weighted, and undefined when it cannot (no doses, no pixel
   * size): the option does not apply there. In a request, undefined asks for the default.
   */
  doseWeighting?: boolean;
}

/** What dose weighting needs to know of the input (the tilt series itself when a request is resolved). */
type DoseInput = Pick<TiltSeries, 'nx'> & Partial<Pick<TiltSeries, 'nTilts' | 'accumulatedDose' | 'exposureDose' | 'pixelSize' | 'voltage'>>;

/**
 * On by default when the tilt series can be dose weighted (doses, pixel size and voltage allow it); undefined,
 * whatever was asked, when it cannot. Resolved parameters thus say what will run, and so does the label.
 */
export function doseWeightingDefault(input: DoseInput, partial: DoseWeightingParams): boolean | undefined {
  return doseWeightingUnavailable(input) === null ? (partial.doseWeighting ?? true) : undefined;
}

export function describeDoseWeighting(p: DoseWeightingParams): string {
  return p.doseWeighting === true ? ', dose-weighted' : '';
}

export const DOSE_WEIGHTING_FLAGS: readonly FlagSpec<DoseWeightingParams>[] = [
  {
    name: 'dose-weighting',
    parse: 'switch',
    param: 'doseWeighting',
    help: 'weight each tilt by its accumulated dose (Grant & Grigorieff 2015); needs doses and a pixel size',
    defaultText: 'on when the tilt series has doses and a pixel size',
  },
  { name: 'no-dose-weighting', parse: 'switch', help: 'do not weight the tilts by dose', defaultText: 'off' },
];

/** `--no-dose-weighting` (the plain switch `--dose-weighting` is read with the declared flags). */
export function readDoseWeightingFlags(values: FlagValues): Partial<DoseWeightingParams> {
  if (values['no-dose-weighting'] !== true) return {};
  if (values['dose-weighting'] === true) throw new UsageError('--dose-weighting and --no-dose-weighting contradict each other: give one');
  return { doseWeighting: false };
}
