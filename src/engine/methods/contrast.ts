/**
 * Which way the data's contrast runs, for the learned methods whose networks are not odd (the U-Net refinements,
 * the latent back-projection network): every shipped one learnt dense matter bright, the simulator's convention
 * (engine/polarity.ts). 'dense-dark' (raw cryo-EM contrast) runs the network on the negated data and negates its
 * output, so it never sees the other sign; 'both-signs' runs it both ways and keeps the odd part (g(x) − g(−x))/2,
 * twice the work, for data with densities of both signs around the background; 'auto' takes 'dense-dark' when the
 * tilt series reads dense dark, else 'dense-bright'. Every network here normalises its input by a mean and a std,
 * so a run negated is the same run with the std taken negative. Page-safe.
 */
import type { FlagSpec, FlagValues } from './flags.ts';
import { choiceFlag } from './flags.ts';
import { polarityText, type Polarity } from '../polarity.ts';

export const CONTRASTS = ['auto', 'dense-bright', 'dense-dark', 'both-signs'] as const;
export type Contrast = (typeof CONTRASTS)[number];

/** The page's names of the choices. */
export const CONTRAST_LABELS: Record<Contrast, string> = {
  auto: "The tilt series' (auto)",
  'dense-bright': 'Dense bright (as trained)',
  'dense-dark': 'Dense dark (run negated)',
  'both-signs': 'Both signs (odd part, 2× time)',
};

/** What ran: the contrast with 'auto' resolved and, with 'auto', what the series read (null: no series known). */
export interface ResolvedContrast {
  contrast: Exclude<Contrast, 'auto'>;
  seriesPolarity?: Polarity | null;
}

/**
 * `contrast` with 'auto' resolved from the series' contrast, which `seriesPolarity` reads only then (it may cost a
 * pass over the stack); absent: no series, as for a tomogram from a file.
 */
export async function resolveContrast(contrast: Contrast, seriesPolarity?: () => Polarity | Promise<Polarity>): Promise<ResolvedContrast> {
  if (contrast !== 'auto') return { contrast };
  const polarity = await seriesPolarity?.();
  return { contrast: polarity === 'dense-dark' ? 'dense-dark' : 'dense-bright', seriesPolarity: polarity ?? null };
}

/**
 * The passes a resolved contrast runs, each by the sign its network input is taken with (−1: negated, and the output
 * negated back): one pass, or for 'both-signs' two, whose mean (meanOfPassesInto) is the network's odd part.
 */
export function contrastSigns({ contrast }: ResolvedContrast): (1 | -1)[] {
  return contrast === 'both-signs' ? [1, -1] : [contrast === 'dense-dark' ? -1 : 1];
}

/** `asGiven` ← the mean of the two passes, value by value: in normalised units g(x) and −g(−x), so (g(x) − g(−x))/2. */
export function meanOfPassesInto(asGiven: Float32Array, negated: Float32Array): void {
  for (let i = 0; i < asGiven.length; i++) asGiven[i] = (asGiven[i] + negated[i]) / 2;
}

/** ", contrast dense dark, run negated (from the series)": what ran and, with 'auto' (seriesPolarity present), why. */
export function contrastText({ contrast, seriesPolarity }: ResolvedContrast): string {
  if (contrast === 'both-signs') return ', both signs, odd part';
  const ran = contrast === 'dense-dark' ? 'dense dark, run negated' : 'dense bright';
  if (seriesPolarity === undefined) return `, contrast ${ran}`;
  if (seriesPolarity === null) return ', contrast not known, run as trained (dense bright)';
  if (seriesPolarity === 'unclear') return ', contrast unclear in the series, run as trained (dense bright)';
  return `, contrast ${ran} (from the series)`;
}

/** What 'auto' will do with a series of this polarity, before the run: the form's hint. */
export function autoContrastHint(polarity: Polarity): string {
  if (polarity === 'unclear') return "This series' contrast is unclear: auto runs the network as trained; set the contrast if you know it.";
  const ran = polarity === 'dense-dark' ? 'on it negated' : 'as trained';
  return `This series reads ${polarityText(polarity)}: auto runs the network ${ran}.`;
}

/** The label's text before the run (no facts yet): nothing for 'auto', which only the run resolves. */
export function requestedContrastText(contrast: Contrast): string {
  return contrast === 'auto' ? '' : contrastText({ contrast });
}

/** The `--contrast` flag; `auto` says where that method finds the series. */
export function contrastFlag<P>(auto: string): FlagSpec<P> {
  return {
    name: 'contrast',
    value: CONTRASTS.join('|'),
    parse: 'string',
    help:
      'which way the data run: the shipped models learnt dense matter bright; dense-dark (raw cryo-EM contrast) runs the network on ' +
      `the negated data; both-signs keeps the network's odd part (twice the work); auto ${auto}`,
    defaultText: 'auto',
  };
}

/** The contrast given on the command line, if any. */
export function readContrastFlag(values: FlagValues): { contrast?: Contrast } {
  const contrast = choiceFlag(values, 'contrast', CONTRASTS);
  return contrast ? { contrast } : {};
}

/** The refusal of a contrast that is not one of the four (a script's request). */
export function checkContrast(contrast: Contrast): void {
  if (!CONTRASTS.includes(contrast)) throw new Error(`the contrast must be one of ${CONTRASTS.join(', ')} (got ${String(contrast)})`);
}
