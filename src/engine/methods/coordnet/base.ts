/**
 * The unsupervised coordinate network (a SIREN fitted slab by slab to the tilts; docs/background.md#coordinate-network):
 * what it is (page-safe). The runner is ./run.ts, its WGSL network ./siren.ts.
 */
import type { TiltSeries } from '../../types.ts';
import { commonDefaults, describeCommon, type CommonParams } from '../common.ts';
import type { MethodDefinition } from '../definition.ts';
import { UsageError, type FlagValues } from '../flags.ts';
import { paramCount } from './network.ts';

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

type CoordnetOptions = Omit<CoordnetParams, keyof CommonParams>;

/** The paper's defaults. */
const COORDNET_DEFAULTS: CoordnetOptions = {
  width: 256,
  layers: 4,
  slabRows: 8,
  stepsFirst: 2000,
  stepsNext: 400,
  lrFirst: [1e-3, 1e-4],
  lrNext: [1e-4, 1e-5],
  tv: 0,
  omega0: 30,
  seed: 1,
};

/**
 * Network parameters per measurement of one slab (nTilts × slabRows × nx, after binning):
 * above 1 the network can fit noise and the missing wedge freely; the paper runs at about 1/8.
 */
export function coordnetRatio(p: CoordnetParams, tiltSeries: Pick<TiltSeries, 'nx' | 'ny' | 'nTilts'>): number {
  const nx = Math.floor(tiltSeries.nx / p.binning);
  const rows = Math.min(p.slabRows, Math.max(1, Math.floor(tiltSeries.ny / p.binning)));
  return paramCount(p) / (tiltSeries.nTilts * rows * nx);
}

/** Step indices where each later slab starts, up to `total` steps (the loss plot's marks). */
export function slabStarts(stepsFirst: number, stepsNext: number, total: number): number[] {
  const starts: number[] = [];
  for (let s = stepsFirst; stepsNext > 0 && s < total; s += stepsNext) starts.push(s);
  return starts;
}

/** `--lr 1e-3` starts the paper's tenfold log decay there; `--lr 1e-3,1e-5` sets both ends. */
function learningRateFlag(values: FlagValues, name: string): [number, number] | undefined {
  const text = values[name] as string | undefined;
  if (text === undefined) return undefined;
  const parts = text.split(',').map(Number);
  if (parts.length > 2 || parts.some((v) => !(v > 0))) throw new UsageError(`--${name} takes a positive rate or START,END (got "${text}")`);
  return [parts[0], parts[1] ?? parts[0] / 10];
}

function validateCoordnet(p: CoordnetParams): void {
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

const lrText = (r: [number, number]) => `${r[0]}→${r[1]}`;

export const COORDNET: MethodDefinition<'coordnet', 'reconstruction', CoordnetParams> = {
  name: 'coordnet',
  kind: 'reconstruction',
  title: 'Coordinate network',
  menuLabel: 'Coordinate network: SIREN fitted to the tilts',
  learned: true,
  softwareAdapterWarning:
    "This is a software WebGPU adapter (SwiftShader): the default network's thousands of training steps take hours to days " +
    'here. Width 16–32, 1 layer and tens of steps show it working in minutes, not a usable result.',
  help:
    'Unsupervised coordinate network: a SIREN maps voxel coordinates to density and is fitted, slab by slab along the tilt axis, ' +
    'so that its projections match the tilts (L1, optional TV; Adam with log-linear decay). The defaults are the paper\'s; ' +
    'they need a real GPU (on a software adapter try --width 16 --layers 1 and tens of steps).',
  defaults: (input, partial = {}) => ({
    ...commonDefaults(input, partial),
    width: partial.width ?? COORDNET_DEFAULTS.width,
    layers: partial.layers ?? COORDNET_DEFAULTS.layers,
    slabRows: partial.slabRows ?? COORDNET_DEFAULTS.slabRows,
    stepsFirst: partial.stepsFirst ?? COORDNET_DEFAULTS.stepsFirst,
    stepsNext: partial.stepsNext ?? COORDNET_DEFAULTS.stepsNext,
    lrFirst: partial.lrFirst ?? [...COORDNET_DEFAULTS.lrFirst],
    lrNext: partial.lrNext ?? [...COORDNET_DEFAULTS.lrNext],
    tv: partial.tv ?? COORDNET_DEFAULTS.tv,
    omega0: partial.omega0 ?? COORDNET_DEFAULTS.omega0,
    seed: partial.seed ?? COORDNET_DEFAULTS.seed,
  }),
  validate: validateCoordnet,
  paramText(p, context = {}) {
    const ratio = context.input ? `, params/measurements ${coordnetRatio(p, context.input).toPrecision(2)}` : '';
    return (
      `SIREN ${p.width}×${p.layers}, ω0 ${p.omega0}, slab ${p.slabRows}, ${p.stepsFirst}/${p.stepsNext} steps, ` +
      `lr ${lrText(p.lrFirst)}/${lrText(p.lrNext)}${p.tv > 0 ? `, TV ${p.tv}` : ''}, seed ${p.seed}${ratio}, ${describeCommon(p)}`
    );
  },
  flags: [
    { name: 'width', value: 'W', parse: 'int', param: 'width', help: 'hidden units per layer' },
    { name: 'layers', value: 'L', parse: 'int', param: 'layers', help: 'hidden W→W layers' },
    { name: 'slab', value: 'ROWS', parse: 'int', param: 'slabRows', help: 'rows per slab along the tilt axis (one network each)' },
    { name: 'steps-first', value: 'N', parse: 'int', param: 'stepsFirst', help: 'Adam steps of the first slab' },
    { name: 'steps-next', value: 'N', parse: 'int', param: 'stepsNext', help: 'Adam steps of every later slab' },
    { name: 'lr', value: 'START[,END]', parse: 'string', help: 'learning rate of the first slab (END defaults to START/10)', defaultText: '1e-3,1e-4' },
    { name: 'lr-next', value: 'START[,END]', parse: 'string', help: 'learning rate of later slabs', defaultText: '1e-4,1e-5' },
    { name: 'tv', value: 'W', parse: 'number', param: 'tv', help: 'weight of the anisotropic TV term' },
    { name: 'omega0', value: 'W0', parse: 'number', param: 'omega0', help: 'ω0 of the sine activations' },
    { name: 'seed', value: 'K', parse: 'int', param: 'seed', help: "seed of the first network's initialisation" },
  ],
  readFlags: (values) => ({ lrFirst: learningRateFlag(values, 'lr'), lrNext: learningRateFlag(values, 'lr-next') }),
  formDefaults: () => ({ ...COORDNET_DEFAULTS, lrFirst: [...COORDNET_DEFAULTS.lrFirst], lrNext: [...COORDNET_DEFAULTS.lrNext] }),
  lossMarks: (p, steps) => slabStarts(p.stepsFirst, p.stepsNext, steps),
};
