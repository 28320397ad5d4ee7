/** Filtered back-projection: what it is (page-safe). The runner is ./run.ts. */
import { fbpWeight } from '../../geometry.ts';
import { FILTER_NAMES, filterByName, RADIAL_DEFAULTS, radialAtBinning, sameFilter, type FilterSpec } from '../../filters.ts';
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
import { microscopeOverrideProblem, microscopeText, phaseFlipUnavailable, readMicroscopeFlags, type MicroscopeOverride } from '../../phaseFlip.ts';
import { numberFlag, UsageError, type FlagValues } from '../flags.ts';

export interface FbpParams extends CommonParams, DoseWeightingParams {
  filter: FilterSpec;
  /**
   * Correct the CTF depth slab by depth slab (./ctfByDepth.ts), at this microscope where it differs from the
   * series' own ({} for none); absent: no correction here (the tilts may have been phase flipped as they were read).
   */
  ctfByDepth?: MicroscopeOverride;
}

/** ", CTF flipped by depth (200 kV)": the correction and the microscope values that differ from the series' own, for the label. */
function describeCtfByDepth({ ctfByDepth }: FbpParams): string {
  if (!ctfByDepth) return '';
  const given = microscopeText(ctfByDepth);
  return `, CTF flipped by depth${given ? ` (${given})` : ''}`;
}

/** "cosine", "radial 0.35/0.035": the filter as the label and messages name it. */
function filterText(f: FilterSpec): string {
  return f.name === 'radial' ? `radial ${f.cutoff ?? RADIAL_DEFAULTS.cutoff}/${f.falloff ?? RADIAL_DEFAULTS.falloff}` : f.name;
}

/**
 * A request that runs FBP with a filter other than IMOD's radial one (`radial` in cycles per pixel of the loaded
 * series, from its tilt.com): IMOD's at the request's binning, and both as the label names them, for a message;
 * null for any other request.
 */
export function otherThanImodRadial(request: { method: string; params: object }, radial: { cutoff: number; falloff: number }): { imod: FilterSpec; imodText: string; oursText: string } | null {
  if (request.method !== 'fbp') return null;
  const params = request.params as FbpParams;
  const imod = radialAtBinning(radial, params.binning);
  return sameFilter(params.filter, imod) ? null : { imod, imodText: filterText(imod), oursText: filterText(params.filter) };
}

/** `--filter NAME` (canonical or another tool's spelling) and, for the radial filter only, `--cutoff`/`--falloff`. */
function readFilterFlags(values: FlagValues): Partial<FbpParams> {
  const raw = values.filter as string | undefined;
  const cutoff = numberFlag(values, 'cutoff');
  const falloff = numberFlag(values, 'falloff');
  if (raw === undefined && cutoff === undefined && falloff === undefined) return {};
  const name = raw === undefined ? 'radial' : filterByName(raw);
  if (!name) throw new UsageError(`unknown filter "${raw}": use one of ${FILTER_NAMES.join(', ')}`);
  if (name !== 'radial' && (cutoff !== undefined || falloff !== undefined)) {
    throw new UsageError(`--cutoff and --falloff belong to the radial filter, not to ${name}`);
  }
  return { filter: name === 'radial' ? { name, cutoff, falloff } : { name } };
}

export const FBP: MethodDefinition<'fbp', 'reconstruction', FbpParams> = {
  name: 'fbp',
  kind: 'reconstruction',
  cpu: true,
  title: 'FBP',
  menuLabel: 'FBP: filtered back-projection',
  help:
    'Filtered back-projection: every tilt row is filtered with the windowed Ram-Lak filter (zero-padded to a power of two ≥ 2·nx), ' +
    'then back-projected with linear interpolation and the weight π/N (docs/conventions.md#fbp-scale). Runs on the GPU in slabs of rows. ' +
    'Tilts with doses are first dose weighted (docs/metadata.md#dose-weighting). With a CTF estimate, the CTF can be corrected by depth: ' +
    "each tilt phase flipped at every depth slab's height and each slab back-projected from its own (docs/metadata.md#ctf-correction-by-depth).",
  defaults: (input, partial = {}) => ({
    ...commonDefaults(input, partial),
    filter: partial.filter ?? { name: 'ram-lak' },
    doseWeighting: doseWeightingDefault(input, partial),
    ...(partial.ctfByDepth && { ctfByDepth: partial.ctfByDepth }),
  }),
  validate(p) {
    const microscope = p.ctfByDepth && microscopeOverrideProblem(p.ctfByDepth);
    if (microscope) throw new Error(`FBP's CTF correction by depth: ${microscope}`);
    if (p.filter.name !== 'radial') return;
    const { cutoff = RADIAL_DEFAULTS.cutoff, falloff = RADIAL_DEFAULTS.falloff } = p.filter;
    if (!(cutoff >= 0 && cutoff <= 0.5)) throw new Error(`the radial filter's cutoff must be in [0, 0.5] cycles/pixel (got ${cutoff})`);
    if (!(falloff >= 0 && falloff <= 0.5)) throw new Error(`the radial filter's falloff must be in [0, 0.5] cycles/pixel (got ${falloff})`);
    // Both 0 pass only the zero frequency, which the ramp removes: the tomogram would be all zeros.
    if (cutoff === 0 && falloff === 0) throw new Error("the radial filter's cutoff and falloff are both 0: it would pass nothing");
  },
  seriesProblem(p, ts) {
    const unavailable = p.ctfByDepth ? phaseFlipUnavailable(ts) : null;
    return unavailable && `FBP's CTF correction by depth: ${unavailable}`;
  },
  paramText: (p) => `${filterText(p.filter)}, ${describeCommon(p)}${describeDoseWeighting(p)}${describeCtfByDepth(p)}`,
  flags: [
    { name: 'filter', value: 'NAME', parse: 'string', help: `${FILTER_NAMES.join(', ')} (also ramp, ramlak, shepp, hanning, …)`, defaultText: 'ram-lak' },
    { name: 'cutoff', value: 'F', parse: 'number', help: 'radial filter: cutoff in cycles/pixel', defaultText: String(RADIAL_DEFAULTS.cutoff) },
    { name: 'falloff', value: 'S', parse: 'number', help: 'radial filter: Gaussian falloff σ in cycles/pixel', defaultText: String(RADIAL_DEFAULTS.falloff) },
    ...DOSE_WEIGHTING_FLAGS,
    {
      name: 'ctf-by-depth',
      parse: 'switch',
      help: "correct the CTF slab by slab of depth (each tilt phase flipped at each slab's height; needs the series' defocus, --defocus; the microscope as --phase-flip takes it)",
      defaultText: 'off',
    },
  ],
  readFlags: (values) => ({ ...readFilterFlags(values), ...readDoseWeightingFlags(values), ...(values['ctf-by-depth'] === true && { ctfByDepth: readMicroscopeFlags(values) }) }),
  // Each tilt's filtered back-projection, weighted π/N: what leave-one-out cross-validation takes off by linearity.
  tiltWeight: fbpWeight,
  // The page starts on the cosine window: less noise than the plain ramp on real data. Dose weighting is
  // left to the defaults (on when the data set has doses) until the user sets it.
  formDefaults: () => ({ filter: { name: 'cosine' } }),
};
