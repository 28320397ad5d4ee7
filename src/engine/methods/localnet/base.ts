/**
 * The local network (CryoLithe-style, docs/background.md#cryolithe): a pretrained ONNX model applied to the
 * patches of the filtered tilts around each voxel's projections. What it is (page-safe); the runner is ./run.ts.
 */
import { commonDefaults, describeCommon, type CommonParams } from '../common.ts';
import type { MethodDefinition } from '../definition.ts';
import { polarityText, type Polarity } from '../../polarity.ts';
import { halfLength } from './grid.ts';
import { MIN_TILTS } from '../../../io/tiltSeriesChecks.ts';
import { tooFewForHalves } from '../../evaluation/halves.ts';
import { DEFAULT_LOCAL_MODEL, type LocalnetVariant } from './models.ts';

export interface LocalnetParams extends CommonParams {
  /** A shipped model's name (./models.ts) or, where the run can read files (CLI), a path to one. */
  model: string;
  /** Points per model call; 0 = as many as the memory budget and the device's binding limit allow. */
  batchSize: number;
  /**
   * Cycles/voxel below which the wedge cone's measured side is taken from the cosine FBP of the same tilts,
   * scaled onto the model's (./fbpHandover.ts); 0 keeps the model's own. The model's patches cannot see that far.
   */
  fbpBelow: number;
  /**
   * Instead of fbpBelow: the whole measured side moves toward the cosine FBP, each frequency shell weighted by
   * 2F/(1 + F) of that FBP's odd/even FSC F (./fbpHandover.ts): mostly FBP where the data are clean, the model
   * where they are noisy.
   */
  fbpFsc: boolean;
  /**
   * With fbpFsc: after the hand-over, smooth the whole tomogram by a Gaussian of this σ (voxels) only as far as
   * that FSC says the data do not determine a frequency, each one × max(2F/(1 + F), G_σ) (./fbpHandover.ts); 0: none.
   */
  fscSigma: number;
  /**
   * Run a model that is not odd as it was trained, not as its odd part (model.ts): for a model trained on one
   * contrast only (a converted CryoLithe network, the lamella reference models), given a stack of that contrast.
   * Inverted contrast can then come out with structure of the wrong sign. No effect on odd models (the shipped ones).
   */
  asTrained: boolean;
}

/** What the model's own pass reads (run.ts, cpu.ts): the hand-over to FBP comes after it, the model is opened before it. */
export type ModelRunParams = Omit<LocalnetParams, 'fbpBelow' | 'fbpFsc' | 'fscSigma' | 'asTrained'>;

/** What is known of the model once it is open. */
export interface LocalnetFacts {
  /** Patch size P. */
  patch: number;
  /** Values per point: 1 (voxel variant) or 8 (wavelet variant, bior3.1 sub-bands). */
  outputs: number;
  /** onnxruntime-web's backend that ran it. */
  backend: string;
  /** Whether the model is odd itself; if not, the engine ran its odd part (model.ts) unless asked to run it as trained. */
  odd: boolean;
  /** Which way the stack's contrast runs (engine/polarity.ts); an odd model gives the same structure either way. */
  polarity: Polarity;
  /** With a hand-over (fbpBelow > 0 or fbpFsc): the least-squares factor that scaled the FBP's handed-over coefficients onto the model's. */
  fbpScale?: number;
}

/**
 * The default hand-over to FBP: none. At 0.15 cycles/voxel it raised PSNR by 0.1–0.7 dB on every simulation
 * tried, but on the real EMPIAR-10009 series it made the held-out tilts' lowest rings worse (the model's own
 * were better than FBP's there), and the trust score's sign did not change (docs/localnet.md#fbp-hand-over).
 */
export const DEFAULT_FBP_BELOW = 0;

/** The FSC smoothing's largest σ (voxels): wider blurs whole objects, whatever the FSC says. */
export const MAX_FSC_SIGMA = 4;

/**
 * The σ the page puts in when the FSC-weighted hand-over is ticked (voxels): scored with it on every simulation
 * (−5…+20 dB) and both real series, it was never "worse than FBP", within 0.08 dB of a fixed σ 0.75 at −5/0 dB
 * and 0.25 dB of no σ at +10/+20 dB (docs/localnet.md#smoothing-that-follows-the-fsc).
 */
export const SUGGESTED_FSC_SIGMA = 0.75;

/** Whether the run hands part of the model's tomogram over to FBP. */
export function handsOver(params: Pick<LocalnetParams, 'fbpBelow' | 'fbpFsc'>): boolean {
  return params.fbpBelow > 0 || params.fbpFsc;
}

/** The FSC-weighted hand-over, as its two halves' odd/even FSC names it. */
export const FSC_HANDOVER = 'FSC-weighted hand-over to FBP';

/** What a hand-over moves to FBP, for its progress and its errors. */
export function handedOver(params: Pick<LocalnetParams, 'fbpBelow' | 'fbpFsc'>): string {
  return params.fbpFsc ? "the measured side, weighted by the FBP's odd/even FSC," : `the frequencies below ${params.fbpBelow} cycles/voxel`;
}

/**
 * Why the asked hand-over could not finish on the (binned) series, or null: the FSC-weighted one needs two halves of
 * the tilts. The run refuses it before the model runs; the page says it beside the form. (Any size: the hand-over
 * works on tomograms held in pieces, on the CPU pool where the GPU cannot hold the spectrum.)
 */
export function handoverProblem(params: Pick<LocalnetParams, 'fbpBelow' | 'fbpFsc'>, series: { nTilts: number }): string | null {
  return params.fbpFsc ? tooFewForHalves(series.nTilts, FSC_HANDOVER) : null;
}

export function variantOf(outputs: number): LocalnetVariant {
  return outputs === 8 ? 'wavelet' : 'voxel';
}

/** Model calls of a run: one per voxel, or one per bior3.1 half-grid point (wavelet variant). */
export function modelCalls(variant: LocalnetVariant, nx: number, ny: number, nz: number): number {
  return variant === 'wavelet' ? halfLength(nx) * halfLength(ny) * halfLength(nz) : nx * ny * nz;
}

export const LOCALNET: MethodDefinition<'localnet', 'reconstruction', LocalnetParams, LocalnetFacts> = {
  name: 'localnet',
  kind: 'reconstruction',
  cpu: true,
  title: 'Local network',
  menuLabel: 'Local network: pretrained model on tilt patches',
  learned: true,
  // The stack's mean is taken off before the model (any model) and before the hand-over's FBPs (localnet.test.ts, fbpHandover.test.ts).
  offsetFree: true,
  // localnet-wavelet is an alias of this definition: it runs the same family.
  modelFamily: 'localnet',
  help:
    'Local learned reconstruction: the stack is normalised and ramp-filtered, the P × P patch of every tilt around each ' +
    "voxel's projection is cut on the GPU and fed to a pretrained ONNX model (voxel variant: one value per voxel; wavelet " +
    'variant: 8 bior3.1 sub-bands per half-grid point); the variant follows the model. The page runs ' +
    `${DEFAULT_LOCAL_MODEL.wavelet} with --fbp-fsc --fsc-sigma ${SUGGESTED_FSC_SIGMA} (its validated composition); the command line runs ` +
    'the model alone unless asked.',
  defaults: (input, partial = {}) => ({
    ...commonDefaults(input, partial),
    model: partial.model ?? DEFAULT_LOCAL_MODEL.voxel,
    batchSize: partial.batchSize ?? 0,
    fbpBelow: partial.fbpBelow ?? DEFAULT_FBP_BELOW,
    fbpFsc: partial.fbpFsc ?? false,
    fscSigma: partial.fscSigma ?? 0,
    asTrained: partial.asTrained ?? false,
  }),
  validate(p) {
    if (!(p.fbpBelow >= 0 && p.fbpBelow <= 0.5)) throw new Error(`the FBP hand-over must be in [0, 0.5] cycles/voxel, 0 for none (got ${p.fbpBelow})`);
    if (!Number.isInteger(p.batchSize) || p.batchSize < 0) throw new Error(`the batch size must be a whole number ≥ 0, 0 for automatic (got ${p.batchSize})`);
    if (p.fbpFsc && p.fbpBelow > 0) throw new Error(`the FSC-weighted hand-over to FBP replaces the one below a fixed frequency: use one of them (FBP below ${p.fbpBelow} cycles/voxel was given too)`);
    if (!(p.fscSigma >= 0 && p.fscSigma <= MAX_FSC_SIGMA)) throw new Error(`the smoothing's σ must be in [0, ${MAX_FSC_SIGMA}] voxels, 0 for none (got ${p.fscSigma})`);
    if (p.fscSigma > 0 && !p.fbpFsc) throw new Error(`smoothing where the FSC is low (σ ${p.fscSigma} voxels) takes its weights from the FSC-weighted hand-over to FBP: turn that on too, or set σ to 0`);
    if (p.model.trim() === '') throw new Error('the local network needs a model: a shipped name or an .onnx file');
  },
  paramText(p, context = {}) {
    const f = context.facts;
    const odd = f?.odd === false ? (p.asTrained ? ', not odd, run as trained' : ', run as its odd part') : '';
    const model = f ? `${p.model}, P ${f.patch}, ${variantOf(f.outputs)}, ${f.backend}${odd}, contrast ${polarityText(f.polarity)}` : p.model;
    const scale = f?.fbpScale !== undefined ? ` (×${f.fbpScale.toPrecision(2)})` : '';
    const smoothing = p.fscSigma > 0 ? `, σ ${p.fscSigma} where the FSC is low` : '';
    const fbp = p.fbpFsc ? `, FBP by odd/even FSC${scale}${smoothing}` : p.fbpBelow > 0 ? `, FBP below ${p.fbpBelow} cycles/voxel${scale}` : '';
    return `${model}${fbp}, ${describeCommon(p)}`;
  },
  flags: [
    { name: 'model', value: 'NAME|FILE.onnx', parse: 'string', param: 'model', help: 'a shipped model, or an .onnx file of the same interface (opened and run once before any work)' },
    { name: 'batch', value: 'N', parse: 'int', param: 'batchSize', help: 'points per model call (0: sized to the GPU memory, or on the CPU path to 128 MiB of patches)' },
    { name: 'fbp-below', value: 'F', parse: 'number', param: 'fbpBelow', help: "cycles/voxel below which the measured side comes from FBP, scaled to the model's (0: none)" },
    {
      name: 'fbp-fsc',
      parse: 'switch',
      param: 'fbpFsc',
      help: `instead of --fbp-below: the whole measured side moves toward FBP, each frequency by 2F/(1 + F) of the FBP's odd/even FSC F (two cosine FBPs, of the even and the odd tilts, which make the whole one; needs ${2 * MIN_TILTS} tilts)`,
    },
    {
      name: 'fsc-sigma',
      value: 'S',
      parse: 'number',
      param: 'fscSigma',
      help: 'with --fbp-fsc: then smooth the whole tomogram by a Gaussian of σ S voxels where that FSC is low, each frequency × max(2F/(1 + F), Gaussian) (0: none)',
    },
    {
      name: 'as-trained',
      parse: 'switch',
      param: 'asTrained',
      help: 'run a model that is not odd as it was trained, not as its odd part: for a model trained on one contrast (a converted CryoLithe network), given a stack of that contrast; inverted contrast can then give structure of the wrong sign (odd models, the shipped ones: no effect)',
    },
  ],
  aliases: { 'localnet-wavelet': { model: DEFAULT_LOCAL_MODEL.wavelet } },
  // The page starts on the wavelet model (8× fewer model calls than the voxel one, and it validated at least as
  // well) composed with the FSC-weighted hand-over and its smoothing: two cosine FBPs more, and 0.24–1.01 dB more
  // than the model alone in all 26 validation runs, the independent simulator's included; on the real jason64
  // series the trust difference goes from −0.117 to −0.010 (docs/localnet-history.md#the-pages-default-2026-12-05).
  // The CLI keeps the model alone (defaults above), so that scripts keep their results.
  formDefaults: () => ({ model: DEFAULT_LOCAL_MODEL.wavelet, batchSize: 0, fbpBelow: 0, fbpFsc: true, fscSigma: SUGGESTED_FSC_SIGMA, asTrained: false }),
};
