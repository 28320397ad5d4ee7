/**
 * Tilts synthesised by the latent back-projection network (docs/synthesis.md): an ONNX encoder takes each tilt
 * to C latent channels at 1/4 size, the engine's projector back-projects them into a latent volume, an ONNX
 * 3-D refiner works on it, the projector projects it at the new angles and an ONNX decoder brings those back to
 * full size. Page-safe; the runner is ./run.ts.
 */
import { defaultThickness } from '../common.ts';
import type { MethodDefinition } from '../definition.ts';
import { checkContrast, contrastFlag, contrastText, readContrastFlag, requestedContrastText, type Contrast, type ResolvedContrast } from '../contrast.ts';
import type { FlagValues } from '../flags.ts';
import { angleListText, checkAnglesToAdd, parseAngleList } from '../reproject/base.ts';
import { DEFAULT_SYNTH_MODEL } from './models.ts';

export interface LatentbpParams {
  /** Tilt angles to add, degrees, in the order they are appended to the stack. */
  angles: number[];
  /** Thickness of the sample in pixels; the latent volume is a quarter of it (rounded up) deep. */
  thickness: number;
  /** A shipped model's name (./models.ts) or, where the run can read files (CLI), a folder with the three parts and card.json. */
  model: string;
  /** Which way the series' contrast runs (../contrast.ts). */
  contrast: Contrast;
}

/** What is known once the model ran, and the contrast it ran with ('auto' resolved from the series). */
export interface LatentbpFacts extends ResolvedContrast {
  /** Latent channels C. */
  channels: number;
  /** onnxruntime-web's backend that ran the three parts. */
  backend: string;
}

export const LATENTBP: MethodDefinition<'latentbp', 'tiltSynthesis', LatentbpParams, LatentbpFacts> = {
  name: 'latentbp',
  kind: 'tiltSynthesis',
  cpu: true,
  title: 'Latent back-projection',
  menuLabel: 'Latent back-projection network: learned tilts at new angles',
  learned: true,
  modelFamily: 'synth',
  help:
    'Synthesises tilts at new angles with a trained network (the latent back-projection paper): an encoder takes each tilt ' +
    'to C feature channels at 1/4 size, the engine back-projects them into a latent volume at their angles, 3-D ' +
    'convolutions refine it, the engine projects it at the new angles and a decoder brings those back to full size. The ' +
    'new tilts are appended to the stack.',
  defaults: (input, partial = {}) => ({
    angles: partial.angles ?? [],
    thickness: partial.thickness ?? defaultThickness(input),
    model: partial.model ?? DEFAULT_SYNTH_MODEL,
    contrast: partial.contrast ?? 'auto',
  }),
  validate(p) {
    checkAnglesToAdd(p.angles);
    if (!Number.isInteger(p.thickness) || p.thickness < 1) throw new Error(`thickness must be a whole number ≥ 1 (got ${p.thickness})`);
    if (p.model.trim() === '') throw new Error('the latent back-projection network needs a model: a shipped name or a folder');
    checkContrast(p.contrast);
  },
  paramText(p, context = {}) {
    const f = context.facts;
    const contrast = f ? contrastText(f) : requestedContrastText(p.contrast);
    return `${angleListText(p.angles)}°, ${p.model}${f ? `, C ${f.channels}, ${f.backend}` : ''}${contrast}, thickness ${p.thickness}`;
  },
  flags: [
    { name: 'add', value: 'ANGLES', parse: 'string', help: 'tilt angles to add, degrees: a list such as ±63,±66,±69 or 63,-63', defaultText: 'none: required' },
    { name: 'thickness', value: 'NZ', parse: 'int', param: 'thickness', help: 'thickness of the sample (the latent volume is a quarter of it deep)', defaultText: 'a quarter of the width' },
    { name: 'model', value: 'NAME|FOLDER', parse: 'string', param: 'model', help: 'a shipped model, or a folder with encoder.onnx, refiner.onnx, decoder.onnx and card.json as models/synth/train.py writes them (checked before any work)' },
    contrastFlag('reads it from the tilt series (engine/polarity.ts) and runs it negated where it reads dense dark'),
  ],
  readFlags: (values: FlagValues) => ({ ...(typeof values.add === 'string' ? { angles: parseAngleList(values.add) } : {}), ...readContrastFlag(values) }),
  formDefaults: () => ({ angles: [63, -63, 66, -66, 69, -69], thickness: 64, model: DEFAULT_SYNTH_MODEL, contrast: 'auto' }),
};
