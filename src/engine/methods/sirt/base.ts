/** SIRT: what it is (page-safe). The runner is ./run.ts. */
import {
  commonDefaults,
  describeCommon,
  describeDoseWeighting,
  DOSE_WEIGHTING_FLAGS,
  doseWeightingDefault,
  readDoseWeightingFlags,
  type CommonParams,
  type DoseWeightingParams,
} from '../common.ts';
import type { MethodDefinition } from '../definition.ts';

export interface SirtParams extends CommonParams, DoseWeightingParams {
  iterations: number;
  /** Relaxation λ of x ← x + λ·C·Aᵀ·R·(b − A·x). */
  relaxation: number;
  /** Clamp negative voxels to zero after every update. */
  positivity: boolean;
}

type SirtOptions = Omit<SirtParams, keyof CommonParams>;

// Dose weighting is left to the defaults (on when the data set has doses) until the user sets it.
const SIRT_DEFAULTS: SirtOptions = { iterations: 20, relaxation: 1, positivity: false };

export const SIRT: MethodDefinition<'sirt', 'reconstruction', SirtParams> = {
  name: 'sirt',
  kind: 'reconstruction',
  title: 'SIRT',
  menuLabel: 'SIRT: iterative',
  help:
    'Simultaneous iterative reconstruction: x ← x + λ·C·Aᵀ·R·(b − A·x) from x = 0, with R and C the inverse row and column sums ' +
    'of the projector. Reports the relative residual ‖b − A·x‖/‖b‖ after every iteration. Tilts with doses are first dose weighted ' +
    '(docs/metadata.md#dose-weighting).',
  defaults: (input, partial = {}) => ({
    ...commonDefaults(input, partial),
    iterations: partial.iterations ?? SIRT_DEFAULTS.iterations,
    relaxation: partial.relaxation ?? SIRT_DEFAULTS.relaxation,
    positivity: partial.positivity ?? SIRT_DEFAULTS.positivity,
    doseWeighting: doseWeightingDefault(input, partial),
  }),
  validate(p) {
    if (!Number.isInteger(p.iterations) || p.iterations < 1) throw new Error(`SIRT needs at least 1 iteration (got ${p.iterations})`);
    if (!(p.relaxation > 0 && p.relaxation < 2)) throw new Error(`SIRT's relaxation λ must be in (0, 2) (got ${p.relaxation})`);
  },
  paramText: (p) => `${p.iterations} it, λ ${p.relaxation}${p.positivity ? ', positivity' : ''}, ${describeCommon(p)}${describeDoseWeighting(p)}`,
  flags: [
    { name: 'iterations', value: 'K', parse: 'int', param: 'iterations', help: 'iterations' },
    { name: 'relaxation', value: 'L', parse: 'number', param: 'relaxation', help: 'relaxation λ, in (0, 2)' },
    { name: 'positivity', parse: 'switch', param: 'positivity', help: 'clamp negative voxels to 0 after every update' },
    ...DOSE_WEIGHTING_FLAGS,
  ],
  readFlags: readDoseWeightingFlags,
  formDefaults: () => ({ ...SIRT_DEFAULTS }),
};
