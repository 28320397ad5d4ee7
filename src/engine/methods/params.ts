/** Parameters of the reconstruction methods, their defaults, and how they are described in labels. */
import type { FilterSpec } from '../filters.ts';
import type { TiltSeries } from '../types.ts';

/** Parameters every reconstruction shares. */
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

export interface FbpParams extends CommonParams {
  filter: FilterSpec;
}

export interface SirtParams extends CommonParams {
  iterations: number;
  /** Relaxation λ of x ← x + λ·C·Aᵀ·R·(b − A·x). */
  relaxation: number;
  /** Clamp negative voxels to zero after every update. */
  positivity: boolean;
}

export type MethodName = 'fbp' | 'sirt';

export type MethodRequest =
  | { method: 'fbp'; params?: Partial<FbpParams> }
  | { method: 'sirt'; params?: Partial<SirtParams> };

/** A thickness of a quarter of the width is a common starting point for a lamella or cell edge. */
export function defaultThickness(tiltSeries: Pick<TiltSeries, 'nx'>, binning = 1): number {
  return Math.max(1, Math.round(tiltSeries.nx / binning / 4));
}

function commonDefaults(tiltSeries: Pick<TiltSeries, 'nx'>, partial: Partial<CommonParams>): CommonParams {
  const binning = partial.binning ?? 1;
  return {
    binning,
    thickness: partial.thickness ?? defaultThickness(tiltSeries, binning),
    invertAngles: partial.invertAngles ?? false,
    subtractMean: partial.subtractMean ?? false,
  };
}

export function fbpDefaults(tiltSeries: Pick<TiltSeries, 'nx'>, partial: Partial<FbpParams> = {}): FbpParams {
  return { ...commonDefaults(tiltSeries, partial), filter: partial.filter ?? { name: 'ram-lak' } };
}

export function sirtDefaults(tiltSeries: Pick<TiltSeries, 'nx'>, partial: Partial<SirtParams> = {}): SirtParams {
  return {
    ...commonDefaults(tiltSeries, partial),
    iterations: partial.iterations ?? 20,
    relaxation: partial.relaxation ?? 1,
    positivity: partial.positivity ?? false,
  };
}

function describeCommon(p: CommonParams): string {
  return `thickness ${p.thickness}, bin ${p.binning}${p.invertAngles ? ', angles inverted' : ''}${p.subtractMean ? ', mean subtracted' : ''}`;
}

/** One line naming the method and its parameters: result labels and MRC labels. */
export function describeFbp(p: FbpParams): string {
  const f = p.filter;
  const filter = f.name === 'radial' ? `radial ${f.cutoff ?? 0.35}/${f.falloff ?? 0.035}` : f.name;
  return `FBP (${filter}, ${describeCommon(p)})`;
}

export function describeSirt(p: SirtParams): string {
  return `SIRT (${p.iterations} it, λ ${p.relaxation}${p.positivity ? ', positivity' : ''}, ${describeCommon(p)})`;
}

/** Check parameter sanity before any GPU work; messages name the parameter and the bound. */
export function validateCommon(tiltSeries: Pick<TiltSeries, 'nx' | 'ny'>, p: CommonParams): void {
  if (!Number.isInteger(p.binning) || p.binning < 1) throw new Error(`binning must be a whole number ≥ 1 (got ${p.binning})`);
  if (Math.floor(tiltSeries.nx / p.binning) < 2 || Math.floor(tiltSeries.ny / p.binning) < 1) {
    throw new Error(`binning ${p.binning} leaves no image of a ${tiltSeries.nx} × ${tiltSeries.ny} tilt series`);
  }
  if (!Number.isInteger(p.thickness) || p.thickness < 1) throw new Error(`thickness must be a whole number ≥ 1 (got ${p.thickness})`);
}
