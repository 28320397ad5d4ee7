/** Gaussian smoothing of a tomogram: the simplest refinement, and the baseline learned refinements must beat. Page-safe. */
import type { MethodDefinition } from '../definition.ts';

export interface GaussianParams {
  /** Standard deviation of the isotropic Gaussian, in voxels. */
  sigma: number;
}

/** Beyond this σ the kernel spans 2·4·32 + 1 = 257 voxels: wider than any use as a smoothing baseline. */
const MAX_SIGMA = 32;

export const GAUSSIAN: MethodDefinition<'gaussian', 'refinement', GaussianParams> = {
  name: 'gaussian',
  kind: 'refinement',
  cpu: true,
  title: 'Gaussian smoothing',
  menuLabel: 'Gaussian smoothing: isotropic low-pass',
  help:
    'Smooths a tomogram with an isotropic 3-D Gaussian of standard deviation σ voxels: separable, truncated at 4σ, the edges ' +
    "extended by their nearest voxel (scipy.ndimage.gaussian_filter's mode 'nearest'). Its transfer function is " +
    'exp(−2π²σ²f²), one half at f ≈ 0.187/σ cycles/voxel. It fills nothing of the missing wedge: it is the baseline ' +
    '(a smoothed FBP) that learned refinements have to beat. Runs on the CPU in the worker.',
  defaults: (_input, partial = {}) => ({ sigma: partial.sigma ?? 1 }),
  validate(p) {
    if (!(p.sigma > 0 && p.sigma <= MAX_SIGMA)) throw new Error(`σ must be in (0, ${MAX_SIGMA}] voxels (got ${p.sigma})`);
  },
  paramText: (p) => `σ ${p.sigma} voxel${p.sigma === 1 ? '' : 's'}`,
  flags: [{ name: 'sigma', value: 'S', parse: 'number', param: 'sigma', help: 'standard deviation in voxels' }],
  formDefaults: () => ({ sigma: 1 }),
};
