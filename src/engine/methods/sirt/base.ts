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
  /**
   * Row weights one over each ray's length inside the tomogram (textbook SIRT, exact when the specimen lies wholly
   * inside it, as in a simulation) instead of one over the length across the whole slab. Off by default: on real
   * stacks the textbook weights pile the mass outside the tomogram into its corners (./weights.ts).
   */
  textbookWeights: boolean;
}

type SirtOptions = Omit<SirtParams, keyof CommonParams>;

// Dose weighting is left to the defaults (on when the data set has doses) until the user sets it.
const SIRT_DEFAULTS: SirtOptions = { iterations: 20, relaxation: 1, positivity: false, textbookWeights: false };

export const SIRT: MethodDefinition<'sirt', 'reconstruction', SirtParams> = {
  name: 'sirt',
  kind: 'reconstruction',
  cpu: true,
  title: 'SIRT',
  menuLabel: 'SIRT: iterative',
  help:
    'Simultaneous iterative reconstruction: x ← x + λ·C·Aᵀ·R·(b − A·x) from x = 0, C one over the column sums of the projector. ' +
    'R is one over the length of a ray across the whole slab, nz/|cos θ| voxels: rays that leave the tomogram through its sides ' +
    'carry mass from outside it on real stacks, and the textbook R = 1/(A·1), one over the length inside, would pile that mass into ' +
    'the corners. --textbook-weights gives textbook SIRT, exact when the specimen lies wholly inside the tomogram (simulations). ' +
    'Reports the relative residual ‖b − A·x‖/‖b‖ over the rays that meet the tomogram after every iteration. Tilts with doses are ' +
    'first dose weighted (docs/metadata.md#dose-weighting).',
  defaults: (input, partial = {}) => ({
    ...commonDefaults(input, partial),
    iterations: partial.iterations ?? SIRT_DEFAULTS.iterations,
    relaxation: partial.relaxation ?? SIRT_DEFAULTS.relaxation,
    positivity: partial.positivity ?? SIRT_DEFAULTS.positivity,
    textbookWeights: partial.textbookWeights ?? SIRT_DEFAULTS.textbookWeights,
    doseWeighting: doseWeightingDefault(input, partial),
  }),
  validate(p) {
    if (!Number.isInteger(p.iterations) || p.iterations < 1) throw new Error(`SIRT needs at least 1 iteration (got ${p.iterations})`);
    if (!(p.relaxation > 0 && p.relaxation < 2)) throw new Error(`SIRT's relaxation λ must be in (0, 2) (got ${p.relaxation})`);
  },
  paramText: (p) =>
    `${p.iterations} it, λ ${p.relaxation}${p.positivity ? ', positivity' : ''}${p.textbookWeights ? ', textbook weights' : ''}, ${describeCommon(p)}${describeDoseWeighting(p)}`,
  flags: [
    { name: 'iterations', value: 'K', parse: 'int', param: 'iterations', help: 'iterations' },
    { name: 'relaxation', value: 'L', parse: 'number', param: 'relaxation', help: 'relaxation λ, in (0, 2)' },
    { name: 'positivity', parse: 'switch', param: 'positivity', help: 'clamp negative voxels to 0 after every update' },
    {
      name: 'textbook-weights',
      parse: 'switch',
      param: 'textbookWeights',
      help: "row weights 1/(ray length inside the tomogram): for a specimen wholly inside it (simulations)",
    },
    ...DOSE_WEIGHTING_FLAGS,
  ],
  readFlags: readDoseWeightingFlags,
  formDefaults: () => ({ ...SIRT_DEFAULTS }),
};
