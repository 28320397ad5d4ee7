/**
 * CTF deconvolution of a tomogram (docs/refine.md#ctf-deconvolution): a Wiener-like filter for the microscope's
 * CTF with a simple model of the signal-to-noise ratio, the model of Tegunov's tom_deconv (as Warp and IsoNet run
 * it before their refinement), written here from its formulas. Page-safe; the runner is ./run.ts.
 */
import { microscopeOverrideProblem } from '../../phaseFlip.ts';
import type { MethodDefinition } from '../definition.ts';

export interface DeconvParams {
  /**
   * µm under focus: the tilts' (mean) defocus. It has no default (a guessed one would give a plausible, wrong
   * result): without it the run is refused, saying so (./run.ts).
   */
  defocus?: number;
  /** kV: the wavelength. Cs 2.7 mm and Q 0.07 as tom_deconv takes them. */
  voltage: number;
  /** How fast the SNR model falls with frequency (tom_deconv's snrfalloff; 1–1.2 usually). */
  snrFalloff: number;
  /** The SNR model's level: 10^(3·strength) at low frequency (tom_deconv's deconvstrength: 1 for 1000, 0.67 for 100). */
  strength: number;
  /** Below this fraction of Nyquist the SNR model rises from 0 (a raised cosine): the mean and the slowest ramps are taken off. */
  highpass: number;
  /** The tilts were phase flipped (or the tomogram corrected by depth): the filter then follows |CTF|. */
  phaseFlipped: boolean;
}

export const DECONV_DEFAULTS: Required<Omit<DeconvParams, 'defocus'>> = { voltage: 300, snrFalloff: 1, strength: 1, highpass: 0.02, phaseFlipped: false };

export const DECONV: MethodDefinition<'deconv', 'refinement', DeconvParams> = {
  name: 'deconv',
  kind: 'refinement',
  cpu: true,
  title: 'CTF deconvolution',
  menuLabel: 'CTF deconvolution: Wiener-like, for contrast',
  help:
    "Filters a tomogram by C/(C² + 1/SNR) at each frequency: C the microscope's CTF at the tilts' defocus (its sign flipped so " +
    'that the tomogram keeps its contrast; |CTF| for phase-flipped tilts), SNR = 10^(3·strength)·exp(−100·falloff·f/p)·(a raised ' +
    'cosine from 0 below the high-pass), f the fraction of Nyquist and p the pixel size in Å: the model of Tegunov\'s tom_deconv, ' +
    'which Warp and IsoNet run before refining. It restores the low frequencies the CTF damps and the contrast of membranes and ' +
    'particles; it adds nothing in the missing wedge. Runs on the CPU threads, in pieces of rows, so any tomogram the page holds (docs/refine.md#ctf-deconvolution).',
  defaults: (_input, partial = {}) => ({
    defocus: partial.defocus,
    voltage: partial.voltage ?? DECONV_DEFAULTS.voltage,
    snrFalloff: partial.snrFalloff ?? DECONV_DEFAULTS.snrFalloff,
    strength: partial.strength ?? DECONV_DEFAULTS.strength,
    highpass: partial.highpass ?? DECONV_DEFAULTS.highpass,
    phaseFlipped: partial.phaseFlipped ?? DECONV_DEFAULTS.phaseFlipped,
  }),
  validate(p) {
    if (p.defocus !== undefined && !(p.defocus > 0 && p.defocus <= 20)) throw new Error(`the defocus must be in (0, 20] µm under focus (got ${p.defocus})`);
    const voltage = microscopeOverrideProblem({ voltage: p.voltage });
    if (voltage) throw new Error(voltage);
    if (!(p.snrFalloff >= 0 && p.snrFalloff <= 10)) throw new Error(`the SNR falloff must be in [0, 10] (got ${p.snrFalloff})`);
    if (!(p.strength >= 0 && p.strength <= 3)) throw new Error(`the strength must be in [0, 3] (got ${p.strength})`);
    if (!(p.highpass > 0 && p.highpass <= 1)) throw new Error(`the high-pass must be in (0, 1] of Nyquist (got ${p.highpass})`);
  },
  paramText: (p) =>
    `${p.defocus === undefined ? 'defocus not given' : `${p.defocus} µm`}${p.voltage === DECONV_DEFAULTS.voltage ? '' : `, ${p.voltage} kV`}, falloff ${p.snrFalloff}, strength ${p.strength}, high-pass ${p.highpass}${p.phaseFlipped ? ', phase-flipped' : ''}`,
  flags: [
    { name: 'defocus-um', value: 'UM', parse: 'number', param: 'defocus', help: "the tilts' defocus, µm under focus (required: a run without it is refused)", defaultText: 'none' },
    { name: 'kv', value: 'KV', parse: 'number', param: 'voltage', help: 'accelerating voltage', defaultText: String(DECONV_DEFAULTS.voltage) },
    { name: 'snr-falloff', value: 'F', parse: 'number', param: 'snrFalloff', help: 'how fast the SNR model falls with frequency', defaultText: String(DECONV_DEFAULTS.snrFalloff) },
    { name: 'strength', value: 'S', parse: 'number', param: 'strength', help: 'the SNR model at low frequency is 10^(3·S)', defaultText: String(DECONV_DEFAULTS.strength) },
    { name: 'highpass', value: 'H', parse: 'number', param: 'highpass', help: 'fraction of Nyquist below which the SNR model rises from 0', defaultText: String(DECONV_DEFAULTS.highpass) },
    { name: 'phase-flipped', parse: 'switch', param: 'phaseFlipped', help: 'the tilts were phase flipped (or FBP corrected the CTF by depth): filter by |CTF|' },
  ],
  formDefaults: () => ({ ...DECONV_DEFAULTS }),
};
