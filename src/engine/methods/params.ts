/** Parameters of the reconstruction methods, their defaults, and how they are described in labels. */
import type { FilterSpec } from '../filters.ts';
import { DEFAULT_LOCAL_MODEL } from '../onnx/catalogue.ts';
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

/** Unsupervised coordinate network (SIREN), fitted slab by slab to the tilts (papers/README.md §2). */
export interface CoordnetParams extends CommonParams {
  /** Hidden width W of the MLP. */
  width: number;
  /** Hidden W→W layers L (besides 3→W and W→1). */
  layers: number;
  /** Rows per slab along the tilt axis; each slab has its own network. */
  slabRows: number;
  /** Adam steps of the first slab, and of every later slab (initialised from its neighbour). */
  stepsFirst: number;
  stepsNext: number;
  /** Learning rate [start, end], decayed log-linearly over the slab's steps. */
  lrFirst: [number, number];
  lrNext: [number, number];
  /** Weight of the anisotropic TV term (0: none). */
  tv: number;
  /** ω0 of the sine activations. */
  omega0: number;
  /** Seed of the first network's initialisation. */
  seed: number;
}

/** Local learned reconstruction with a pretrained ONNX model (CryoLithe layout, methods/localnet.ts). */
export interface LocalnetParams extends CommonParams {
  /** A shipped model's name (onnx/catalogue.ts) or, where the run can read files (CLI), a path to one. */
  model: string;
  /** Points per model call; 0 = as many as the memory budget and the device's binding limit allow. */
  batchSize: number;
}

/** Complete parameters of any method. */
export type MethodParams = FbpParams | SirtParams | CoordnetParams | LocalnetParams;

/** The workbench's methods. */
export type MethodName = 'fbp' | 'sirt' | 'coordnet' | 'localnet';

export type MethodRequest =
  | { method: 'fbp'; params?: Partial<FbpParams> }
  | { method: 'sirt'; params?: Partial<SirtParams> }
  | { method: 'coordnet'; params?: Partial<CoordnetParams> }
  | { method: 'localnet'; params?: Partial<LocalnetParams> };

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

export function coordnetDefaults(tiltSeries: Pick<TiltSeries, 'nx'>, partial: Partial<CoordnetParams> = {}): CoordnetParams {
  return {
    ...commonDefaults(tiltSeries, partial),
    width: partial.width ?? 256,
    layers: partial.layers ?? 4,
    slabRows: partial.slabRows ?? 8,
    stepsFirst: partial.stepsFirst ?? 2000,
    stepsNext: partial.stepsNext ?? 400,
    lrFirst: partial.lrFirst ?? [1e-3, 1e-4],
    lrNext: partial.lrNext ?? [1e-4, 1e-5],
    tv: partial.tv ?? 0,
    omega0: partial.omega0 ?? 30,
    seed: partial.seed ?? 1,
  };
}

export function localnetDefaults(tiltSeries: Pick<TiltSeries, 'nx'>, partial: Partial<LocalnetParams> = {}): LocalnetParams {
  return { ...commonDefaults(tiltSeries, partial), model: partial.model ?? DEFAULT_LOCAL_MODEL.voxel, batchSize: partial.batchSize ?? 0 };
}

/** Weights and biases of the network: 3→W, L × (W→W), W→1. */
export function coordnetParamCount(p: Pick<CoordnetParams, 'width' | 'layers'>): number {
  return 4 * p.width + p.layers * p.width * (p.width + 1) + p.width + 1;
}

/**
 * Network parameters per measurement of one slab (nTilts × slabRows × nx, after binning):
 * above 1 the network can fit noise and the missing wedge freely; the paper runs at about 1/8.
 */
export function coordnetRatio(p: CoordnetParams, tiltSeries: Pick<TiltSeries, 'nx' | 'ny' | 'nTilts'>): number {
  const nx = Math.floor(tiltSeries.nx / p.binning);
  const rows = Math.min(p.slabRows, Math.max(1, Math.floor(tiltSeries.ny / p.binning)));
  return coordnetParamCount(p) / (tiltSeries.nTilts * rows * nx);
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

/**
 * The coordinate network's complete parameters and label for a tilt series: reconstruct() uses it, and so
 * does the worker for the result it shows while the network is still fitting.
 */
export function resolveCoordnet(tiltSeries: Pick<TiltSeries, 'nx' | 'ny' | 'nTilts'>, partial?: Partial<CoordnetParams>): { params: CoordnetParams; label: string } {
  const params = coordnetDefaults(tiltSeries, partial);
  return { params, label: describeCoordnet(params, tiltSeries) };
}

export function describeCoordnet(p: CoordnetParams, tiltSeries?: Pick<TiltSeries, 'nx' | 'ny' | 'nTilts'>): string {
  const ratio = tiltSeries ? `, params/measurements ${coordnetRatio(p, tiltSeries).toPrecision(2)}` : '';
  const lr = (r: [number, number]) => `${r[0]}→${r[1]}`;
  return (
    `Coordinate network (SIREN ${p.width}×${p.layers}, ω0 ${p.omega0}, slab ${p.slabRows}, ` +
    `${p.stepsFirst}/${p.stepsNext} steps, lr ${lr(p.lrFirst)}/${lr(p.lrNext)}${p.tv > 0 ? `, TV ${p.tv}` : ''}, seed ${p.seed}${ratio}, ${describeCommon(p)})`
  );
}

export function describeLocalnet(p: LocalnetParams, model: { patch: number; outputs: number; backend: string }): string {
  const variant = model.outputs === 8 ? 'wavelet' : 'voxel';
  return `Local network (${p.model}, P ${model.patch}, ${variant}, ${model.backend}, ${describeCommon(p)})`;
}

export function validateCoordnet(p: CoordnetParams): void {
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be a whole number ≥ ${min} (got ${v})`);
  };
  whole('width', p.width, 1);
  whole('layers', p.layers, 0);
  whole('slab rows', p.slabRows, 1);
  whole('steps (first slab)', p.stepsFirst, 1);
  whole('steps (later slabs)', p.stepsNext, 0);
  for (const [name, [a, b]] of [['learning rate (first slab)', p.lrFirst], ['learning rate (later slabs)', p.lrNext]] as const) {
    if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) throw new Error(`${name} must be positive (got ${a} → ${b})`);
  }
  if (!(p.tv >= 0)) throw new Error(`TV weight must be ≥ 0 (got ${p.tv})`);
  if (!(p.omega0 > 0)) throw new Error(`ω0 must be positive (got ${p.omega0})`);
}

/** Check parameter sanity before any GPU work; messages name the parameter and the bound. */
export function validateCommon(tiltSeries: Pick<TiltSeries, 'nx' | 'ny'>, p: CommonParams): void {
  if (!Number.isInteger(p.binning) || p.binning < 1) throw new Error(`binning must be a whole number ≥ 1 (got ${p.binning})`);
  if (Math.floor(tiltSeries.nx / p.binning) < 2 || Math.floor(tiltSeries.ny / p.binning) < 1) {
    throw new Error(`binning ${p.binning} leaves no image of a ${tiltSeries.nx} × ${tiltSeries.ny} tilt series`);
  }
  if (!Number.isInteger(p.thickness) || p.thickness < 1) throw new Error(`thickness must be a whole number ≥ 1 (got ${p.thickness})`);
}
